import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startCubby, type Cubby, type CubbyOptions } from '../../main/app';
import { startBrowserHost, type BrowserHost } from '../../main/browserHost/server';
import { removeDir, TEST_POLICY, tempDataDir, testKeychain } from './env';

export interface TestHost {
  /** The temporary directory holding data/ and renderer/. */
  dir: string;
  dataDir: string;
  cubby: Cubby;
  host: BrowserHost;
  /** Close the host and the core, then remove the directory. */
  close(): Promise<void>;
}

/**
 * The app as the hostile and race suites see it: the core (startCubby) on a fresh data directory,
 * with the test keychain and fast Argon2, behind a browser host serving a stub renderer.
 */
export async function startTestHost(opts: Partial<Omit<CubbyOptions, 'dataDir' | 'keychain'>> = {}): Promise<TestHost> {
  const dir = tempDataDir();
  const dataDir = join(dir, 'data');
  const rendererDir = join(dir, 'renderer');
  mkdirSync(rendererDir);
  writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>Cubby</title>');
  const cubby = await startCubby({ policy: TEST_POLICY, ...opts, dataDir, keychain: testKeychain() });
  const host = await startBrowserHost({ router: cubby.router, rendererDir });
  return {
    dir,
    dataDir,
    cubby,
    host,
    async close() {
      await host.close();
      cubby.close();
      removeDir(dir);
    },
  };
}
