import { APICallError } from 'ai';
import { CubbyError } from '../errors';

/**
 * Every provider failure becomes a stable code with a message that says what to do. Nothing
 * from the provider's answer (body, URL, headers other than Retry-After) is copied into the
 * message: a body can echo the key, a URL can carry credentials. Nothing here logs.
 */

const auth = () =>
  new CubbyError('PROVIDER_AUTH', 'The provider refused the API key. Check the key, or replace it in Settings under Secrets.');
const unreachable = () =>
  new CubbyError('PROVIDER_UNREACHABLE', 'Cubby could not reach the provider. Check the server address and that the server is running, then try again.');
const modelUnknown = () =>
  new CubbyError('PROVIDER_MODEL_UNKNOWN', 'The provider does not know this model. Choose another model in the agent editor.');
const contextTooLong = () =>
  new CubbyError('PROVIDER_CONTEXT_TOO_LONG', 'This conversation is too long for the model. Start a new chat, or remove large attachments.');
const providerError = (status?: number) =>
  new CubbyError(
    'PROVIDER_ERROR',
    status ? `The provider could not answer (HTTP ${status}). Try again in a moment.` : 'The provider could not answer. Try again in a moment.',
  );

export function rateLimited(retryAfterMs: number | undefined): CubbyError {
  const wait = retryAfterMs === undefined ? 'in a moment' : `in ${Math.max(1, Math.ceil(retryAfterMs / 1000))} s`;
  return new CubbyError('PROVIDER_RATE_LIMITED', `The provider is limiting requests. Try again ${wait}.`, { retryAfterMs });
}

/** Retry-After as seconds or an HTTP date, or OpenAI's retry-after-ms; undefined when absent or nonsense. */
export function retryAfterMs(headers: Record<string, string | undefined> | undefined, now = Date.now()): number | undefined {
  if (!headers) return undefined;
  const get = (name: string) => Object.entries(headers).find(([k]) => k.toLowerCase() === name)?.[1];
  const ms = Number(get('retry-after-ms'));
  if (Number.isFinite(ms) && ms >= 0 && get('retry-after-ms') !== undefined) return Math.round(ms);
  const value = get('retry-after')?.trim();
  if (!value) return undefined;
  if (/^\d+(\.\d+)?$/.test(value)) return Math.round(Number(value) * 1000);
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

const CONTEXT_HINTS = /context[ _-]?length|context window|too many tokens|maximum context|prompt is too long|too long|max_tokens.*exceed|reduce the length/i;

/** Map an HTTP failure (status, headers, body text used only for classification). */
export function httpFailure(status: number, headers: Record<string, string | undefined> | undefined, body: string | undefined): CubbyError {
  const text = body ?? '';
  if (status === 401 || status === 403) return auth();
  if (status === 429) return rateLimited(retryAfterMs(headers));
  if (status === 404) {
    if (/model/i.test(text)) return modelUnknown();
    return new CubbyError('PROVIDER_ERROR', 'The server answered "not found". Check the server address; it usually ends in /v1.');
  }
  if (status === 400 || status === 413 || status === 422) {
    if (CONTEXT_HINTS.test(text)) return contextTooLong();
    if (/model_not_found|does not exist|unknown model|invalid model|model.*not (found|supported)/i.test(text)) return modelUnknown();
    return providerError(status);
  }
  return providerError(status);
}

/** An error object a provider sent inside the stream (Anthropic `error` events, OpenAI `error` chunks). */
function streamErrorObject(e: Record<string, unknown>): CubbyError {
  const type = String(e.type ?? e.code ?? '');
  const message = String(e.message ?? '');
  if (/authentication|permission|invalid_api_key/i.test(type)) return auth();
  if (/rate_limit/i.test(type)) return rateLimited(undefined);
  if (/not_found|model_not_found/i.test(type)) return modelUnknown();
  if (CONTEXT_HINTS.test(message) || /context_length/i.test(type)) return contextTooLong();
  return providerError();
}

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE', 'UND_ERR_SOCKET', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT']);

function isNetworkError(e: unknown, depth = 0): boolean {
  if (!e || typeof e !== 'object' || depth > 6) return false;
  const err = e as { code?: unknown; message?: unknown; cause?: unknown; name?: unknown };
  if (typeof err.code === 'string' && NETWORK_CODES.has(err.code)) return true;
  if (err.name === 'TimeoutError') return true;
  if (typeof err.message === 'string' && /fetch failed|terminated|socket hang up|other side closed|Cannot connect to API/i.test(err.message)) return true;
  return isNetworkError(err.cause, depth + 1);
}

/** Any failure from a provider call, as a CubbyError safe to show and to log. */
export function mapProviderError(e: unknown): CubbyError {
  if (e instanceof CubbyError) return e;
  // With retries, the SDK wraps the last failure.
  const last = (e as { name?: string; lastError?: unknown })?.name === 'AI_RetryError' ? (e as { lastError: unknown }).lastError : e;
  if (last !== e) return mapProviderError(last);
  if (APICallError.isInstance(e)) {
    if (e.statusCode === undefined) return isNetworkError(e) || e.isRetryable ? unreachable() : providerError();
    return httpFailure(e.statusCode, e.responseHeaders, e.responseBody);
  }
  if (isNetworkError(e)) return unreachable();
  if (e && typeof e === 'object' && !(e instanceof Error)) {
    const obj = e as Record<string, unknown>;
    return streamErrorObject((obj.error && typeof obj.error === 'object' ? obj.error : obj) as Record<string, unknown>);
  }
  const name = (e as { name?: string })?.name ?? '';
  if (name === 'AI_NoSuchModelError') return modelUnknown();
  if (name === 'AI_LoadAPIKeyError') return new CubbyError('SECRET_MISSING', 'This connection needs an API key. Add one in Settings under Secrets.');
  return providerError();
}
