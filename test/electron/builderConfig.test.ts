import { readFileSync, statSync } from 'node:fs';
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
  win: { target: string[]; files: string[]; asarUnpack: string[]; extraFiles: Array<{ from: string; to: string }> };
  nsis: { perMachine: boolean; oneClick: boolean };
  msi: { perMachine: boolean };
  mac: { target: string[] };
  pkg: { installLocation: string; allowAnywhere: boolean; allowCurrentUserHome: boolean; isRelocatable: boolean };
  linux: { target: string[]; executableName: string };
  deb: { afterInstall: string; afterRemove: string; fpm: string[] };
  rpm: { afterInstall: string; afterRemove: string; fpm: string[]; depends: string[] };
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
    expect(config.files.slice(0, 5)).toEqual(['package.json', 'dist/main/electron/main.js', 'dist/preload/preload.cjs', 'dist/renderer/**', '!**/*.map']);
    // After them, only node_modules patterns (what they let through: packaging.test.ts).
    expect(config.files.slice(5).every((p) => /^!?node_modules\//.test(p))).toBe(true);
    expect(config.asarUnpack).toEqual(
      expect.arrayContaining(['**/*.node', 'node_modules/better-sqlite3-multiple-ciphers/**', 'node_modules/keytar/**', 'node_modules/@node-rs/**']),
    );
    expect(config.buildDependenciesFromSource).toBe(true);
  });

  it('builds per-machine installers only: NSIS and MSI, pkg, deb and rpm; no AppImage or snap', () => {
    expect(config.win.target).toEqual(['nsis', 'msi']);
    expect(config.nsis).toMatchObject({ perMachine: true, oneClick: false });
    expect(config.msi).toMatchObject({ perMachine: true });
    expect(config.mac.target).toEqual(['pkg']);
    expect(config.pkg).toMatchObject({ installLocation: '/Applications', allowAnywhere: false, allowCurrentUserHome: false, isRelocatable: false });
    expect(config.linux.target).toEqual(['deb', 'rpm']);
    expect(Object.keys(config).filter((k) => /^(appImage|snap|flatpak|portable|appx|dmg|mas)$/.test(k))).toEqual([]);
    expect(config.appId).toBe('app.cubby.desktop');
    expect(config.productName).toBe('Cubby');
    expect((config.directories as { output: string }).output).toBe('release');
  });

  it('installs /usr/bin/cubby from the deb and rpm, with our package scripts', () => {
    for (const target of [config.deb, config.rpm]) {
      expect(target.fpm).toEqual(['build/launchers/linux/cubby=/usr/bin/cubby']);
      expect(target.afterInstall).toBe('build/linux/after-install.sh');
      expect(target.afterRemove).toBe('build/linux/after-remove.sh');
    }
    expect(config.linux.executableName).toBe('cubby');
    expect(config.deb).not.toHaveProperty('depends');
    // fpm keeps the file's mode: the launcher must be executable in the repository.
    expect(statSync(`${root}build/launchers/linux/cubby`).mode & 0o777).toBe(0o755);
  });

  it('makes the deb and rpm depend on libsecret (keytar loads it) and on everything electron-builder would', () => {
    const { getDefaultDepends } = require(require.resolve('app-builder-lib/out/targets/FpmTarget.js')).default.prototype as {
      getDefaultDepends(target: string): string[];
    };
    expect(getDefaultDepends('deb')).toContain('libsecret-1-0');
    expect(config.rpm.depends).toEqual([...getDefaultDepends('rpm'), 'libsecret']);
  });

  it('puts cubby.cmd beside Cubby.exe, a Windows batch file', () => {
    expect(config.win.extraFiles).toEqual([{ from: 'build/launchers/win/cubby.cmd', to: 'cubby.cmd' }]);
    const cmd = readFileSync(`${root}build/launchers/win/cubby.cmd`, 'utf8');
    // cmd.exe reads batch files line by line: CRLF endings, the app beside the script, every argument, its exit code.
    expect(cmd).not.toMatch(/(?<!\r)\n/);
    expect(cmd).toMatch(/^"%~dp0Cubby\.exe" --cli .*%\*\r$/m);
    expect(cmd).toMatch(/^exit \/b %ERRORLEVEL%\r$/m);
  });

  it('ships on Windows the registry module the machine policy loads there, with its prebuilt binary unpacked', () => {
    // machinePolicySource() requires native-reg on win32 whether or not a policy is set: without it the app could not start.
    const source = readFileSync(`${root}main/core/policy/windowsRegistry.ts`, 'utf8');
    expect(source).toContain("('native-reg')");
    const dependencies = Object.keys((require(`${root}node_modules/native-reg/package.json`) as { dependencies: object }).dependencies);
    for (const pkg of ['native-reg', ...dependencies]) expect(config.win.files.some((p) => p.startsWith(`node_modules/${pkg}/`)), pkg).toBe(true);
    expect(config.win.files).toContain('node_modules/native-reg/prebuilds/win32-${arch}/**');
    expect(config.win.asarUnpack).toContain('node_modules/native-reg/**');
    // Linux and macOS builds stay without it.
    expect(config.files.some((p) => p.includes('native-reg'))).toBe(false);
  });
});
