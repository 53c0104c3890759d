import { createHash, randomUUID } from 'node:crypto';
import type { Session } from '../accounts/session';

/**
 * Asking a person to approve a tool before its first use. The prompt goes to whoever the bridge
 * registered for the session (its windows); with nobody to ask, or no answer in time, or the
 * session closing, the answer is deny: a tool is never called without a yes.
 */
export type ApprovalDecision = 'once' | 'always' | 'deny';

export interface ApprovalPrompt {
  requestId: string;
  serverId: string;
  serverName: string;
  toolName: string;
  /** The tool's description as the server gave it (capped). */
  description: string;
  /** The arguments as JSON, capped. */
  argumentsPreview: string;
  /** The definition changed since the person approved it "always". */
  changed: boolean;
}

export const DEFAULT_APPROVAL_TIMEOUT_MS = 120_000;

/** sha256 of the canonical JSON (keys sorted) of what the person approves: name, description, input schema. */
export function definitionHash(tool: { name: string; description?: string; inputSchema?: unknown }): string {
  return createHash('sha256')
    .update(canonicalJson({ name: tool.name, description: tool.description ?? '', inputSchema: tool.inputSchema ?? null }))
    .digest('hex');
}

export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value ?? null);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

export const preview = (value: unknown, max = 2000): string => {
  let text: string;
  try {
    text = typeof value === 'string' ? value : JSON.stringify(value) ?? '';
  } catch {
    text = '';
  }
  return text.length > max ? `${text.slice(0, max)}…` : text;
};

interface Pending {
  resolve(d: ApprovalDecision): void;
}

const prompters = new WeakMap<Session, (p: ApprovalPrompt) => void>();
const pending = new WeakMap<Session, Map<string, Pending>>();

/** Who shows this session's prompts (the bridge: its windows). Registering again replaces it. */
export function setApprovalPrompter(session: Session, prompter: (p: ApprovalPrompt) => void): void {
  if (!prompters.has(session)) session.onClose(() => denyAll(session));
  prompters.set(session, prompter);
}

export function hasApprovalPrompter(session: Session): boolean {
  return prompters.has(session) && session.isOpen;
}

function denyAll(session: Session): void {
  const map = pending.get(session);
  pending.delete(session);
  for (const p of map?.values() ?? []) p.resolve('deny');
}

export function askApproval(session: Session, prompt: Omit<ApprovalPrompt, 'requestId'>, opts: { timeoutMs?: number; signal?: AbortSignal } = {}): Promise<ApprovalDecision> {
  const prompter = prompters.get(session);
  if (!prompter || !session.isOpen || opts.signal?.aborted) return Promise.resolve('deny');
  const requestId = randomUUID();
  const map = pending.get(session) ?? new Map<string, Pending>();
  pending.set(session, map);
  return new Promise<ApprovalDecision>((resolve) => {
    const finish = (d: ApprovalDecision) => {
      clearTimeout(timer);
      opts.signal?.removeEventListener('abort', onAbort);
      map.delete(requestId);
      resolve(d);
    };
    const onAbort = () => finish('deny');
    const timer = setTimeout(() => finish('deny'), opts.timeoutMs ?? DEFAULT_APPROVAL_TIMEOUT_MS);
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    map.set(requestId, { resolve: finish });
    try {
      prompter({ ...prompt, requestId });
    } catch {
      finish('deny');
    }
  });
}

/** The person's answer to one of their own prompts; false when it is no longer waiting. */
export function decideApproval(session: Session, requestId: string, decision: ApprovalDecision): boolean {
  const p = pending.get(session)?.get(requestId);
  p?.resolve(decision);
  return !!p;
}
