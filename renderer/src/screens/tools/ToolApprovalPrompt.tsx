import { useEffect, useState } from 'react';
import { api, bridge } from '../../bridge';
import type { EventPayload } from '../../bridge/types';
import { Dialog } from '../../components/Dialog';

type Prompt = EventPayload<'tools.approvalNeeded'>;

/**
 * An agent asks to use a tool of the person's for the first time (or after its definition
 * changed): allow once, always (for this definition) or deny. Closing the dialog denies; main
 * denies by itself if nobody answers in time.
 */
export function ToolApprovalPrompt() {
  const [queue, setQueue] = useState<Prompt[]>([]);
  useEffect(() => bridge.on('tools.approvalNeeded', (p) => setQueue((q) => [...q, p])), []);
  const current = queue[0];
  if (!current) return null;
  const answer = (decision: 'once' | 'always' | 'deny') => {
    setQueue((q) => q.slice(1));
    void api('tools.approve', { requestId: current.requestId, decision }).catch(() => undefined);
  };
  return (
    <Dialog title={current.changed ? `The tool “${current.toolName}” changed` : `Allow the tool “${current.toolName}”?`} onClose={() => answer('deny')} initialFocus=".tool-approve-deny">
      <p>
        An agent wants to use <strong>{current.toolName}</strong> from your tool server <strong>{current.serverName}</strong>.
        {current.changed ? ' Its definition changed since you allowed it, so Cubby asks again.' : ''}
      </p>
      {current.description ? <p className="hint">{current.description}</p> : null}
      <p className="hint">With these arguments:</p>
      <pre className="tool-call-text">{current.argumentsPreview || '{}'}</pre>
      <div className="actions">
        <button type="button" className="btn tool-approve-deny" onClick={() => answer('deny')}>
          Deny
        </button>
        <button type="button" className="btn" onClick={() => answer('once')}>
          Allow once
        </button>
        <button type="button" className="btn btn-primary" onClick={() => answer('always')}>
          Always allow
        </button>
      </div>
    </Dialog>
  );
}
