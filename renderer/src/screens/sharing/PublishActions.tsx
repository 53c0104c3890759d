import { useId, useState } from 'react';
import { api, asBridgeError, type BridgeCallError } from '../../bridge';
import type { Agent } from '../../bridge/types';
import { Dialog } from '../../components/Dialog';
import { ErrorAlert } from '../../components/ErrorAlert';
import { loadAgents } from '../../stores/libraryStore';
import { loadShared, useSharingStore } from '../../stores/sharingStore';
import { atLeast } from '../../../../main/core/sharing/levels';

/**
 * On one of the person's own agents: "Publish" makes a shared copy they own (optionally running
 * on their key); once published, "Update shared copy" copies their agent onto it again.
 */
export function PublishActions({ agent }: { agent: Agent }) {
  const id = useId();
  const shared = useSharingStore((s) => s.shared);
  const [open, setOpen] = useState(false);
  const [shareKey, setShareKey] = useState(false);
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState('');
  const [error, setError] = useState<BridgeCallError | null>(null);
  const close = () => {
    setOpen(false);
    setError(null);
  };
  const copy = agent.publishedId ? shared?.find((s) => s.id === agent.publishedId) : undefined;

  const run = async (action: () => Promise<unknown>, message: string) => {
    setBusy(true);
    setError(null);
    setDone('');
    try {
      await action();
      await Promise.all([loadShared(), loadAgents()]);
      setDone(message);
      return true;
    } catch (e) {
      setError(asBridgeError(e));
      return false;
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      {copy && atLeast(copy.level, 'edit') ? (
        <button
          type="button"
          className="btn btn-small"
          disabled={busy}
          aria-label={`Update shared copy of ${agent.name}`}
          onClick={() => void run(() => api('shared.updateFromMine', { agentId: agent.id }), 'Shared copy updated.')}
        >
          Update shared copy
        </button>
      ) : !copy ? (
        <button
          type="button"
          className="btn btn-small"
          aria-label={`Publish ${agent.name} to shared agents`}
          onClick={() => {
            setError(null);
            setOpen(true);
          }}
        >
          Publish
        </button>
      ) : null}
      <span className="status-text" role="status">
        {done}
      </span>
      {!open ? <ErrorAlert error={error} /> : null}
      {open ? (
        <Dialog title={`Publish ${agent.name} to shared agents`} onClose={close}>
          <p>A copy of this agent becomes a shared agent that you own. You then choose whom to share it with; people who use it never see its instructions.</p>
          <label className="check">
            <input type="checkbox" checked={shareKey} onChange={(e) => setShareKey(e.target.checked)} aria-describedby={`${id}-key-hint`} />
            Share my key
          </label>
          <p className="hint" id={`${id}-key-hint`}>
            {shareKey
              ? 'Everyone you share it with runs on your key (you can set usage limits). Nobody can read the key.'
              : 'Each person runs it on a connection of their own.'}
          </p>
          <ErrorAlert error={error} />
          <div className="actions">
            <button type="button" className="btn" onClick={close}>
              Cancel
            </button>
            <button
              type="button"
              className="btn btn-primary"
              disabled={busy}
              onClick={async () => {
                if (await run(() => api('shared.publish', { agentId: agent.id, shareKey }), 'Published: share it from Shared agents.')) close();
              }}
            >
              Publish
            </button>
          </div>
        </Dialog>
      ) : null}
    </>
  );
}
