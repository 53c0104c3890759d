import { builtinModules } from 'node:module';
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runInNewContext } from 'node:vm';
import { beforeAll, describe, expect, it } from 'vitest';

/**
 * The real bundles from main/electron/bundle.mjs (npm run build:electron). The preload is run
 * the way a sandboxed renderer runs it: a bare context whose require() knows only 'electron',
 * here a recording fake. No Electron binary needed.
 */
const root = fileURLToPath(new URL('../../', import.meta.url));
const PRELOAD = join(root, 'dist/preload/preload.cjs');
const MAIN = join(root, 'dist/main/electron/main.js');

beforeAll(() => {
  execFileSync(process.execPath, [join(root, 'main/electron/bundle.mjs')], { cwd: root, stdio: 'pipe' });
}, 60_000);

type Handler = (event: unknown, ...args: unknown[]) => void;

function loadPreload(invoke: (...args: unknown[]) => Promise<unknown> = async () => ({ ok: true, value: {} })) {
  const exposed: Array<[string, Record<string, unknown>]> = [];
  const listeners = new Map<string, Handler[]>();
  const invoked: unknown[][] = [];
  const touched = new Set<string>();
  const ipcRenderer = {
    on(channel: string, handler: Handler) {
      listeners.set(channel, [...(listeners.get(channel) ?? []), handler]);
      return ipcRenderer;
    },
    invoke(...args: unknown[]) {
      invoked.push(args);
      return invoke(...args);
    },
  };
  const electron = new Proxy(
    { contextBridge: { exposeInMainWorld: (name: string, api: Record<string, unknown>) => exposed.push([name, api]) }, ipcRenderer },
    {
      get(target, key: string) {
        touched.add(key);
        return (target as Record<string, unknown>)[key];
      },
    },
  );
  const requires: string[] = [];
  const module = { exports: {} };
  runInNewContext(readFileSync(PRELOAD, 'utf8'), {
    module,
    exports: module.exports,
    require: (name: string) => {
      requires.push(name);
      if (name === 'electron') return electron;
      throw new Error(`a sandboxed preload cannot require ${name}`);
    },
    structuredClone,
  });
  const emit = (channel: string, ...args: unknown[]) => {
    for (const h of listeners.get(channel) ?? []) h({}, ...args);
  };
  return { exposed, listeners, invoked, touched, requires, emit };
}

describe('preload bundle', () => {
  it('requires only electron, and uses only contextBridge and ipcRenderer from it', () => {
    const p = loadPreload();
    expect(new Set(p.requires)).toEqual(new Set(['electron']));
    expect([...p.touched].sort()).toEqual(['contextBridge', 'ipcRenderer']);
  });

  it('exposes exactly window.cubby with call and on', () => {
    const p = loadPreload();
    expect(p.exposed).toHaveLength(1);
    const [name, api] = p.exposed[0]!;
    expect(name).toBe('cubby');
    expect(Object.keys(api).sort()).toEqual(['call', 'on']);
    expect(typeof api.call).toBe('function');
    expect(typeof api.on).toBe('function');
  });

  it('listens on the event channel only', () => {
    const p = loadPreload();
    expect([...p.listeners.keys()]).toEqual(['cubby:event']);
  });

  it('sends contract channels over cubby:call and returns main’s answer', async () => {
    const answer = { ok: true, value: { setUp: false, users: [], session: null, lockedUser: null } };
    const p = loadPreload(async () => answer);
    const api = p.exposed[0]![1] as { call(c: string, i: unknown): Promise<unknown> };
    await expect(api.call('app.status', {})).resolves.toEqual(answer);
    expect(p.invoked).toEqual([['cubby:call', 'app.status', {}]]);
  });

  it('answers names outside the contract itself, without sending anything', async () => {
    const p = loadPreload();
    const api = p.exposed[0]![1] as { call(c: unknown, i: unknown): Promise<{ ok: boolean; error?: { code: string } }> };
    for (const name of ['nope', 'toString', '__proto__', 'constructor', 'hasOwnProperty', '', 42, null]) {
      const result = await api.call(name, {});
      expect(result.ok).toBe(false);
      expect(result.error?.code).toBe('VALIDATION');
    }
    expect(p.invoked).toEqual([]);
  });

  it('turns a failed IPC round trip into a plain INTERNAL answer, with no error detail', async () => {
    const p = loadPreload(async () => {
      throw new Error('/home/someone/secret path');
    });
    const api = p.exposed[0]![1] as { call(c: string, i: unknown): Promise<unknown> };
    const result = await api.call('app.status', {});
    expect(result).toMatchObject({ ok: false, error: { code: 'INTERNAL' } });
    expect(JSON.stringify(result)).not.toContain('secret');
  });

  it('delivers only contract events with valid payloads, and unsubscribes', () => {
    const p = loadPreload();
    const api = p.exposed[0]![1] as { on(e: unknown, cb: unknown): () => void };
    const got: unknown[] = [];
    const off = api.on('session.locked', (payload: unknown) => got.push(payload));
    p.emit('cubby:event', 'session.locked', { reason: 'idle' });
    p.emit('cubby:event', 'session.locked', { reason: 'bogus' });
    p.emit('cubby:event', 'session.locked', { reason: 'idle', userId: 'someone' });
    p.emit('cubby:event', 'session.locked', null);
    p.emit('cubby:event', 'other.event', { reason: 'idle' });
    p.emit('cubby:event', '__proto__', { reason: 'idle' });
    expect(got).toEqual([{ reason: 'idle' }]);
    off();
    p.emit('cubby:event', 'session.locked', { reason: 'user' });
    expect(got).toHaveLength(1);
  });

  it('refuses subscriptions to events outside the contract', () => {
    const p = loadPreload();
    const api = p.exposed[0]![1] as { on(e: unknown, cb: unknown): () => void };
    // (The preload runs in its own realm, so its TypeError is matched by message.)
    expect(() => api.on('anything', () => undefined)).toThrow(/Unknown Cubby event/);
    expect(() => api.on('constructor', () => undefined)).toThrow(/Unknown Cubby event/);
    expect(() => api.on('session.locked', 'not a function')).toThrow(/must be a function/);
  });

  it('keeps delivering to other listeners when one throws', () => {
    const p = loadPreload();
    const api = p.exposed[0]![1] as { on(e: string, cb: (x: unknown) => void): () => void };
    const got: unknown[] = [];
    api.on('session.locked', () => {
      throw new Error('renderer bug');
    });
    api.on('session.locked', (x) => got.push(x));
    p.emit('cubby:event', 'session.locked', { reason: 'system' });
    expect(got).toEqual([{ reason: 'system' }]);
  });
});

describe('main bundle', () => {
  const source = () => readFileSync(MAIN, 'utf8');
  const ALLOWED = new Set(['electron', 'better-sqlite3-multiple-ciphers', 'keytar', '@node-rs/argon2']);

  it('loads only Electron, the native modules and Node built-ins at run time', () => {
    const specifiers = new Set<string>();
    for (const m of source().matchAll(/^\s*import\s[^'"]*?from\s*["']([^"']+)["']/gm)) specifiers.add(m[1]!);
    // Not a JSDoc type such as {import('./Expression.js').default} (the WebDAV client's XML parser).
    for (const m of source().matchAll(/(?<!\{)\bimport\(\s*["']([^"']+)["']\s*\)/g)) specifiers.add(m[1]!);
    // (__require is esbuild's name for require in an ESM bundle: how the shell loads Electron.)
    // Not a require( that starts a string: ajv (the MCP SDK's validator) keeps code it would emit
    // for standalone validators in strings such as 'require("ajv/dist/runtime/equal")'; never run.
    // Nor one in brackets inside a message: the S3 client's errors say "call [require(...);]".
    for (const m of source().matchAll(/(?<![`'"[])(?:\b|__)require\(\s*["']([^"']+)["']\s*\)/g)) specifiers.add(m[1]!);
    expect(specifiers.size).toBeGreaterThan(0);
    // Bundled libraries (the AI SDK's) may name a built-in without the node: prefix.
    const unexpected = [...specifiers].filter((s) => !ALLOWED.has(s) && !s.startsWith('node:') && !builtinModules.includes(s));
    expect(unexpected).toEqual([]);
    expect(specifiers).toContain('electron');
  });

  it('never imports Electron statically: only the shell require()s it, when it loads', () => {
    const text = source();
    expect(text).not.toMatch(/^\s*import\s[^'"]*?from\s*["']electron["']/m);
    expect(text).not.toMatch(/\bimport\(\s*["']electron["']\s*\)/);
  });

  it('runs the command line (--cli) under plain Node without ever loading Electron', () => {
    const guard = join(root, 'dist', 'no-electron-guard.cjs');
    writeFileSync(
      guard,
      "const M = require('node:module'); const load = M._load; M._load = function (r, ...a) { if (r === 'electron') throw new Error('electron was loaded'); return load.call(this, r, ...a); };",
    );
    try {
      const out = execFileSync(process.execPath, ['-r', guard, MAIN, '--ozone-platform=headless', '--cli', '--help'], { cwd: root, encoding: 'utf8' });
      expect(out).toMatch(/^cubby: manage the accounts/);
    } finally {
      rmSync(guard, { force: true });
    }
  });

  it('does not contain the browser host (development and tests only)', () => {
    const text = source();
    expect(text).not.toContain('startBrowserHost');
    expect(text).not.toContain('WebSocketServer');
  });
});
