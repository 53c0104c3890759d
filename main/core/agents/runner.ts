import { stepCountIs, streamText, tool, type LanguageModelUsage, type ToolSet } from 'ai';
import { z } from 'zod';
import type { Session } from '../accounts/session';
import { CubbyError } from '../errors';
import { validateAttachments, addAttachments, type AttachmentInput } from '../vault/attachments';
import { createConversation, getConversation, titleFromText } from '../vault/conversations';
import { createMemory } from '../vault/memory';
import { appendMessage, finishMessage, markLive, savePartial, type MessageStatus } from '../vault/messages';
import { vaultOf } from '../accounts/session';
import { DeltaCoalescer, type Delta } from './coalesce';
import { backfillMemoryVectors, type EmbeddingRuntime } from './memoryEmbeddings';
import { resolveProvider, type AgentDefinition } from './definition';
import { factsFor, historyMessages, MEMORY_TOKEN_BUDGET, systemPrompt } from './prompt';
import { mapProviderError } from './providerErrors';
import { languageModel, type ProviderRuntime } from './providers';
import { toolSetFor, type ToolCallRecord } from '../tools';
import { saveToolCalls } from '../vault/toolCalls';

/**
 * Runs one turn of an agent for the person of `session`: saves their message, streams the
 * answer into a new assistant message (partial text saved at least once a second), and ends
 * it as complete, cancelled (partial kept) or error (partial kept, code). A run stops when its
 * session closes (lock, sign-out, an admin disabling the account) and then writes nothing more:
 * its message stays "streaming" and is marked "interrupted" when the vault next opens.
 */
export interface RunRequest {
  /** Continue this conversation; omitted: start one titled from the first words of `text`. */
  conversationId?: string;
  /**
   * 'send' (default): a new message. 'retry': answer the conversation's last message of the
   * person again (later messages are replaced). 'edit-last': replace the text of that message
   * with `text`, then answer it again. Both need `conversationId`.
   */
  mode?: 'send' | 'retry' | 'edit-last';
  /** Ignored for 'retry'. */
  text: string;
  attachments?: AttachmentInput[];
  signal?: AbortSignal;
  /** Ids of the new messages, before the first token (the bridge tells the window where to draw). */
  onStart?: (ids: RunIds) => void;
  /** Coalesced: at most one call per `deltaIntervalMs`. */
  onDelta?: (d: Delta & { assistantMessageId: number }) => void;
}

export interface RunRuntime extends ProviderRuntime, EmbeddingRuntime {
  deltaIntervalMs?: number;
  saveIntervalMs?: number;
  memoryTokenBudget?: number;
  /** false: no tools from the person's own tool servers (the machine policy forbids them). */
  toolServers?: boolean;
  /** How long a tool call may take before it is stopped (default: the tool host's). */
  toolTimeoutMs?: number;
}

export interface RunIds {
  conversationId: string;
  userMessageId: number;
  assistantMessageId: number;
}

export interface RunResult extends RunIds {
  /** 'interrupted': the session closed mid-answer; nothing more was written. */
  status: Exclude<MessageStatus, 'streaming'>;
  text: string;
  error?: CubbyError;
  model: string;
  inputTokens: number | null;
  outputTokens: number | null;
  ttftMs: number | null;
  totalMs: number;
  /** Facts the model saved with the remember tool during this run. */
  remembered: string[];
  /** Calls to the person's own tool servers, in order (saved with the answer). */
  toolCalls: ToolCallRecord[];
}

export const DEFAULT_SAVE_INTERVAL_MS = 500;
export const MESSAGE_MAX_CHARS = 200_000;
export const DEFAULT_DELTA_INTERVAL_MS = 16;

/** Runs in progress, per session: what `cancelRun` stops. */
const activeRuns = new WeakMap<Session, Map<number, AbortController>>();

/** Stop one of this session's runs by its assistant message id; false when none is running. */
export function cancelRun(session: Session, assistantMessageId: number): boolean {
  const run = activeRuns.get(session)?.get(assistantMessageId);
  run?.abort();
  return !!run;
}

export function runningMessageIds(session: Session): number[] {
  return [...(activeRuns.get(session)?.keys() ?? [])];
}

/** For retry and edit-last: the person's last message, with everything after it removed. */
function reopenLastTurn(session: Session, conversationId: string, newText: string | null): number {
  const db = vaultOf(session);
  const lastUser = db.prepare("SELECT id FROM messages WHERE conversation_id = ? AND role = 'user' ORDER BY id DESC LIMIT 1").pluck().get(conversationId) as
    | number
    | undefined;
  if (lastUser === undefined) throw new CubbyError('VALIDATION', 'There is no message to answer again.');
  const live = db.prepare('SELECT id FROM messages WHERE conversation_id = ? AND id > ?').pluck().all(conversationId, lastUser) as number[];
  if (live.some((id) => runningMessageIds(session).includes(id))) throw new CubbyError('VALIDATION', 'Stop the answer being written first.');
  db.prepare('DELETE FROM messages WHERE conversation_id = ? AND id > ?').run(conversationId, lastUser);
  if (newText !== null) db.prepare('UPDATE messages SET content = ?, updated_at = ? WHERE id = ?').run(newText, Date.now(), lastUser);
  return lastUser;
}

/** Save the person's message and the empty answer in one transaction. */
function beginTurn(session: Session, def: AgentDefinition, req: RunRequest): RunIds {
  const db = vaultOf(session);
  return db.transaction((): RunIds => {
    if (req.mode === 'retry' || req.mode === 'edit-last') {
      if (!req.conversationId) throw new CubbyError('VALIDATION', 'Choose the conversation to answer again.');
      const conversationId = getConversation(session, req.conversationId).id;
      const userMessageId = reopenLastTurn(session, conversationId, req.mode === 'edit-last' ? req.text : null);
      const assistantMessageId = appendMessage(session, conversationId, { role: 'assistant', content: '', status: 'streaming', model: def.model });
      return { conversationId, userMessageId, assistantMessageId };
    }
    const conversationId = req.conversationId
      ? getConversation(session, req.conversationId).id
      : createConversation(session, {
          agentId: def.agentId ?? null,
          agentName: def.name,
          sharedAgentId: def.sharedAgentId ?? null,
          title: titleFromText(req.text),
        }).id;
    const userMessageId = appendMessage(session, conversationId, { role: 'user', content: req.text, status: 'complete' });
    if (req.attachments?.length) addAttachments(session, userMessageId, req.attachments);
    const assistantMessageId = appendMessage(session, conversationId, { role: 'assistant', content: '', status: 'streaming', model: def.model });
    return { conversationId, userMessageId, assistantMessageId };
  })();
}

/**
 * A listener that throws (its window closed mid-answer) must not end the run or, from a timer,
 * the process: the answer is still saved and can be read later.
 */
function quietly(fn: () => void): void {
  try {
    fn();
  } catch {
    // nothing to do: the listener's owner is gone
  }
}

const count = (n: number | undefined) => (typeof n === 'number' && Number.isFinite(n) ? n : null);

export async function runAgent(session: Session, def: AgentDefinition, req: RunRequest, runtime: RunRuntime = {}): Promise<RunResult> {
  if (!def.model?.trim()) throw new CubbyError('AGENT_INCOMPLETE', 'This agent has no model yet. Choose one in the agent editor.');
  if (req.mode !== 'retry' && !req.text.trim() && !req.attachments?.length) throw new CubbyError('VALIDATION', 'Write a message first.');
  if (req.text.length > MESSAGE_MAX_CHARS) throw new CubbyError('VALIDATION', 'This message is too long. Attach long text as a file instead.');
  if (req.mode === 'retry' && req.attachments?.length) throw new CubbyError('VALIDATION', 'A retry answers the same message again, with its own attachments.');
  if (req.attachments) validateAttachments(req.attachments); // refuse before anything is written
  const provider = resolveProvider(session, def); // SECRET_MISSING etc. before anything is written
  const model = languageModel(provider, def.model, runtime);
  const ids = beginTurn(session, def, req);
  const { assistantMessageId } = ids;

  const controller = new AbortController();
  let sessionClosed = false;
  const stopOnClose = session.onClose(() => {
    sessionClosed = true;
    controller.abort();
  });
  // A CubbyError as the reason (access revoked) ends the answer as an error with that code.
  const onUserAbort = () => controller.abort(req.signal?.reason);
  req.signal?.addEventListener('abort', onUserAbort, { once: true });
  if (req.signal?.aborted) onUserAbort();
  const runs = activeRuns.get(session) ?? new Map<number, AbortController>();
  activeRuns.set(session, runs.set(assistantMessageId, controller));
  markLive(session, assistantMessageId, true);

  let text = '';
  let saved = '';
  const save = () => {
    if (sessionClosed || !session.isOpen || text === saved) return;
    savePartial(session, assistantMessageId, text);
    saved = text;
  };
  const saver = setInterval(save, runtime.saveIntervalMs ?? DEFAULT_SAVE_INTERVAL_MS);
  const coalescer = new DeltaCoalescer(
    (d) => {
      if (!sessionClosed) quietly(() => req.onDelta?.({ ...d, assistantMessageId }));
    },
    runtime.deltaIntervalMs ?? DEFAULT_DELTA_INTERVAL_MS,
  );
  const remembered: string[] = [];
  const toolCalls: ToolCallRecord[] = [];
  const started = performance.now();
  let ttftMs: number | null = null;
  let usage: LanguageModelUsage | undefined;
  let failure: unknown;

  try {
    quietly(() => req.onStart?.(ids));
    const question = req.mode === 'retry' ? (vaultOf(session).prepare('SELECT content FROM messages WHERE id = ?').pluck().get(ids.userMessageId) as string) : req.text;
    const facts = await factsFor(session, def, question, runtime.memoryTokenBudget ?? MEMORY_TOKEN_BUDGET, runtime, controller.signal);
    if (controller.signal.aborted) throw controller.signal.reason;
    if (def.memoryAccess !== 'off') void backfillMemoryVectors(session, runtime); // memories not indexed yet, in the background
    // The caller's own servers only: a person using a shared agent runs it with their own tools.
    const ownTools =
      runtime.toolServers === false
        ? {}
        : await toolSetFor(session, {
            signal: controller.signal,
            timeoutMs: runtime.toolTimeoutMs,
            // A shared agent's instructions may be hidden from the person: each of its tool calls is asked.
            approval: def.sharedAgentId ? 'ask-every-time' : 'ask',
            onCall: (c) => toolCalls.push(c),
          });
    if (controller.signal.aborted) throw controller.signal.reason;
    const memoryTools: ToolSet =
      def.memoryAccess === 'readwrite'
        ? {
            remember: tool({
              description: 'Save a short fact about the person to their memory, for later conversations.',
              inputSchema: z.object({ fact: z.string().min(1).max(2000).describe('The fact, as one short sentence.') }),
              execute: async ({ fact }) => {
                if (sessionClosed || !session.isOpen) return { saved: false };
                createMemory(session, fact, 'agent');
                remembered.push(fact);
                void backfillMemoryVectors(session, runtime); // its vector, in the background; a failure loses nothing
                return { saved: true };
              },
            }),
          }
        : {};
    const tools = Object.keys(ownTools).length + Object.keys(memoryTools).length > 0 ? { ...ownTools, ...memoryTools } : undefined;
    const result = streamText({
      model,
      instructions: systemPrompt(def, facts) || undefined,
      messages: historyMessages(session, ids.conversationId, assistantMessageId),
      temperature: def.temperature ?? undefined,
      maxOutputTokens: def.maxOutputTokens ?? undefined,
      maxRetries: runtime.maxRetries ?? 2,
      abortSignal: controller.signal,
      tools,
      stopWhen: stepCountIs(tools ? 4 : 1),
      // The SDK would print failures (with provider bodies) to the console; we map them instead.
      onError: () => {},
    });
    for await (const part of result.fullStream) {
      if (part.type === 'text-delta') {
        if (ttftMs === null && part.text) ttftMs = Math.round(performance.now() - started);
        text += part.text;
        coalescer.push(part.text);
      } else if (part.type === 'error') {
        failure ??= part.error;
      } else if (part.type === 'finish') {
        usage = part.totalUsage;
      }
    }
  } catch (e) {
    if (!controller.signal.aborted) failure ??= e;
  } finally {
    clearInterval(saver);
    stopOnClose();
    req.signal?.removeEventListener('abort', onUserAbort);
    runs.delete(assistantMessageId);
    if (runs.size === 0) activeRuns.delete(session);
  }

  await coalescer.flush();
  const totalMs = Math.round(performance.now() - started);
  const stoppedFor = controller.signal.aborted && controller.signal.reason instanceof CubbyError ? controller.signal.reason : undefined;
  const error = stoppedFor ?? (failure !== undefined && !controller.signal.aborted ? mapProviderError(failure) : undefined);
  const status: RunResult['status'] = sessionClosed ? 'interrupted' : stoppedFor ? 'error' : controller.signal.aborted ? 'cancelled' : error ? 'error' : 'complete';
  const outcome = {
    status,
    text,
    model: def.model,
    inputTokens: status === 'complete' ? count(usage?.inputTokens) : null,
    outputTokens: status === 'complete' ? count(usage?.outputTokens) : null,
    ttftMs,
    totalMs,
  };
  if (!sessionClosed && session.isOpen && status !== 'interrupted') {
    finishMessage(session, assistantMessageId, { ...outcome, content: text, status, errorCode: error?.code ?? null });
    if (toolCalls.length) saveToolCalls(session, assistantMessageId, toolCalls);
  }
  markLive(session, assistantMessageId, false);
  return { ...ids, ...outcome, error, remembered, toolCalls };
}
