import { z } from 'zod';
import { vaultOf, type Session } from '../accounts/session';
import { CubbyError, notFound } from '../errors';
import { newId, parseInput } from './common';
import { memoryVectorsChanged } from './memoryVectors';
import { allTermsQuery, anyTermQuery, MATCH_END, MATCH_START, MIN_TERM_CHARS, snippetParts, STOP_WORDS, type SnippetPart } from './fts';

/** Facts the person saved, or an agent saved when allowed. */
export interface MemoryFact {
  id: string;
  text: string;
  source: 'person' | 'agent';
  createdAt: number;
  updatedAt: number;
}

const FactText = z.string().trim().min(1, 'A memory cannot be empty.').max(2000, 'A memory has at most 2,000 characters.');
const COLUMNS = 'id, text, source, created_at AS createdAt, updated_at AS updatedAt';

export function createMemory(session: Session, text: string, source: MemoryFact['source'] = 'person'): MemoryFact {
  const t = parseInput(FactText, text);
  const id = newId();
  const now = Date.now();
  vaultOf(session).prepare('INSERT INTO memory_facts (id, text, source, created_at, updated_at) VALUES (?, ?, ?, ?, ?)').run(id, t, source, now, now);
  return getMemory(session, id);
}

export function updateMemory(session: Session, id: string, text: string): MemoryFact {
  const t = parseInput(FactText, text);
  if (vaultOf(session).prepare('UPDATE memory_facts SET text = ?, updated_at = ? WHERE id = ?').run(t, Date.now(), id).changes === 0) {
    throw notFound('memory');
  }
  memoryVectorsChanged(session); // a trigger dropped its vector
  return getMemory(session, id);
}

export function deleteMemory(session: Session, id: string): void {
  if (vaultOf(session).prepare('DELETE FROM memory_facts WHERE id = ?').run(id).changes === 0) throw notFound('memory');
  memoryVectorsChanged(session);
}

export function getMemory(session: Session, id: string): MemoryFact {
  const row = vaultOf(session).prepare(`SELECT ${COLUMNS} FROM memory_facts WHERE id = ?`).get(id) as MemoryFact | undefined;
  if (!row) throw notFound('memory');
  return row;
}

/** Newest first. */
export function listMemory(session: Session, page: { limit?: number; offset?: number } = {}): MemoryFact[] {
  const limit = Math.min(Math.max(page.limit ?? 200, 1), 1000);
  return vaultOf(session)
    .prepare(`SELECT ${COLUMNS} FROM memory_facts ORDER BY updated_at DESC, seq DESC LIMIT ? OFFSET ?`)
    .all(limit, Math.max(page.offset ?? 0, 0)) as MemoryFact[];
}

/** The person's memory search box: every term must match; the match is highlighted. */
export function searchMemory(session: Session, query: string, limit = 50): (MemoryFact & { snippet: SnippetPart[] })[] {
  const match = allTermsQuery(query);
  if (!match) throw new CubbyError('VALIDATION', `Type at least ${MIN_TERM_CHARS} characters to search.`);
  const rows = vaultOf(session)
    .prepare(
      `SELECT f.id, f.text, f.source, f.created_at AS createdAt, f.updated_at AS updatedAt, highlight(memory_fts, 0, ?, ?) AS marked
       FROM memory_fts JOIN memory_facts f ON f.seq = memory_fts.rowid WHERE memory_fts MATCH ? ORDER BY bm25(memory_fts) LIMIT ?`,
    )
    .all(MATCH_START, MATCH_END, match, Math.min(Math.max(limit, 1), 200)) as (MemoryFact & { marked: string })[];
  return rows.map(({ marked, ...f }) => ({ ...f, snippet: snippetParts(marked) }));
}

/** A rough token count (about 4 characters a token): enough to keep a budget, no tokenizer needed. */
export const estimateTokens = (text: string): number => Math.ceil(text.length / 4);

/** Reciprocal-rank fusion's constant: how much the first places count more than the later ones. */
const RRF_K = 60;

/**
 * The facts most relevant to `text`, best first, as many as fit in `tokenBudget`. Full-text
 * (FTS5 bm25 over any of its words, common words left out) always takes part; when the caller
 * ranked facts by embedding similarity (`byVector`: fact seqs, best first), the two rankings
 * are merged by reciprocal-rank fusion, so a fact found by meaning only, by words only (one
 * without a vector yet), or by both (first) all get in.
 */
export function relevantFacts(session: Session, text: string, tokenBudget: number, maxFacts = 50, byVector: readonly number[] = []): MemoryFact[] {
  if (tokenBudget <= 0) return [];
  const db = vaultOf(session);
  const match = anyTermQuery(text, STOP_WORDS);
  const byWords = match
    ? (db.prepare('SELECT rowid FROM memory_fts WHERE memory_fts MATCH ? ORDER BY bm25(memory_fts) LIMIT ?').pluck().all(match, maxFacts) as number[])
    : [];
  const score = new Map<number, number>();
  for (const ranking of [byWords, byVector.slice(0, maxFacts)]) {
    ranking.forEach((seq, rank) => score.set(seq, (score.get(seq) ?? 0) + 1 / (RRF_K + rank + 1)));
  }
  const order = [...score.keys()].sort((a, b) => score.get(b)! - score.get(a)!).slice(0, maxFacts);
  if (order.length === 0) return [];
  const rows = db
    .prepare(`SELECT seq, ${COLUMNS} FROM memory_facts WHERE seq IN (SELECT value FROM json_each(?))`)
    .all(JSON.stringify(order)) as (MemoryFact & { seq: number })[];
  const bySeq = new Map(rows.map(({ seq, ...f }) => [seq, f]));
  const out: MemoryFact[] = [];
  let used = 0;
  for (const seq of order) {
    const f = bySeq.get(seq);
    if (!f) continue; // deleted since it was ranked
    const cost = estimateTokens(f.text) + 2;
    if (used + cost > tokenBudget) break;
    used += cost;
    out.push(f);
  }
  return out;
}
