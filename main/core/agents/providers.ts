import { createAnthropic } from '@ai-sdk/anthropic';
import { createOpenAI } from '@ai-sdk/openai';
import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import type { EmbeddingModel, LanguageModel } from 'ai';
import type { Session } from '../accounts/session';
import { CubbyError } from '../errors';
import { embeddingsUnsupported } from '../vault/memoryVectors';
import { getConnection, type ProviderKind } from '../vault/providerConnections';
import { readSecretValue } from '../vault/secrets';

// The SDK prints its warnings to the console; main keeps provider chatter out of its output.
(globalThis as { AI_SDK_LOG_WARNINGS?: boolean }).AI_SDK_LOG_WARNINGS = false;

/** A connection ready to call: kind, address and key, read from the caller's vault at call time. */
export interface ResolvedProvider {
  kind: ProviderKind;
  /** null/undefined: the provider's public endpoint. Includes the API version path (…/v1). */
  baseUrl?: string | null;
  apiKey?: string | null;
}

/** How requests leave main: tests inject a fetch and turn retries off. */
export interface ProviderRuntime {
  fetch?: typeof globalThis.fetch;
  /** The SDK's own retries of retryable failures (default 2; tests use 0). */
  maxRetries?: number;
}

export const DEFAULT_BASE_URLS: Record<Exclude<ProviderKind, 'openai-compatible'>, string> = {
  openai: 'https://api.openai.com/v1',
  anthropic: 'https://api.anthropic.com/v1',
};

export function baseUrlOf(p: ResolvedProvider): string {
  if (p.baseUrl) return p.baseUrl.replace(/\/+$/, '');
  if (p.kind === 'openai-compatible') throw new CubbyError('VALIDATION', 'An OpenAI-compatible server needs its address (base URL).');
  return DEFAULT_BASE_URLS[p.kind];
}

const keyMissing = () => new CubbyError('SECRET_MISSING', 'This connection needs an API key. Add one in Settings under Secrets.');

/** Read a connection and its secret from this session's vault; nothing is cached. */
export function resolveConnection(session: Session, connectionId: string): ResolvedProvider {
  const c = getConnection(session, connectionId);
  const apiKey = c.secretId ? readSecretValue(session, c.secretId) : null;
  if (!apiKey && c.kind !== 'openai-compatible') throw keyMissing();
  return { kind: c.kind, baseUrl: c.baseUrl, apiKey };
}

/** The AI SDK model for one call. OpenAI uses the chat-completions API (what compatible servers speak too). */
export function languageModel(p: ResolvedProvider, modelId: string, runtime: ProviderRuntime = {}): LanguageModel {
  const baseURL = baseUrlOf(p);
  const fetch = runtime.fetch;
  switch (p.kind) {
    case 'openai':
      if (!p.apiKey) throw keyMissing();
      return createOpenAI({ apiKey: p.apiKey, baseURL, fetch }).chat(modelId);
    case 'anthropic':
      if (!p.apiKey) throw keyMissing();
      return createAnthropic({ apiKey: p.apiKey, baseURL, fetch })(modelId);
    case 'openai-compatible':
      return createOpenAICompatible({ name: 'compatible', baseURL, apiKey: p.apiKey ?? undefined, fetch, includeUsage: true }).chatModel(modelId);
  }
}

/** The AI SDK embedding model for memory search: OpenAI and compatible servers ({base}/embeddings); Anthropic has none. */
export function embeddingModel(p: ResolvedProvider, modelId: string, runtime: ProviderRuntime = {}): Exclude<EmbeddingModel, string> {
  const fetch = runtime.fetch;
  switch (p.kind) {
    case 'openai':
      if (!p.apiKey) throw keyMissing();
      return createOpenAI({ apiKey: p.apiKey, baseURL: baseUrlOf(p), fetch }).embedding(modelId);
    case 'openai-compatible':
      return createOpenAICompatible({ name: 'compatible', baseURL: baseUrlOf(p), apiKey: p.apiKey ?? undefined, fetch }).embeddingModel(modelId);
    case 'anthropic':
      throw embeddingsUnsupported();
  }
}
