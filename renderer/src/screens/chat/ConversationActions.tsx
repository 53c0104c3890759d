import { useState, type FormEvent } from 'react';
import { api, asBridgeError, type BridgeCallError } from '../../bridge';
import type { Conversation } from '../../bridge/types';
import { downloadText } from '../../components/copyText';
import { Dialog } from '../../components/Dialog';
import { ErrorAlert } from '../../components/ErrorAlert';
import { Field } from '../../components/Field';
import { deleteConversation, pinConversation, renameConversation } from '../../stores/chatStore';

/** Rename, pin, export as Markdown (a download: main writes no file) and delete the open conversation. */
export function ConversationActions({ conversation }: { conversation: Conversation }) {
  const [dialog, setDialog] = useState<'rename' | 'delete' | null>(null);
  const [title, setTitle] = useState(conversation.title);
  const [error, setError] = useState<BridgeCallError | null>(null);
  const run = async (action: () => Promise<void>) => {
    setError(null);
    try {
      await action();
      return true;
    } catch (e) {
      setError(asBridgeError(e));
      return false;
    }
  };
  const rename = async (e: FormEvent) => {
    e.preventDefault();
    if (await run(() => renameConversation(conversation.id, title.trim()))) setDialog(null);
  };
  return (
    <div className="chat-head-actions">
      <button type="button" className="btn btn-small" onClick={() => void run(() => pinConversation(conversation.id, !conversation.pinned))}>
        {conversation.pinned ? 'Unpin' : 'Pin'}
      </button>
      <button
        type="button"
        className="btn btn-small"
        onClick={() => {
          setTitle(conversation.title);
          setDialog('rename');
        }}
      >
        Rename
      </button>
      <button
        type="button"
        className="btn btn-small"
        onClick={() =>
          void run(async () => {
            const { filename, markdown } = await api('conversations.export', { id: conversation.id });
            downloadText(filename, markdown);
          })
        }
      >
        Export
      </button>
      <button type="button" className="btn btn-small btn-danger-outline" onClick={() => setDialog('delete')}>
        Delete
      </button>
      {dialog === null ? <ErrorAlert error={error} /> : null}
      {dialog === 'rename' ? (
        <Dialog title="Rename conversation" onClose={() => setDialog(null)}>
          <form onSubmit={rename} autoComplete="off">
            <Field label="Title" value={title} onChange={(e) => setTitle(e.target.value)} required maxLength={1000} autoComplete="off" />
            <ErrorAlert error={error} />
            <div className="actions">
              <button type="button" className="btn" onClick={() => setDialog(null)}>
                Cancel
              </button>
              <button type="submit" className="btn btn-primary">
                Rename
              </button>
            </div>
          </form>
        </Dialog>
      ) : null}
      {dialog === 'delete' ? (
        <Dialog title="Delete conversation?" onClose={() => setDialog(null)}>
          <p>“{conversation.title}” and its messages and attachments will be removed. This cannot be undone.</p>
          <ErrorAlert error={error} />
          <div className="actions">
            <button type="button" className="btn" onClick={() => setDialog(null)}>
              Cancel
            </button>
            <button
              type="button"
              className="btn btn-danger"
              onClick={async () => {
                if (await run(() => deleteConversation(conversation.id))) setDialog(null);
              }}
            >
              Delete
            </button>
          </div>
        </Dialog>
      ) : null}
    </div>
  );
}
