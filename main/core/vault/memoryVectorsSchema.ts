import type { Db } from '../db/sqlcipher';

/**
 * Vault migration 3 (issue 9): memory search by embeddings. The person picks one embedding
 * model on one of their connections (at most one row); each fact may have one vector, a
 * Float32 BLOB tagged with the model it came from, inside the encrypted vault like everything else.
 *
 * Triggers keep vectors honest without the code having to remember: editing a fact's text
 * drops its vector (the backfill makes a new one), deleting a fact or the configuration
 * (directly, or by deleting its connection) drops the vectors with it.
 */
export function memoryVectorsSchema(db: Db): void {
  db.exec(`
    CREATE TABLE memory_embedding_config (
      id            INTEGER PRIMARY KEY CHECK (id = 1),
      connection_id TEXT NOT NULL REFERENCES provider_connections(id) ON DELETE CASCADE,
      model         TEXT NOT NULL,
      updated_at    INTEGER NOT NULL
    );
    CREATE TABLE memory_vectors (
      fact_seq  INTEGER PRIMARY KEY REFERENCES memory_facts(seq) ON DELETE CASCADE,
      model_key TEXT NOT NULL,
      vector    BLOB NOT NULL
    );
    CREATE INDEX memory_vectors_model ON memory_vectors(model_key);
    CREATE TRIGGER memory_vectors_stale AFTER UPDATE OF text ON memory_facts BEGIN
      DELETE FROM memory_vectors WHERE fact_seq = new.seq;
    END;
    CREATE TRIGGER memory_vectors_fact_gone AFTER DELETE ON memory_facts BEGIN
      DELETE FROM memory_vectors WHERE fact_seq = old.seq;
    END;
    CREATE TRIGGER memory_vectors_config_gone AFTER DELETE ON memory_embedding_config BEGIN
      DELETE FROM memory_vectors;
    END;
  `);
}
