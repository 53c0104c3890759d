import { z } from 'zod';
import { vaultOf, type Session } from '../accounts/session';
import { CubbyError } from '../errors';
import { parseInput } from './common';
import { getConnection } from './providerConnections';

/**
 * Memory search by embeddings, the vault side: which model the person chose, the facts' vectors
 * (Float32 BLOBs tagged with the model they came from) and ranking by cosine similarity.
 *
 * Ranking keeps the current model's vectors in memory, normalized, for the session only: the
 * cache hangs off the Session object, is dropped when the session closes and whenever facts or
 * vectors change, and is never shared between sessions or people.
 */
export interface EmbeddingConfig {
  connectionId: string;
  model: string;
}

export const EmbeddingModelId = z.string().trim().min(1, 'Enter the embedding model (for example text-embedding-3-small).').max(200, 'A model name has at most 200 characters.');

export function getEmbeddingConfig(session: Session): EmbeddingConfig | null {
  const row = vaultOf(session).prepare('SELECT connection_id AS connectionId, model FROM memory_embedding_config WHERE id = 1').get() as EmbeddingConfig | undefined;
  return row ?? null;
}

/**
 * Which vectors belong to the current choice: connection, its address and the model. Changing
 * any of them (another model, the connection pointed at another server) makes old vectors stale.
 */
export function modelKeyOf(session: Session, config: EmbeddingConfig): string {
  const c = getConnection(session, config.connectionId);
  return [c.id, c.kind, c.baseUrl ?? '', config.model].join('\n');
}

export function currentModelKey(session: Session): string | null {
  const config = getEmbeddingConfig(session);
  return config ? modelKeyOf(session, config) : null;
}

/** Choose the embedding model; vectors of any other model are deleted in the same transaction. */
export function setEmbeddingConfig(session: Session, connectionId: string, model: string): EmbeddingConfig {
  const m = parseInput(EmbeddingModelId, model);
  const db = vaultOf(session);
  db.transaction(() => {
    const c = getConnection(session, connectionId);
    if (c.kind === 'anthropic') throw embeddingsUnsupported();
    db.prepare(
      `INSERT INTO memory_embedding_config (id, connection_id, model, updated_at) VALUES (1, ?, ?, ?)
       ON CONFLICT(id) DO UPDATE SET connection_id = excluded.connection_id, model = excluded.model, updated_at = excluded.updated_at`,
    ).run(c.id, m, Date.now());
    db.prepare('DELETE FROM memory_vectors WHERE model_key != ?').run(modelKeyOf(session, { connectionId: c.id, model: m }));
  })();
  memoryVectorsChanged(session);
  return { connectionId, model: m };
}

/** Back to full-text search only; every vector goes (a trigger deletes them with the row). */
export function clearEmbeddingConfig(session: Session): void {
  vaultOf(session).prepare('DELETE FROM memory_embedding_config').run();
  memoryVectorsChanged(session);
}

export function embeddingsUnsupported(): CubbyError {
  return new CubbyError('NOT_SUPPORTED', 'Anthropic has no embedding models. Choose an OpenAI or OpenAI-compatible connection for memory search.');
}

/** Facts with no vector from the current model, oldest first. */
export function factsWithoutVector(session: Session, modelKey: string, limit: number): { seq: number; text: string }[] {
  return vaultOf(session)
    .prepare(
      `SELECT f.seq, f.text FROM memory_facts f LEFT JOIN memory_vectors v ON v.fact_seq = f.seq AND v.model_key = ?
       WHERE v.fact_seq IS NULL ORDER BY f.seq LIMIT ?`,
    )
    .all(modelKey, limit) as { seq: number; text: string }[];
}

/**
 * Store vectors computed for facts. A fact edited or deleted while its vector was being computed
 * keeps none (its text must still be the one embedded), and nothing is stored once the model changed.
 */
export function saveVectors(session: Session, modelKey: string, rows: { seq: number; text: string; vector: ArrayLike<number> }[]): number {
  const db = vaultOf(session);
  const insert = db.prepare(
    `INSERT OR REPLACE INTO memory_vectors (fact_seq, model_key, vector)
     SELECT seq, ?, ? FROM memory_facts WHERE seq = ? AND text = ?`,
  );
  const saved = db.transaction(() => {
    if (currentModelKey(session) !== modelKey) return 0;
    let n = 0;
    for (const r of rows) n += insert.run(modelKey, Buffer.from(Float32Array.from(r.vector).buffer), r.seq, r.text).changes;
    return n;
  })();
  if (saved) memoryVectorsChanged(session);
  return saved;
}

export function vectorCounts(session: Session, modelKey: string | null): { indexed: number; total: number } {
  const db = vaultOf(session);
  const total = db.prepare('SELECT count(*) FROM memory_facts').pluck().get() as number;
  const indexed = modelKey ? (db.prepare('SELECT count(*) FROM memory_vectors WHERE model_key = ?').pluck().get(modelKey) as number) : 0;
  return { indexed, total };
}

interface VectorCache {
  modelKey: string;
  generation: number;
  dims: number;
  seqs: Int32Array;
  /** Row i: the unit vector of fact seqs[i]. */
  matrix: Float32Array;
}

const generations = new WeakMap<Session, number>();
const caches = new WeakMap<Session, VectorCache>();
/** Sessions whose cache is already set to go when they close (one listener each, however often it reloads). */
const dropsOnClose = new WeakSet<Session>();

/** Facts or vectors changed: the next ranking reloads. memory.ts calls this on every edit and delete. */
export function memoryVectorsChanged(session: Session): void {
  generations.set(session, (generations.get(session) ?? 0) + 1);
  caches.delete(session);
}

/** The current model's vectors, unit length, in one query; vectors of another length are left out. */
function loadVectors(session: Session, modelKey: string, dims: number): VectorCache {
  const generation = generations.get(session) ?? 0;
  const cached = caches.get(session);
  if (cached && cached.modelKey === modelKey && cached.generation === generation && cached.dims === dims) return cached;
  const rows = vaultOf(session).prepare('SELECT fact_seq, vector FROM memory_vectors WHERE model_key = ?').raw().all(modelKey) as [number, Buffer][];
  const usable = rows.filter(([, v]) => v.length === dims * 4);
  const seqs = new Int32Array(usable.length);
  const matrix = new Float32Array(usable.length * dims);
  usable.forEach(([seq, blob], i) => {
    seqs[i] = seq;
    // The Buffer may sit at any byte offset in a shared pool: copy its bytes instead of viewing them as floats.
    blob.copy(new Uint8Array(matrix.buffer, i * dims * 4, dims * 4));
    const row = matrix.subarray(i * dims, (i + 1) * dims);
    let sum = 0;
    for (let d = 0; d < dims; d++) sum += row[d]! * row[d]!;
    const norm = Math.sqrt(sum);
    if (norm > 0) for (let d = 0; d < dims; d++) row[d]! /= norm;
  });
  const cache: VectorCache = { modelKey, generation, dims, seqs, matrix };
  if (session.isOpen) {
    if (!dropsOnClose.has(session)) {
      dropsOnClose.add(session);
      session.onClose(() => caches.delete(session));
    }
    caches.set(session, cache);
  }
  return cache;
}

export function hasVectors(session: Session, modelKey: string): boolean {
  return !!vaultOf(session).prepare('SELECT 1 FROM memory_vectors WHERE model_key = ? LIMIT 1').get(modelKey);
}

/**
 * Fact seqs by cosine similarity to `query`, best first, at most `limit`, leaving out facts no
 * closer than orthogonal (they share nothing with the question).
 */
export function rankByVector(session: Session, modelKey: string, query: ArrayLike<number>, limit: number): number[] {
  const dims = query.length;
  const { seqs, matrix } = loadVectors(session, modelKey, dims);
  const q = Float32Array.from(query);
  let sum = 0;
  for (let d = 0; d < dims; d++) sum += q[d]! * q[d]!;
  const qNorm = Math.sqrt(sum);
  if (!qNorm || seqs.length === 0) return [];
  const scores = new Float32Array(seqs.length);
  for (let i = 0; i < seqs.length; i++) {
    let dot = 0;
    for (let d = 0, o = i * dims; d < dims; d++, o++) dot += matrix[o]! * q[d]!;
    scores[i] = dot / qNorm;
  }
  const order = Array.from(seqs.keys()).filter((i) => scores[i]! > 1e-6);
  order.sort((a, b) => scores[b]! - scores[a]!);
  return order.slice(0, limit).map((i) => seqs[i]!);
}
