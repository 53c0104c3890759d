import type { ChannelName, CubbyBridge, EventName, EventPayload, Result } from './types';

/**
 * The browser host's transport: the same CubbyBridge over a WebSocket (frames as in
 * main/browserHost/protocol.ts). The per-run token arrives in the URL fragment; it is read once,
 * removed from the address bar and kept only in memory.
 */
type Pending = (result: Result<unknown>) => void;

const CONNECTION_LOST: Result<never> = {
  ok: false,
  error: { code: 'LOCKED', message: 'The connection to Cubby was lost. Open Cubby again from the link it printed.' },
};

export function takeTokenFromLocation(): string | null {
  const params = new URLSearchParams(location.hash.slice(1));
  const token = params.get('token');
  if (location.hash) history.replaceState(null, '', location.pathname + location.search);
  return token;
}

export function createWsBridge(token: string | null): CubbyBridge & { onClosed(cb: () => void): void } {
  const pending = new Map<number, Pending>();
  const listeners = new Map<string, Set<(payload: unknown) => void>>();
  const closedListeners = new Set<() => void>();
  let nextId = 1;
  let closed = !token;

  const ws = token ? new WebSocket(`ws://${location.host}/bridge?token=${encodeURIComponent(token)}`) : null;
  const opened = new Promise<void>((resolve) => {
    if (!ws) return resolve();
    ws.addEventListener('open', () => resolve(), { once: true });
    ws.addEventListener('close', () => resolve(), { once: true });
  });

  ws?.addEventListener('message', (msg) => {
    let frame: { id?: number; result?: Result<unknown>; event?: string; payload?: unknown };
    try {
      frame = JSON.parse(String(msg.data));
    } catch {
      return;
    }
    if (typeof frame.id === 'number') {
      const resolve = pending.get(frame.id);
      pending.delete(frame.id);
      resolve?.(frame.result ?? CONNECTION_LOST);
    } else if (typeof frame.event === 'string') {
      for (const cb of listeners.get(frame.event) ?? []) cb(frame.payload);
    }
  });

  ws?.addEventListener('close', () => {
    closed = true;
    for (const resolve of pending.values()) resolve(CONNECTION_LOST);
    pending.clear();
    for (const cb of closedListeners) cb();
  });

  return {
    async call(channel: ChannelName, input: unknown) {
      await opened;
      if (closed || !ws || ws.readyState !== WebSocket.OPEN) return CONNECTION_LOST;
      const id = nextId++;
      return new Promise<Result<never>>((resolve) => {
        pending.set(id, resolve as Pending);
        ws.send(JSON.stringify({ id, channel, input }));
      });
    },
    on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void) {
      const set = listeners.get(event) ?? new Set();
      listeners.set(event, set);
      const cb = listener as (payload: unknown) => void;
      set.add(cb);
      return () => set.delete(cb);
    },
    onClosed(cb) {
      if (closed) cb();
      else closedListeners.add(cb);
    },
  } as CubbyBridge & { onClosed(cb: () => void): void };
}
