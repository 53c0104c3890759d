import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { expect, test, type Page } from '@playwright/test';
import { expectAccessible } from './a11y';
import { nav, setUpAdmin, shot } from './flows';
import { startHarness, type Harness } from './harness';

/**
 * Issue 12 end to end: Ada sets up S3 sync on her desk computer, pairs her laptop (a second
 * install with its own data directory) by comparing the code, watches the laptop's first sync,
 * and sees both devices listed on each. A real S3 server (Ceph's radosgw, started by
 * test/sync/servers/radosgw.ts) and the real sync engine behind the browser host; nothing faked.
 */

/** The S3 server helper S writes; this spec waits for it (and the engine) to be merged. */
const RADOSGW = fileURLToPath(new URL('../sync/servers/radosgw.ts', import.meta.url));
interface S3Server {
  endpoint: string;
  region: string;
  bucket: string;
  accessKeyId: string;
  secretAccessKey: string;
  stop(): Promise<void>;
}

test.skip(!existsSync(RADOSGW), 'needs the S3 test server (test/sync/servers/radosgw.ts) and the sync engine');
test.describe.configure({ mode: 'serial' });

let s3: S3Server;
let desk: Harness;
let laptop: Harness;
test.beforeAll(async () => {
  const servers = (await import(pathToFileURL(RADOSGW).href)) as { startS3Server(): Promise<S3Server> };
  s3 = await servers.startS3Server();
  // Two installs of Cubby on two "computers": each its own data directory, host and router. The
  // sync runtime is the one startCubby makes (CubbyOptions.sync overrides it in tests).
  desk = await startHarness();
  laptop = await startHarness();
});
test.afterAll(async () => {
  await laptop?.close();
  await desk?.close();
  await s3?.stop();
});

const FACT = 'Ada takes her coffee black (synced from the desk)';


/** The S3 part of the set-up form, as Ada copies it from her storage provider. */
async function fillS3(page: Page): Promise<void> {
  const form = page.getByRole('form', { name: 'Turn on sync' });
  await form.getByLabel('S3-compatible bucket').check();
  await form.getByLabel('Endpoint', { exact: true }).fill(s3.endpoint);
  await form.getByLabel('Region', { exact: true }).fill(s3.region);
  await form.getByLabel('Bucket', { exact: true }).fill(s3.bucket);
  await form.getByLabel('Folder in the bucket').fill('cubby-ada');
  await form.getByLabel('Path-style addresses', { exact: false }).check();
  await form.getByLabel('Access key ID').fill(s3.accessKeyId);
  await form.getByLabel('Secret access key').fill(s3.secretAccessKey);
}

async function expectNoSecretsIn(page: Page): Promise<void> {
  const values = await page.locator('input, textarea').evaluateAll((els) => els.map((e) => (e as HTMLInputElement).value).join('\n'));
  expect(values).not.toContain(s3.secretAccessKey);
  expect(await page.content()).not.toContain(s3.secretAccessKey);
}

test('set up S3 sync, pair a second install by its code, watch its first sync, see both devices', async () => {
  const deskPage = await (await desk.openProfile()).newPage();
  const laptopPage = await (await laptop.openProfile()).newPage();
  let code = '';

  await test.step('Ada has Cubby on her desk computer, with a memory fact', async () => {
    const recoveryKey = await setUpAdmin(deskPage, desk.host.url);
    await nav(deskPage, 'Memory');
    await deskPage.getByLabel('Fact', { exact: true }).fill(FACT);
    await deskPage.getByRole('button', { name: 'Save fact' }).click();
    await expect(deskPage.getByText(FACT)).toBeVisible();

    await nav(deskPage, 'Sync');
    await expect(deskPage.locator('[data-code="NOT_SUPPORTED"]'), 'the browser host has no SyncRuntime: startCubby must make one').toHaveCount(0);
    const form = deskPage.getByRole('form', { name: 'Turn on sync' });
    await form.getByLabel('Set up sync').check();
    await fillS3(deskPage);
    await form.getByLabel('Name of this device').fill('Desk');
    await form.getByLabel('Recovery key', { exact: true }).fill(recoveryKey);
    await shot(deskPage, 'sync-setup', true);
    await form.getByRole('button', { name: 'Set up sync' }).click();
    await expect(deskPage.getByRole('status').filter({ hasText: 'Up to date.' })).toBeVisible({ timeout: 60_000 });
    await expectNoSecretsIn(deskPage);
    expect(await deskPage.content()).not.toContain(recoveryKey);
  });

  await test.step('on her laptop (another install) she asks to join and gets a code', async () => {
    await setUpAdmin(laptopPage, laptop.host.url);
    await nav(laptopPage, 'Sync');
    const form = laptopPage.getByRole('form', { name: 'Turn on sync' });
    await form.getByLabel('Join from another device').check();
    await fillS3(laptopPage);
    await form.getByLabel('Name of this device').fill('Laptop');
    await form.getByRole('button', { name: 'Ask to join' }).click();
    const shown = laptopPage.getByTestId('join-code');
    await expect(shown).toHaveText(/^\S{4,12}$/, { timeout: 30_000 });
    code = (await shown.textContent())!.trim();
    await expectNoSecretsIn(laptopPage);
    await expectAccessible(laptopPage, 'sync join code');
    await shot(laptopPage, 'sync-join-code');
    // From here on, any progress bar the laptop shows is recorded, however briefly it is up.
    await laptopPage.evaluate(() => {
      const seen: number[] = [];
      (window as unknown as { syncProgressSeen: number[] }).syncProgressSeen = seen;
      new MutationObserver(() => {
        const bar = document.querySelector('[role="progressbar"]');
        if (bar) seen.push(Number(bar.getAttribute('aria-valuenow')));
      }).observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ['aria-valuenow'] });
    });
  });

  await test.step('the desk shows the same code; she compares and approves', async () => {
    const requests = deskPage.getByRole('region', { name: 'Devices asking to join' });
    await expect(async () => {
      const syncNow = deskPage.getByRole('button', { name: 'Sync now' });
      if (await syncNow.isEnabled()) await syncNow.click();
      await expect(requests.getByTestId('pair-request-code')).toHaveText(code, { timeout: 3_000 });
    }).toPass({ timeout: 90_000 });
    await expect(requests.getByRole('listitem').filter({ hasText: 'Laptop' })).toBeVisible();
    await expectAccessible(deskPage, 'sync pair request');
    await shot(deskPage, 'sync-approve');
    await requests.getByRole('button', { name: 'Approve Laptop' }).click();
    await expect(requests).toBeHidden();
  });

  await test.step('the laptop moves on by itself, shows its first sync, and gets the desk’s memory', async () => {
    await expect(laptopPage.getByRole('status').filter({ hasText: 'Up to date.' })).toBeVisible({ timeout: 120_000 });
    const progress = await laptopPage.evaluate(() => (window as unknown as { syncProgressSeen: number[] }).syncProgressSeen);
    expect(progress.length, 'the first sync showed a progress bar').toBeGreaterThan(0);
    expect(progress.every((v) => v >= 0 && v <= 100)).toBe(true);
    await nav(laptopPage, 'Memory');
    await expect(laptopPage.getByText(FACT)).toBeVisible({ timeout: 30_000 });
  });

  await test.step('each computer lists both devices, itself marked', async () => {
    await nav(laptopPage, 'Sync');
    const onLaptop = laptopPage.getByRole('region', { name: 'Devices' });
    await expect(onLaptop.getByRole('listitem').filter({ hasText: 'Laptop' })).toContainText('This device');
    await expect(onLaptop.getByRole('listitem').filter({ hasText: 'Desk' })).toContainText('Last heard from');

    await deskPage.getByRole('button', { name: 'Sync now' }).click();
    const onDesk = deskPage.getByRole('region', { name: 'Devices' });
    await expect(onDesk.getByRole('listitem').filter({ hasText: 'Desk' })).toContainText('This device');
    await expect(onDesk.getByRole('listitem').filter({ hasText: 'Laptop' })).toBeVisible();
    await expect(onDesk.getByRole('button', { name: 'Remove Laptop' })).toBeVisible();
    await expectAccessible(deskPage, 'sync devices');
    await shot(deskPage, 'sync-devices', true);
  });
});
