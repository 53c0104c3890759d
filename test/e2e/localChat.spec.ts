import { expect, test, type Page } from '@playwright/test';
import { createConversation, touchConversation } from '../../main/core/vault/conversations';
import { vaultOf } from '../../main/core/accounts/session';
import { reply } from '../helpers/fakeProvider';
import { expectAccessible } from './a11y';
import { ADA, nav, setUpAdmin } from './flows';
import { startHarness, type Harness } from './harness';

/**
 * Issue 9's leftovers end to end: a local "Ollama" (a fake on the port Cubby probes for it)
 * connected in one click from the keyboard, a chat through it with an image shown as a thumbnail
 * and larger in a dialog, and a sidebar of more than 500 conversations reached by scrolling, by
 * keys and by search.
 */
// A 1×1 PNG.
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64');
const OLD_CHATS = 620;

test.describe.configure({ mode: 'serial' });

let h: Harness;
test.beforeAll(async () => {
  h = await startHarness({ localOllama: true });
});
test.afterAll(async () => {
  await h?.close();
});

const lastAnswer = (page: Page) => page.locator('article.message-assistant').last();
const loaded = (img: ReturnType<Page['locator']>) => img.evaluate((el) => (el as HTMLImageElement).complete && (el as HTMLImageElement).naturalWidth > 0);

test('a local Ollama in one click, a chat with an image through it, and a sidebar of more than 500 conversations', async () => {
  const ollama = h.ollama!;
  const ada = await (await h.openProfile()).newPage();

  await test.step('Ada sets up Cubby', async () => {
    await setUpAdmin(ada, h.host.url);
  });

  await test.step('she finds the local Ollama and connects it with the keyboard', async () => {
    await nav(ada, 'Providers and keys');
    await expect(ada.getByText('No connections yet.', { exact: false })).toBeVisible();
    const look = ada.getByRole('button', { name: 'Look for local servers' });
    await look.focus();
    await ada.keyboard.press('Enter');
    const offers = ada.getByRole('region', { name: 'Local servers' });
    const baseUrl = `http://127.0.0.1:${ollama.port}/v1`;
    // Ollama answered; nothing listens where LM Studio was looked for.
    await expect(offers.getByRole('listitem')).toHaveCount(1);
    await expect(offers.getByRole('listitem')).toContainText(`Ollama${baseUrl} · 2 models`);
    await expectAccessible(ada, 'local server offered');
    await offers.getByRole('button', { name: 'Connect Ollama' }).focus();
    await ada.keyboard.press('Enter');
    await expect(offers).toBeHidden();
    await expect(ada.getByRole('status').filter({ hasText: 'Connected Ollama.' })).toBeVisible();
    await expect(ada.getByRole('heading', { name: 'Connections', level: 2 })).toBeFocused();
    await expect(ada.getByRole('listitem').filter({ hasText: 'Ollama' })).toContainText(`OpenAI-compatible (Ollama, LM Studio, …) · ${baseUrl} · no key`);
    // Its models come from that server.
    const modelCalls = ollama.requests.filter((r) => r.path === '/v1/models').length;
    await ada.getByRole('button', { name: 'Models of Ollama' }).click();
    await expect(ada.getByRole('list', { name: 'Models of Ollama' })).toContainText('fake-small');
    expect(ollama.requests.filter((r) => r.path === '/v1/models').length).toBeGreaterThan(modelCalls);
    // Looking again offers nothing new: it is connected already.
    await look.click();
    await expect(offers.getByText('Every local server that answered is already connected.')).toBeVisible();
    await expect(offers.getByRole('button', { name: 'Connect Ollama' })).toHaveCount(0);
    await expectAccessible(ada, 'local server connected');
  });

  await test.step('she chats through it with an image: a thumbnail before and after sending, larger in a dialog', async () => {
    ollama.enqueue(reply('A single pixel, local and private.', { chunkSize: 4, delayMs: 20 }));
    await ada.getByRole('button', { name: 'New chat' }).click();
    await expect(ada.getByLabel('Agent', { exact: true })).toHaveValue(/.+/);
    await expect(ada.getByLabel('Agent', { exact: true }).locator('option:checked')).toHaveText('Assistant');
    const attach = ada.getByLabel('Attach files');
    // SVG can carry script: it is not an image Cubby shows or sends.
    await attach.setInputFiles({ name: 'logo.svg', mimeType: 'image/svg+xml', buffer: Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>') });
    await expect(ada.getByRole('alert')).toContainText('logo.svg: only text files and images');
    await attach.setInputFiles({ name: 'dot.png', mimeType: 'image/png', buffer: PNG });
    const before = ada.getByRole('list', { name: 'Files to send' }).getByRole('button', { name: 'View image dot.png' });
    await expect(before.locator('img')).toHaveAttribute('src', /^data:image\/png;base64,/);
    expect(await loaded(before.locator('img'))).toBe(true);
    const box = ada.getByRole('textbox', { name: 'Message' });
    await box.fill('What is in this picture?');
    await box.press('Enter');
    await expect(lastAnswer(ada)).toContainText('A single pixel, local and private.');
    await expect(lastAnswer(ada)).toHaveAttribute('data-status', 'complete');
    // The chat went to the local server, with the image.
    const sent = JSON.stringify(ollama.chatRequests().at(-1)?.body);
    expect(sent).toContain(PNG.toString('base64'));
    expect(ollama.chatRequests().at(-1)?.apiKey ?? null).toBeNull();

    const thumb = ada.locator('article.message-user').last().getByRole('list', { name: 'Attachments' }).getByRole('button', { name: 'View image dot.png' });
    await expect(thumb.locator('img')).toHaveAttribute('src', `data:image/png;base64,${PNG.toString('base64')}`);
    await expect.poll(() => loaded(thumb.locator('img'))).toBe(true);
    await expectAccessible(ada, 'chat with an image');
    await thumb.focus();
    await ada.keyboard.press('Enter');
    const viewer = ada.getByRole('dialog', { name: 'dot.png' });
    await expect(viewer.getByRole('img', { name: 'dot.png' })).toBeVisible();
    await expectAccessible(ada, 'image viewer');
    await ada.keyboard.press('Escape');
    await expect(viewer).toBeHidden();
    await expect(thumb).toBeFocused();
  });

  await test.step('with more than 500 older conversations, she reaches the oldest by scrolling, by keys and by search', async () => {
    // Written straight into her vault through the core (as years of use would have).
    const session = h.cubby.accounts.openSessions().find((s) => s.user.username === ADA.username)!;
    const long = Date.now() - 86_400_000;
    vaultOf(session).transaction(() => {
      for (let i = 1; i <= OLD_CHATS; i++) {
        const title = i === 1 ? 'Oldest chat about quokkas' : `Old chat ${String(i).padStart(3, '0')}`;
        touchConversation(session, createConversation(session, { agentId: null, agentName: 'Assistant', title }).id, long + i * 1000);
      }
    })();
    // A new message reloads the list: her new conversation first, then by date.
    ollama.enqueue(reply('Noted.'));
    const box = ada.getByRole('textbox', { name: 'Message' });
    await box.fill('One more thing');
    await expect(ada.getByRole('button', { name: 'Send', exact: true })).toBeEnabled();
    await box.press('Enter');
    await expect(lastAnswer(ada)).toHaveAttribute('data-status', 'complete');
    const list = ada.locator('.nav-conversations');
    await expect(list.locator('li').first()).toContainText('What is in this picture?');
    await expect(list.locator('li').nth(1)).toContainText(`Old chat ${OLD_CHATS}`);
    // Only the rows in view are drawn.
    expect(await list.locator('li').count()).toBeLessThan(60);

    // Search finds the oldest before its page is loaded, and opens it.
    await ada.getByRole('searchbox', { name: 'Search conversations' }).fill('quokkas');
    await ada.getByRole('searchbox', { name: 'Search conversations' }).press('Enter');
    await ada.getByRole('region', { name: 'Search results' }).getByRole('button', { name: /Oldest chat about quokkas/ }).click();
    await expect(ada.getByRole('heading', { name: 'Oldest chat about quokkas', level: 1 })).toBeVisible();
    await expect(ada.locator('.chat-agent')).toHaveText('With Assistant');

    // By keys: one Tab stop in the list; End goes to the last loaded, and more load until the oldest.
    await ada.getByRole('button', { name: 'New chat' }).click();
    await list.locator('li button').first().focus();
    await expect(list.locator('li button[tabindex="0"]')).toHaveCount(1);
    await ada.keyboard.press('ArrowDown');
    await expect(ada.locator(':focus')).toContainText(`Old chat ${OLD_CHATS}`);
    for (let i = 0; i < 10 && !(await ada.locator(':focus').textContent())?.includes('quokkas'); i++) {
      await ada.keyboard.press('End');
      await ada.waitForTimeout(300);
    }
    await expect(ada.locator(':focus')).toHaveText('Oldest chat about quokkas');
    await expectAccessible(ada, 'sidebar with 600 conversations');
    await ada.keyboard.press('ArrowUp');
    await expect(ada.locator(':focus')).toHaveText('Old chat 002');
    await ada.keyboard.press('Enter');
    await expect(ada.getByRole('heading', { name: 'Old chat 002', level: 1 })).toBeVisible();

    // By scrolling: back to the top, then down to the end with the mouse wheel.
    await list.evaluate((el) => (el.scrollTop = 0));
    await expect(list.locator('li').first()).toContainText('What is in this picture?');
    await list.hover();
    for (let i = 0; i < 80 && !(await list.getByText('Oldest chat about quokkas').isVisible()); i++) await ada.mouse.wheel(0, 2000);
    await expect(list.getByText('Oldest chat about quokkas')).toBeVisible();
    expect(await list.locator('li').count()).toBeLessThan(60);
  });
});
