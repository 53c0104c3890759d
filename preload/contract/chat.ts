/**
 * Chat runs. A send, retry or edit answers at once with where the answer will appear; the
 * answer itself arrives as `chat.delta` events and ends with one `chat.finished` (events.ts),
 * sent only to the windows of the session that asked. A run stops when that session ends.
 */
import { z } from 'zod';
import { MessageId, ObjectId } from './ids';
import { channel } from './shared';

/** The core's limits (main/core/vault/attachments.ts; a test keeps them equal): above them, ATTACHMENT_TOO_LARGE. */
export const ATTACHMENT_LIMITS = {
  textMaxBytes: 256 * 1024,
  imageMaxBytes: 10 * 1024 * 1024,
  perMessage: 10,
} as const;
export const MESSAGE_MAX_CHARS = 200_000;

/** base64 of n bytes is 4·⌈n/3⌉ characters; a request is allowed one character more so "too large" is the core's answer. */
const base64Length = (bytes: number) => 4 * Math.ceil(bytes / 3);

export const AttachmentUpload = z.strictObject({
  name: z.string().max(1000),
  mime: z.string().max(200),
  /** The file's bytes, base64 (standard alphabet). */
  dataBase64: z
    .string()
    .max(base64Length(ATTACHMENT_LIMITS.imageMaxBytes) + 4)
    .regex(/^[A-Za-z0-9+/]*={0,2}$/),
});
export type AttachmentUpload = z.infer<typeof AttachmentUpload>;

/** Where the answer will appear, known before its first token. */
export const RunIds = z.object({ conversationId: z.string(), userMessageId: z.number(), assistantMessageId: z.number() });
export type RunIds = z.infer<typeof RunIds>;

const Text = z.string().max(MESSAGE_MAX_CHARS + 1);

export const chatChannels = {
  /**
   * A new message. Without `conversationId` a conversation with `agentId` starts (titled from
   * the first words); with it, the conversation's agent answers unless `agentId` names another.
   */
  'chat.send': channel(
    z.strictObject({
      conversationId: ObjectId.optional(),
      agentId: ObjectId.optional(),
      /** Start a conversation with a shared agent instead (use level or above). */
      sharedAgentId: ObjectId.optional(),
      text: Text,
      attachments: z.array(AttachmentUpload).max(ATTACHMENT_LIMITS.perMessage + 1).optional(),
    }),
    RunIds,
    'session',
  ),
  /** Answer the person's last message again (later messages are replaced). */
  'chat.retry': channel(z.strictObject({ conversationId: ObjectId }), RunIds, 'session'),
  /** Replace the text of the person's last message, then answer it again. */
  'chat.editLast': channel(z.strictObject({ conversationId: ObjectId, text: Text }), RunIds, 'session'),
  /** Stop one of this session's answers; the partial text is kept. false: it was not running. */
  'chat.cancel': channel(z.strictObject({ messageId: MessageId }), z.object({ cancelled: z.boolean() }), 'session'),
} as const;
