import { useId, useState, type FormEvent } from 'react';
import { api } from '../../bridge';
import type { SyncTargetInput } from '../../bridge/types';
import { BusyButton } from '../../components/BusyButton';
import { Field } from '../../components/Field';
import { useBusyAction } from '../../components/useBusyAction';
import { useSessionStore } from '../../stores/sessionStore';
import { applySyncStatus } from '../../stores/syncStore';
import { SyncErrorAlert } from './syncErrors';

type Mode = 'setUp' | 'join' | 'recover';
type Kind = SyncTargetInput['kind'];

const MODES: { id: Mode; label: string; hint: string }[] = [
  { id: 'setUp', label: 'Set up sync', hint: 'This is the first computer to sync this vault.' },
  { id: 'join', label: 'Join from another device', hint: 'Another computer of yours already syncs: it approves this one.' },
  { id: 'recover', label: 'Use recovery key', hint: 'Every computer that synced is lost: your recovery key opens the sync again.' },
];

const KINDS: { id: Kind; label: string }[] = [
  { id: 's3', label: 'S3-compatible bucket' },
  { id: 'webdav', label: 'WebDAV server' },
  { id: 'folder', label: 'Folder' },
];

/** Everything the form holds; the secrets in it are emptied as soon as they were sent. */
interface Draft {
  endpoint: string;
  region: string;
  bucket: string;
  prefix: string;
  forcePathStyle: boolean;
  accessKeyId: string;
  secretAccessKey: string;
  url: string;
  username: string;
  password: string;
  path: string;
  deviceName: string;
  recoveryKey: string;
}

/** A name the person will recognise in the device list of their other computer. */
function defaultDeviceName(displayName: string | undefined): string {
  const platform = navigator.platform.toLowerCase();
  const machine = platform.startsWith('win') ? 'Windows PC' : platform.startsWith('mac') ? 'Mac' : platform.includes('linux') ? 'Linux computer' : 'computer';
  return displayName ? `${displayName.split(' ')[0]}’s ${machine}`.slice(0, 64) : machine;
}

function targetOf(kind: Kind, d: Draft): SyncTargetInput {
  if (kind === 's3') {
    return {
      kind,
      ...(d.endpoint.trim() ? { endpoint: d.endpoint.trim() } : {}),
      region: d.region.trim(),
      bucket: d.bucket.trim(),
      prefix: d.prefix.trim(),
      forcePathStyle: d.forcePathStyle,
      accessKeyId: d.accessKeyId.trim(),
      secretAccessKey: d.secretAccessKey,
    };
  }
  if (kind === 'webdav') return { kind, url: d.url.trim(), username: d.username, password: d.password };
  return { kind, path: d.path.trim() };
}

/** Sync is off: where to keep the encrypted copy, and how this device starts. */
export function SyncSetupForm() {
  const id = useId();
  const displayName = useSessionStore((s) => s.session?.displayName);
  const [mode, setMode] = useState<Mode>('setUp');
  const [kind, setKind] = useState<Kind>('s3');
  const [d, setDraft] = useState<Draft>(() => ({
    endpoint: '',
    region: 'us-east-1',
    bucket: '',
    prefix: 'cubby',
    forcePathStyle: false,
    accessKeyId: '',
    secretAccessKey: '',
    url: '',
    username: '',
    password: '',
    path: '',
    deviceName: defaultDeviceName(displayName),
    recoveryKey: '',
  }));
  const { busy, error, run } = useBusyAction();
  const set = <K extends keyof Draft>(key: K, value: Draft[K]) => setDraft((prev) => ({ ...prev, [key]: value }));

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const target = targetOf(kind, d);
    const deviceName = d.deviceName.trim();
    const recoveryKey = d.recoveryKey.trim();
    // Sent once; whatever the answer, the form forgets the secrets (a retry types them again).
    setDraft((prev) => ({ ...prev, secretAccessKey: '', password: '', recoveryKey: '' }));
    await run(async () => {
      if (mode === 'setUp') applySyncStatus(await api('sync.setUp', { target, deviceName, recoveryKey }));
      else if (mode === 'recover') applySyncStatus(await api('sync.joinWithRecoveryKey', { target, deviceName, recoveryKey }));
      else applySyncStatus(await api('sync.join', { target, deviceName }));
    });
  };

  const submitLabel = mode === 'setUp' ? 'Set up sync' : mode === 'join' ? 'Ask to join' : 'Restore sync';
  return (
    <form className="card sync-setup" onSubmit={submit} aria-labelledby={`${id}-title`} autoComplete="off">
      <h2 id={`${id}-title`}>Turn on sync</h2>
      <p className="card-lead">
        Cubby encrypts your vault on this computer before anything leaves it. The storage you choose only ever holds unreadable, signed pieces; your other
        computers read them with a key only your devices have.
      </p>

      <fieldset className="sync-choice">
        <legend>How does this computer start?</legend>
        {MODES.map((m) => (
          <div key={m.id} className="sync-option">
            <input
              type="radio"
              id={`${id}-mode-${m.id}`}
              name={`${id}-mode`}
              value={m.id}
              checked={mode === m.id}
              aria-describedby={`${id}-mode-${m.id}-hint`}
              onChange={() => setMode(m.id)}
            />
            <span>
              <label htmlFor={`${id}-mode-${m.id}`} className="sync-option-label">
                {m.label}
              </label>
              <span className="hint" id={`${id}-mode-${m.id}-hint`}>
                {m.hint}
              </span>
            </span>
          </div>
        ))}
      </fieldset>

      <fieldset className="sync-choice">
        <legend>Where to keep the encrypted copy</legend>
        {KINDS.map((k) => (
          <label key={k.id} className="sync-option sync-option-inline">
            <input type="radio" name={`${id}-kind`} value={k.id} checked={kind === k.id} onChange={() => setKind(k.id)} />
            <span className="sync-option-label">{k.label}</span>
          </label>
        ))}
      </fieldset>

      {kind === 's3' ? (
        <div className="sync-fields">
          <Field label="Endpoint" hint="Leave empty for Amazon S3. For MinIO, Ceph, R2 or B2: the address your provider gives, e.g. https://s3.example.com" value={d.endpoint} onChange={(e) => set('endpoint', e.target.value)} maxLength={2048} inputMode="url" />
          <Field label="Region" value={d.region} onChange={(e) => set('region', e.target.value)} maxLength={64} required />
          <Field label="Bucket" value={d.bucket} onChange={(e) => set('bucket', e.target.value)} maxLength={255} required />
          <Field label="Folder in the bucket" hint="Empty for the bucket's root." value={d.prefix} onChange={(e) => set('prefix', e.target.value)} maxLength={1024} />
          <label className="check">
            <input type="checkbox" checked={d.forcePathStyle} onChange={(e) => set('forcePathStyle', e.target.checked)} />
            <span>Path-style addresses (MinIO, Ceph and most self-hosted servers need this)</span>
          </label>
          <Field label="Access key ID" value={d.accessKeyId} onChange={(e) => set('accessKeyId', e.target.value)} maxLength={1024} required spellCheck={false} />
          <Field label="Secret access key" type="password" value={d.secretAccessKey} onChange={(e) => set('secretAccessKey', e.target.value)} maxLength={4096} required autoComplete="off" />
        </div>
      ) : null}
      {kind === 'webdav' ? (
        <div className="sync-fields">
          <Field label="WebDAV address" hint="e.g. https://cloud.example.com/remote.php/dav/files/you/Cubby" value={d.url} onChange={(e) => set('url', e.target.value)} maxLength={2048} required inputMode="url" />
          <Field label="User name" value={d.username} onChange={(e) => set('username', e.target.value)} maxLength={1024} spellCheck={false} />
          <Field label="WebDAV password" hint="An app password, if your server offers them." type="password" value={d.password} onChange={(e) => set('password', e.target.value)} maxLength={4096} autoComplete="off" />
        </div>
      ) : null}
      {kind === 'folder' ? (
        <div className="sync-fields">
          <Field label="Folder path" hint="A folder another tool carries between computers (Syncthing, Dropbox) or a USB disk, e.g. /media/usb/cubby" value={d.path} onChange={(e) => set('path', e.target.value)} maxLength={4096} required spellCheck={false} />
        </div>
      ) : null}

      <Field label="Name of this device" hint="How your other computers list this one." value={d.deviceName} onChange={(e) => set('deviceName', e.target.value)} maxLength={64} required />

      {mode === 'join' ? (
        <p className="hint">
          Next, this computer shows a short code. On a computer that already syncs, open Sync: the same code appears there. Approve it only if the two codes match.
        </p>
      ) : (
        <Field
          label="Recovery key"
          hint={
            mode === 'setUp'
              ? 'The key you saved when you created your account. Cubby checks it now because it is what restores sync if every computer is lost: you learn today, not on that day, whether the one you kept works.'
              : 'The key you saved when you created your account. It proves this vault is yours and opens the sync your lost computers wrote.'
          }
          value={d.recoveryKey}
          onChange={(e) => set('recoveryKey', e.target.value)}
          maxLength={128}
          required
          autoComplete="off"
          spellCheck={false}
          className="mono"
        />
      )}

      <SyncErrorAlert error={error} />
      <div className="actions">
        <BusyButton busy={busy} busyLabel={mode === 'join' ? 'Asking…' : 'Checking the storage…'}>
          {submitLabel}
        </BusyButton>
      </div>
    </form>
  );
}
