/** Conversations, their messages (paged), attachments, export and full-text search. */
import { z } from 'zod';
import { MessageId, ObjectId, Page, Query, SnippetPart } from './ids';
import { channel, Empty } from './shared';

export const MESSAGE_STATUSES = ['complete', 'streaming', 'cancelled', 'error', 'interrupted'] as const;

export const Conversation = z.object({
  id: z.string(),
  title: z.string(),
  agentId: z.string().nullable(),
  /** The agent's name when the conversation started: shown after the agent is deleted. */
  agentName: z.string(),
  /** A shared agent's id; the renderer shows the conversation as no longer available when it is not in shared.list at use level. */
  sharedAgentId: z.string().nullable(),
  pinned: z.boolean(),
  createdAt: z.number(),
  updatedAt: z.number(),
});
export type Conversation = z.infer<typeof Conversation>;

export const AttachmentMeta = z.object({ id: z.string(), kind: z.enum(['text', 'image']), name: z.string(), mime: z.string(), size: z.number() });
export type AttachmentMeta = z.infer<typeof AttachmentMeta>;

export const Message = z.object({
  id: z.number(),
  conversationId: z.string(),
  role: z.enum(['user', 'assistant']),
  content: z.string(),
  model: z.string().nullable(),
  inputTokens: z.number().nullable(),
  outputTokens: z.number().nullable(),
  /** Time to first token, ms. */
  ttftMs: z.number().nullable(),
  totalMs: z.number().nullable(),
  status: z.enum(MESSAGE_STATUSES),
  errorCode: z.string().nullable(),
  createdAt: z.number(),
  attachments: z.array(AttachmentMeta),
  /** Calls to the person's own tool servers while this answer was written (shown collapsed). */
  toolCalls: z
    .array(
      z.object({
        serverName: z.string(),
        toolName: z.string(),
        arguments: z.string(),
        status: z.enum(['ok', 'error', 'denied', 'timeout']),
        result: z.string(),
      }),
    )
    .optional(),
});
export type Message = z.infer<typeof Message>;

export const SearchHit = z.object({
  conversationId: z.string(),
  conversationTitle: z.string(),
  /** null: the title matched. Otherwise open the conversation at this message. */
  messageId: z.number().nullable(),
  snippet: z.array(SnippetPart),
  createdAt: z.number(),
});
export type SearchHit = z.infer<typeof SearchHit>;

const ById = z.strictObject({ id: ObjectId });

/** "data:image/webp;base64," and the base64 of the largest image an attachment may be (10 MiB). */
const IMAGE_DATA_URL_MAX = 'data:image/webp;base64,'.length + 4 * Math.ceil((10 * 1024 * 1024) / 3);

export const conversationsChannels = {
  /**
   * Pinned first, then the most recently active (ties by id). `after`: the last conversation of
   * the previous page (its pinned, updatedAt and id), for the next page; fewer than `limit`: the end.
   */
  'conversations.list': channel(
    z.strictObject({ ...Page, after: z.strictObject({ pinned: z.boolean(), updatedAt: z.number().int().min(0), id: ObjectId }).optional() }),
    z.array(Conversation),
    'session',
  ),
  'conversations.get': channel(ById, Conversation, 'session'),
  'conversations.rename': channel(z.strictObject({ id: ObjectId, title: z.string().max(1000) }), Conversation, 'session'),
  'conversations.pin': channel(z.strictObject({ id: ObjectId, pinned: z.boolean() }), Conversation, 'session'),
  /** Stops its running answer, then removes it, its messages and attachments (and from search). */
  'conversations.delete': channel(ById, Empty, 'session'),
  /**
   * The conversation as Markdown text: the renderer offers it as a download (as it does the
   * recovery key), so main writes no file.
   */
  'conversations.export': channel(ById, z.object({ filename: z.string(), markdown: z.string() }), 'session'),
  /** The newest `limit` messages older than `before` (the last page when omitted), oldest first. */
  'messages.list': channel(
    z.strictObject({ conversationId: ObjectId, before: MessageId.optional(), limit: z.number().int().min(1).max(500).optional() }),
    z.object({ messages: z.array(Message), hasMore: z.boolean() }),
    'session',
  ),
  /** One attachment with its bytes (to show an image, or save the file). */
  'attachments.get': channel(ById, AttachmentMeta.extend({ dataBase64: z.string() }), 'session'),
  /**
   * One of this person's images as a data: URL (PNG, JPEG, GIF or WebP by its bytes; at most the
   * image limit), to show as a thumbnail. Any other id answers NOT_FOUND.
   */
  'attachments.image': channel(
    ById,
    z.object({
      id: z.string(),
      name: z.string(),
      mime: z.enum(['image/png', 'image/jpeg', 'image/gif', 'image/webp']),
      dataUrl: z
        .string()
        .max(IMAGE_DATA_URL_MAX)
        .regex(/^data:image\/(png|jpeg|gif|webp);base64,[A-Za-z0-9+/]*={0,2}$/),
    }),
    'session',
  ),
  /** Full-text search over messages and conversation titles: every word must match. */
  'search.conversations': channel(z.strictObject({ query: Query, limit: z.number().int().min(1).max(200).optional() }), z.array(SearchHit), 'session'),
} as const;
