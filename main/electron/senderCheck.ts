import { isTrustedSender } from './appOrigin';

/** The parts of Electron's WebFrameMain the sender check reads (kept structural: no Electron import). */
export interface FrameLike {
  readonly url: string;
  readonly parent: unknown;
  readonly frameTreeNodeId: number;
  readonly processId: number;
  readonly routingId: number;
}

/**
 * Whether an IPC message comes from the top frame of a window, showing a page Cubby served.
 * `frame` is event.senderFrame (null once the frame navigated away or was destroyed); `top` is
 * that window's mainFrame. Subframes never get the bridge, whatever their URL.
 */
export function isTrustedTopFrame(frame: FrameLike | null | undefined, top: FrameLike | null | undefined): boolean {
  if (!frame || !top) return false;
  if (frame.parent !== null) return false;
  if (!isTrustedSender(frame.url)) return false;
  return frame.frameTreeNodeId === top.frameTreeNodeId && frame.processId === top.processId && frame.routingId === top.routingId;
}
