import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, sep } from 'node:path';
import { pipeline } from 'node:stream';

/**
 * Serves a built fixture on 127.0.0.1 with a given Content-Security-Policy and logs every
 * request path, so a test sees any request the page makes to its own origin (which the CSP
 * allows for images, styles and scripts), not only those to other hosts.
 */
export interface FixtureServer {
  origin: string;
  /** Every request path, in order. */
  requests: string[];
  close(): Promise<void>;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
};

export async function serveFixture(dir: string, csp: string): Promise<FixtureServer> {
  const requests: string[] = [];
  const server = createServer((req, res) => {
    const path = URL.parse(req.url ?? '/', 'http://127.0.0.1')?.pathname ?? '/';
    requests.push(path);
    const headers = { 'Content-Security-Policy': csp, 'X-Content-Type-Options': 'nosniff', 'Cache-Control': 'no-store' };
    const rel = normalize(decodeURIComponent(path === '/' ? '/index.html' : path)).replace(/^([/\\])+/, '');
    const file = join(dir, rel);
    if (req.method !== 'GET' || !file.startsWith(dir + sep) || !existsSync(file) || statSync(file).isDirectory()) {
      res.writeHead(404, headers).end();
      return;
    }
    res.writeHead(200, { ...headers, 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream' });
    pipeline(createReadStream(file), res, () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
