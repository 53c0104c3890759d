import type { Message } from '../../bridge/types';

type ToolCall = NonNullable<Message['toolCalls']>[number];

const STATUS: Record<ToolCall['status'], string> = { ok: 'done', error: 'failed', denied: 'not approved', timeout: 'stopped: too slow' };

/** The tools an answer used, each collapsed to one line until opened (native <details>: keyboard and screen readers included). */
export function ToolCallList({ calls }: { calls: ToolCall[] }) {
  return (
    <ul className="tool-calls" aria-label="Tool calls">
      {calls.map((c, i) => (
        <li key={i}>
          <details className="tool-call" data-status={c.status}>
            <summary>
              Tool <span className="mono">{c.toolName}</span> ({c.serverName}): {STATUS[c.status]}
            </summary>
            <p className="hint">Arguments</p>
            <pre className="tool-call-text">{c.arguments || '{}'}</pre>
            <p className="hint">Result</p>
            <pre className="tool-call-text">{c.result || '—'}</pre>
          </details>
        </li>
      ))}
    </ul>
  );
}
