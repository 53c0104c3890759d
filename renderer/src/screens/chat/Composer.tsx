import { useEffect, useId, useRef, useState, type FormEvent, type KeyboardEvent } from 'react';
import { LocalError } from '../../components/ErrorAlert';
import { attachmentKind, attachmentProblem, imagePreview, readAttachment } from './attachments';
import { ImageThumb } from './ImageThumb';
import type { AttachmentUpload } from '../../bridge/types';

/**
 * The message box. Enter sends, Shift+Enter is a new line, Esc stops the answer that is
 * arriving. Files are checked against the contract's limits before anything is sent.
 */
export function Composer({
  disabled,
  busy,
  streaming,
  onSend,
  onStop,
  draft,
  setDraft,
  editing,
  onCancelEdit,
}: {
  disabled: boolean;
  /** A send is on its way: another waits (the box stays usable, keeping focus). */
  busy: boolean;
  streaming: boolean;
  onSend(text: string, attachments: AttachmentUpload[]): Promise<boolean>;
  onStop(): void;
  draft: string;
  setDraft(text: string): void;
  editing: boolean;
  onCancelEdit(): void;
}) {
  const id = useId();
  const [files, setFiles] = useState<File[]>([]);
  const [problem, setProblem] = useState<string | null>(null);
  const [sending, setSending] = useState(false);
  const fileRef = useRef<HTMLInputElement>(null);
  // Thumbnails of the chosen images, in memory only: dropped with the files (sent, replaced, lock).
  const [previews, setPreviews] = useState<Map<File, string | null>>(new Map());
  useEffect(() => {
    let live = true;
    setPreviews(new Map());
    void Promise.all(files.map(async (f) => [f, await imagePreview(f).catch(() => null)] as const)).then((pairs) => {
      if (live) setPreviews(new Map(pairs));
    });
    return () => {
      live = false;
    };
  }, [files]);

  const send = async () => {
    const text = draft.trim();
    if (!text || disabled || busy || sending || streaming) return;
    const issue = attachmentProblem(files);
    if (issue) {
      setProblem(issue);
      return;
    }
    setSending(true);
    try {
      const uploads = editing ? [] : await Promise.all(files.map(readAttachment));
      if (await onSend(text, uploads)) {
        setFiles([]);
        if (fileRef.current) fileRef.current.value = '';
      }
    } finally {
      setSending(false);
    }
  };

  const onKeyDown = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    if (e.key === 'Enter' && !e.shiftKey && !e.nativeEvent.isComposing) {
      e.preventDefault();
      void send();
    } else if (e.key === 'Escape') {
      if (streaming) {
        e.preventDefault();
        e.stopPropagation();
        onStop();
      } else if (editing) {
        e.preventDefault();
        onCancelEdit();
      }
    }
  };

  return (
    <form
      className="composer"
      autoComplete="off"
      onSubmit={(e: FormEvent) => {
        e.preventDefault();
        void send();
      }}
    >
      <label htmlFor={`${id}-text`} className="visually-hidden">
        {editing ? 'Edit your last message' : 'Message'}
      </label>
      <textarea
        id={`${id}-text`}
        rows={3}
        value={draft}
        placeholder={editing ? 'Edit your last message, then press Enter' : 'Message (Enter sends, Shift+Enter for a new line)'}
        autoComplete="off"
        spellCheck
        aria-describedby={`${id}-hint`}
        disabled={disabled}
        onChange={(e) => setDraft(e.target.value)}
        onKeyDown={onKeyDown}
      />
      <p className="visually-hidden" id={`${id}-hint`}>
        Enter sends, Shift+Enter adds a new line, Escape stops an answer.
      </p>
      {files.length ? (
        <ul className="composer-files" aria-label="Files to send">
          {files.map((f) =>
            attachmentKind(f) === 'image' ? (
              <li key={f.name}>
                <ImageThumb name={f.name} src={previews.get(f) ?? null} status={previews.has(f) ? 'missing' : 'loading'} />
              </li>
            ) : (
              <li key={f.name} className="chip">
                {f.name}
              </li>
            ),
          )}
        </ul>
      ) : null}
      <LocalError message={problem} />
      <div className="composer-actions">
        {editing ? null : (
          <label className="btn btn-small btn-ghost composer-attach">
            Attach files
            <input
              ref={fileRef}
              className="visually-hidden"
              type="file"
              multiple
              accept="text/*,.md,.json,.csv,.yaml,.yml,.ts,.js,.py,image/png,image/jpeg,image/gif,image/webp"
              onChange={(e) => {
                const chosen = [...(e.target.files ?? [])];
                setFiles(chosen);
                setProblem(attachmentProblem(chosen));
              }}
            />
          </label>
        )}
        {editing ? (
          <button type="button" className="btn btn-small" onClick={onCancelEdit}>
            Cancel edit
          </button>
        ) : null}
        {streaming ? (
          <button type="button" className="btn btn-danger" onClick={onStop}>
            Stop
          </button>
        ) : (
          <button type="submit" className="btn btn-primary" disabled={disabled || busy || sending || !draft.trim()}>
            {editing ? 'Resend' : 'Send'}
          </button>
        )}
      </div>
    </form>
  );
}
