import type { ChannelInput, ChannelName, ChannelOutput, CubbyBridge, BridgeError, ErrorCode } from './types';
import { createWsBridge, takeTokenFromLocation } from './wsBridge';

declare global {
  interface Window {
    /** Set by the Electron preload; absent in the browser host. */
    cubby?: CubbyBridge;
  }
}

/** Electron's preload bridge when present, otherwise the browser host's WebSocket. */
function pickBridge(): { bridge: CubbyBridge; onClosed(cb: () => void): void } {
  if (window.cubby) return { bridge: window.cubby, onClosed: () => undefined };
  const ws = createWsBridge(takeTokenFromLocation());
  return { bridge: ws, onClosed: ws.onClosed };
}

const picked = pickBridge();
export const bridge: CubbyBridge = picked.bridge;
/** Called once if the transport goes away for good (browser host only). */
export const onBridgeClosed = picked.onClosed;

/** A failed call: the stable code, the message main chose to show, and any wait. */
export class BridgeCallError extends Error {
  readonly code: ErrorCode;
  readonly retryAfterMs: number | undefined;
  constructor(readonly error: BridgeError) {
    super(error.message);
    this.name = 'BridgeCallError';
    this.code = error.code;
    this.retryAfterMs = error.retryAfterMs;
  }
}

/** Call a channel; resolves with its value or throws a BridgeCallError. */
export async function api<C extends ChannelName>(channel: C, input: ChannelInput<C>): Promise<ChannelOutput<C>> {
  const result = await bridge.call(channel, input);
  if (!result.ok) throw new BridgeCallError(result.error);
  return result.value;
}

/** Turn anything thrown into something the UI can show. */
export function asBridgeError(e: unknown): BridgeCallError {
  if (e instanceof BridgeCallError) return e;
  return new BridgeCallError({ code: 'INTERNAL', message: 'Something went wrong. Try again; if it keeps happening, restart Cubby.' });
}
