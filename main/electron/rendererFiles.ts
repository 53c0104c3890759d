import { extname, isAbsolute, relative, resolve, sep } from 'node:path';
import { isAppUrl } from './appOrigin';

/**
 * Maps a cubby://app/ request to a file inside the built renderer directory, or null.
 * Electron-free so traversal attempts are unit-tested under Node.
 */
export function resolveRendererFile(rendererDir: string, requestUrl: string): string | null {
  if (!isAppUrl(requestUrl)) return null;
  // The URL parser already folds "." and ".." segments (also as %2e%2e); what is left to catch
  // is an encoded separator (..%2f..%2f) that only becomes one after decoding.
  let path: string;
  try {
    path = decodeURIComponent(new URL(requestUrl).pathname);
  } catch {
    return null;
  }
  if (path.includes('\0') || path.includes('\\')) return null;
  const rel = path.replace(/^\/+/, '') || 'index.html';
  const root = resolve(rendererDir);
  const file = resolve(root, rel);
  const inside = relative(root, file);
  if (inside === '' || inside === '..' || inside.startsWith(`..${sep}`) || isAbsolute(inside)) return null;
  return file;
}

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
};

export function contentTypeFor(file: string): string {
  return CONTENT_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream';
}
