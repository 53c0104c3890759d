/**
 * Sync change machinery (issue 12), in vaults (SQLCipher files as openSession opens them):
 * the first capture of a vault with 100,000 messages, capturing one new message afterwards,
 * applying 10,000 changes from another device, and applying a 100,000-message first batch.
 * Baselines measured in the same run: reading every message once (what any capture must at
 * least do) and inserting the same rows with plain INSERTs (what any apply must at least do).
 * Prints figures and ratios; asserts nothing about time.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Session } from '../../main/core/accounts/session';
import { migrate } from '../../main/core/db/migrations';
import { openEncrypted, type Db } from '../../main/core/db/sqlcipher';
import { CubbyError } from '../../main/core/errors';
import { applyRemoteChanges, captureChanges, HybridClock, type RowChange } from '../../main/core/sync/changes';
import { createConversation } from '../../main/core/vault/conversations';
import { appendMessage } from '../../main/core/vault/messages';
import { VAULT_MIGRATIONS } from '../../main/core/vault/schema';
import { fmt, table, title } from './report';

const MESSAGES = 100_000;
const CONVERSATIONS = 100;
const REMOTE = 10_000;

function openVault(dir: string, name: string): { db: Db; session: Session } {
  const key = randomBytes(32);
  const db = openEncrypted(join(dir, `${name}.db`), key, () => new CubbyError('INTERNAL', 'bench: bad key'), { cacheKiB: 65536 });
  migrate(db, VAULT_MIGRATIONS, 'vault');
  return { db, session: new Session({ id: `bench-${name}`, username: 'bench', displayName: 'Bench' }, key, db) };
}

const timed = <T>(fn: () => T): [T, number] => {
  const start = performance.now();
  const out = fn();
  return [out, performance.now() - start];
};

/** Messages of ~300 characters in CONVERSATIONS conversations, written the way chat writes them. */
function fill(session: Session, db: Db, messages: number): void {
  db.transaction(() => {
    const convs = Array.from({ length: CONVERSATIONS }, (_, i) => createConversation(session, { agentId: null, agentName: 'Bench', title: `Conversation ${i}` }).id);
    for (let i = 0; i < messages; i++) {
      appendMessage(session, convs[i % CONVERSATIONS]!, { role: i % 2 ? 'assistant' : 'user', content: `Message ${i}: ${'lorem ipsum dolor sit amet '.repeat(11)}`, status: 'complete' });
    }
  })();
}

export function benchSyncChanges(): void {
  title(`s. Sync changes: capture of ${MESSAGES.toLocaleString('en-US')} messages, apply of ${REMOTE.toLocaleString('en-US')} remote changes (vaults)`);
  const dir = mkdtempSync(join(tmpdir(), 'cubby-bench-sync-'));
  try {
    const a = openVault(dir, 'a');
    const clockA = new HybridClock('00000000000000a1');
    fill(a.session, a.db, MESSAGES);
    const [, readMs] = timed(() => a.db.prepare('SELECT * FROM messages').all());
    const [first, captureMs] = timed(() => captureChanges(a.db, clockA));
    const firstBytes = Buffer.byteLength(JSON.stringify(first));

    const conv = a.db.prepare('SELECT id FROM conversations LIMIT 1').pluck().get() as string;
    appendMessage(a.session, conv, { role: 'user', content: 'one more', status: 'complete' });
    const [one, oneMs] = timed(() => captureChanges(a.db, clockA));
    const oneBytes = Buffer.byteLength(JSON.stringify(one));

    // Another device: the conversations first, then 10,000 new messages from a, applied at once.
    const b = openVault(dir, 'b');
    const clockB = new HybridClock('00000000000000b2');
    const convChanges = first.filter((c) => c.tbl === 'conversations');
    applyRemoteChanges(b.db, convChanges, clockB, clockA.deviceId);
    const tenK: RowChange[] = first.filter((c) => c.tbl === 'messages').slice(0, REMOTE);
    const [r10k, apply10kMs] = timed(() => applyRemoteChanges(b.db, tenK, clockB, clockA.deviceId));

    // Baseline: the same 10,000 rows by plain INSERT into a fresh vault.
    const c = openVault(dir, 'c');
    applyRemoteChanges(c.db, convChanges, new HybridClock('00000000000000c3'), clockA.deviceId);
    const insert = c.db.prepare('INSERT INTO messages (uid, conversation_id, role, content, status, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)');
    const [, insertMs] = timed(() =>
      c.db.transaction(() => {
        for (const ch of tenK) insert.run(ch.key, ch.f!.conversation_id!.v, ch.f!.role!.v, ch.f!.content!.v, ch.f!.status!.v, ch.f!.created_at!.v, ch.f!.updated_at!.v);
      })(),
    );

    // The rest of the first batch on b: 90,000 more messages.
    const rest = first.filter((x) => x.tbl === 'messages').slice(REMOTE);
    const [, applyRestMs] = timed(() => applyRemoteChanges(b.db, rest, clockB, clockA.deviceId));
    const [again, recaptureMs] = timed(() => captureChanges(b.db, clockB));

    table(
      ['What', 'Time (ms)', 'Changes', 'JSON bytes', 'Ratio'],
      [
        [`Read every message once (baseline)`, fmt(readMs, 0), '', '', '1.0x'],
        [`First capture, ${MESSAGES.toLocaleString('en-US')} messages`, fmt(captureMs, 0), first.length.toLocaleString('en-US'), firstBytes.toLocaleString('en-US'), `${fmt(captureMs / readMs)}x`],
        ['Capture after one new message', fmt(oneMs, 1), String(one.length), oneBytes.toLocaleString('en-US'), ''],
        [`Plain INSERT of ${REMOTE.toLocaleString('en-US')} messages (baseline)`, fmt(insertMs, 0), '', '', '1.0x'],
        [`Apply ${REMOTE.toLocaleString('en-US')} remote messages`, fmt(apply10kMs, 0), String(r10k.applied), '', `${fmt(apply10kMs / insertMs)}x`],
        [`Apply the other ${rest.length.toLocaleString('en-US')}`, fmt(applyRestMs, 0), rest.length.toLocaleString('en-US'), '', ''],
        ['Capture on the receiver afterwards (sends nothing)', fmt(recaptureMs, 0), String(again.length), '', ''],
      ],
    );
    for (const v of [a, b, c]) v.session.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
