import { expect, test, type Page } from '@playwright/test';
import { expectAccessible } from './a11y';
import { nav, setUpAdmin } from './flows';
import { startHarness, type Harness } from './harness';
import { FakeSyncRuntime, type FakeSyncService } from '../helpers/fakeSync';

/**
 * The Sync screen against a recording fake SyncRuntime (test/helpers/fakeSync.ts): every control
 * sends what it says to the person's own service, status events move the screen, secrets leave
 * the page once sent, and axe finds nothing. The real engine's flow is test/e2e/sync.spec.ts.
 */

test.describe.configure({ mode: 'serial' });

const SECRET = 'e2e-secret-access-key-0123456789';
const RECOVERY = 'ABCD-EFGH-IJKL-MNOP-QRST-UVWX-YZ01-2345-6789';

let h: Harness;
const sync = new FakeSyncRuntime();
test.beforeAll(async () => {
  h = await startHarness({ sync });
});
test.afterAll(async () => {
  await h?.close();
});

async function inputValues(page: Page): Promise<string> {
  return (await page.locator('input, textarea').evaluateAll((els) => els.map((e) => (e as HTMLInputElement).value))).join('\n');
}

test('set up, watch progress, approve a device, settle a conflict, remove a device, turn off, join', async () => {
  const ada = await (await h.openProfile()).newPage();
  let service!: FakeSyncService;

  await test.step('Ada sets up Cubby; her sync is off', async () => {
    await setUpAdmin(ada, h.host.url);
    service = sync.of(h.cubby.accounts.openSessions()[0]!.user.id);
    await service.turnOff();
    sync.calls.length = 0;
    await nav(ada, 'Sync');
  });

  await test.step('she sets up S3 sync with her recovery key; the secret leaves the page', async () => {
    const form = ada.getByRole('form', { name: 'Turn on sync' });
    await expect(form.getByLabel('Name of this device')).toHaveValue(/^Ada’s /);
    await form.getByLabel('S3-compatible bucket').check();
    await form.getByLabel('Endpoint', { exact: true }).fill('http://127.0.0.1:7480');
    await form.getByLabel('Bucket', { exact: true }).fill('notes');
    await form.getByLabel('Path-style addresses', { exact: false }).check();
    await form.getByLabel('Access key ID').fill('AKIDEXAMPLE');
    await form.getByLabel('Secret access key').fill(SECRET);
    await form.getByLabel('Name of this device').fill('Desk');
    await form.getByLabel('Recovery key', { exact: true }).fill(RECOVERY);
    await expectAccessible(ada, 'sync set-up form');
    await form.getByRole('button', { name: 'Set up sync' }).click();
    await expect(ada.getByRole('status').filter({ hasText: 'Up to date.' })).toBeVisible();
    expect(sync.calls.find((c) => c.method === 'setUp')?.args[0]).toEqual({
      target: { kind: 's3', endpoint: 'http://127.0.0.1:7480', region: 'us-east-1', bucket: 'notes', prefix: 'cubby', forcePathStyle: true, accessKeyId: 'AKIDEXAMPLE', secretAccessKey: SECRET },
      deviceName: 'Desk',
      recoveryKey: RECOVERY,
    });
    expect(await inputValues(ada)).not.toContain(SECRET);
    expect(await ada.content()).not.toContain(SECRET);
    expect(await ada.content()).not.toContain(RECOVERY);
  });

  await test.step('the first sync shows its progress; devices, requests and conflicts are listed', async () => {
    service.update({ state: 'syncing', firstSync: true, progress: { phase: 'download', done: 40, total: 100 } });
    const bar = ada.getByRole('progressbar', { name: 'First sync' });
    await expect(bar).toHaveAttribute('aria-valuenow', '40');
    await expect(bar).toHaveAttribute('aria-valuetext', 'Downloading: 40 of 100');
    service.update({ state: 'idle', firstSync: false, progress: null, lastSyncAt: Date.now() });
    await expect(bar).toBeHidden();
    const devices = ada.getByRole('region', { name: 'Devices' });
    await expect(devices.getByRole('listitem').filter({ hasText: 'Desk' })).toContainText('This device');
    await expect(devices.getByRole('listitem').filter({ hasText: 'Laptop' })).toContainText('Not heard from yet');
    await expect(ada.getByRole('region', { name: 'Devices asking to join' }).getByTestId('pair-request-code').first()).toHaveText('123456');
    await expect(ada.getByRole('region', { name: 'Conflicts' })).toContainText('Memory fact');
    await expectAccessible(ada, 'sync on');
  });

  await test.step('warnings and a held mass deletion ask for a decision', async () => {
    service.update({
      warnings: [{ code: 'SYNC_OBJECT_REJECTED', message: 'An object from Laptop was rolled back.', at: Date.now() }],
      pendingMassDeletion: { count: 1234, deviceName: 'Laptop' },
    });
    const hold = ada.getByRole('region', { name: 'Deletion waiting for you' });
    await expect(hold).toContainText('Laptop deleted 1,234 items at once.');
    await hold.getByRole('button', { name: 'Keep my items' }).click();
    await expect(hold).toBeHidden();
    expect(sync.calls.filter((c) => c.method === 'decideMassDeletion').map((c) => c.args)).toEqual([[false]]);
    const warnings = ada.getByRole('region', { name: 'Sync warnings' });
    await expect(warnings).toContainText('rolled back');
    await warnings.getByRole('button', { name: 'Dismiss warnings' }).click();
    await expect(warnings).toBeHidden();
  });

  await test.step('she approves the phone, keeps a conflict, and removes the laptop from the keyboard', async () => {
    const phoneId = service.status().pairRequests[0]!.id;
    await ada.getByRole('button', { name: 'Approve Phone' }).click();
    await expect(ada.getByRole('region', { name: 'Devices' }).getByRole('listitem').filter({ hasText: 'Phone' })).toBeVisible();
    expect(sync.calls.find((c) => c.method === 'approvePairing')?.args).toEqual([phoneId]);

    await ada.getByRole('button', { name: 'Restore the version from Laptop of Memory fact' }).click();
    await expect(ada.getByRole('region', { name: 'Conflicts' })).toBeHidden();
    expect(sync.calls.find((c) => c.method === 'resolveConflict')?.args.at(-1)).toBe('lost');

    await ada.getByRole('button', { name: 'Remove Laptop' }).focus();
    await ada.keyboard.press('Enter');
    const dialog = ada.getByRole('dialog', { name: 'Remove Laptop?' });
    await expect(dialog).toContainText('cannot read anything synced from now on');
    await dialog.getByRole('button', { name: 'Remove device' }).click();
    await expect(dialog).toBeHidden();
    await expect(ada.getByRole('region', { name: 'Devices' }).getByRole('listitem').filter({ hasText: 'Laptop' })).toHaveCount(0);
  });

  await test.step('pause and resume; turn off; join from another device by its code', async () => {
    await ada.getByRole('button', { name: 'Pause' }).click();
    await expect(ada.getByRole('status').filter({ hasText: 'Paused.' })).toBeVisible();
    await expect(ada.getByRole('button', { name: 'Sync now' })).toBeDisabled();
    await ada.getByRole('button', { name: 'Resume' }).click();
    await expect(ada.getByRole('status').filter({ hasText: 'Up to date.' })).toBeVisible();

    await ada.getByRole('button', { name: 'Turn off sync…' }).click();
    await ada.getByRole('dialog', { name: 'Turn off sync on this device?' }).getByRole('button', { name: 'Turn off sync' }).click();
    const form = ada.getByRole('form', { name: 'Turn on sync' });
    await form.getByLabel('Join from another device').check();
    await expect(form.getByLabel('Recovery key', { exact: true })).toHaveCount(0);
    await form.getByLabel('WebDAV server').check();
    await form.getByLabel('WebDAV address').fill('https://dav.example/cubby');
    await form.getByLabel('User name').fill('ada');
    await form.getByLabel('WebDAV password').fill(SECRET);
    await form.getByRole('button', { name: 'Ask to join' }).click();
    await expect(ada.getByTestId('join-code')).toHaveText('246810');
    expect(await inputValues(ada)).not.toContain(SECRET);
    await expectAccessible(ada, 'sync join code');
    service.update({ state: 'idle' }); // approved on the other device
    await expect(ada.getByRole('status').filter({ hasText: 'Up to date.' })).toBeVisible();
    expect(new Set(sync.calls.map((c) => c.userId))).toEqual(new Set([service.userId]));
  });
});
