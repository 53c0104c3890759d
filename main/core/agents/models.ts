import { z } from 'zod';
import { mapProviderError, httpFailure } from './providerErrors';
import type { Session } from '../accounts/session';
import { baseUrlOf, resolveConnection, type ProviderRuntime, type ResolvedProvider } from './providers';

/**
 * Model lists from the provider's models endpoint (the AI SDK has no call for it): OpenAI and
 * compatible servers answer GET {base}/models, Anthropic GET {base}/models with its own headers.
 * Manual entry is the UI's fallback when this fails.
 */
export interface ModelInfo {
  id: string;
  /** Anthropic gives a display name; others repeat the id. */
  name: string;
}

const ModelList = z.object({
  data: z.array(z.object({ id: z.string().min(1).max(300), display_name: z.string().max(300).optional() }).loose()).max(10_000),
});

export const ANTHROPIC_VERSION = '2023-06-01';

function headersFor(p: ResolvedProvider): Record<string, string> {
  if (p.kind === 'anthropic') return { 'x-api-key': p.apiKey ?? '', 'anthropic-version': ANTHROPIC_VERSION };
  return p.apiKey ? { authorization: `Bearer ${p.apiKey}` } : {};
}

/** Failures map to the same codes as a chat call (PROVIDER_AUTH, PROVIDER_UNREACHABLE, …). */
export async function listModels(p: ResolvedProvider, runtime: ProviderRuntime & { timeoutMs?: number; signal?: AbortSignal } = {}): Promise<ModelInfo[]> {
  const fetch = runtime.fetch ?? globalThis.fetch;
  const signals = [AbortSignal.timeout(runtime.timeoutMs ?? 10_000), ...(runtime.signal ? [runtime.signal] : [])];
  let res: Response;
  try {
    res = await fetch(`${baseUrlOf(p)}/models${p.kind === 'anthropic' ? '?limit=1000' : ''}`, {
      headers: { accept: 'application/json', ...headersFor(p) },
      signal: AbortSignal.any(signals),
    });
  } catch (e) {
    throw mapProviderError(e);
  }
  const body = await res.text().catch(() => '');
  if (!res.ok) throw httpFailure(res.status, Object.fromEntries(res.headers), body);
  let parsed: z.infer<typeof ModelList>;
  try {
    parsed = ModelList.parse(JSON.parse(body));
  } catch {
    throw mapProviderError({ type: 'invalid_response' });
  }
  const models = parsed.data.map((m) => ({ id: m.id, name: m.display_name ?? m.id }));
  return models.sort((a, b) => a.id.localeCompare(b.id));
}

/** "Test connection" and the model picker: the models of one of the caller's connections, its key read now. */
export function listConnectionModels(session: Session, connectionId: string, runtime: ProviderRuntime & { timeoutMs?: number; signal?: AbortSignal } = {}): Promise<ModelInfo[]> {
  return listModels(resolveConnection(session, connectionId), runtime);
}

/** A local server answering on its default loopback port: offered to the person in one click. */
export interface LocalServerOffer {
  name: 'Ollama' | 'LM Studio';
  baseUrl: string;
  models: ModelInfo[];
}

export const LOCAL_SERVER_PORTS = { Ollama: 11434, 'LM Studio': 1234 } as const;

/**
 * Probe Ollama and LM Studio on 127.0.0.1 (their OpenAI-compatible /v1/models), with a short
 * timeout each, in parallel. Servers that do not answer are simply left out.
 */
export async function probeLocalServers(
  opts: { ports?: Partial<Record<LocalServerOffer['name'], number>>; timeoutMs?: number; fetch?: typeof globalThis.fetch } = {},
): Promise<LocalServerOffer[]> {
  const ports = { ...LOCAL_SERVER_PORTS, ...opts.ports };
  const probes = (Object.keys(ports) as LocalServerOffer['name'][]).map(async (name): Promise<LocalServerOffer | null> => {
    const baseUrl = `http://127.0.0.1:${ports[name]}/v1`;
    try {
      const models = await listModels({ kind: 'openai-compatible', baseUrl }, { fetch: opts.fetch, timeoutMs: opts.timeoutMs ?? 800 });
      return { name, baseUrl, models };
    } catch {
      return null;
    }
  });
  return (await Promise.all(probes)).filter((o): o is LocalServerOffer => o !== null);
}
