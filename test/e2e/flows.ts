import { expect, type Locator, type Page } from '@playwright/test';

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

export async function openSection(page: Page, name: 'Home' | 'Settings' | 'Users' | 'Audit log'): Promise<void> {
  await page.getByRole('navigation', { name: 'Workspace' }).getByRole('button', { name, exact: true }).click();
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
