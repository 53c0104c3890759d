import { defineConfig } from '@playwright/test';
import { CHROMIUM_ARGS, CHROMIUM_PATH, VIEWPORT } from './test/e2e/chromium';

/**
 * End-to-end tests run in Debian's Chromium (no browser download): test/e2e drives the renderer
 * through the browser host; test/electron skips itself where no Electron binary exists.
 * Anything touching the keychain runs under test/with-keyring.sh.
 */
export default defineConfig({
  testDir: 'test',
  testMatch: '**/*.spec.ts',
  workers: 1,
  fullyParallel: false,
  reporter: [['list'], ['./test/reporters/skipReasons.ts']],
  timeout: 180_000,
  expect: { timeout: 15_000 },
  use: {
    viewport: VIEWPORT,
    actionTimeout: 15_000,
    navigationTimeout: 30_000,
    launchOptions: { executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS },
  },
});
