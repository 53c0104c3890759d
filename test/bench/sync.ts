/**
 * Sync (issue 12), on a real folder target, with real installs (SQLCipher vaults, keychain):
 * - first sync of a vault with 100,000 messages: the first device's set-up (capture, seal,
 *   write the snapshot) and the second device's first sync (download, check, apply), in
 *   seconds and bytes; baseline: the same messages read from the vault and written as plain
 *   JSON to one file in the same folder (no crypto, no clocks);
 * - an incremental sync of one new message: objects and bytes written;
 * - the merge of 10,000 remote changes (new messages) into a vault, against inserting the same
 *   rows into plain SQLite with the same schema.
 */
import { mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3-multiple-ciphers';
import { vaultOf } from '../../main/core/accounts/session';
import { migrate } from '../../main/core/db/migrations';
import { VAULT_MIGRATIONS } from '../../main/core/vault/schema';
import { openStorage } from '../../main/core/sync/storage';
import type { SyncStorage } from '../../main/core/sync/storage/types';
import { tempDataDir } from '../helpers/env';
import { FOLDER_TARGET, newInstall, pair, type Install } from '../sync/world';
import { fmt, table, title } from './report';

const MESSAGES = 100_000;
const CONVERSATIONS = 1_000;
const MERGE = 10_000;

function bytesUnder(dir: string): { files: number; bytes: number } {
  let files = 0;
  let bytes = 0;
  for (const name of readdirSync(dir, { recursive: true }) as string[]) {
    const st = statSync(join(dir, name));
    if (st.isFile()) {
      files++;
      bytes += st.size;
    }
  }
  return { files, bytes };
}

/** Counts what the device writes to the storage. */
function counting(inner: SyncStorage, counter: { objects: number; bytes: number }): SyncStorage {
  return new Proxy(inner, {
    get(target, prop, receiver) {
      if (prop === 'put' || prop === 'putIfAbsent') {
        return async (name: string, body: Uint8Array) => {
          counter.objects++;
          counter.bytes += body.byteLength;
          return (target[prop] as (n: string, b: Uint8Array) => Promise<unknown>).call(target, name, body);
        };
      }
      const v = Reflect.get(target, prop, receiver);
      return typeof v === 'function' ? v.bind(target) : v;
    },
  });
}

function fillMessages(i: Install, n: number, conversations: number, tag: string): void {
  const db = vaultOf(i.session);
  const now = Date.now();
  db.transaction(() => {
    const conv = db.prepare('INSERT INTO conversations (id, title, agent_id, agent_name, pinned, created_at, updated_at) VALUES (?, ?, NULL, ?, 0, ?, ?)');
    const msg = db.prepare("INSERT INTO messages (conversation_id, role, content, status, created_at, updated_at) VALUES (?, ?, ?, 'complete', ?, ?)");
    const ids: string[] = [];
    for (let c = 0; c < conversations; c++) {
      const id = `${tag}-conv-${c}`;
      ids.push(id);
      conv.run(id, `Conversation ${c}`, 'Helper', now, now);
    }
    for (let m = 0; m < n; m++) {
      msg.run(ids[m % conversations], m % 2 ? 'assistant' : 'user', `Message ${m} of the bench: a sentence of ordinary length about plans and notes.`, now, now);
    }
  })();
}

export async function benchSync(): Promise<void> {
  title('Sync (folder target, real vaults)');
  const folder = tempDataDir('cubby-bench-sync-');
  const target = FOLDER_TARGET(folder);
  const written = { objects: 0, bytes: 0 };
  const desk = await newInstall(() => counting(openStorage(target), written));
  const laptop = await newInstall(() => openStorage(target));
  try {
    fillMessages(desk, MESSAGES, CONVERSATIONS, 'desk');

    // Baseline: the same messages as plain JSON in one file.
    let t = performance.now();
    const rows = vaultOf(desk.session).prepare('SELECT m.id, m.conversation_id, m.role, m.content, m.status, m.created_at FROM messages m').all();
    mkdirSync(join(folder, '..', 'plain'), { recursive: true });
    const plainFile = join(folder, '..', 'plain', `${Date.now()}.json`);
    writeFileSync(plainFile, JSON.stringify(rows));
    const plainMs = performance.now() - t;
    const plainBytes = statSync(plainFile).size;
    rmSync(plainFile);

    t = performance.now();
    await desk.sync.setUp({ target, deviceName: 'Desk', recoveryKey: desk.recoveryKey });
    const setUpMs = performance.now() - t;
    const first = bytesUnder(folder);

    t = performance.now();
    await pair(desk, laptop, target);
    const pairAndFirstMs = performance.now() - t;
    const got = (vaultOf(laptop.session).prepare('SELECT count(*) AS n FROM messages').get() as { n: number }).n;

    table(
      ['First sync, 100,000 messages', 'seconds', 'objects', 'MiB', 'vs plain JSON'],
      [
        ['plain JSON file (baseline)', fmt(plainMs / 1000, 2), '1', fmt(plainBytes / 2 ** 20, 1), '1.0x'],
        ['first device: set up (capture, seal, upload)', fmt(setUpMs / 1000, 2), String(first.files), fmt(first.bytes / 2 ** 20, 1), `${fmt(setUpMs / plainMs, 1)}x`],
        [`second device: pair + first sync (${got.toLocaleString('en-US')} messages)`, fmt(pairAndFirstMs / 1000, 2), '', '', `${fmt(pairAndFirstMs / plainMs, 1)}x`],
      ],
    );
    console.log('(pairing includes about 3 s of waiting for the other device, as a person would)');

    // Incremental: one new message.
    await desk.sync.syncNow();
    written.objects = 0;
    written.bytes = 0;
    const db = vaultOf(desk.session);
    const now = Date.now();
    db.prepare("INSERT INTO messages (conversation_id, role, content, status, created_at, updated_at) VALUES ('desk-conv-1', 'user', 'one more', 'complete', ?, ?)").run(now, now);
    t = performance.now();
    await desk.sync.syncNow();
    const incMs = performance.now() - t;
    table(['Incremental sync, one new message', 'objects written', 'bytes written', 'ms'], [['desk', String(written.objects), written.bytes.toLocaleString('en-US'), fmt(incMs, 1)]]);

    // Merge of 10,000 remote changes.
    fillMessages(desk, MERGE, 10, 'merge');
    await desk.sync.syncNow();
    t = performance.now();
    await laptop.sync.syncNow();
    const mergeMs = performance.now() - t;
    const plain = new Database(':memory:');
    migrate(plain as never, VAULT_MIGRATIONS, 'vault');
    const rowsToInsert = vaultOf(desk.session).prepare("SELECT conversation_id, role, content, status, created_at, updated_at FROM messages WHERE conversation_id LIKE 'merge-%'").all() as Record<string, unknown>[];
    t = performance.now();
    plain.transaction(() => {
      const conv = plain.prepare("INSERT INTO conversations (id, title, agent_name, created_at, updated_at) VALUES (?, 't', 'a', 0, 0)");
      for (let c = 0; c < 10; c++) conv.run(`merge-conv-${c}`);
      const ins = plain.prepare('INSERT INTO messages (conversation_id, role, content, status, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)');
      for (const r of rowsToInsert) ins.run(r.conversation_id, r.role, r.content, r.status, r.created_at, r.updated_at);
    })();
    const plainInsertMs = performance.now() - t;
    plain.close();
    table(
      ['Merge of 10,000 remote changes', 'ms', 'vs plain SQLite'],
      [
        ['plain SQLite insert, same schema (baseline)', fmt(plainInsertMs, 1), '1.0x'],
        ['laptop: one sync round (download, check, apply)', fmt(mergeMs, 1), `${fmt(mergeMs / plainInsertMs, 1)}x`],
      ],
    );
  } finally {
    await desk.close();
    await laptop.close();
    rmSync(folder, { recursive: true, force: true });
    rmSync(join(folder, '..', 'plain'), { recursive: true, force: true });
  }
}
