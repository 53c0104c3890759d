import type { ModelMessage, UserContent } from 'ai';
import type { Session } from '../accounts/session';
import { attachmentsWithBytes, type Attachment } from '../vault/attachments';
import type { MemoryFact } from '../vault/memory';
import { listMessages, type Message } from '../vault/messages';
import type { AgentDefinition } from './definition';
import { relevantFactsFor, type EmbeddingRuntime } from './memoryEmbeddings';

/** How much of a conversation goes to the model: the last messages, up to this many. */
export const HISTORY_MESSAGES = 40;
/** Tokens of memory facts added to the system prompt (a rough estimate, 4 characters a token). */
export const MEMORY_TOKEN_BUDGET = 600;

/** The system prompt: the agent's instructions, then the facts most relevant to this message. */
export function systemPrompt(def: AgentDefinition, facts: MemoryFact[]): string {
  const parts = [def.instructions.trim()];
  if (def.memoryAccess === 'readwrite') {
    parts.push('When the person tells you something worth keeping for later conversations, save it with the remember tool.');
  }
  if (facts.length) {
    parts.push(`Things you know about the person (from their memory, most relevant first):\n${facts.map((f) => `- ${f.text}`).join('\n')}`);
  }
  return parts.filter(Boolean).join('\n\n');
}

/** By words and, when the person chose an embedding model, by meaning (see memoryEmbeddings.ts). */
export async function factsFor(
  session: Session,
  def: AgentDefinition,
  text: string,
  budget = MEMORY_TOKEN_BUDGET,
  runtime: EmbeddingRuntime = {},
  signal?: AbortSignal,
): Promise<MemoryFact[]> {
  return def.memoryAccess === 'off' ? [] : relevantFactsFor(session, text, budget, runtime, { signal });
}

function textAttachmentBlock(a: Attachment): string {
  return `\n\n<attached-file name="${a.name.replace(/"/g, "'")}">\n${a.bytes.toString('utf8')}\n</attached-file>`;
}

/** A user message with its text files inlined and, when `withImages`, its images as image parts. */
function userContent(session: Session, m: Message, withImages: boolean): UserContent {
  if (m.attachments.length === 0) return m.content;
  const files = attachmentsWithBytes(session, m.id);
  const text = m.content + files.filter((a) => a.kind === 'text').map(textAttachmentBlock).join('');
  const images = withImages ? files.filter((a) => a.kind === 'image') : [];
  if (images.length === 0) return text;
  return [{ type: 'text', text }, ...images.map((a) => ({ type: 'image' as const, image: new Uint8Array(a.bytes), mediaType: a.mime }))];
}

/**
 * The conversation up to (and without) the assistant message being written. Failed or empty
 * answers are left out; images are sent with the newest user message only (older ones would
 * cost tokens on every turn).
 */
export function historyMessages(session: Session, conversationId: string, beforeMessageId: number): ModelMessage[] {
  const { messages } = listMessages(session, conversationId, { before: beforeMessageId, limit: HISTORY_MESSAGES });
  const lastUser = [...messages].reverse().find((m) => m.role === 'user')?.id;
  const out: ModelMessage[] = [];
  for (const m of messages) {
    if (m.role === 'user') out.push({ role: 'user', content: userContent(session, m, m.id === lastUser) });
    else if (m.content.trim() && m.status !== 'streaming') out.push({ role: 'assistant', content: m.content });
  }
  while (out[0]?.role === 'assistant') out.shift(); // providers expect the person to speak first
  return out;
}
