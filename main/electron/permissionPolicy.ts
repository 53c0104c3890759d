import { isAppUrl } from './appOrigin';

/**
 * Which permission asks a window's session grants. Electron approves everything unless a
 * handler says no, so the answer is no except for one thing the renderer needs: writing text
 * to the clipboard (the recovery key's Copy button), from Cubby's own top frame. Reading the
 * clipboard stays refused: another person's copied text is none of the page's business.
 * Electron-free so it is unit-tested under Node; hardening.ts feeds it what Electron reports.
 */
export const ALLOWED_PERMISSION = 'clipboard-sanitized-write';

export interface PermissionAsk {
  permission: string;
  /** The requesting frame's origin (check handler) or URL (request handler). */
  requester: unknown;
  /** The frame's last URL, when Electron gives it besides the origin. */
  requestingUrl?: unknown;
  isMainFrame: unknown;
  /** Set by Electron only for cross-origin subframes. */
  embeddingOrigin?: unknown;
}

export function isAllowedPermission(ask: PermissionAsk): boolean {
  return (
    ask.permission === ALLOWED_PERMISSION &&
    ask.isMainFrame === true &&
    (ask.embeddingOrigin === undefined || ask.embeddingOrigin === '') &&
    isAppUrl(ask.requester) &&
    (ask.requestingUrl === undefined || isAppUrl(ask.requestingUrl))
  );
}
