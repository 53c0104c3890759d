import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, sep } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { contentTypeFor, resolveRendererFile } from '../../main/electron/rendererFiles';
import { CONTENT_SECURITY_POLICY, rendererHeaders } from '../../main/electron/securityHeaders';

const base = mkdtempSync(join(tmpdir(), 'cubby-renderer-'));
const root = join(base, 'dist', 'renderer');
mkdirSync(join(root, 'assets'), { recursive: true });
writeFileSync(join(root, 'index.html'), '<!doctype html>');
writeFileSync(join(root, 'assets', 'app.js'), '');
// A secret beside the renderer directory, and one whose name starts like it.
writeFileSync(join(base, 'dist', 'secret.txt'), 'secret');
mkdirSync(join(base, 'dist', 'renderer-evil'), { recursive: true });

afterAll(() => rmSync(base, { recursive: true, force: true }));

const inside = (file: string | null) => file !== null && file.startsWith(root + sep);

describe('resolveRendererFile', () => {
  it('maps the origin root to index.html and paths to files under the renderer directory', () => {
    expect(resolveRendererFile(root, 'cubby://app/')).toBe(join(root, 'index.html'));
    expect(resolveRendererFile(root, 'cubby://app')).toBe(join(root, 'index.html'));
    expect(resolveRendererFile(root, 'cubby://app/index.html')).toBe(join(root, 'index.html'));
    expect(resolveRendererFile(root, 'cubby://app/assets/app.js?v=1#x')).toBe(join(root, 'assets', 'app.js'));
    expect(resolveRendererFile(root, 'cubby://app/assets/a%20b.js')).toBe(join(root, 'assets', 'a b.js'));
  });

  it('never leaves the renderer directory, however the path is written', () => {
    const attempts = [
      'cubby://app/../../etc/passwd',
      'cubby://app/../secret.txt',
      'cubby://app/%2e%2e/secret.txt',
      'cubby://app/%2e%2e/%2e%2e/etc/passwd',
      'cubby://app/.%2e/secret.txt',
      'cubby://app/..%2fsecret.txt',
      'cubby://app/assets/..%2f..%2fsecret.txt',
      'cubby://app/%2e%2e%2f%2e%2e%2fetc%2fpasswd',
      'cubby://app/..%2f..%2f..%2f..%2f..%2f..%2fetc%2fpasswd',
      'cubby://app/%252e%252e%252fsecret.txt',
      'cubby://app/..%5csecret.txt',
      'cubby://app/assets%5c..%5c..%5csecret.txt',
      'cubby://app/..%2frenderer-evil/x',
      'cubby://app/%2fetc%2fpasswd',
      'cubby://app//etc/passwd',
      'cubby://app/index.html%00.js',
      'cubby://app/%E0%A4%A',
    ];
    for (const url of attempts) {
      const file = resolveRendererFile(root, url);
      expect(file === null || inside(file), `${url} -> ${file}`).toBe(true);
      expect([join(base, 'dist', 'secret.txt'), '/etc/passwd'], url).not.toContain(file);
      expect(file ?? '', url).not.toContain('renderer-evil');
    }
    // Plain and %2e dot segments are folded by the URL parser before we see them (a 404 inside
    // the directory); encoded separators, NUL and bad escapes are refused outright.
    expect(resolveRendererFile(root, 'cubby://app/../../etc/passwd')).toBe(join(root, 'etc', 'passwd'));
    expect(resolveRendererFile(root, 'cubby://app/%2e%2e/%2e%2e/etc/passwd')).toBe(join(root, 'etc', 'passwd'));
    expect(resolveRendererFile(root, 'cubby://app/..%2fsecret.txt')).toBeNull();
    expect(resolveRendererFile(root, 'cubby://app/..%5csecret.txt')).toBeNull();
    expect(resolveRendererFile(root, 'cubby://app/index.html%00.js')).toBeNull();
    expect(resolveRendererFile(root, 'cubby://app/%E0%A4%A')).toBeNull();
  });

  it('serves nothing for another origin', () => {
    for (const url of ['cubby://other/index.html', 'cubby://app.evil/index.html', 'file:///etc/passwd', 'https://app/index.html', 'garbage']) {
      expect(resolveRendererFile(root, url), url).toBeNull();
    }
  });
});

describe('renderer response headers', () => {
  it('carry the strict CSP, directive by directive', () => {
    const directives = Object.fromEntries(
      CONTENT_SECURITY_POLICY.split(';').map((d) => {
        const [name, ...values] = d.trim().split(/\s+/);
        return [name, values.join(' ')];
      }),
    );
    expect(directives).toEqual({
      'default-src': "'none'",
      'script-src': "'self'",
      'style-src': "'self'",
      'img-src': "'self' data:",
      'font-src': "'self'",
      'connect-src': "'none'",
      'base-uri': "'none'",
      'form-action': "'none'",
      'frame-ancestors': "'none'",
    });
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/unsafe-|\*|http:|https:|ws:|blob:/);
  });

  it('are set on every response with the right content type', () => {
    const h = rendererHeaders(contentTypeFor('/x/index.html'));
    expect(h['Content-Security-Policy']).toBe(CONTENT_SECURITY_POLICY);
    expect(h['Content-Type']).toBe('text/html; charset=utf-8');
    expect(h['X-Content-Type-Options']).toBe('nosniff');
    expect(h['Cache-Control']).toBe('no-store');
    expect(contentTypeFor('/x/a.JS')).toBe('text/javascript; charset=utf-8');
    expect(contentTypeFor('/x/a.css')).toBe('text/css; charset=utf-8');
    expect(contentTypeFor('/x/unknown.bin')).toBe('application/octet-stream');
  });
});
