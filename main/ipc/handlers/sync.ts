import type { syncChannels } from '../../../preload/contract';
import type { Session } from '../../core/accounts/session';
import { CubbyError } from '../../core/errors';
import type { SyncService } from '../../core/sync/api';
import { own, type AreaHandlers, type HandlerContext } from './context';

/**
 * The caller's own sync (issue 12). Every handler reaches the service through the caller's
 * session, so an id of another person's device, conflict or pair request names nothing here.
 * allowSync is checked by the router before any of these runs (the contract's `requires`); the
 * finer per-target policy (allowedSyncTargets) is checked where the target is opened.
 */

/** Which service each session's windows already hear from, and how to stop hearing. */
const listening = new WeakMap<Session, { service: SyncService; stop: () => void }>();

/**
 * The session's windows get sync.changed for every status change of its service, from its first
 * use by any window on. The router sends it to that session's windows only, after checking it
 * against the contract (which strips anything not declared, so no credential can ride along).
 */
function statusToWindows(ctx: HandlerContext, session: Session, service: SyncService): void {
  const known = listening.get(session);
  if (known?.service === service) return;
  known?.stop();
  const stopListening = service.onChange((status) => {
    try {
      ctx.emit(session, 'sync.changed', status);
    } catch {
      // A status the contract refuses is not sent; the window still reads sync.status itself.
    }
  });
  const stopOnClose = session.onClose(() => {
    stopListening();
    listening.delete(session);
  });
  listening.set(session, {
    service,
    stop: () => {
      stopListening();
      stopOnClose();
    },
  });
}

function serviceOf(ctx: HandlerContext): SyncService {
  const session = own(ctx);
  if (!ctx.sync) throw new CubbyError('NOT_SUPPORTED', 'Sync is not available in this version of Cubby.');
  const service = ctx.sync.forSession(session);
  statusToWindows(ctx, session, service);
  return service;
}

/** Do something to the caller's sync, then answer its status as it is now. */
async function thenStatus(ctx: HandlerContext, action: (service: SyncService) => unknown) {
  const service = serviceOf(ctx);
  await action(service);
  return service.status();
}

export const syncHandlers: AreaHandlers<keyof typeof syncChannels> = {
  'sync.status': (_input, ctx) => serviceOf(ctx).status(),
  'sync.setUp': (input, ctx) => serviceOf(ctx).setUp(input),
  'sync.join': (input, ctx) => serviceOf(ctx).join(input),
  'sync.joinWithRecoveryKey': (input, ctx) => serviceOf(ctx).joinWithRecoveryKey(input),
  'sync.approvePairing': (input, ctx) => thenStatus(ctx, (s) => s.approvePairing(input.requestId)),
  'sync.rejectPairing': (input, ctx) => thenStatus(ctx, (s) => s.rejectPairing(input.requestId)),
  'sync.syncNow': (_input, ctx) => serviceOf(ctx).syncNow(),
  'sync.pause': (_input, ctx) => thenStatus(ctx, (s) => s.pause()),
  'sync.resume': (_input, ctx) => thenStatus(ctx, (s) => s.resume()),
  'sync.devices': (_input, ctx) => serviceOf(ctx).devices(),
  'sync.removeDevice': (input, ctx) => thenStatus(ctx, (s) => s.removeDevice(input.deviceId)),
  'sync.conflicts': (_input, ctx) => serviceOf(ctx).conflicts(),
  'sync.resolveConflict': (input, ctx) => thenStatus(ctx, (s) => s.resolveConflict(input.id, input.keep)),
  'sync.decideMassDeletion': (input, ctx) => thenStatus(ctx, (s) => s.decideMassDeletion(input.apply)),
  'sync.dismissWarnings': (_input, ctx) => thenStatus(ctx, (s) => s.dismissWarnings()),
  'sync.turnOff': (_input, ctx) => thenStatus(ctx, (s) => s.turnOff()),
};
