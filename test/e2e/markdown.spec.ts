import { readdirSync, rmSync } from 'node:fs';
import { join, relative } from 'node:path';
import { chromium, expect, test, type Browser, type Page } from '@playwright/test';
import { CSP as BROWSER_HOST_CSP } from '../../main/browserHost/server';
import { CONTENT_SECURITY_POLICY as APP_CSP } from '../../main/electron/securityHeaders';
import { expectAccessible } from './a11y';
import { CHROMIUM_ARGS, CHROMIUM_PATH, VIEWPORT } from './chromium';
import { buildMarkdownFixture } from './markdown/build';
import { HOSTILE_CORPUS, OFFERED_URLS } from './markdown/corpus';
import { serveFixture, type FixtureServer } from './markdown/server';

/**
 * Hostile model output through the real Markdown renderer in Chromium, under the app's CSP and the
 * browser host's. Each corpus entry is replayed as a stream and then shown whole. Nothing may run
 * (no flag set, no dialog), nothing may be fetched but the page's own files (Playwright's request
 * log and the server's), the CSP must report no violation (markup never even tried), and links must
 * be inert elements that only hand an http(s) URL to onOpenLink. A control page with the same
 * payloads as raw HTML shows the detectors do fire.
 */
test.describe.configure({ mode: 'serial' });

let fixtureDir = '';
let builtFiles = new Set<string>();
let browser: Browser;

test.beforeAll(async () => {
  const built = await buildMarkdownFixture();
  fixtureDir = built.dir;
  builtFiles = new Set(
    readdirSync(fixtureDir, { recursive: true, encoding: 'utf8' }).map((f) => `/${relative(fixtureDir, join(fixtureDir, f)).replaceAll('\\', '/')}`),
  );
  browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
});

test.afterAll(async () => {
  await browser?.close();
  if (fixtureDir) rmSync(fixtureDir, { recursive: true, force: true });
});

interface Watch {
  page: Page;
  server: FixtureServer;
  requests: string[];
  dialogs: string[];
  popups: string[];
  navigations: string[];
  close(): Promise<void>;
}

async function open(csp: string, query = ''): Promise<Watch> {
  const server = await serveFixture(fixtureDir, csp);
  const context = await browser.newContext({ viewport: VIEWPORT });
  const page = await context.newPage();
  const w: Watch = {
    page,
    server,
    requests: [],
    dialogs: [],
    popups: [],
    navigations: [],
    close: async () => {
      await context.close();
      await server.close();
    },
  };
  page.on('request', (r) => w.requests.push(r.url()));
  page.on('dialog', (d) => {
    w.dialogs.push(d.message());
    void d.dismiss();
  });
  context.on('page', (p) => w.popups.push(p.url()));
  page.on('framenavigated', (f) => w.navigations.push(f.url()));
  await page.goto(`${server.origin}/${query}`);
  return w;
}

type ProbeState = { violations: string[]; opened: string[]; copied: string[]; done: number; pwned: unknown };
const probe = (page: Page) =>
  page.evaluate((): ProbeState => {
    const p = (window as unknown as { __probe: Omit<ProbeState, 'pwned'> }).__probe;
    return { ...p, pwned: (window as unknown as { __cubbyPwned?: unknown }).__cubbyPwned };
  });

/** Elements and attributes that could fetch, run, navigate or style, anywhere in the rendered output. */
function dangerousMarkup(): string[] {
  const found: string[] = [];
  const root = document.getElementById('corpus')!;
  const tags = 'script,img,image,picture,source,video,audio,iframe,frame,object,embed,style,link,form,base,meta,svg,math,template,noscript,textarea,select,input:not([type=checkbox])';
  for (const el of root.querySelectorAll(tags)) found.push(`<${el.localName}>`);
  for (const el of root.querySelectorAll('*')) {
    for (const a of el.attributes) {
      const name = a.name.toLowerCase();
      if (name.startsWith('on') || ['href', 'src', 'srcset', 'srcdoc', 'style', 'action', 'formaction', 'poster', 'data', 'background', 'xlink:href'].includes(name))
        found.push(`<${el.localName} ${name}>`);
      if (name === 'id' || name === 'name') found.push(`<${el.localName} ${name}=${a.value}>`);
    }
  }
  for (const a of root.querySelectorAll('a')) if (a.getAttribute('role') !== 'link' || !a.classList.contains('md-link')) found.push('<a> not made inert');
  return found;
}

const POLICIES = [
  ['the Electron app', APP_CSP],
  ['the browser host', BROWSER_HOST_CSP],
] as const;

for (const [where, csp] of POLICIES) {
  test(`hostile model output renders inert under ${where}'s CSP`, async () => {
    const w = await open(csp);
    const { page } = w;
    try {
      await page.waitForFunction((n) => (window as unknown as { __probe: { done: number } }).__probe.done === n, HOSTILE_CORPUS.length, { timeout: 120_000 });
      await expect(page.locator('[data-streaming="false"] .md')).toHaveCount(HOSTILE_CORPUS.length);

      expect(await page.evaluate(dangerousMarkup)).toEqual([]);
      // Raw HTML is shown as what it is: text.
      await expect(page.locator('[data-entry="0"]')).toContainText(`<script>window.__cubbyPwned='x'</script>`);
      // Highlighting happened, through classes.
      await expect(page.locator('.hljs-keyword').first()).toBeVisible();

      // Every link, activated every way a person might: each hands its URL over, nothing navigates.
      const links = page.locator('#corpus a.md-link');
      const count = await links.count();
      const offered: string[] = [];
      for (let i = 0; i < count; i++) {
        const link = links.nth(i);
        offered.push((await link.getAttribute('title'))!.split('\n').at(-1)!);
        await link.scrollIntoViewIfNeeded();
        await link.click();
        await link.click({ button: 'middle' });
        await link.click({ modifiers: ['ControlOrMeta'] });
        await link.click({ modifiers: ['Shift'] });
        await link.focus();
        await page.keyboard.press('Enter');
      }
      expect([...new Set(offered)].sort()).toEqual([...OFFERED_URLS].sort());

      const finished = page.locator('[data-streaming="false"]');
      await finished.getByRole('button', { name: 'Copy ts code' }).click();
      await expect(finished.getByRole('button', { name: 'Copied ts code' })).toBeVisible();

      await expectAccessible(page, `model output under ${where}'s CSP`);
      await page.waitForTimeout(300);

      const state = await probe(page);
      expect(state.opened).toEqual(offered.flatMap((url) => [url, url, url, url, url]));
      expect(state.copied).toEqual(['const answer: number = 42;']);
      expect(state.violations).toEqual([]);
      expect(state.pwned).toBeUndefined();
      expect(w.dialogs).toEqual([]);
      expect(w.popups).toEqual([]);
      expect(w.navigations).toEqual([`${w.server.origin}/`]);
      expect(page.url()).toBe(`${w.server.origin}/`);
      // Only the page's own built files were fetched, seen from both ends.
      for (const url of w.requests) {
        expect(url.startsWith(`${w.server.origin}/`), url).toBe(true);
      }
      // The page itself, and the icon Chromium asks every site for on its own.
      const own = w.server.requests.filter((p) => p !== '/' && p !== '/favicon.ico');
      expect(own.filter((p) => !builtFiles.has(p))).toEqual([]);
      expect(w.requests.length).toBeGreaterThan(1);
    } finally {
      await w.close();
    }
  });
}

test('control: the same payloads as raw HTML trip the detectors', async () => {
  const w = await open(APP_CSP, '?mode=control');
  try {
    await expect
      .poll(async () => (await probe(w.page)).violations.join('\n'))
      .toMatch(/img-src https:\/\/attacker\.invalid\/control\.png/);
    await expect.poll(() => w.server.requests.includes('/pwned/control.png')).toBe(true);
    const { violations } = await probe(w.page);
    expect(violations.some((v) => v.startsWith('script-src-attr'))).toBe(true);
    expect(violations.some((v) => v.startsWith('style-src-attr'))).toBe(true);
    expect(await w.page.evaluate(dangerousMarkup)).not.toEqual([]);
  } finally {
    await w.close();
  }
});
