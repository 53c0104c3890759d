import { useState } from 'react';
import type { Message } from '../../bridge/types';
import { LazyModelMarkdown } from '../../components/markdown';
import type { RunError } from '../../stores/chatStore';
import { copyMessageText, openAnswerLink } from './copyMessage';
import { AttachmentImage } from './ImageThumb';
import { ToolCallList } from './ToolCallList';

const STATUS_LABEL: Partial<Record<Message['status'], string>> = {
  streaming: 'Answering…',
  cancelled: 'Stopped',
  error: 'Failed',
  interrupted: 'Interrupted',
};

export interface MessageActions {
  isLastUser: boolean;
  isLastAnswer: boolean;
  busy: boolean;
  onStop(): void;
  onRetry(): void;
  onEdit(): void;
}

/** One message: the person's as plain text, an answer as safe Markdown; its status, actions and details. */
export function MessageItem({ message, agentName, runError, actions, highlighted }: { message: Message; agentName: string; runError: RunError | undefined; actions: MessageActions; highlighted: boolean }) {
  const [details, setDetails] = useState(false);
  const [copied, setCopied] = useState<string>('');
  const mine = message.role === 'user';
  const streaming = message.status === 'streaming';
  const status = STATUS_LABEL[message.status];
  const detailsId = `msg-${message.id}-details`;
  return (
    <article
      className={`message ${mine ? 'message-user' : 'message-assistant'} message-${message.status}${highlighted ? ' message-found' : ''}`}
      aria-label={mine ? 'You' : agentName}
      data-message-id={message.id}
      data-status={message.status}
      tabIndex={-1}
    >
      <p className="message-who">
        <span>{mine ? 'You' : agentName}</span>
        {status ? <span className={`badge ${message.status === 'error' || message.status === 'interrupted' ? 'badge-warn' : 'badge-muted'}`}>{status}</span> : null}
      </p>
      {mine ? (
        <p className="message-text">{message.content}</p>
      ) : message.content ? (
        <LazyModelMarkdown
          text={message.content}
          streaming={streaming}
          onCopyCode={(code) => copyMessageText(code)}
          onOpenLink={(url) => void openAnswerLink(url)}
          headingLevel={2}
        />
      ) : streaming ? (
        <p className="muted">
          <span className="spinner" aria-hidden="true" /> Waiting for the first words…
        </p>
      ) : null}
      {message.attachments.length ? (
        <ul className="message-attachments" aria-label="Attachments">
          {message.attachments.map((a) =>
            a.kind === 'image' ? (
              <li key={a.id}>
                <AttachmentImage attachment={a} />
              </li>
            ) : (
              <li key={a.id} className="chip">
                File: {a.name}
              </li>
            ),
          )}
        </ul>
      ) : null}
      {message.toolCalls?.length ? <ToolCallList calls={message.toolCalls} /> : null}
      {message.status === 'error' ? (
        <div className="alert alert-error message-error" role="alert" data-code={runError?.code ?? message.errorCode ?? ''}>
          <p>
            {runError?.message ?? 'The answer failed.'} <span className="mono">({runError?.code ?? message.errorCode ?? 'ERROR'})</span>
          </p>
        </div>
      ) : null}
      {message.status === 'interrupted' ? <p className="hint">Cubby closed while this answer was arriving; what had arrived is kept.</p> : null}
      <div className="message-actions">
        {streaming ? (
          <button type="button" className="btn btn-small btn-danger-outline" onClick={actions.onStop}>
            Stop
          </button>
        ) : (
          <button
            type="button"
            className="btn btn-small btn-ghost"
            onClick={async () => setCopied((await copyMessageText(message.content)) ? 'Copied.' : 'Could not copy.')}
            disabled={!message.content}
          >
            Copy
          </button>
        )}
        {!mine && !streaming ? (
          <button type="button" className="btn btn-small btn-ghost" aria-expanded={details} aria-controls={detailsId} onClick={() => setDetails(!details)}>
            Details
          </button>
        ) : null}
        {actions.isLastAnswer && !streaming ? (
          <button type="button" className="btn btn-small btn-ghost" disabled={actions.busy} onClick={actions.onRetry}>
            Retry
          </button>
        ) : null}
        {actions.isLastUser ? (
          <button type="button" className="btn btn-small btn-ghost" disabled={actions.busy} onClick={actions.onEdit}>
            Edit
          </button>
        ) : null}
        <span className="status-text" role="status">
          {copied}
        </span>
      </div>
      {details ? (
        <dl className="message-details" id={detailsId}>
          <dt>Model</dt>
          <dd>{message.model ?? '—'}</dd>
          <dt>Tokens in / out</dt>
          <dd>
            {message.inputTokens ?? '—'} / {message.outputTokens ?? '—'}
          </dd>
          <dt>First token</dt>
          <dd>{message.ttftMs !== null ? `${message.ttftMs} ms` : '—'}</dd>
          <dt>Total</dt>
          <dd>{message.totalMs !== null ? `${message.totalMs} ms` : '—'}</dd>
        </dl>
      ) : null}
    </article>
  );
}
