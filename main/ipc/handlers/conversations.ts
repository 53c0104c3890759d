import type { conversationsChannels } from '../../../preload/contract';
import { vaultOf } from '../../core/accounts/session';
import { cancelRun, runningMessageIds } from '../../core/agents/runner';
import { getAttachment, getImageAttachment } from '../../core/vault/attachments';
import { deleteConversation, getConversation, listConversations, pinConversation, renameConversation } from '../../core/vault/conversations';
import { exportConversationMarkdown } from '../../core/vault/exportMarkdown';
import { listMessages } from '../../core/vault/messages';
import { searchConversations } from '../../core/vault/search';
import { own, type AreaHandlers } from './context';

/** A file name a save dialog accepts on every platform: letters, digits, spaces, dots, dashes. */
export function exportFilename(title: string): string {
  const base = title.normalize('NFC').replace(/[^\p{L}\p{N} ._-]+/gu, ' ').replace(/\s+/g, ' ').trim().replace(/^\.+/, '').slice(0, 80).trim();
  return `${base || 'Conversation'}.md`;
}

export const conversationsHandlers: AreaHandlers<keyof typeof conversationsChannels> = {
  'conversations.list': (input, ctx) => listConversations(own(ctx), input),
  'conversations.get': (input, ctx) => getConversation(own(ctx), input.id),
  'conversations.rename': (input, ctx) => renameConversation(own(ctx), input.id, input.title),
  'conversations.pin': (input, ctx) => pinConversation(own(ctx), input.id, input.pinned),
  'conversations.delete': (input, ctx) => {
    const session = own(ctx);
    const id = getConversation(session, input.id).id;
    // An answer still being written into it stops first, so nothing writes into a deleted conversation.
    const ofThis = vaultOf(session).prepare('SELECT 1 FROM messages WHERE id = ? AND conversation_id = ?');
    for (const messageId of runningMessageIds(session)) if (ofThis.get(messageId, id)) cancelRun(session, messageId);
    deleteConversation(session, id);
    return {};
  },
  'conversations.export': (input, ctx) => {
    const session = own(ctx);
    const markdown = exportConversationMarkdown(session, input.id);
    return { filename: exportFilename(getConversation(session, input.id).title), markdown };
  },
  'messages.list': (input, ctx) => listMessages(own(ctx), input.conversationId, { before: input.before, limit: input.limit }),
  'attachments.get': (input, ctx) => {
    const a = getAttachment(own(ctx), input.id);
    return { id: a.id, kind: a.kind, name: a.name, mime: a.mime, size: a.size, dataBase64: Buffer.from(a.bytes).toString('base64') };
  },
  'attachments.image': (input, ctx) => getImageAttachment(own(ctx), input.id),
  'search.conversations': (input, ctx) => searchConversations(own(ctx), input.query, { limit: input.limit }),
};
