import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * electron-builder.yml, checked against electron-builder's own schema (the validation it runs
 * before building) and for the settings the security model depends on.
 */
const require = createRequire(import.meta.url);
const root = fileURLToPath(new URL('../../', import.meta.url));
const builderLib = require.resolve('app-builder-lib');
const yaml = require(require.resolve('js-yaml', { paths: [builderLib] })) as { load(text: string): unknown };
const { validateConfiguration } = require(require.resolve('app-builder-lib/out/util/config/config.js')) as {
  validateConfiguration(config: unknown, log: { isEnabled: boolean; add(): void }): Promise<void>;
};

type Config = Record<string, unknown> & {
  electronFuses: Record<string, boolean>;
  files: string[];
  asarUnpack: string[];
  win: { target: string[] };
  mac: { target: string[] };
  linux: { target: string[] };
};
const config = yaml.load(readFileSync(`${root}electron-builder.yml`, 'utf8')) as Config;
const quiet = { isEnabled: false, add: () => undefined };

describe('electron-builder.yml', () => {
  it('passes electron-builder’s schema validation (and a misspelt option would not)', async () => {
    await expect(validateConfiguration(config, quiet)).resolves.toBeUndefined();
    await expect(validateConfiguration({ ...config, electronFuses: { ...config.electronFuses, runAsNod: false } }, quiet)).rejects.toThrow(/configuration/);
  });

  it('sets every fuse the design asks for', () => {
    expect(config.electronFuses).toEqual({
      runAsNode: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableCookieEncryption: true,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      grantFileProtocolExtraPrivileges: false,
      loadBrowserProcessSpecificV8Snapshot: false,
    });
  });

  it('packs only the bundles, in an asar with the native modules unpacked', () => {
    expect(config.asar).toBe(true);
    // Named files only: no pattern that could take in the browser host, tests or sources.
    expect(config.files).toEqual(['package.json', 'dist/main/electron/main.js', 'dist/preload/preload.cjs', 'dist/renderer/**', '!**/*.map']);
    expect(config.asarUnpack).toEqual(
      expect.arrayContaining(['**/*.node', 'node_modules/better-sqlite3-multiple-ciphers/**', 'node_modules/keytar/**', 'node_modules/@node-rs/**']),
    );
    expect(config.buildDependenciesFromSource).toBe(true);
  });

  it('targets NSIS, dmg, AppImage and deb', () => {
    expect(config.win.target).toEqual(['nsis']);
    expect(config.mac.target).toEqual(['dmg']);
    expect(config.linux.target).toEqual(['AppImage', 'deb']);
    expect(config.appId).toBe('app.cubby.desktop');
    expect(config.productName).toBe('Cubby');
    expect((config.directories as { output: string }).output).toBe('release');
  });
});
