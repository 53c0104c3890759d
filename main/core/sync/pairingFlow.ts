/**
 * The pairing steps a sync round takes: on a device waiting to join, reveal once answered and
 * take the grant once approved; on an active device, answer new requests and surface those
 * whose code is ready. Approving seals the sync keys to the new device and adds it.
 */
import { CubbyError, isCubbyError } from '../errors';
import type { SyncEngine } from './engine';
import {
  answerRequest,
  checkReveal,
  grant,
  openRequests,
  receiveGrant,
  refuse,
  revealWhenAnswered,
  type ApproverState,
  type JoinRequest,
} from './protocol/pairing';
import { removalTuple } from './protocol/heads';
import { writeStatement } from './protocol/registry';
import type { SyncState } from './protocol/state';
import type { SyncStorage } from './storage/types';

/** Requests not finished within this time are dropped on the approving side. */
const PAIRING_TTL_MS = 30 * 60_000;
/**
 * Requests answered at once. Each shown code is one chance in a million for someone in the
 * storage to have aimed at it: a few at a time keeps that chance small.
 */
const MAX_OPEN_REQUESTS = 3;

export interface JoinProgress {
  request: JoinRequest;
  answered: { code: string; transcript: string; answer: string } | null;
}

/** New device: one polling step. Returns the grant's outcome when there is one. */
export async function joinStep(storage: SyncStorage, join: JoinProgress) {
  if (!join.answered) {
    join.answered = await revealWhenAnswered(storage, join.request);
    return null;
  }
  return receiveGrant(storage, join.request, join.answered);
}

export async function pairingStep(engine: SyncEngine): Promise<void> {
  const { storage, state } = engine.deps;
  const c = state.config()!;
  if (c.state !== 'active') return;
  const known = new Map(state.pairings().map((p) => [p.id, p]));
  for (const p of known.values()) if (Date.now() - p.at > PAIRING_TTL_MS) state.dropPairing(p.id);
  for (const { id, steps } of await openRequests(storage)) {
    try {
      await pairingRequestStep(engine, id, steps, known.get(id));
    } catch (e) {
      // One bad request (anyone can write under p/) must not stop sync: set it aside and go on.
      if (isCubbyError(e) && (e.code === 'SYNC_UNREACHABLE' || e.code === 'SYNC_AUTH_FAILED')) throw e;
      state.dropPairing(id);
      engine.reject(`p/${id}/a`, Buffer.from(id), 'format');
    }
  }
}

async function pairingRequestStep(engine: SyncEngine, id: string, steps: Set<string>, mine: ReturnType<SyncState['pairings']>[number] | undefined): Promise<void> {
  const { storage, state } = engine.deps;
  if (!mine && steps.has('a') && !steps.has('b')) {
    if (state.pairings().length >= MAX_OPEN_REQUESTS) return;
    const answered = await answerRequest(storage, id);
    if (answered) state.savePairing(id, { ...answered }, null, null);
    return;
  }
  if (mine && !mine.code && steps.has('c')) {
    const checked = await checkReveal(storage, id, mine.state as unknown as ApproverState);
    // A device already in the set (or removed from it) cannot join again under the same id.
    if (checked && checked !== 'invalid' && state.device(checked.reveal.device.id)) {
      state.dropPairing(id);
      engine.reject(`p/${id}/c`, Buffer.from(id), 'device');
    } else if (checked === 'invalid') {
      state.dropPairing(id);
      engine.reject(`p/${id}/c`, Buffer.from(id), 'signature');
    } else if (checked) {
      state.savePairing(id, { ...mine.state, reveal: checked.reveal, transcript: checked.transcript }, checked.code, checked.reveal.device.name);
    }
  }
}

export async function approvePairing(engine: SyncEngine, id: string): Promise<void> {
  const { state, keys, storage } = engine.deps;
  const p = state.pairings().find((x) => x.id === id && x.code);
  if (!p) throw new CubbyError('NOT_FOUND', 'That device request is no longer there.');
  const st = p.state as unknown as Required<ApproverState>;
  const c = state.config()!;
  const payload = {
    vaultId: keys.vaultId,
    epochKeys: keys.exportEpochKeys(),
    recoverySignPublic: c.recoverySignPublic!.toString('base64'),
    recoveryBoxPublic: c.recoveryBoxPublic!.toString('base64'),
    approver: c.deviceId,
    devices: state.devices().map((d) => ({
      info: { id: d.id, name: d.name, signPublic: d.signPublic.toString('base64'), boxPublic: d.boxPublic.toString('base64') },
      addedAt: d.addedAt,
      statements: [d.statementsSeen, d.statementHash] as [number, string],
      removed: removalTuple(d),
    })),
  };
  // The device joins the set first: a grant without it would leave a device nobody else reads.
  const device = st.reveal.device;
  await writeStatement(engine.registry, { id: c.deviceId, key: keys.signer }, { type: 'add', device }, undefined, () =>
    state.addDevice({ id: device.id, name: device.name, signPublic: Buffer.from(device.signPublic, 'base64'), boxPublic: Buffer.from(device.boxPublic, 'base64'), addedAt: Date.now() }),
  );
  await grant(storage, id, st, payload);
  for (const k of payload.epochKeys) k.key = '';
  state.dropPairing(id);
}

export async function rejectPairing(engine: SyncEngine, id: string): Promise<void> {
  const { state, storage } = engine.deps;
  if (!state.pairings().some((x) => x.id === id)) throw new CubbyError('NOT_FOUND', 'That device request is no longer there.');
  await refuse(storage, id);
  state.dropPairing(id);
}

/** Rows for the status: requests whose code is ready. */
export function readyRequests(state: SyncState) {
  return state.pairings().filter((p) => p.code).map((p) => ({ id: p.id, deviceName: p.deviceName ?? '', code: p.code!, at: p.at }));
}
