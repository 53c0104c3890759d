/**
 * The sandboxed preload: exposes window.cubby and nothing else. No ipcRenderer, no generic
 * send: only the contract's channels and events. Bundled to dist/preload/preload.cjs (a
 * sandboxed preload may require only 'electron'; zod and the contract are bundled in).
 */
import { contextBridge, ipcRenderer } from 'electron';
import { IPC_CALL, IPC_EVENT } from '../main/electron/ipcNames';
import { events, isChannelName, isEventName, type CubbyBridge, type EventName, type Result } from './contract';

type Listener = (payload: unknown) => void;

const listeners = new Map<EventName, Set<Listener>>();

const invalid: Result<never> = { ok: false, error: { code: 'VALIDATION', message: 'The request was not valid.' } };
const failed: Result<never> = {
  ok: false,
  error: { code: 'INTERNAL', message: 'Something went wrong. Try again; if it keeps happening, restart Cubby.' },
};

ipcRenderer.on(IPC_EVENT, (_event, name: unknown, payload: unknown) => {
  if (!isEventName(name)) return;
  // Main validates before sending; checking again here keeps the renderer's view to the contract.
  const checked = events[name].safeParse(payload);
  if (!checked.success) return;
  for (const listener of [...(listeners.get(name) ?? [])]) {
    try {
      listener(checked.data);
    } catch {
      // One listener's failure must not keep the event from the others.
    }
  }
});

const bridge: CubbyBridge = {
  call(channel, input) {
    // Names outside the contract never reach main; the answer is the one main would give.
    if (!isChannelName(channel)) return Promise.resolve(structuredClone(invalid));
    return ipcRenderer.invoke(IPC_CALL, channel, input).catch(() => structuredClone(failed));
  },
  on(event, listener) {
    if (!isEventName(event)) throw new TypeError('Unknown Cubby event.');
    if (typeof listener !== 'function') throw new TypeError('A listener must be a function.');
    const l = listener as Listener;
    let set = listeners.get(event);
    if (!set) listeners.set(event, (set = new Set()));
    set.add(l);
    return () => {
      listeners.get(event)?.delete(l);
    };
  },
};

contextBridge.exposeInMainWorld('cubby', bridge);
