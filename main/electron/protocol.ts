import { readFile } from 'node:fs/promises';
import { protocol, type Session } from 'electron';
import { APP_SCHEME } from './appOrigin';
import { contentTypeFor, resolveRendererFile } from './rendererFiles';
import { rendererHeaders } from './securityHeaders';

/**
 * cubby://app/ serves the built renderer; pages never load from file://.
 * Standard + secure gives the renderer a real origin (storage, relative URLs, a secure
 * context). No corsEnabled, supportFetchAPI or bypassCSP: nothing else may read from it, and
 * the CSP applies in full. Must run before app 'ready'.
 */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { standard: true, secure: true } }]);
}

/** Custom protocols belong to a session: every window partition gets its own handler. */
export function serveRenderer(ses: Session, rendererDir: string): void {
  ses.protocol.handle(APP_SCHEME, async (request) => {
    if (request.method !== 'GET') return new Response(null, { status: 405, headers: rendererHeaders('text/plain') });
    const file = resolveRendererFile(rendererDir, request.url);
    if (!file) return notFound();
    try {
      const body = await readFile(file);
      return new Response(body, { status: 200, headers: rendererHeaders(contentTypeFor(file)) });
    } catch {
      return notFound();
    }
  });
}

function notFound(): Response {
  return new Response('Not found', { status: 404, headers: rendererHeaders('text/plain; charset=utf-8') });
}
