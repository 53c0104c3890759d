/**
 * The tool steps' way to MCP tool servers. main/core/tools (another part of issue 11) exports
 * `toolCaller(session)` of exactly this shape; the executor takes it injected, so workflows do
 * not depend on how tool servers are started, and tests use a small recording implementation.
 */
import type { Session } from '../accounts/session';

export interface ToolCallOptions {
  signal?: AbortSignal;
  timeoutMs?: number;
  /**
   * 'ask': the person at the window may be asked to approve the call. 'require-stored': only an
   * approval they stored before counts (scheduled and background runs: nobody is there to ask).
   */
  approval: 'ask' | 'require-stored';
}

export interface ToolCallResult {
  /** MCP content blocks ({ type: 'text', text } and others), as the server sent them. */
  content: unknown;
  isError: boolean;
}

export interface ToolCaller {
  call(serverId: string, toolName: string, args: Record<string, unknown>, opts: ToolCallOptions): Promise<ToolCallResult>;
  list(): Promise<unknown>;
}

export type ToolCallerFactory = (session: Session) => ToolCaller;

/** A tool result as the text a later step's template receives: text blocks joined, anything else as JSON. */
export function toolOutputText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) {
    return content
      .map((block) =>
        block && typeof block === 'object' && (block as { type?: unknown }).type === 'text' && typeof (block as { text?: unknown }).text === 'string'
          ? (block as { text: string }).text
          : JSON.stringify(block),
      )
      .join('\n');
  }
  return content === undefined ? '' : JSON.stringify(content);
}
