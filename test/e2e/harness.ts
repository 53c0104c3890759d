import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext } from '@playwright/test';
import { startCubby, type Cubby } from '../../main/app';
import { startBrowserHost, type BrowserHost } from '../../main/browserHost/server';
import type { MachinePolicySource } from '../../main/core/policy/source';
import type { SyncRuntime } from '../../main/core/sync/api';
import { parseLocalServerPorts } from '../../main/browserHost/localServerPorts';
import { startFakeProvider, type FakeProvider } from '../helpers/fakeProvider';
import { removeDir, tempDataDir, testKeychain } from '../helpers/env';
import { CHROMIUM_ARGS, CHROMIUM_PATH, VIEWPORT } from './chromium';

/** The built renderer (npx vite build) that the browser host serves. */
export const RENDERER_DIR = fileURLToPath(new URL('../../dist/renderer', import.meta.url));
export const SCREENSHOT_DIR = fileURLToPath(new URL('./screenshots', import.meta.url));

/**
 * Cubby's core and the browser host, in the test process, on a fresh data directory and the real
 * keychain (run under test/with-keyring.sh). Backoff is short so the countdown can be watched.
 */
export interface Harness {
  cubby: Cubby;
  host: BrowserHost;
  dataDir: string;
  /** Browser profiles made by openProfile, kept after close so they can be scanned. */
  profileDirs: string[];
  /** A fake "Ollama" on the port Cubby probes for it, when asked for with `localOllama`. */
  ollama: FakeProvider | null;
  openProfile(): Promise<BrowserContext>;
  close(): Promise<void>;
}

/** What IT set on this pretend machine: the usual password floor, a longer idle ceiling. */
export const E2E_MACHINE_POLICY: MachinePolicySource = {
  kind: 'file',
  location: '/etc/cubby/policy.json',
  read: () => ({ status: 'found', values: { minPasswordLength: 10, maxIdleMinutes: 30 }, ignored: [] }),
};

export async function startHarness(
  opts: {
    localOllama?: boolean;
    /** The sync runtime this install's router uses (issue 12); without it, whatever startCubby makes by default. */
    sync?: SyncRuntime;
  } = {},
): Promise<Harness> {
  if (!existsSync(join(RENDERER_DIR, 'index.html'))) throw new Error('Renderer not built: run npx vite build first.');
  const dataDir = tempDataDir('cubby-e2e-data-');
  const ollama = opts.localOllama ? await startFakeProvider() : null;
  // The browser host's test-only override (CUBBY_LOCAL_SERVER_PORTS), in its JSON form: the fake
  // answers as Ollama; nothing listens on port 1, so LM Studio is not offered.
  const localServerPorts = ollama ? parseLocalServerPorts(JSON.stringify({ Ollama: ollama.port, 'LM Studio': 1 })) : undefined;
  const cubby = await startCubby({
    dataDir,
    keychain: testKeychain(),
    policy: { kdfTargetMs: 0, baseLockMs: 3000, freeFailures: 2 },
    // An organization's policy, so the screens show (and axe scans) "Set by your organization".
    machinePolicy: E2E_MACHINE_POLICY,
    ...(localServerPorts ? { providerRuntime: { maxRetries: 0, localServerPorts } } : {}),
    ...(opts.sync ? { sync: opts.sync } : { syncOptions: { intervalMs: 1000 } }),
  });
  const host = await startBrowserHost({ router: cubby.router, rendererDir: RENDERER_DIR });
  const profileDirs: string[] = [];
  const contexts: BrowserContext[] = [];

  return {
    cubby,
    host,
    dataDir,
    profileDirs,
    ollama,
    async openProfile() {
      // A real on-disk profile (not incognito), so the test can look at what Chromium wrote.
      const dir = mkdtempSync(join(tmpdir(), 'cubby-e2e-profile-'));
      profileDirs.push(dir);
      const context = await chromium.launchPersistentContext(dir, {
        executablePath: CHROMIUM_PATH,
        args: CHROMIUM_ARGS,
        viewport: VIEWPORT,
        acceptDownloads: true,
      });
      contexts.push(context);
      return context;
    },
    async close() {
      for (const c of contexts) await c.close().catch(() => undefined);
      await host.close();
      cubby.close();
      await ollama?.close();
      removeDir(dataDir);
      for (const dir of profileDirs) removeDir(dir);
    },
  };
}
