import type { Session } from '../accounts/session';
import { getConversation } from './conversations';
import { allMessages, type Message } from './messages';

/**
 * A conversation as Markdown text. Main writes it where the person chooses (a save dialog);
 * nothing here touches the file system.
 */
export function exportConversationMarkdown(session: Session, conversationId: string): string {
  const c = getConversation(session, conversationId);
  const lines = [`# ${oneLine(c.title)}`, '', `Agent: ${oneLine(c.agentName || 'none')}  `, `Started: ${new Date(c.createdAt).toISOString()}`, ''];
  for (const m of allMessages(session, conversationId)) {
    lines.push(`## ${heading(m, c.agentName)}`, '', m.content || '_(empty)_', '');
    for (const a of m.attachments) lines.push(`- Attachment: ${oneLine(a.name)} (${a.mime}, ${a.size.toLocaleString('en-US')} bytes)`);
    if (m.attachments.length) lines.push('');
    if (m.status !== 'complete') lines.push(`_${statusNote(m)}_`, '');
  }
  return `${lines.join('\n').trimEnd()}\n`;
}

const oneLine = (s: string) => s.replace(/\s+/g, ' ').trim();

function heading(m: Message, agentName: string): string {
  const when = new Date(m.createdAt).toISOString();
  if (m.role === 'user') return `You · ${when}`;
  return `${oneLine(agentName || 'Assistant')}${m.model ? ` (${oneLine(m.model)})` : ''} · ${when}`;
}

function statusNote(m: Message): string {
  switch (m.status) {
    case 'cancelled':
      return 'Stopped before the answer was complete.';
    case 'interrupted':
      return 'Interrupted: Cubby closed before the answer was complete.';
    case 'error':
      return `The answer failed (${m.errorCode ?? 'error'}).`;
    default:
      return 'Still being written.';
  }
}
