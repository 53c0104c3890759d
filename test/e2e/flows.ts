import { join } from 'node:path';
import { expect, type Locator, type Page } from '@playwright/test';
import { SCREENSHOT_DIR } from './harness';

/** Small steps the end-to-end spec repeats, written the way a person would do them. */

export async function saveRecoveryKeyAndContinue(page: Page): Promise<string> {
  const key = (await page.getByTestId('recovery-key').textContent())?.trim() ?? '';
  expect(key).toMatch(/^([0-9A-Z]{4}-){8}[0-9A-Z]{4}$/);
  const cont = page.getByRole('button', { name: /^Continue/ });
  await expect(cont).toBeDisabled();
  await page.getByLabel('I have saved my recovery key somewhere safe').check();
  await cont.click();
  return key;
}

/** The people of the specs: Ada sets Cubby up, Bob is invited. */
export const ADA = { username: 'ada', displayName: 'Ada Admin', password: 'correct horse battery' };
export const BOB = { username: 'bob', displayName: 'Bob Builder', password: 'purple monkey dishwasher' };

/** A section of the workspace, from the sidebar. */
export async function nav(page: Page, name: string): Promise<void> {
  await page.getByRole('navigation', { name: 'Workspace' }).getByRole('button', { name, exact: true }).click();
}

export async function openSection(page: Page, name: 'Home' | 'Settings' | 'Users' | 'Audit log'): Promise<void> {
  await nav(page, name);
}

/** A README screenshot, taken by the e2e run. */
export async function shot(page: Page, name: string, fullPage = false): Promise<void> {
  await page.screenshot({ path: join(SCREENSHOT_DIR, `${name}.png`), animations: 'disabled', fullPage });
}

export async function expectSignedInAs(page: Page, displayName: string): Promise<void> {
  await expect(page.getByTestId('signed-in-name')).toHaveText(displayName);
}

export async function pickUser(page: Page, displayName: string): Promise<void> {
  await page.getByRole('list', { name: 'Choose your account' }).getByRole('button', { name: new RegExp(displayName) }).click();
}

export async function submitPassword(page: Page, password: string, button: 'Sign in' | 'Unlock' = 'Sign in'): Promise<void> {
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: button, exact: true }).click();
}

/**
 * Presses `key` until `target` has focus, as a keyboard user would, and says how many presses it
 * took; if it never gets there, the error lists where focus went instead.
 */
export async function pressUntilFocused(page: Page, target: Locator, key: 'Tab' | 'Shift+Tab' = 'Tab', max = 12): Promise<number> {
  const path: string[] = [];
  for (let presses = 1; presses <= max; presses++) {
    await page.keyboard.press(key);
    if (await target.evaluate((el) => el === document.activeElement)) return presses;
    path.push(
      await page.evaluate(() => {
        const el = document.activeElement;
        if (!el || el === document.body) return '(nothing)';
        const name = el.getAttribute('aria-label') ?? el.textContent?.trim().replace(/\s+/g, ' ').slice(0, 40) ?? '';
        return `${el.tagName.toLowerCase()} "${name}"`;
      }),
    );
  }
  throw new Error(`${max} × ${key} never reached the target; focus went: ${path.join(' → ')}`);
}

/** What the renderer keeps in browser storage: must be nothing. */
export async function rendererStorage(page: Page) {
  return page.evaluate(async () => ({
    localStorage: localStorage.length,
    sessionStorage: sessionStorage.length,
    indexedDB: (await indexedDB.databases()).length,
    caches: 'caches' in self ? (await caches.keys()).length : 0,
  }));
}

export interface E2eAccount {
  username: string;
  displayName: string;
  password: string;
}

/** First run of an install by `a`, its administrator: returns the recovery key shown once. */
export async function setUpAdmin(page: Page, url: string, a: E2eAccount = ADA): Promise<string> {
  await page.goto(url);
  await page.getByLabel('Username').fill(a.username);
  await page.getByLabel('Display name').fill(a.displayName);
  await page.getByLabel('Password', { exact: true }).fill(a.password);
  await page.getByLabel('Confirm password').fill(a.password);
  await page.getByRole('button', { name: 'Create administrator' }).click();
  const recoveryKey = await saveRecoveryKeyAndContinue(page);
  await expectSignedInAs(page, a.displayName);
  return recoveryKey;
}

/** First run by `a` (an administrator), who invites `p` (a user); `p` redeems it on their own page. */
export async function setUpAndInvite(admin: Page, person: Page, url: string, a: E2eAccount, p: E2eAccount): Promise<void> {
  await setUpAdmin(admin, url, a);

  await openSection(admin, 'Users');
  await admin.getByRole('button', { name: 'Invite someone' }).click();
  const dialog = admin.getByRole('dialog', { name: 'Invite someone' });
  await dialog.getByLabel('Username').fill(p.username);
  await dialog.getByLabel('Display name').fill(p.displayName);
  await dialog.getByLabel('Role').selectOption('user');
  await dialog.getByRole('button', { name: 'Create invite' }).click();
  const created = admin.getByRole('dialog', { name: 'Invite created' });
  const inviteCode = (await created.getByTestId('invite-code').textContent())!.trim();
  await created.getByRole('button', { name: 'Done' }).click();

  await person.goto(url);
  await person.getByRole('button', { name: 'I have an invite code' }).click();
  await person.getByLabel('Username').fill(p.username);
  await person.getByLabel('Invite code').fill(inviteCode);
  await person.getByRole('button', { name: 'Next' }).click();
  await person.getByLabel('Password', { exact: true }).fill(p.password);
  await person.getByLabel('Confirm password').fill(p.password);
  await person.getByRole('button', { name: 'Create my account' }).click();
  await saveRecoveryKeyAndContinue(person);
  await expectSignedInAs(person, p.displayName);
}

/** Providers and keys → Add connection: an OpenAI-dialect "Fake provider" at `baseUrl`, with `key`. */
export async function connectFakeProvider(page: Page, baseUrl: string, key: string): Promise<void> {
  await nav(page, 'Providers and keys');
  await page.getByRole('button', { name: 'Add connection' }).click();
  const form = page.getByRole('region', { name: 'Add a connection' });
  await form.getByLabel('Kind').selectOption('openai');
  await form.getByLabel('Name', { exact: true }).fill('Fake provider');
  await form.getByLabel('Address (base URL)').fill(baseUrl);
  await form.getByLabel('Key name').fill('Fake key');
  await form.getByLabel('Key', { exact: true }).fill(key);
  await form.getByRole('button', { name: 'Add connection' }).click();
  await expect(form).toBeHidden();
}
