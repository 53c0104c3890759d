import { embed, embedMany } from 'ai';
import type { Session } from '../accounts/session';
import { CubbyError, type ErrorCode } from '../errors';
import { parseInput } from '../vault/common';
import { relevantFacts, type MemoryFact } from '../vault/memory';
import {
  currentModelKey,
  EmbeddingModelId,
  factsWithoutVector,
  getEmbeddingConfig,
  hasVectors,
  rankByVector,
  saveVectors,
  setEmbeddingConfig,
  vectorCounts,
  type EmbeddingConfig,
} from '../vault/memoryVectors';
import { mapProviderError } from './providerErrors';
import { embeddingModel, resolveConnection, type ProviderRuntime } from './providers';

/**
 * Memory search by embeddings, the provider side: the test embed when the person chooses a
 * model, the background backfill of facts without a vector, and the question's embedding at
 * call time. Every call goes through the AI SDK with the key read from the vault at that moment.
 * A failure never loses or blocks a fact, and at call time falls back to full-text search.
 */
export interface EmbeddingRuntime extends ProviderRuntime {
  /** The machine policy's verdict on the chosen connection (main's handlers check it; core tests allow). */
  embeddingConnectionAllowed?: (connectionId: string) => boolean;
  /** How long the question's embedding may take before the chat goes on without it. */
  queryEmbedTimeoutMs?: number;
  /** After a failed background indexing, how long before another trigger may try again (default 60 s). */
  backfillRetryMs?: number;
}

export const BACKFILL_BATCH = 64;
export const QUERY_EMBED_TIMEOUT_MS = 5_000;
export const BACKFILL_RETRY_MS = 60_000;
const TEST_TEXT = 'Cubby memory search test';

export interface EmbeddingStatus {
  config: EmbeddingConfig | null;
  indexed: number;
  total: number;
  /** Why the last background indexing stopped (a provider code and safe message), until one succeeds. */
  lastError: { code: ErrorCode; message: string } | null;
}

interface BackfillState {
  running: Promise<BackfillResult> | null;
  lastError: CubbyError | null;
  lastFailedAt: number;
}
export interface BackfillResult {
  embedded: number;
  error?: CubbyError;
}

const states = new WeakMap<Session, BackfillState>();
const stateOf = (session: Session): BackfillState => {
  let s = states.get(session);
  if (!s) states.set(session, (s = { running: null, lastError: null, lastFailedAt: 0 }));
  return s;
};

function allowed(config: EmbeddingConfig, runtime: EmbeddingRuntime): boolean {
  return runtime.embeddingConnectionAllowed?.(config.connectionId) ?? true;
}

function modelFor(session: Session, config: EmbeddingConfig, runtime: ProviderRuntime) {
  return embeddingModel(resolveConnection(session, config.connectionId), config.model, runtime);
}

/**
 * Choose the embedding model for memory search after one test embed through it (so a wrong
 * model or key answers its provider code now, and nothing is saved); then index in the background.
 */
export async function configureMemoryEmbeddings(session: Session, choice: EmbeddingConfig, runtime: EmbeddingRuntime = {}): Promise<EmbeddingStatus> {
  const config = { connectionId: choice.connectionId, model: parseInput(EmbeddingModelId, choice.model) };
  const model = modelFor(session, config, runtime);
  try {
    const { embedding } = await embed({ model, value: TEST_TEXT, maxRetries: runtime.maxRetries ?? 2, abortSignal: AbortSignal.timeout(30_000) });
    if (!embedding.length) throw { type: 'invalid_response' };
  } catch (e) {
    const error = mapProviderError(e);
    // The chat's message points at the agent editor; here the model is the one just typed.
    if (error.code === 'PROVIDER_MODEL_UNKNOWN') throw new CubbyError(error.code, 'The provider has no embedding model by this name. Check the name (for example text-embedding-3-small).');
    throw error;
  }
  setEmbeddingConfig(session, config.connectionId, config.model);
  stateOf(session).lastError = null;
  void backfillMemoryVectors(session, runtime);
  return embeddingStatus(session);
}

export function embeddingStatus(session: Session): EmbeddingStatus {
  const config = getEmbeddingConfig(session);
  const err = states.get(session)?.lastError ?? null;
  return { config, ...vectorCounts(session, currentModelKey(session)), lastError: err && { code: err.code, message: err.message } };
}

/**
 * Embed every fact without a vector from the current model, in batches, until none is left;
 * stops when the session closes or a call fails (the next trigger tries again). One run per
 * session at a time: a second call gets the running one, which picks up new facts as it goes.
 */
export function backfillMemoryVectors(session: Session, runtime: EmbeddingRuntime = {}): Promise<BackfillResult> {
  const state = stateOf(session);
  if (!session.isOpen) return Promise.resolve({ embedded: 0 });
  // A server that keeps failing is not asked again on every save or chat; choosing the model again resets this.
  if (!state.running && state.lastError && Date.now() - state.lastFailedAt < (runtime.backfillRetryMs ?? BACKFILL_RETRY_MS)) {
    return Promise.resolve({ embedded: 0, error: state.lastError });
  }
  state.running ??= runBackfill(session, state, runtime).finally(() => {
    state.running = null;
  });
  return state.running;
}

async function runBackfill(session: Session, state: BackfillState, runtime: EmbeddingRuntime): Promise<BackfillResult> {
  const controller = new AbortController();
  const stop = session.onClose(() => controller.abort());
  let embedded = 0;
  try {
    for (;;) {
      if (!session.isOpen) return { embedded };
      const config = getEmbeddingConfig(session);
      if (!config || !allowed(config, runtime)) return { embedded };
      const modelKey = currentModelKey(session)!;
      const batch = factsWithoutVector(session, modelKey, BACKFILL_BATCH);
      if (batch.length === 0) {
        state.lastError = null;
        return { embedded };
      }
      const model = modelFor(session, config, runtime);
      const { embeddings } = await embedMany({ model, values: batch.map((f) => f.text), maxRetries: runtime.maxRetries ?? 2, abortSignal: controller.signal });
      if (!session.isOpen) return { embedded };
      if (embeddings.length !== batch.length) throw { type: 'invalid_response' };
      const saved = saveVectors(session, modelKey, batch.map((f, i) => ({ ...f, vector: embeddings[i]! })));
      embedded += saved;
      // Nothing saved means the model changed, or every fact of the batch changed, meanwhile: start over.
      if (saved === 0 && currentModelKey(session) === modelKey) return { embedded };
    }
  } catch (e) {
    if (controller.signal.aborted || !session.isOpen) return { embedded };
    const error = mapProviderError(e);
    state.lastError = error;
    state.lastFailedAt = Date.now();
    return { embedded, error };
  } finally {
    stop();
  }
}

/**
 * Facts ranked by similarity to `text`, or null when memory search by embeddings is off, has no
 * vectors yet, or the question cannot be embedded now (full-text search then works alone).
 */
async function rankedByMeaning(session: Session, text: string, runtime: EmbeddingRuntime, limit: number, signal?: AbortSignal): Promise<number[] | null> {
  const config = getEmbeddingConfig(session);
  if (!config || !text.trim() || !allowed(config, runtime)) return null;
  const modelKey = currentModelKey(session)!;
  if (!hasVectors(session, modelKey)) return null;
  const controller = new AbortController();
  const stop = session.onClose(() => controller.abort());
  try {
    const model = modelFor(session, config, runtime);
    const signals = [controller.signal, AbortSignal.timeout(runtime.queryEmbedTimeoutMs ?? QUERY_EMBED_TIMEOUT_MS), ...(signal ? [signal] : [])];
    const { embedding } = await embed({ model, value: text.slice(0, 8_000), maxRetries: 0, abortSignal: AbortSignal.any(signals) });
    return session.isOpen ? rankByVector(session, modelKey, embedding, limit) : null;
  } catch {
    return null; // the answer must still work: words alone; nothing about the failure is kept
  } finally {
    stop();
  }
}

/** The facts for the prompt: by words and, when set up, by meaning, within `tokenBudget`. */
export async function relevantFactsFor(
  session: Session,
  text: string,
  tokenBudget: number,
  runtime: EmbeddingRuntime = {},
  opts: { maxFacts?: number; signal?: AbortSignal } = {},
): Promise<MemoryFact[]> {
  const maxFacts = opts.maxFacts ?? 50;
  if (tokenBudget <= 0) return [];
  const byMeaning = await rankedByMeaning(session, text, runtime, maxFacts, opts.signal);
  if (!session.isOpen) return [];
  return relevantFacts(session, text, tokenBudget, maxFacts, byMeaning ?? []);
}
