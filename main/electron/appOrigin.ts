/**
 * The renderer's one origin, cubby://app, and the checks built on it. Electron-free so the
 * checks are unit-tested under Node. URLs are always parsed, never compared by prefix:
 * `cubby://app.evil/`, `cubby://app@evil/` or `cubby://app:1/` must not pass.
 */
export const APP_SCHEME = 'cubby';
export const APP_HOST = 'app';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_ENTRY_URL = `${APP_ORIGIN}/index.html`;

function parse(url: unknown): URL | null {
  if (typeof url !== 'string') return null;
  try {
    return new URL(url);
  } catch {
    return null;
  }
}

/**
 * Whether `url` is on the renderer's origin. Node treats cubby: as a non-special scheme (its
 * URL.origin is "null"), so the parts that make up the origin are compared one by one.
 */
export function isAppUrl(url: unknown): boolean {
  const u = parse(url);
  return (
    u !== null &&
    u.protocol === `${APP_SCHEME}:` &&
    u.hostname === APP_HOST &&
    u.port === '' &&
    u.username === '' &&
    u.password === ''
  );
}

/** Whether an IPC sender frame's URL may use the bridge: only pages Cubby itself serves. */
export function isTrustedSender(frameUrl: unknown): boolean {
  return isAppUrl(frameUrl);
}

/** Navigation inside the renderer's own origin is allowed (reloads); anything else is refused. */
export function isAllowedNavigation(url: unknown): boolean {
  return isAppUrl(url);
}

// Chromium names a blob by its creator's origin and a random UUID: blob:cubby://app/<uuid>.
const BLOB_PATH = /^\/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Whether `url` is a blob: URL created by a cubby://app page (the recovery key's "Save as text
 * file"). The part after "blob:" is parsed as a URL of its own; its origin must be the app's.
 */
export function isAppBlobUrl(url: unknown): boolean {
  const u = parse(url);
  if (!u || u.protocol !== 'blob:' || u.search !== '' || u.hash !== '') return false;
  const inner = parse(u.pathname);
  return inner !== null && isAppUrl(u.pathname) && inner.search === '' && inner.hash === '' && BLOB_PATH.test(inner.pathname);
}

/**
 * What a window's session may request at all: its own pages, inline data: images (the CSP
 * allows img-src data:) and blobs its own pages made (downloads). Everything else (http, https,
 * ws, file, ftp, other blobs) is cancelled, so even a CSP bypass could not reach the network
 * or the disk.
 */
export function isAllowedRequest(url: unknown): boolean {
  const u = parse(url);
  if (!u) return false;
  // data: only for images (the CSP's img-src); a data: document or script has no business here.
  return (u.protocol === 'data:' && u.pathname.startsWith('image/')) || isAppUrl(url) || isAppBlobUrl(url);
}
