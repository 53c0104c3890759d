/** Events main sends, only to the windows of the session they belong to. */
import { z } from 'zod';
import { ERROR_CODES } from '../../main/core/errorCodes';
import { Message, MESSAGE_STATUSES } from './conversations';
import { SessionInfo } from './shared';
import { RunChanged } from './workflows';
import { ToolApprovalNeeded } from './tools';
import { SyncStatus } from './sync';

export const LOCK_REASONS = ['user', 'idle', 'system', 'signed-out', 'account-changed', 'replaced', 'closed'] as const;
export type LockReason = (typeof LOCK_REASONS)[number];

export const events = {
  'session.locked': z.strictObject({ reason: z.enum(LOCK_REASONS) }),
  /** An administrator changed this person's account (their role): what the window shows follows. */
  'session.changed': z.strictObject({ session: SessionInfo.strict() }),
  /**
   * Who may use which shared agent may have changed (a grant, a group, an agent deleted): the
   * window asks again for what it shows. It carries nothing: each session reads its own view.
   */
  'shared.changed': z.strictObject({}),
  /**
   * More of an answer: `text` is what was added since this message's previous chat.delta
   * (coalesced by main to about one event per animation frame).
   */
  'chat.delta': z.strictObject({ conversationId: z.string(), messageId: z.number(), text: z.string() }),
  /**
   * The answer ended: complete, cancelled (partial kept) or error (partial kept, with the code and
   * a message that says what to do). A run whose session ended sends nothing more.
   */
  'chat.finished': z.strictObject({
    conversationId: z.string(),
    messageId: z.number(),
    status: z.enum(MESSAGE_STATUSES).exclude(['streaming', 'interrupted']),
    error: z
      .strictObject({ code: z.enum(ERROR_CODES), message: z.string(), retryAfterMs: z.number().int().nonnegative().optional() })
      .optional(),
    model: z.string(),
    inputTokens: z.number().nullable(),
    outputTokens: z.number().nullable(),
    ttftMs: z.number().nullable(),
    totalMs: z.number(),
    /** Calls to the person's own tool servers during this answer (as saved with it). */
    toolCalls: Message.shape.toolCalls,
  }),
  /** A run of this person changed (queued, a step ended, finished): their windows ask for what they show again. */
  'runs.changed': RunChanged,
  /** An agent waits for the person to approve a tool (answer with tools.approve; no answer in time is a deny). */
  'tools.approvalNeeded': ToolApprovalNeeded,
  /** This person's sync status changed (progress, a device, a warning, a pair request). */
  'sync.changed': SyncStatus,
} as const;
