/**
 * This device's sync state in its vault (vault/syncStateSchema.ts): the one SQL layer of the
 * sync engine. Nothing here is synced.
 */
import type { Db } from '../../db/sqlcipher';
import type { SyncTargetInput } from '../api';
import type { HeadBody } from './heads';

export type { HeadBody };

export interface SyncConfigRow {
  target: SyncTargetInput;
  state: 'joining' | 'active' | 'removed';
  paused: boolean;
  vaultId: string | null;
  deviceId: string;
  deviceName: string;
  deviceKeys: Buffer;
  recoverySignPublic: Buffer | null;
  recoveryBoxPublic: Buffer | null;
  epoch: number;
  seq: number;
  lastHash: string;
  /** This device's own segments up to this one are deleted from the storage. */
  compactedThrough: number;
  snapshot: SnapshotManifest | null;
  firstSyncDone: boolean;
  lastSyncAt: number | null;
  join: JoinState | null;
}

/** What a head announces about its device's latest snapshot. */
export interface SnapshotManifest {
  id: number;
  chunks: number;
  /** Per device: the last segment (seq, hash) the snapshot includes. */
  vector: Record<string, [number, string]>;
  at: number;
}

/** A join in progress on this device (its ephemeral key sits inside the encrypted vault). */
export type JoinState = import('../pairingFlow').JoinProgress;

export interface DeviceRow {
  id: string;
  name: string;
  signPublic: Buffer;
  boxPublic: Buffer;
  addedAt: number;
  removedEpoch: number | null;
  /** A removed device's segments are read up to this one (what the remover had seen of it), none after. */
  removedAfter: number | null;
  /** A removed device's statements count up to this one (of its own numbering), none after. */
  removedStatements: number | null;
  /** The hash of the removed device's last segment that counts. */
  removedHash: string | null;
  /** The last statement of this device accepted here, by number and hash (its statements form a chain). */
  statementsSeen: number;
  statementHash: string;
  seenSeq: number;
  seenHash: string;
  seenEpoch: number;
  headSeq: number;
  head: HeadBody | null;
  lastHeardAt: number | null;
  blockedCode: string | null;
}


type Raw = Record<string, unknown>;

function configOf(r: Raw): SyncConfigRow {
  return {
    target: JSON.parse(r.target_json as string) as SyncTargetInput,
    state: r.state as SyncConfigRow['state'],
    paused: r.paused === 1,
    vaultId: (r.vault_id as string | null) ?? null,
    deviceId: r.device_id as string,
    deviceName: r.device_name as string,
    deviceKeys: r.device_keys as Buffer,
    recoverySignPublic: (r.recovery_sign_public as Buffer | null) ?? null,
    recoveryBoxPublic: (r.recovery_box_public as Buffer | null) ?? null,
    epoch: r.epoch as number,
    seq: r.seq as number,
    lastHash: r.last_hash as string,
    compactedThrough: r.compacted_through as number,
    snapshot: r.snapshot_json ? (JSON.parse(r.snapshot_json as string) as SnapshotManifest) : null,
    firstSyncDone: r.first_sync_done === 1,
    lastSyncAt: (r.last_sync_at as number | null) ?? null,
    join: r.join_json ? (JSON.parse(r.join_json as string) as JoinState) : null,
  };
}

function deviceOf(r: Raw): DeviceRow {
  return {
    id: r.id as string,
    name: r.name as string,
    signPublic: r.sign_public as Buffer,
    boxPublic: r.box_public as Buffer,
    addedAt: r.added_at as number,
    removedEpoch: (r.removed_epoch as number | null) ?? null,
    removedAfter: (r.removed_after as number | null) ?? null,
    removedStatements: (r.removed_statements as number | null) ?? null,
    statementsSeen: r.statements_seen as number,
    statementHash: r.statement_hash as string,
    removedHash: (r.removed_hash as string | null) ?? null,
    seenSeq: r.seen_seq as number,
    seenHash: r.seen_hash as string,
    seenEpoch: r.seen_epoch as number,
    headSeq: r.head_seq as number,
    head: r.head_json ? (JSON.parse(r.head_json as string) as HeadBody) : null,
    lastHeardAt: (r.last_heard_at as number | null) ?? null,
    blockedCode: (r.blocked_code as string | null) ?? null,
  };
}

export class SyncState {
  constructor(readonly db: Db) {}

  config(): SyncConfigRow | null {
    const r = this.db.prepare('SELECT * FROM sync_config WHERE id = 1').get() as Raw | undefined;
    return r ? configOf(r) : null;
  }

  createConfig(c: { target: SyncTargetInput; state: SyncConfigRow['state']; deviceId: string; deviceName: string; deviceKeys: Buffer; vaultId: string | null }): void {
    this.db
      .prepare(
        `INSERT INTO sync_config (id, target_json, state, vault_id, device_id, device_name, device_keys, created_at)
         VALUES (1, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(JSON.stringify(c.target), c.state, c.vaultId, c.deviceId, c.deviceName, c.deviceKeys, Date.now());
  }

  updateConfig(fields: Partial<{
    state: SyncConfigRow['state'];
    paused: boolean;
    vaultId: string;
    recoverySignPublic: Buffer;
    recoveryBoxPublic: Buffer;
    epoch: number;
    seq: number;
    lastHash: string;
    compactedThrough: number;
    snapshot: SnapshotManifest | null;
    firstSyncDone: boolean;
    lastSyncAt: number;
    join: JoinState | null;
  }>): void {
    const columns: Record<string, string> = {
      state: 'state', paused: 'paused', vaultId: 'vault_id', recoverySignPublic: 'recovery_sign_public',
      recoveryBoxPublic: 'recovery_box_public', epoch: 'epoch', seq: 'seq', lastHash: 'last_hash', compactedThrough: 'compacted_through',
      snapshot: 'snapshot_json', firstSyncDone: 'first_sync_done', lastSyncAt: 'last_sync_at', join: 'join_json',
    };
    const sets: string[] = [];
    const values: unknown[] = [];
    for (const [k, v] of Object.entries(fields)) {
      sets.push(`${columns[k]} = ?`);
      if (typeof v === 'boolean') values.push(v ? 1 : 0);
      else if (k === 'snapshot' || k === 'join') values.push(v === null ? null : JSON.stringify(v));
      else values.push(v);
    }
    if (sets.length) this.db.prepare(`UPDATE sync_config SET ${sets.join(', ')} WHERE id = 1`).run(...values);
  }

  /** Rows sync knows and that are not deleted: what a mass deletion is measured against. */
  liveRowCount(): number {
    return this.db.prepare('SELECT count(*) FROM sync_rows WHERE deleted_hlc IS NULL').pluck().get() as number;
  }

  /** Turning sync off forgets everything sync kept on this device (the synced content stays). */
  clear(): void {
    this.db.transaction(() => {
      for (const t of ['sync_config', 'sync_epoch_keys', 'sync_devices', 'sync_outbox', 'sync_statements_seen', 'sync_quarantine', 'sync_pairing', 'sync_held']) {
        this.db.prepare(`DELETE FROM ${t}`).run();
      }
    })();
  }

  wrappedEpochKeys(): { epoch: number; wrapped: Buffer }[] {
    return this.db.prepare('SELECT epoch, wrapped FROM sync_epoch_keys ORDER BY epoch').all() as { epoch: number; wrapped: Buffer }[];
  }

  storeEpochKey(epoch: number, wrapped: Buffer): void {
    this.db.prepare('INSERT OR IGNORE INTO sync_epoch_keys (epoch, wrapped) VALUES (?, ?)').run(epoch, wrapped);
  }

  devices(): DeviceRow[] {
    return (this.db.prepare('SELECT * FROM sync_devices ORDER BY added_at, id').all() as Raw[]).map(deviceOf);
  }

  device(id: string): DeviceRow | null {
    const r = this.db.prepare('SELECT * FROM sync_devices WHERE id = ?').get(id) as Raw | undefined;
    return r ? deviceOf(r) : null;
  }

  addDevice(d: { id: string; name: string; signPublic: Buffer; boxPublic: Buffer; addedAt: number }): void {
    this.db
      .prepare('INSERT OR IGNORE INTO sync_devices (id, name, sign_public, box_public, added_at) VALUES (?, ?, ?, ?, ?)')
      .run(d.id, d.name, d.signPublic, d.boxPublic, d.addedAt);
  }

  markRemoved(id: string, r: { epoch: number; lastSeq: number; lastHash: string; lastStatement: number }): void {
    this.db
      .prepare('UPDATE sync_devices SET removed_epoch = ?, removed_after = ?, removed_hash = ?, removed_statements = ? WHERE id = ? AND removed_epoch IS NULL')
      .run(r.epoch, r.lastSeq, r.lastHash, r.lastStatement, id);
  }

  /** A device's statement chain as a trusted device knew it (the grant that added this one). */
  setStatements(id: string, n: number, hash: string): void {
    this.db.prepare('UPDATE sync_devices SET statements_seen = ?, statement_hash = ? WHERE id = ?').run(n, hash, id);
  }

  statementAccepted(author: string, n: number, hash: string): void {
    this.db.prepare('UPDATE sync_devices SET statements_seen = ?, statement_hash = ? WHERE id = ? AND statements_seen = ?').run(n, hash, author, n - 1);
  }

  setSeen(id: string, seq: number, hash: string, epoch: number): void {
    this.db.prepare('UPDATE sync_devices SET seen_seq = ?, seen_hash = ?, seen_epoch = max(seen_epoch, ?) WHERE id = ?').run(seq, hash, epoch, id);
  }

  setHead(id: string, head: HeadBody, heardAt: number): void {
    this.db.prepare('UPDATE sync_devices SET head_seq = ?, head_json = ?, last_heard_at = ? WHERE id = ?').run(head.seq, JSON.stringify(head), heardAt, id);
  }

  block(id: string, code: string): void {
    this.db.prepare('UPDATE sync_devices SET blocked_code = ? WHERE id = ?').run(code, id);
  }

  outbox(): { seq: number; name: string; bytes: Buffer }[] {
    return this.db.prepare('SELECT seq, name, bytes FROM sync_outbox ORDER BY seq').all() as { seq: number; name: string; bytes: Buffer }[];
  }

  addToOutbox(seq: number, name: string, bytes: Buffer): void {
    this.db.prepare('INSERT INTO sync_outbox (seq, name, bytes) VALUES (?, ?, ?)').run(seq, name, bytes);
  }

  sent(seq: number): void {
    this.db.prepare('DELETE FROM sync_outbox WHERE seq = ?').run(seq);
  }

  statementSeen(name: string): boolean {
    return this.db.prepare('SELECT 1 FROM sync_statements_seen WHERE name = ?').get(name) !== undefined;
  }

  markStatementSeen(name: string): void {
    this.db.prepare('INSERT OR IGNORE INTO sync_statements_seen (name) VALUES (?)').run(name);
  }

  /** True when this object (by name and content digest) was not set aside before. */
  quarantine(name: string, digest: string, code: string, message: string): boolean {
    return this.db
      .prepare('INSERT OR IGNORE INTO sync_quarantine (name, digest, code, message, at) VALUES (?, ?, ?, ?, ?)')
      .run(name, digest, code, message, Date.now()).changes === 1;
  }

  warnings(): { code: string; message: string; at: number }[] {
    return this.db.prepare('SELECT code, message, at FROM sync_quarantine WHERE dismissed = 0 ORDER BY at DESC LIMIT 20').all() as {
      code: string; message: string; at: number;
    }[];
  }

  dismissWarnings(): void {
    this.db.prepare('UPDATE sync_quarantine SET dismissed = 1').run();
  }

  /** The held deletion of one device, or (without an id) the first one still waiting for the person. */
  held(deviceId?: string): { deviceId: string; seq: number; count: number; decision: 'apply' | 'discard' | null } | null {
    const r = (
      deviceId === undefined
        ? this.db.prepare('SELECT device_id, seq, count, decision FROM sync_held WHERE decision IS NULL ORDER BY rowid LIMIT 1').get()
        : this.db.prepare('SELECT device_id, seq, count, decision FROM sync_held WHERE device_id = ?').get(deviceId)
    ) as Raw | undefined;
    return r ? { deviceId: r.device_id as string, seq: r.seq as number, count: r.count as number, decision: (r.decision as 'apply' | 'discard' | null) ?? null } : null;
  }

  hold(deviceId: string, seq: number, count: number): void {
    this.db.prepare('INSERT OR IGNORE INTO sync_held (device_id, seq, count) VALUES (?, ?, ?)').run(deviceId, seq, count);
  }

  decide(deviceId: string, decision: 'apply' | 'discard'): void {
    this.db.prepare('UPDATE sync_held SET decision = ? WHERE device_id = ?').run(decision, deviceId);
  }

  release(deviceId: string): void {
    this.db.prepare('DELETE FROM sync_held WHERE device_id = ?').run(deviceId);
  }

  pairings(): { id: string; state: Record<string, unknown>; code: string | null; deviceName: string | null; at: number }[] {
    return (this.db.prepare('SELECT * FROM sync_pairing ORDER BY at').all() as Raw[]).map((r) => ({
      id: r.id as string,
      state: JSON.parse(r.state_json as string) as Record<string, unknown>,
      code: (r.code as string | null) ?? null,
      deviceName: (r.device_name as string | null) ?? null,
      at: r.at as number,
    }));
  }

  savePairing(id: string, state: Record<string, unknown>, code: string | null, deviceName: string | null): void {
    this.db
      .prepare(
        `INSERT INTO sync_pairing (id, state_json, code, device_name, at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT(id) DO UPDATE SET state_json = excluded.state_json, code = excluded.code, device_name = excluded.device_name`,
      )
      .run(id, JSON.stringify(state), code, deviceName, Date.now());
  }

  dropPairing(id: string): void {
    this.db.prepare('DELETE FROM sync_pairing WHERE id = ?').run(id);
  }
}
