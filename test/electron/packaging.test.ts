import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ELECTRON_DEFAULT_WIRE, fileMappings, loadBuilderConfig, packageLinux, root, type PackagedLinux } from './packageBuild';

/**
 * The Linux package, built by electron-builder from electron-builder.yml with a stub Electron
 * (see packageBuild.ts): what it contains, its fuses, that its native modules load, and the .deb
 * made from what the deb target hands to fpm.
 */
const require = createRequire(import.meta.url);
const asar = require(require.resolve('@electron/asar', { paths: [require.resolve('app-builder-lib')] })) as {
  listPackage(archive: string, options: { isPack: boolean }): string[];
  extractFile(archive: string, filename: string): Buffer;
};
const fusesEntry = require.resolve('@electron/fuses', { paths: [require.resolve('app-builder-lib')] });
const fuses = require(fusesEntry) as {
  getCurrentFuseWire(electron: string): Promise<Record<string, number | string>>;
  FuseV1Options: Record<string, number>;
};
const { FuseState } = require(join(fusesEntry, '../constants.js')) as { FuseState: { ENABLE: number; DISABLE: number } };
const PLATFORM_PREBUILD = `${process.platform}-${process.arch}`;
const ARGON2_PLATFORM_PACKAGE = `@node-rs/argon2-${process.platform}-${process.arch}-gnu`;

let pkg: PackagedLinux;
beforeAll(async () => {
  pkg = await packageLinux();
}, 240_000);
afterAll(() => {
  if (pkg) rmSync(pkg.tmp, { recursive: true, force: true });
});

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath, e.name)));
}
const asarPath = () => join(pkg.resources, 'app.asar');
const asarFiles = () => asar.listPackage(asarPath(), { isPack: false }).map((p) => p.replace(/^\//, ''));

describe('the packaged app (Linux dir target)', () => {
  it('holds only the three bundles and package.json outside node_modules', () => {
    const own = asarFiles().filter((p) => !p.startsWith('node_modules') && /\.[a-z0-9]+$/i.test(p));
    const unexpected = own.filter(
      (p) => !['package.json', 'dist/main/electron/main.js', 'dist/preload/preload.cjs', 'dist/renderer/index.html'].includes(p) && !/^dist\/renderer\/assets\/[^/]+\.(js|css|woff2?|svg|png)$/.test(p),
    );
    expect(unexpected).toEqual([]);
    expect(own).toEqual(expect.arrayContaining(['package.json', 'dist/main/electron/main.js', 'dist/preload/preload.cjs', 'dist/renderer/index.html']));
    expect(asarFiles().filter((p) => p.endsWith('.map'))).toEqual([]);
    const main = asar.extractFile(asarPath(), 'dist/main/electron/main.js').toString('utf8');
    expect(main).not.toContain('startBrowserHost');
    expect(main).not.toContain('WebSocketServer');
    const manifest = JSON.parse(asar.extractFile(asarPath(), 'package.json').toString('utf8')) as { main: string };
    expect(manifest.main).toBe('dist/main/electron/main.js');
  });

  it('ships exactly the native modules, with this platform’s binaries only, unpacked, and no dev dependency', () => {
    const packages = new Set(
      asarFiles()
        .filter((p) => p.endsWith('/package.json') && p.startsWith('node_modules/'))
        .map((p) => p.replace(/^node_modules\//, '').replace(/\/package\.json$/, '')),
    );
    expect([...packages].sort()).toEqual([ARGON2_PLATFORM_PACKAGE, '@node-rs/argon2', 'better-sqlite3-multiple-ciphers', 'keytar'].sort());
    const devDependencies = Object.keys((JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { devDependencies: object }).devDependencies);
    expect(devDependencies.filter((d) => packages.has(d))).toEqual([]);

    const unpacked = filesUnder(join(pkg.resources, 'app.asar.unpacked'));
    expect(unpacked.filter((p) => p.endsWith('.node')).sort()).toEqual(
      [
        `node_modules/${ARGON2_PLATFORM_PACKAGE}/argon2.${process.platform}-${process.arch}-gnu.node`,
        `node_modules/better-sqlite3-multiple-ciphers/prebuilds/${PLATFORM_PREBUILD}.node`,
        'node_modules/keytar/build/Release/keytar.node',
      ].sort(),
    );
    // Nothing that only builds them: C sources, gyp files, headers, type declarations.
    expect(unpacked.filter((p) => /\.(c|cc|cpp|h|hpp|gyp|gypi|d\.ts)$/.test(p))).toEqual([]);
  });

  it('writes every fuse as electron-builder.yml sets it', async () => {
    const configured = loadBuilderConfig().electronFuses as Record<string, boolean>;
    const wire = await fuses.getCurrentFuseWire(join(pkg.appOutDir, 'cubby'));
    const optionIndex = (name: string) => fuses.FuseV1Options[name.charAt(0).toUpperCase() + name.slice(1)];
    const names = Object.keys(configured);
    expect(names).toHaveLength(ELECTRON_DEFAULT_WIRE.length);
    for (const name of names) {
      const index = optionIndex(name);
      expect(index, name).toBeTypeOf('number');
      expect([name, wire[index!]]).toEqual([name, configured[name] ? FuseState.ENABLE : FuseState.DISABLE]);
    }
    // The stub started from Electron's defaults: the build really flipped some.
    const flipped = names.filter((n) => (ELECTRON_DEFAULT_WIRE[optionIndex(n)!] === '1') !== configured[n]);
    expect(flipped).toEqual(expect.arrayContaining(['runAsNode', 'onlyLoadAppFromAsar', 'enableEmbeddedAsarIntegrityValidation']));
  });

  it('has native modules that load from the package and work', () => {
    const script = `
      const { createRequire } = require('node:module');
      const from = createRequire(process.argv[1] + '/node_modules/');
      const found = (m) => from.resolve(m).startsWith(process.argv[1]);
      const Database = from('better-sqlite3-multiple-ciphers');
      const open = () => {
        const db = new Database(process.argv[2]);
        db.pragma("cipher='sqlcipher'");
        db.pragma('key="x\\'' + '11'.repeat(32) + '\\'"');
        return db;
      };
      const db = open();
      db.exec('CREATE TABLE t (v TEXT)');
      db.prepare('INSERT INTO t VALUES (?)').run('packaged');
      db.close();
      const row = open().prepare('SELECT v FROM t').get();
      const plain = !require('node:fs').readFileSync(process.argv[2]).includes('packaged');
      const argon2 = from('@node-rs/argon2');
      const hash = argon2.hashSync('pw', { memoryCost: 1024, timeCost: 1, parallelism: 1 });
      const keytar = from('keytar');
      console.log(JSON.stringify({
        resolved: ['better-sqlite3-multiple-ciphers', '@node-rs/argon2', 'keytar'].every(found),
        row: row.v, encrypted: plain, argon2: hash.startsWith('$argon2id$') && argon2.verifySync(hash, 'pw'),
        keytar: typeof keytar.getPassword, node: process.versions.node }));`;
    const out = execFileSync(process.execPath, ['-e', script, join(pkg.resources, 'app.asar.unpacked'), join(pkg.tmp, 'vault.db')], { encoding: 'utf8' });
    const result = JSON.parse(out.trim().split('\n').pop()!) as Record<string, unknown>;
    expect(result).toMatchObject({ resolved: true, row: 'packaged', encrypted: true, argon2: true, keytar: 'function' });
  });
});

describe('the deb and rpm targets', () => {
  it('hand fpm our package scripts, the /usr/bin/cubby launcher and the app in /opt/Cubby', () => {
    expect(pkg.calls.map((c) => c.target).sort()).toEqual(['deb', 'rpm']);
    const ours = (file: string) => readFileSync(join(root, file), 'utf8').replaceAll('${executable}', 'cubby').replaceAll('${sanitizedProductName}', 'Cubby');
    for (const call of pkg.calls) {
      expect(call.scripts.afterInstall).toBe(ours('build/linux/after-install.sh'));
      expect(call.scripts.afterRemove).toBe(ours('build/linux/after-remove.sh'));
      const mappings = new Map(fileMappings(call.args).map(([s, d]) => [d, s]));
      expect(mappings.get('/usr/bin/cubby')).toBe('build/launchers/linux/cubby');
      expect(mappings.get('/opt/Cubby')).toBe(`${pkg.appOutDir}/`);
    }
  });

  it('keep electron-builder’s sandbox and AppArmor handling, and never link /usr/bin/cubby to the window app', () => {
    const script = pkg.calls[0]!.scripts.afterInstall;
    expect(script).toContain("chmod 4755 '/opt/Cubby/chrome-sandbox'");
    expect(script).toContain("chmod 0755 '/opt/Cubby/chrome-sandbox'");
    expect(script).toContain('unshare --user true');
    expect(script).toContain("APPARMOR_PROFILE_TARGET='/etc/apparmor.d/cubby'");
    expect(script).toContain('apparmor_parser --replace');
    expect(script).not.toMatch(/update-alternatives|ln -s/);
    expect(script).not.toContain('${');
    expect(readFileSync(join(pkg.resources, 'apparmor-profile'), 'utf8')).toContain('profile "cubby" "/opt/Cubby/cubby"');
    for (const s of [script, pkg.calls[0]!.scripts.afterRemove]) expect(spawnSync('sh', ['-n'], { input: s }).status).toBe(0);
  });
});

describe('the .deb (dpkg-deb around the dir output)', () => {
  const dpkg = (...args: string[]) => execFileSync('dpkg-deb', args, { encoding: 'utf8' });

  it('has a control file that names the package, its maintainer and the keychain library it needs', () => {
    const control = dpkg('-f', pkg.deb);
    expect(control).toMatch(/^Package: cubby$/m);
    expect(control).toMatch(/^Version: 0\.1\.0$/m);
    expect(control).toMatch(/^Architecture: amd64$/m);
    expect(control).toMatch(/^Maintainer: Cubby <support@cubby\.invalid>$/m);
    expect(control).toMatch(/^Depends: .*\blibsecret-1-0\b/m);
    expect(control).toMatch(/^Description: Private, encrypted AI-agent workspaces/m);
    expect(dpkg('-I', pkg.deb)).toMatch(/\d+ bytes,\s+\d+ lines\s+\*\s+postinst\s/);
  });

  it('installs the app under /opt/Cubby, the launcher as /usr/bin/cubby (mode 755) and a desktop entry', () => {
    const listing = dpkg('-c', pkg.deb);
    expect(listing).toMatch(/^-rwxr-xr-x root\/root .* \.\/usr\/bin\/cubby$/m);
    for (const path of ['./opt/Cubby/cubby', './opt/Cubby/chrome-sandbox', './opt/Cubby/resources/app.asar', './opt/Cubby/resources/apparmor-profile', './usr/share/applications/cubby.desktop']) {
      expect(listing).toContain(` ${path}\n`);
    }
    expect(listing).not.toMatch(/AppImage|snap/i);
  });

  it('ships the machine-policy templates for IT in resources/policy, as they are in the repo', () => {
    const listing = dpkg('-c', pkg.deb);
    for (const file of ['Cubby.admx', 'en-US/Cubby.adml', 'app.cubby.desktop.mobileconfig', 'cubby-policy.schema.json']) {
      expect(listing).toContain(` ./opt/Cubby/resources/policy/${file}\n`);
      expect(readFileSync(join(pkg.resources, 'policy', file))).toEqual(readFileSync(join(root, 'build/policy', file)));
    }
  });

  it('has a desktop entry that starts the window app by its full path', () => {
    const x = join(pkg.tmp, 'deb-x');
    dpkg('-x', pkg.deb, x);
    const entry = readFileSync(join(x, 'usr/share/applications/cubby.desktop'), 'utf8');
    expect(entry).toMatch(/^\[Desktop Entry\]$/m);
    expect(entry).toMatch(/^Name=Cubby$/m);
    expect(entry).toMatch(/^Exec="?\/opt\/Cubby\/cubby"? %U$/m);
    expect(entry).toMatch(/^Type=Application$/m);
    expect(entry).toMatch(/^Terminal=false$/m);
    expect(readFileSync(join(x, 'usr/bin/cubby'), 'utf8')).toBe(readFileSync(join(root, 'build/launchers/linux/cubby'), 'utf8'));
    expect(statSync(join(x, 'opt/Cubby/cubby')).mode & 0o111).not.toBe(0);
  });
});

describe('the /usr/bin/cubby launcher', () => {
  it('runs the installed app headless in command-line mode, passes arguments unchanged and returns its exit code', () => {
    const launcher = readFileSync(join(root, 'build/launchers/linux/cubby'), 'utf8');
    expect(launcher).toMatch(/^exec \/opt\/Cubby\/cubby --cli .*"\$@"$/m);
    // The same script, pointed at a stand-in app that reports its argv and exits 7.
    const dir = join(pkg.tmp, 'launcher');
    mkdirSync(dir);
    writeFileSync(join(dir, 'app'), `#!/bin/sh\nfor a in "$@"; do printf '%s\\n' "$a"; done\nexit 7\n`);
    chmodSync(join(dir, 'app'), 0o755);
    writeFileSync(join(dir, 'cubby'), launcher.replace('/opt/Cubby/cubby', join(dir, 'app')));
    const run = spawnSync('sh', [join(dir, 'cubby'), 'users', 'list', '--format', 'two words', '$HOME', "it's"], { encoding: 'utf8' });
    expect(run.status).toBe(7);
    expect(run.stdout.split('\n').slice(0, -1)).toEqual(['--cli', '--ozone-platform=headless', '--disable-gpu', 'users', 'list', '--format', 'two words', '$HOME', "it's"]);
  });
});
