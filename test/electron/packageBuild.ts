import { execFileSync } from 'node:child_process';
import { chmodSync, cpSync, mkdirSync, mkdtempSync, readFileSync, renameSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Runs the real Linux packaging (electron-builder.yml, deb and rpm targets) without the Electron
 * binary and without fpm, neither of which can be downloaded here:
 *  - the bundles are built by the project's own build (bundle.mjs, vite) in a private copy, so
 *    other tests that rebuild dist/ cannot race with this one;
 *  - the app directory holds the production node_modules exactly as npm installed them;
 *  - Electron is a stub distribution: an executable carrying the fuse sentinel and a fuse wire
 *    in Electron's default states, which electron-builder flips as electron-builder.yml says;
 *  - the deb and rpm targets run up to the point where they would call fpm, and hand over what
 *    they would give it (effectiveOptionComputed); the .deb is then made with dpkg-deb from
 *    exactly those files, paths and scripts.
 */
export const root = fileURLToPath(new URL('../../', import.meta.url));
const require = createRequire(join(root, 'package.json'));

export const SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX';
/** Electron's own defaults for the eight V1 fuses ('1' on, '0' off), in wire order. */
export const ELECTRON_DEFAULT_WIRE = '10110001';

export type FpmCall = { target: 'deb' | 'rpm'; args: string[]; scripts: { afterInstall: string; afterRemove: string }; desktopEntry: string };

export type PackagedLinux = {
  tmp: string;
  appOutDir: string;
  resources: string;
  calls: FpmCall[];
  deb: string;
};

function optionValue(args: string[], name: string): string {
  const i = args.indexOf(name);
  if (i < 0 || i + 1 >= args.length) throw new Error(`fpm arguments lack ${name}`);
  return args[i + 1]!;
}

/** `source=destination` pairs, as fpm takes them. */
export function fileMappings(args: string[]): Array<[string, string]> {
  const valued = new Set(args.flatMap((a, i) => (a.startsWith('--') ? [i + 1] : [])));
  return args
    .filter((a, i) => !a.startsWith('--') && !valued.has(i) && a.includes('='))
    .map((a) => a.split('=', 2) as [string, string]);
}

function buildBundles(tmp: string): string {
  const src = join(tmp, 'src');
  mkdirSync(src);
  for (const f of ['main', 'preload', 'renderer', 'package.json', 'vite.config.ts', 'tsconfig.json']) cpSync(join(root, f), join(src, f), { recursive: true });
  symlinkSync(join(root, 'node_modules'), join(src, 'node_modules'));
  execFileSync(process.execPath, ['main/electron/bundle.mjs'], { cwd: src, stdio: 'pipe' });
  execFileSync(process.execPath, [join(root, 'node_modules/vite/bin/vite.js'), 'build', '--logLevel', 'error'], { cwd: src, stdio: 'pipe' });
  return join(src, 'dist');
}

function stageApp(tmp: string, dist: string): string {
  const app = join(tmp, 'app');
  mkdirSync(app);
  // Not electron-builder.yml: the config is passed whole below, and a copy here would be merged in twice.
  for (const f of ['build', 'package.json', 'package-lock.json']) cpSync(join(root, f), join(app, f), { recursive: true });
  renameSync(dist, join(app, 'dist'));
  // The production dependency tree as npm laid it out (electron-builder asks npm for it too).
  const production = execFileSync('npm', ['ls', '--omit', 'dev', '--all', '--parseable'], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })
    .trim()
    .split('\n')
    .slice(1);
  for (const dir of production) cpSync(dir, join(app, relative(root, dir)), { recursive: true });
  return app;
}

function stubElectron(tmp: string): string {
  const dist = join(tmp, 'electron-dist');
  mkdirSync(join(dist, 'resources'), { recursive: true });
  const wire = Buffer.concat([Buffer.from(SENTINEL), Buffer.from([1, ELECTRON_DEFAULT_WIRE.length]), Buffer.from(ELECTRON_DEFAULT_WIRE)]);
  writeFileSync(join(dist, 'electron'), Buffer.concat([Buffer.from('#!/bin/sh\necho "stub Electron" >&2\nexit 1\n# '), wire, Buffer.from('\n')]), { mode: 0o755 });
  writeFileSync(join(dist, 'chrome-sandbox'), 'stub chrome-sandbox\n', { mode: 0o755 });
  writeFileSync(join(dist, 'LICENSE'), 'stub Electron license\n');
  return dist;
}

/** A .deb from what electron-builder's deb target hands to fpm, made with dpkg-deb. */
function makeDeb(call: FpmCall, files: Map<string, Buffer>, outDir: string): string {
  const stage = join(outDir, 'deb-root');
  mkdirSync(join(stage, 'DEBIAN'), { recursive: true });
  for (const [source, destination] of fileMappings(call.args)) {
    const target = join(stage, destination);
    mkdirSync(dirname(target), { recursive: true });
    const copied = files.get(source);
    if (copied) writeFileSync(target, copied);
    else cpSync(source.replace(/\/$/, ''), target, { recursive: true, preserveTimestamps: true });
  }
  const { getDefaultDepends } = require(require.resolve('app-builder-lib/out/targets/FpmTarget.js')).default.prototype as {
    getDefaultDepends(target: string): string[];
  };
  const config = loadBuilderConfig() as { deb?: { depends?: string[] } };
  const control = [
    `Package: ${optionValue(call.args, '--name')}`,
    `Version: ${optionValue(call.args, '--version')}`,
    `Architecture: ${optionValue(call.args, '--architecture')}`,
    `Maintainer: ${optionValue(call.args, '--maintainer')}`,
    `Depends: ${(config.deb?.depends ?? getDefaultDepends('deb')).join(', ')}`,
    `Priority: ${optionValue(call.args, '--deb-priority')}`,
    `Homepage: ${optionValue(call.args, '--url')}`,
    `Description: ${optionValue(call.args, '--description')}`,
  ];
  writeFileSync(join(stage, 'DEBIAN/control'), `${control.join('\n')}\n`);
  writeFileSync(join(stage, 'DEBIAN/postinst'), call.scripts.afterInstall, { mode: 0o755 });
  writeFileSync(join(stage, 'DEBIAN/postrm'), call.scripts.afterRemove, { mode: 0o755 });
  chmodSync(join(stage, 'DEBIAN'), 0o755);
  const deb = join(outDir, 'cubby.deb');
  execFileSync('dpkg-deb', ['--root-owner-group', '-Zgzip', '--build', stage, deb], { stdio: 'pipe' });
  return deb;
}

export function loadBuilderConfig(): Record<string, unknown> {
  const yaml = require(require.resolve('js-yaml', { paths: [require.resolve('app-builder-lib')] })) as { load(text: string): unknown };
  return yaml.load(readFileSync(join(root, 'electron-builder.yml'), 'utf8')) as Record<string, unknown>;
}

export async function packageLinux(): Promise<PackagedLinux> {
  const tmp = mkdtempSync(join(tmpdir(), 'cubby-package-'));
  const app = stageApp(tmp, buildBundles(tmp));
  const electronDist = stubElectron(tmp);
  const out = join(tmp, 'out');
  const { build, Platform, Arch } = require('electron-builder') as typeof import('electron-builder');
  const config = loadBuilderConfig() as Record<string, unknown> & { directories: object };
  const calls: FpmCall[] = [];
  const debFiles = new Map<string, Buffer>();
  await build({
    projectDir: app,
    targets: Platform.LINUX.createTarget(['deb', 'rpm'], Arch.x64),
    config: {
      ...config,
      electronVersion: (require('electron/package.json') as { version: string }).version,
      electronDist,
      // No Electron headers here; all three native modules are Node-API, so the binaries npm built load in Electron too.
      npmRebuild: false,
      directories: { ...config.directories, output: out },
      publish: null,
    },
    // electron-builder's temporary files (scripts, desktop entry) are gone once build() returns: read them now.
    effectiveOptionComputed: async ([args, desktopFile]: [string[], string]) => {
      const target = optionValue(args, '--package').endsWith('.deb') ? 'deb' : 'rpm';
      const call: FpmCall = {
        target,
        args,
        scripts: { afterInstall: readFileSync(optionValue(args, '--after-install'), 'utf8'), afterRemove: readFileSync(optionValue(args, '--after-remove'), 'utf8') },
        desktopEntry: readFileSync(desktopFile, 'utf8'),
      };
      calls.push(call);
      if (target === 'deb') for (const [source] of fileMappings(args)) if (source === desktopFile) debFiles.set(source, readFileSync(source));
      return true;
    },
  } as Parameters<typeof build>[0]);
  const debCall = calls.find((c) => c.target === 'deb');
  if (!debCall) throw new Error('electron-builder built no deb target');
  // fpm resolves relative sources from the project directory.
  const absolute = { ...debCall, args: debCall.args.map((a) => (a.startsWith('build/') ? join(app, a) : a)) };
  const deb = makeDeb(absolute, debFiles, out);
  const appOutDir = join(out, 'linux-unpacked');
  return { tmp, appOutDir, resources: join(appOutDir, 'resources'), calls, deb };
}
