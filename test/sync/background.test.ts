import { readdirSync } from 'node:fs';
import { afterAll, expect, test } from 'vitest';
import { startCubby, type Cubby } from '../../main/app';
import { NO_POLICY_SOURCE } from '../../main/core/policy/source';
import { createMemory } from '../../main/core/vault/memory';
import { ADMIN, removeDir, TEST_POLICY, tempDataDir, testKeychain } from '../helpers/env';

/**
 * Sync carries its owner's session from start to last write: it runs for a background session
 * (a workflow the person let run while locked) and stops when that session ends.
 */
const dir = tempDataDir('cubby-sync-bg-');
const folder = tempDataDir('cubby-sync-bg-target-');
let cubby: Cubby;
afterAll(() => {
  cubby?.close();
  removeDir(dir);
  removeDir(folder);
});

const objects = () => (readdirSync(folder, { recursive: true }) as string[]).length;

test('a background session keeps syncing while the window is locked, and stops with it', async () => {
  cubby = await startCubby({ dataDir: dir, keychain: testKeychain(), policy: TEST_POLICY, machinePolicy: NO_POLICY_SOURCE, syncOptions: { intervalMs: 100 } });
  const win = cubby.router.connect(() => undefined);
  const call = async (channel: string, input: unknown) => {
    const r = await cubby.router.call(win, channel, input);
    if (!r.ok) throw new Error(`${channel}: ${JSON.stringify(r.error)}`);
    return r.value as any;
  };
  const { recoveryKey } = await call('auth.setup', ADMIN);
  await call('sync.setUp', { target: { kind: 'folder', path: folder }, deviceName: 'Desk', recoveryKey });
  await call('workflows.create', { name: 'Nightly', steps: [{ kind: 'tool', serverId: 's', toolName: 't' }], schedule: { cron: '0 3 * * *', preset: null }, allowBackground: true });
  const userId = cubby.accounts.listUsers(cubby.router.sessionOf(win)!)[0]!.id;
  await call('auth.lock', {});
  const background = cubby.router.workflows.scheduler.backgroundOf(userId)!;
  expect(background.isOpen).toBe(true);

  const before = objects();
  createMemory(background, 'written while locked');
  await expect.poll(objects, { timeout: 5000 }).toBeGreaterThan(before);

  cubby.router.workflows.scheduler.closeBackground(userId);
  expect(background.isOpen).toBe(false);
  await new Promise((r) => setTimeout(r, 400)); // a round in flight may finish
  const after = objects();
  await new Promise((r) => setTimeout(r, 500)); // five more intervals: nothing more is written
  expect(objects()).toBe(after);
});
