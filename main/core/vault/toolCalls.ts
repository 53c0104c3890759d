import { vaultOf, type Session } from '../accounts/session';
import type { ToolCallRecord } from '../tools';

/** The tool calls of an assistant message, saved with it (a JSON column of messages). */
export function saveToolCalls(session: Session, messageId: number, calls: ToolCallRecord[]): void {
  vaultOf(session).prepare('UPDATE messages SET tool_calls_json = ? WHERE id = ?').run(JSON.stringify(calls), messageId);
}

export function toolCallsOf(json: string | null | undefined): ToolCallRecord[] {
  if (!json) return [];
  try {
    const parsed = JSON.parse(json) as unknown;
    return Array.isArray(parsed) ? (parsed as ToolCallRecord[]) : [];
  } catch {
    return [];
  }
}
