import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

/** npm run lint:security, and proof that it really scans TypeScript and really fails. */
const root = fileURLToPath(new URL('../../', import.meta.url));
const script = join(root, 'test/electron/securityLint.mjs');
const scratch = mkdtempSync(join(tmpdir(), 'cubby-lint-sample-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function lint(...dirs: string[]) {
  const r = spawnSync(process.execPath, [script, ...dirs], { cwd: root, encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, out: `${r.stdout}\n${r.stderr}` };
}

describe('lint:security', () => {
  it('passes on main/ and preload/ with no HIGH finding and no unscanned file', () => {
    const r = lint();
    expect(r.out).toContain('lint:security: no HIGH finding');
    expect(r.out).not.toMatch(/^HIGH|^ERROR/m);
    expect(r.code).toBe(0);
  });

  it('fails on an insecure BrowserWindow written in TypeScript', () => {
    const sample = mkdtempSync(join(scratch, 'insecure-'));
    writeFileSync(
      join(sample, 'window.ts'),
      [
        "import { BrowserWindow } from 'electron';",
        'export function open(url: string): BrowserWindow {',
        '  const w: BrowserWindow = new BrowserWindow({ webPreferences: { contextIsolation: false, nodeIntegration: true } });',
        '  void w.loadURL(url);',
        '  return w;',
        '}',
      ].join('\n'),
    );
    const r = lint(sample);
    expect(r.out).toMatch(/^HIGH\s+CONTEXT_ISOLATION_JS_CHECK\s+.*window\.ts:3/m);
    expect(r.code).toBe(1);
  });

  it('fails on a file it cannot parse instead of skipping it', () => {
    const sample = mkdtempSync(join(scratch, 'broken-'));
    writeFileSync(join(sample, 'broken.ts'), 'const x: number = ;\n');
    const r = lint(sample);
    expect(r.out).toMatch(/^ERROR\s+.*broken\.ts: not scanned/m);
    expect(r.code).toBe(1);
  });
});
