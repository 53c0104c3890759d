import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createReadStream, existsSync, statSync } from 'node:fs';
import { pipeline } from 'node:stream';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, sep } from 'node:path';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Router } from '../ipc/router';
import { BRIDGE_PATH, ClientFrame, TOKEN_PARAM, type ServerFrame } from './protocol';

/**
 * Development and test host: serves the built renderer and carries the bridge contract over a
 * WebSocket to the same Router the Electron shell uses. Loopback only, a random token per run,
 * other origins refused. Never part of a packaged build (electron-builder.yml excludes it, and
 * it refuses to start inside Electron).
 */
export interface BrowserHost {
  url: string;
  origin: string;
  token: string;
  /** Open connections, for tests. */
  connectionCount(): number;
  close(): Promise<void>;
}

export const CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  'connect-src ws://127.0.0.1:*',
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** Frames past this size are a protocol error for that connection (ws closes it with 1009). */
export const MAX_FRAME_BYTES = 1 << 20;

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
};

function sameToken(given: string | null, token: string): boolean {
  if (!given) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The file a request names inside the renderer directory, or null (traversal, a malformed %-escape). */
function rendererPath(rendererDir: string, requestUrl: string | undefined): string | null {
  let rel: string;
  try {
    rel = normalize(decodeURIComponent(new URL(requestUrl ?? '/', 'http://127.0.0.1').pathname)).replace(/^([/\\])+/, '');
  } catch {
    return null;
  }
  const file = join(rendererDir, rel);
  return file.startsWith(rendererDir + sep) || file === rendererDir ? file : null;
}

export async function startBrowserHost(opts: { router: Router; rendererDir: string; port?: number }): Promise<BrowserHost> {
  if (process.versions.electron) throw new Error('The browser host is for development and tests only.');
  const token = randomBytes(32).toString('base64url');
  let origin = '';

  const server: Server = createServer((req, res) => {
    const headers = {
      'Content-Security-Policy': CSP,
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'no-referrer',
      'Cache-Control': 'no-store',
      'Cross-Origin-Opener-Policy': 'same-origin',
    };
    if (req.method !== 'GET') {
      res.writeHead(405, headers).end();
      return;
    }
    let file = rendererPath(opts.rendererDir, req.url);
    if (file === null) {
      res.writeHead(404, headers).end();
      return;
    }
    if (!existsSync(file) || statSync(file).isDirectory()) file = join(opts.rendererDir, 'index.html');
    if (!existsSync(file)) {
      res.writeHead(404, headers).end('Renderer not built: run npm run build:renderer');
      return;
    }
    res.writeHead(200, { ...headers, 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream' });
    // pipeline, not pipe: a read error must end this response, not the process.
    pipeline(createReadStream(file), res, () => undefined);
  });

  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_BYTES });
  server.on('upgrade', (req: IncomingMessage, socket, head) => {
    // Node's HTTP server drops its own socket error handler on upgrade; without one, a reset
    // during the handshake would be an unhandled 'error' and end the process.
    socket.on('error', () => socket.destroy());
    // A request target that is no URL at all (`GET http://[/`) must not throw out of this listener.
    const url = URL.parse(req.url ?? '/', 'http://127.0.0.1');
    if (url?.pathname !== BRIDGE_PATH || req.headers.origin !== origin || !sameToken(url.searchParams.get(TOKEN_PARAM), token)) {
      socket.write('HTTP/1.1 403 Forbidden\r\nConnection: close\r\n\r\n');
      socket.destroy();
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => serve(ws));
  });

  function serve(ws: WebSocket): void {
    const send = (frame: ServerFrame) => {
      if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(frame));
    };
    const conn = opts.router.connect((event, payload) => send({ event, payload }));
    // Any protocol violation the ws receiver reports (oversized, bad UTF-8, bad opcode, unmasked,
    // a bad close code...) ends this one connection, and so its session; never the process.
    ws.on('error', () => ws.terminate());
    ws.on('message', async (data, isBinary) => {
      let frame: ClientFrame;
      try {
        if (isBinary) throw new Error('binary');
        frame = ClientFrame.parse(JSON.parse(data.toString()));
      } catch {
        ws.close(1008, 'bad frame');
        return;
      }
      try {
        send({ id: frame.id, result: await opts.router.call(conn, frame.channel, frame.input) });
      } catch {
        // The router answers every failure itself; anything else ends this connection only.
        ws.terminate();
      }
    });
    ws.on('close', () => opts.router.disconnect(conn));
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      // After start-up, a failure to accept (EMFILE, say) is logged by nobody but must end nothing.
      server.on('error', () => undefined);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  origin = `http://127.0.0.1:${port}`;
  return {
    origin,
    token,
    // The token travels in the fragment: it never reaches a server log or a Referer header.
    url: `${origin}/#${TOKEN_PARAM}=${token}`,
    connectionCount: () => wss.clients.size,
    close: async () => {
      for (const ws of wss.clients) ws.terminate();
      wss.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
