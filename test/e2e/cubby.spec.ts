import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { filesContaining } from '../helpers/env';
import { expectAccessible } from './a11y';
import { startHarness, type Harness } from './harness';
import { expectSignedInAs, openSection, pickUser, pressUntilFocused, rendererStorage, saveRecoveryKeyAndContinue, shot, submitPassword } from './flows';

/**
 * The whole first-day story in Debian's Chromium, through the browser host, against the real
 * core (SQLCipher files, real keychain): setup, invite, two people signed in at once in two
 * browser profiles, lock, backoff, recovery, deletion. Afterwards neither the data directory nor
 * either browser profile may hold the text the two people typed into their settings.
 */
const ADA = { username: 'ada', displayName: 'Ada Admin', password: 'correct horse battery', newPassword: 'amber kettle under snow' };
const BOB = { username: 'bob', displayName: 'Bob Builder', password: 'purple monkey dishwasher', newPassword: 'seven quiet orange lanterns' };
const ADA_MARKER = `ada-private-${randomUUID()}`;
const BOB_MARKER = `bob-private-${randomUUID()}`;

test.describe.configure({ mode: 'serial' });

let h: Harness;

test.beforeAll(async () => {
  h = await startHarness();
});

test.afterAll(async () => {
  await h?.close();
});

// Transitions finished: a theme switch just before must not leave colours half-way.

test('first run, invite, two people at once, lock, backoff, recovery, deletion, nothing left behind', async () => {
  const adaContext = await h.openProfile();
  const ada = await adaContext.newPage();
  let bobRecovery = '';

  await test.step('first run creates the administrator and shows the recovery key once', async () => {
    await ada.goto(h.host.url);
    await expect(ada.getByRole('heading', { name: 'Set up Cubby' })).toBeVisible();
    // The token left the address bar once read.
    expect(new URL(ada.url()).hash).toBe('');
    await expectAccessible(ada, 'setup form');
    // The machine policy fixes the minimum length: the hint says who set it.
    await expect(ada.getByText('At least 10 characters (Set by your organization).')).toBeVisible();
    await ada.getByLabel('Username').fill(ADA.username);
    await ada.getByLabel('Display name').fill(ADA.displayName);
    await ada.getByLabel('Password', { exact: true }).fill(ADA.password);
    await ada.getByLabel('Confirm password').fill('not the same');
    await ada.getByRole('button', { name: 'Create administrator' }).click();
    await expect(ada.getByRole('alert')).toContainText('do not match');
    await expectAccessible(ada, 'setup form with an error');
    await ada.getByLabel('Confirm password').fill(ADA.password);
    await ada.getByRole('button', { name: 'Create administrator' }).click();
    await expect(ada.getByRole('heading', { name: 'Save your recovery key' })).toBeVisible();
    await expectAccessible(ada, 'recovery key screen');
    await shot(ada, 'setup');

    const key = (await ada.getByTestId('recovery-key').textContent())!.trim();
    const [download] = await Promise.all([ada.waitForEvent('download'), ada.getByRole('button', { name: 'Save as text file' }).click()]);
    expect(download.suggestedFilename()).toBe('cubby-recovery-key-ada.txt');
    const saved = await download.path();
    expect(readFileSync(saved, 'utf8')).toContain(key);
    await download.delete();

    // Copy really puts the key on the clipboard (read back through the page's own clipboard).
    await adaContext.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(h.host.url).origin });
    await ada.evaluate(() => navigator.clipboard.writeText('not the key'));
    await ada.getByRole('button', { name: 'Copy', exact: true }).click();
    await expect(ada.getByRole('status').filter({ hasText: 'Copied to the clipboard.' })).toBeVisible();
    expect(await ada.evaluate(() => navigator.clipboard.readText())).toBe(key);

    await saveRecoveryKeyAndContinue(ada);
    await expectSignedInAs(ada, ADA.displayName);
    await expect(ada.getByRole('heading', { name: 'Agents' })).toBeVisible();
    await expect(ada.getByRole('heading', { name: 'Conversations' })).toBeVisible();
    await expectAccessible(ada, 'workspace home');
    await shot(ada, 'workspace');
  });

  await test.step('the theme follows the OS: dark mode changes the page background', async () => {
    const background = () => ada.evaluate(() => getComputedStyle(document.body).backgroundColor);
    await ada.emulateMedia({ colorScheme: 'light' });
    const light = await background();
    await ada.emulateMedia({ colorScheme: 'dark' });
    const dark = await background();
    await ada.emulateMedia({ colorScheme: 'light' });
    // A transparent body would make both the same: each must be a real, opaque colour.
    for (const colour of [light, dark]) expect(colour).toMatch(/^rgb\(\d+, \d+, \d+\)$/);
    expect(dark).not.toBe(light);
    expect(await background()).toBe(light);
  });

  await test.step('the administrator keeps a private note', async () => {
    await openSection(ada, 'Settings');
    await expect(ada.getByRole('textbox', { name: 'Notes' })).toBeEnabled();
    await expectAccessible(ada, 'settings');
    // The idle lock: the organization's ceiling is named, and nothing longer is offered.
    const lockAfter = ada.getByRole('combobox', { name: 'Lock after' });
    await expect(lockAfter).toBeEnabled();
    await expect(ada.getByText('At most 30 minutes on this computer (Set by your organization).')).toBeVisible();
    expect(await lockAfter.locator('option').allTextContents()).toEqual([
      'This computer’s time (30 minutes)', '1 minute', '2 minutes', '5 minutes', '10 minutes', '15 minutes', '30 minutes',
    ]);
    await lockAfter.selectOption('10');
    await ada.getByRole('button', { name: 'Save', exact: true }).click();
    await expect(ada.getByRole('status').filter({ hasText: 'Lock time updated.' })).toBeVisible();
    await expect(lockAfter).toHaveValue('10');
    await ada.getByRole('textbox', { name: 'Notes' }).fill(ADA_MARKER);
    await ada.getByRole('button', { name: 'Save notes' }).click();
    await expect(ada.getByRole('status').filter({ hasText: 'Saved.' })).toBeVisible();
  });

  let inviteCode = '';
  await test.step('the administrator invites Bob (dialog: focus in, Escape out, focus back)', async () => {
    await openSection(ada, 'Users');
    await expect(ada.locator('tr[data-username="ada"]')).toBeVisible();
    await expectAccessible(ada, 'users panel');
    const inviteButton = ada.getByRole('button', { name: 'Invite someone' });
    await inviteButton.focus();
    await ada.keyboard.press('Enter');
    const dialog = ada.getByRole('dialog', { name: 'Invite someone' });
    await expect(dialog).toBeVisible();
    await expect(dialog.getByLabel('Username')).toBeFocused();
    await expectAccessible(ada, 'invite dialog');
    await expect(dialog.getByLabel('Username')).toBeFocused();
    await ada.keyboard.press('Shift+Tab');
    await expect(dialog.getByRole('button', { name: 'Close' })).toBeFocused();
    // Tab wraps inside the dialog instead of leaving it.
    await ada.keyboard.press('Shift+Tab');
    await expect(dialog.getByRole('button', { name: 'Create invite' })).toBeFocused();
    await ada.keyboard.press('Escape');
    await expect(dialog).toBeHidden();
    await expect(inviteButton).toBeFocused();

    await inviteButton.click();
    await dialog.getByLabel('Username').fill(BOB.username);
    await dialog.getByLabel('Display name').fill(BOB.displayName);
    await dialog.getByLabel('Role').selectOption('user');
    await dialog.getByRole('button', { name: 'Create invite' }).click();
    const created = ada.getByRole('dialog', { name: 'Invite created' });
    inviteCode = (await created.getByTestId('invite-code').textContent())!.trim();
    expect(inviteCode).toMatch(/^\d{4}-\d{4}$/);
    await expect(created).toContainText('Valid until');
    await expectAccessible(ada, 'invite created dialog');
    await created.getByRole('button', { name: 'Done' }).click();
    await expect(ada.locator('tr[data-username="bob"]')).toContainText('Invited');
  });

  const bobContext = await h.openProfile();
  const bob = await bobContext.newPage();

  await test.step('Bob redeems the invite in a second browser profile', async () => {
    await bob.goto(h.host.url);
    await expect(bob.getByRole('heading', { name: 'Who is using Cubby?' })).toBeVisible();
    // Invited accounts are not on the picker until they are set up.
    await expect(bob.getByRole('list', { name: 'Choose your account' })).not.toContainText(BOB.displayName);
    await expectAccessible(bob, 'login picker');
    await bob.getByRole('button', { name: 'I have an invite code' }).click();
    await expectAccessible(bob, 'invite code form');
    await bob.getByLabel('Username').fill(BOB.username);
    await bob.getByLabel('Invite code').fill(inviteCode);
    await bob.getByRole('button', { name: 'Next' }).click();
    await expect(bob.getByLabel('Password', { exact: true })).toBeFocused();
    await expectAccessible(bob, 'invite password form');
    await bob.getByLabel('Password', { exact: true }).fill(BOB.password);
    await bob.getByLabel('Confirm password').fill(BOB.password);
    await bob.getByRole('button', { name: 'Create my account' }).click();
    bobRecovery = await saveRecoveryKeyAndContinue(bob);
    await expectSignedInAs(bob, BOB.displayName);
  });

  await test.step('both are signed in at once and each sees only their own name and notes', async () => {
    await expect(bob.getByRole('heading', { name: 'Users' })).toHaveCount(0);
    await expect(bob.getByRole('navigation', { name: 'Workspace' }).getByRole('button', { name: 'Users' })).toHaveCount(0);
    await openSection(bob, 'Settings');
    await expect(bob.getByRole('textbox', { name: 'Notes' })).toHaveValue('');
    await bob.getByRole('textbox', { name: 'Notes' }).fill(BOB_MARKER);
    await bob.getByRole('button', { name: 'Save notes' }).click();
    await expect(bob.getByRole('status').filter({ hasText: 'Saved.' })).toBeVisible();

    // Ada, still signed in in her own window, reads her note back from her vault.
    await openSection(ada, 'Home');
    await openSection(ada, 'Settings');
    await expect(ada.getByRole('textbox', { name: 'Notes' })).toHaveValue(ADA_MARKER);
    await expectSignedInAs(ada, ADA.displayName);
    await expectSignedInAs(bob, BOB.displayName);
    for (const [page, foreign] of [
      [ada, [BOB_MARKER, BOB.displayName]],
      [bob, [ADA_MARKER, ADA.displayName]],
    ] as const) {
      const html = await page.content();
      for (const text of foreign) expect(html).not.toContain(text);
    }

    await openSection(ada, 'Users');
    // A pending invite, so the table shows every status.
    await ada.getByRole('button', { name: 'Invite someone' }).click();
    const dialog = ada.getByRole('dialog', { name: 'Invite someone' });
    await dialog.getByLabel('Username').fill('carol');
    await dialog.getByLabel('Display name').fill('Carol Jones');
    await dialog.getByRole('button', { name: 'Create invite' }).click();
    await ada.getByRole('dialog', { name: 'Invite created' }).getByRole('button', { name: 'Done' }).click();
    await expect(ada.locator('tr[data-username="carol"]')).toContainText('Invited');
    const bobRow = ada.locator('tr[data-username="bob"]');
    await expect(bobRow).toContainText('Active');
    await expect(bobRow).not.toContainText('Never');
    await shot(ada, 'admin');
  });

  await test.step('lock drops the window state; the password unlocks it again', async () => {
    await bob.getByRole('button', { name: 'Lock', exact: true }).click();
    await expect(bob.getByRole('heading', { name: 'Cubby is locked' })).toBeVisible();
    await expect(bob.getByText(BOB.displayName)).toBeVisible();
    expect(await bob.content()).not.toContain(BOB_MARKER);
    await expectAccessible(bob, 'lock screen');
    // Keyboard only: the password field has focus, Enter submits.
    await expect(bob.getByLabel('Password', { exact: true })).toBeFocused();
    await bob.keyboard.type(BOB.password);
    await bob.keyboard.press('Enter');
    await expectSignedInAs(bob, BOB.displayName);
    await openSection(bob, 'Settings');
    await expect(bob.getByRole('textbox', { name: 'Notes' })).toHaveValue(BOB_MARKER);
  });

  await test.step('the administrator changes her password and renews her recovery key', async () => {
    await openSection(ada, 'Settings');
    await ada.getByLabel('Current password').fill('not my password');
    await ada.getByLabel('New password', { exact: true }).fill(ADA.newPassword);
    await ada.getByLabel('Confirm new password').fill(ADA.newPassword);
    await ada.getByRole('button', { name: 'Change password' }).click();
    await expect(ada.locator('[role=alert][data-code=WRONG_CREDENTIALS]')).toBeVisible();
    await ada.getByLabel('Current password').fill(ADA.password);
    await ada.getByRole('button', { name: 'Change password' }).click();
    await expect(ada.getByRole('status').filter({ hasText: 'Password changed.' })).toBeVisible();

    const renew = ada.getByRole('button', { name: 'Create a new recovery key…' });
    await renew.click();
    const dialog = ada.getByRole('dialog', { name: 'New recovery key' });
    await expect(dialog.getByLabel('Password')).toBeVisible();
    await expectAccessible(ada, 'new recovery key dialog');
    await dialog.getByLabel('Password').fill(ADA.newPassword);
    await dialog.getByRole('button', { name: 'Create new key' }).click();
    await expect(dialog.getByRole('heading', { name: 'Save your new recovery key' })).toBeVisible();
    await expect(dialog.getByRole('button', { name: 'Done' })).toBeDisabled();
    await dialog.getByLabel('I have saved my recovery key somewhere safe').check();
    await dialog.getByRole('button', { name: 'Done' }).click();
    await expect(dialog).toBeHidden();
    await expect(renew).toBeFocused();
  });

  await test.step('a system lock (auto-lock) locks both windows, each to its own person', async () => {
    h.cubby.router.lockAll('system');
    for (const [page, person] of [
      [ada, ADA],
      [bob, BOB],
    ] as const) {
      await expect(page.getByRole('heading', { name: 'Cubby is locked' })).toBeVisible();
      await expect(page.locator('.who-name')).toHaveText(person.displayName);
      const html = await page.content();
      for (const marker of [ADA_MARKER, BOB_MARKER]) expect(html).not.toContain(marker);
    }
    await submitPassword(ada, ADA.password, 'Unlock');
    await expect(ada.locator('[role=alert][data-code=WRONG_CREDENTIALS]')).toBeVisible();
    await submitPassword(ada, ADA.newPassword, 'Unlock');
    await expectSignedInAs(ada, ADA.displayName);
    await submitPassword(bob, BOB.password, 'Unlock');
    await expectSignedInAs(bob, BOB.displayName);
  });

  await test.step('switch user, then wrong passwords back off with a live countdown', async () => {
    await bob.getByRole('button', { name: 'Switch user' }).click();
    await expect(bob.getByRole('heading', { name: 'Who is using Cubby?' })).toBeVisible();
    await expect(bob.getByRole('list', { name: 'Choose your account' }).getByRole('button')).toHaveCount(2);
    await shot(bob, 'login');
    await pickUser(bob, BOB.displayName);
    await expect(bob.getByLabel('Password', { exact: true })).toBeFocused();
    await expectAccessible(bob, 'password form');

    for (let i = 0; i < 2; i++) {
      await submitPassword(bob, `wrong password ${i}`);
      await expect(bob.locator('[role=alert][data-code=WRONG_CREDENTIALS]')).toBeVisible();
    }
    await submitPassword(bob, 'wrong password 3');
    const countdown = bob.getByTestId('lockout-countdown');
    await expect(countdown).toBeVisible();
    const signIn = bob.getByRole('button', { name: 'Sign in', exact: true });
    await expect(signIn).toBeDisabled();
    await expectAccessible(bob, 'password form in backoff');
    const first = Number((await countdown.textContent())!.match(/\d+/)![0]);
    await expect.poll(async () => Number((await countdown.textContent())?.match(/\d+/)?.[0] ?? 0), { timeout: 5000 }).toBeLessThan(first);
    await expect(bob.getByText('You can try again now.')).toBeVisible({ timeout: 10_000 });

    // The next failure doubles the wait; the administrator sees it and clears it.
    await submitPassword(bob, 'wrong password 4');
    await expect(countdown).toBeVisible();
    await openSection(ada, 'Home');
    await openSection(ada, 'Users');
    await ada.getByRole('button', { name: 'Clear lockout for bob' }).click();
    await expect(ada.locator('tr[data-username="bob"]')).toContainText('None');
  });

  await test.step('the recovery key sets a new password and issues a new key', async () => {
    await bob.getByRole('button', { name: 'Use recovery key' }).click();
    await expect(bob.getByLabel('Username')).toHaveValue(BOB.username);
    await expectAccessible(bob, 'recovery form');
    await bob.getByLabel('Recovery key').fill(bobRecovery.toLowerCase());
    await bob.getByLabel('New password', { exact: true }).fill(BOB.newPassword);
    await bob.getByLabel('Confirm new password').fill(BOB.newPassword);
    await bob.getByRole('button', { name: 'Set new password' }).click();
    await expect(bob.getByText('Your new password is set')).toBeVisible();
    const renewed = await saveRecoveryKeyAndContinue(bob);
    expect(renewed).not.toBe(bobRecovery);
    await expectSignedInAs(bob, BOB.displayName);
    await openSection(bob, 'Settings');
    await expect(bob.getByRole('textbox', { name: 'Notes' })).toHaveValue(BOB_MARKER);
    bobRecovery = renewed;
    await bob.getByRole('button', { name: 'Sign out' }).click();
    await expect(bob.getByRole('heading', { name: 'Who is using Cubby?' })).toBeVisible();
  });

  await test.step('keyboard alone: Bob picks his account, signs in, locks, unlocks and signs out', async () => {
    // The new screen's heading has focus, so Tab starts from its top: the accounts, in order.
    await expect(bob.getByRole('heading', { name: 'Who is using Cubby?' })).toBeFocused();
    const accounts = bob.getByRole('list', { name: 'Choose your account' }).getByRole('button');
    const names = await accounts.allTextContents();
    const bobsAccount = accounts.filter({ hasText: BOB.displayName });
    expect(await pressUntilFocused(bob, bobsAccount)).toBe(names.findIndex((n) => n.includes(BOB.displayName)) + 1);
    await bob.keyboard.press('Enter');
    const password = bob.getByLabel('Password', { exact: true });
    await expect(password).toBeFocused();
    await bob.keyboard.type(BOB.newPassword);
    await bob.keyboard.press('Enter');
    await expectSignedInAs(bob, BOB.displayName);
    // The sign-in form is gone; focus is on the page's heading, not lost.
    const welcome = bob.getByRole('heading', { name: /^Welcome/ });
    await expect(welcome).toBeFocused();

    // Back up past the sidebar's sections (Sync made them eight) to the header's Lock.
    await pressUntilFocused(bob, bob.getByRole('button', { name: 'Lock', exact: true }), 'Shift+Tab', 16);
    await bob.keyboard.press('Enter');
    await expect(bob.getByRole('heading', { name: 'Cubby is locked' })).toBeVisible();
    await expect(password).toBeFocused();
    await bob.keyboard.type(BOB.newPassword);
    await bob.keyboard.press('Enter');
    await expectSignedInAs(bob, BOB.displayName);
    await expect(welcome).toBeFocused();

    await pressUntilFocused(bob, bob.getByRole('button', { name: 'Sign out' }), 'Shift+Tab', 16);
    await bob.keyboard.press('Enter');
    await expect(bob.getByRole('heading', { name: 'Who is using Cubby?' })).toBeFocused();
  });

  await test.step('the audit log filters by person and action', async () => {
    await openSection(ada, 'Audit log');
    await ada.getByLabel('User', { exact: true }).selectOption({ label: `${BOB.displayName} (${BOB.username})` });
    await ada.getByLabel('Action').selectOption('recovery_used');
    const rows = ada.getByRole('table', { name: 'Audit events' }).locator('tbody tr');
    await expect(rows).toHaveCount(1);
    await expect(rows.first()).toContainText('Recovery key used');
    await expectAccessible(ada, 'audit log');
    await ada.getByLabel('Action').selectOption('');
    await ada.getByLabel('Action').selectOption('recovery_used');
    await expect(rows).toHaveCount(1);
    await ada.getByLabel('Action').selectOption('lockout_cleared');
    await expect(rows).toHaveCount(1);
    await expect(rows.first()).toContainText('ada');
  });

  await test.step('the administrator disables Bob, enables him, and makes him an administrator and back', async () => {
    const bobRow = ada.locator('tr[data-username="bob"]');
    await openSection(ada, 'Users');
    await ada.getByRole('button', { name: 'Disable bob' }).click();
    await expect(bobRow).toContainText('Disabled');
    // Bob's picker still shows him from before; his right password is refused, with the reason.
    await pickUser(bob, BOB.displayName);
    await submitPassword(bob, BOB.newPassword);
    const refused = bob.locator('[role=alert][data-code=ACCOUNT_DISABLED]');
    await expect(refused).toContainText(/disabled/i);
    await expect(refused).toContainText(/administrator/i);
    await expect(bob.getByTestId('signed-in-name')).toHaveCount(0);

    await ada.getByRole('button', { name: 'Enable bob' }).click();
    await expect(bobRow).toContainText('Active');
    await submitPassword(bob, BOB.newPassword);
    await expectSignedInAs(bob, BOB.displayName);
    const bobUsersNav = bob.getByRole('navigation', { name: 'Workspace' }).getByRole('button', { name: 'Users' });
    await expect(bobUsersNav).toHaveCount(0);

    const role = ada.getByLabel('Role for bob');
    await role.selectOption('admin');
    await expect(role).toHaveValue('admin');
    await expect(role).toBeEnabled();
    // Bob's open window follows at once, without signing in again: he now manages users.
    await expect(bobUsersNav).toHaveCount(1);
    await openSection(bob, 'Users');
    await expect(bob.locator('tr[data-username="ada"]')).toContainText('Active');
    await expect(bob.getByTestId('signed-in-role')).toHaveText('Administrator');

    await role.selectOption('user');
    await expect(role).toHaveValue('user');
    await expect(role).toBeEnabled();
    // Demoted: the admin page he had open, and what it listed, are gone from his window.
    await expect(bobUsersNav).toHaveCount(0);
    await expect(bob.getByRole('heading', { name: /^Welcome/ })).toBeVisible();
    await expect(bob.locator('tr[data-username="ada"]')).toHaveCount(0);
    await bob.getByRole('button', { name: 'Sign out' }).click();
    await expect(bob.getByRole('heading', { name: 'Who is using Cubby?' })).toBeVisible();
  });

  await test.step('the administrator deletes Bob after typing his username', async () => {
    await openSection(ada, 'Users');
    await ada.getByRole('button', { name: 'Delete bob' }).click();
    const dialog = ada.getByRole('dialog', { name: `Delete ${BOB.displayName}?` });
    await expect(dialog).toContainText('permanently destroys');
    const confirm = dialog.getByRole('button', { name: 'Delete account and data' });
    await expect(confirm).toBeDisabled();
    await expectAccessible(ada, 'delete dialog');
    await dialog.getByLabel('Type bob to confirm').fill('bo');
    await expect(confirm).toBeDisabled();
    await dialog.getByLabel('Type bob to confirm').fill('bob');
    await expect(confirm).toBeEnabled();
    await expectAccessible(ada, 'delete dialog, confirmed');
    await confirm.click();
    await expect(dialog).toBeHidden();
    await expect(ada.locator('tr[data-username="bob"]')).toHaveCount(0);
  });

  await test.step('Bob can no longer sign in', async () => {
    // His window still lists him from before; his password no longer opens anything.
    await pickUser(bob, BOB.displayName);
    await submitPassword(bob, BOB.newPassword);
    await expect(bob.locator('[role=alert][data-code=WRONG_CREDENTIALS]')).toBeVisible();
    // Reopened, the picker no longer shows him, and his recovery key opens nothing.
    // (via about:blank: a goto that changes only the fragment would not load the page again)
    await bob.goto('about:blank');
    await bob.goto(h.host.url);
    await expect(bob.getByRole('heading', { name: 'Who is using Cubby?' })).toBeVisible();
    await expect(bob.getByRole('list', { name: 'Choose your account' })).not.toContainText(BOB.displayName);
    await bob.getByRole('button', { name: 'Use recovery key' }).click();
    await bob.getByLabel('Username').fill(BOB.username);
    await bob.getByLabel('Recovery key').fill(bobRecovery);
    await bob.getByLabel('New password', { exact: true }).fill('another long new password');
    await bob.getByLabel('Confirm new password').fill('another long new password');
    await bob.getByRole('button', { name: 'Set new password' }).click();
    await expect(bob.locator('[role=alert][data-code=RECOVERY_KEY_INVALID]')).toBeVisible();
  });

  await test.step('the renderer kept nothing in browser storage', async () => {
    for (const page of [ada, bob]) {
      expect(await rendererStorage(page)).toEqual({ localStorage: 0, sessionStorage: 0, indexedDB: 0, caches: 0 });
    }
  });

  await test.step('no file in the data directory or either browser profile holds what they typed', async () => {
    await ada.getByRole('button', { name: 'Sign out' }).click();
    await adaContext.close();
    await bobContext.close();

    // The scanner itself finds the marker when it is there, in either encoding.
    const control = mkdtempSync(join(tmpdir(), 'cubby-e2e-control-'));
    try {
      writeFileSync(join(control, 'utf8'), `x${BOB_MARKER}x`);
      writeFileSync(join(control, 'utf16'), Buffer.from(`x${ADA_MARKER}x`, 'utf16le'));
      expect(filesContaining(control, BOB_MARKER)).toHaveLength(1);
      expect(filesContaining(control, ADA_MARKER)).toHaveLength(1);
    } finally {
      rmSync(control, { recursive: true, force: true });
    }

    for (const dir of [h.dataDir, ...h.profileDirs]) {
      for (const marker of [ADA_MARKER, BOB_MARKER]) {
        expect(filesContaining(dir, marker), `${marker} in ${dir}`).toEqual([]);
      }
    }
  });
});
