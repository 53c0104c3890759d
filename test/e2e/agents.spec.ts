import { randomUUID } from 'node:crypto';
import { expect, test, type Page } from '@playwright/test';
import { filesContaining } from '../helpers/env';
import { failureScript, reply, startFakeProvider, type FakeProvider } from '../helpers/fakeProvider';
import { expectAccessible } from './a11y';
import { BOB, expectSignedInAs, nav, rendererStorage, saveRecoveryKeyAndContinue, setUpAdmin, shot } from './flows';
import { startHarness, type Harness } from './harness';

/**
 * Issue 9 end to end in Chromium, through the browser host, against the real core and a fake
 * provider on 127.0.0.1 started in this process: Ada connects the provider, creates an agent,
 * chats with a streamed answer, stops one, retries, searches, saves a memory. Bob, signed in at
 * the same time in a second browser profile, sees none of it. Afterwards no file under the data
 * directory or either profile holds what was typed (or answered).
 */
const KEY_MARKER = `sk-keymarker-${randomUUID()}`;
const AGENT_MARKER = `agent-private-${randomUUID()}`;
const CHAT_MARKER = `chat-private-${randomUUID()}`;
const ANSWER_MARKER = `answer-private-${randomUUID()}`;
const MEMORY_MARKER = `memory-private-${randomUUID()}`;
const ATTACHMENT_MARKER = `attachment-private-${randomUUID()}`;
const MARKERS = [KEY_MARKER, AGENT_MARKER, CHAT_MARKER, ANSWER_MARKER, MEMORY_MARKER, ATTACHMENT_MARKER];

test.describe.configure({ mode: 'serial' });

let h: Harness;
let fake: FakeProvider;

test.beforeAll(async () => {
  fake = await startFakeProvider();
  h = await startHarness();
});

test.afterAll(async () => {
  await h?.close();
  await fake?.close();
});

// Transitions finished: a theme switch just before must not leave colours half-way.
const lastAnswer = (page: Page) => page.locator('article.message-assistant').last();

test('connect a provider, create an agent, chat, stop, retry, search, remember; another person sees none of it', async () => {
  const adaContext = await h.openProfile();
  const ada = await adaContext.newPage();

  await test.step('Ada sets up Cubby', async () => {
    await setUpAdmin(ada, h.host.url);
    await expect(ada.getByText('No conversations yet.')).toBeVisible();
  });

  await test.step('she connects the fake provider with a new key, tests it and lists its models', async () => {
    await nav(ada, 'Providers and keys');
    await expect(ada.getByRole('heading', { name: 'Providers and keys', level: 1 })).toBeVisible();
    await expect(ada.getByText('No connections yet.', { exact: false })).toBeVisible();
    await expectAccessible(ada, 'providers (empty)');
    // Local servers on their default ports are offered in one click (none answers on this machine's test ports, or some do).
    await ada.getByRole('button', { name: 'Look for local servers' }).click();
    const offers = ada.getByRole('region', { name: 'Local servers' });
    await expect(offers).toBeVisible();
    await expect(offers.getByText('No Ollama or LM Studio server answered on this computer.').or(offers.getByRole('button', { name: /^Connect / }).first())).toBeVisible();
    await ada.getByRole('button', { name: 'Add connection' }).click();
    const form = ada.getByRole('region', { name: 'Add a connection' });
    await form.getByLabel('Kind').selectOption('openai');
    await form.getByLabel('Name', { exact: true }).fill('Fake provider');
    await form.getByLabel('Address (base URL)').fill(fake.baseUrl);
    await expect(form.getByLabel('API key')).toHaveValue('__new__');
    await form.getByLabel('Key name').fill('Fake key');
    await form.getByLabel('Key', { exact: true }).fill(KEY_MARKER);
    await expectAccessible(ada, 'add connection form');
    await form.getByRole('button', { name: 'Add connection' }).click();
    await expect(form).toBeHidden();
    await ada.getByRole('button', { name: 'Test connection Fake provider' }).click();
    await expect(ada.getByRole('status').filter({ hasText: 'Connected: 2 models available.' })).toBeVisible();
    await ada.getByRole('button', { name: 'Models of Fake provider' }).click();
    await expect(ada.getByRole('list', { name: 'Models of Fake provider' })).toContainText('fake-small');
    // The key is never shown again: its name, its last 4, and where it is used.
    await expect(ada.getByText(`Ends in ${KEY_MARKER.slice(-4)} · Used by Fake provider`)).toBeVisible();
    expect(await ada.content()).not.toContain(KEY_MARKER);
    expect(fake.requests.filter((r) => r.path === '/v1/models').every((r) => r.apiKey === KEY_MARKER)).toBe(true);
    await expectAccessible(ada, 'providers');
    await shot(ada, 'providers');

    // Keys: rename; replace with a value that is never shown either; a spare one deleted.
    await ada.getByRole('button', { name: 'Rename Fake key' }).click();
    const rename = ada.getByRole('dialog', { name: 'Rename Fake key' });
    await rename.getByLabel('Name').fill('Fake provider key');
    await rename.getByRole('button', { name: 'Rename' }).click();
    await expect(ada.getByText('Fake provider key', { exact: true })).toBeVisible();
    await ada.getByRole('button', { name: 'Add key' }).click();
    const add = ada.getByRole('dialog', { name: 'Add a key' });
    await add.getByLabel('Name').fill('Spare key');
    await add.getByLabel('Key', { exact: true }).fill(`${KEY_MARKER}-spare`);
    await add.getByRole('button', { name: 'Add key' }).click();
    await expect(ada.getByRole('listitem').filter({ hasText: 'Spare key' })).toContainText('Not used');
    await ada.getByRole('button', { name: 'Replace Spare key' }).click();
    const replace = ada.getByRole('dialog', { name: 'Replace Spare key' });
    await replace.getByLabel('Key', { exact: true }).fill(`${KEY_MARKER}-spare2`);
    await replace.getByRole('button', { name: 'Replace key' }).click();
    await expect(ada.getByRole('listitem').filter({ hasText: 'Spare key' })).toContainText('Ends in are2');
    await ada.getByRole('button', { name: 'Delete Spare key' }).click();
    await ada.getByRole('dialog', { name: 'Delete Spare key?' }).getByRole('button', { name: 'Delete key' }).click();
    await expect(ada.getByText('Spare key')).toHaveCount(0);
    expect(await ada.content()).not.toContain(KEY_MARKER);
  });

  await test.step('she creates an agent on it', async () => {
    await nav(ada, 'Agents');
    await ada.getByRole('button', { name: 'New agent' }).click();
    const editor = ada.getByRole('region', { name: 'New agent' });
    await editor.getByLabel('Name', { exact: true }).fill('Researcher');
    await editor.getByLabel('Description').fill('Looks things up');
    await editor.getByLabel('Colour 3').check();
    await editor.getByLabel('Instructions').fill(`Answer briefly. ${AGENT_MARKER}`);
    await editor.getByLabel('Connection').selectOption({ label: 'Fake provider' });
    await expect(editor.getByText('2 models offered; pick one or type its name.')).toBeVisible();
    await editor.getByLabel('Model').fill('fake-small');
    await editor.getByLabel('Temperature').fill('0.3');
    await editor.getByLabel('Memory access').selectOption('readwrite');
    await expectAccessible(ada, 'agent editor');
    await ada.evaluate(() => window.scrollTo(0, 0));
    await shot(ada, 'agent-editor');
    await editor.getByRole('button', { name: 'Create agent' }).click();
    await expect(editor).toBeHidden();
    await expect(ada.getByRole('listitem').filter({ hasText: 'Researcher' })).toContainText('Fake provider · fake-small');
    await expectAccessible(ada, 'agents list');

    // Duplicate, edit the copy, delete it.
    await ada.getByRole('button', { name: 'Duplicate Researcher' }).click();
    await ada.getByRole('button', { name: 'Edit Researcher (copy)' }).click();
    const copyEditor = ada.getByRole('region', { name: 'Edit Researcher (copy)' });
    await expect(copyEditor.getByLabel('Instructions')).toHaveValue(`Answer briefly. ${AGENT_MARKER}`);
    await copyEditor.getByLabel('Name', { exact: true }).fill('Scratch agent');
    await copyEditor.getByRole('button', { name: 'Save agent' }).click();
    await expect(copyEditor).toBeHidden();
    await ada.getByRole('button', { name: 'Delete Scratch agent' }).click();
    await ada.getByRole('dialog', { name: 'Delete Scratch agent?' }).getByRole('button', { name: 'Delete agent' }).click();
    await expect(ada.getByText('Scratch agent')).toHaveCount(0);
    await expect(ada.getByRole('listitem').filter({ hasText: 'Researcher' })).toHaveCount(1);
  });

  await test.step('she chats: the answer streams in and renders as Markdown', async () => {
    fake.enqueue(reply(`Zebra finches **sing** at dawn. ${ANSWER_MARKER}\n\n- one\n- two`, { chunkSize: 5, delayMs: 40 }));
    await ada.getByRole('button', { name: 'New chat' }).click();
    await ada.getByLabel('Agent', { exact: true }).selectOption({ label: 'Researcher' });
    const box = ada.getByRole('textbox', { name: 'Message' });
    // A file above the contract's limit is refused before anything is sent; a small one goes.
    const attach = ada.getByLabel('Attach files');
    await attach.setInputFiles({ name: 'huge.txt', mimeType: 'text/plain', buffer: Buffer.alloc(300 * 1024, 'a') });
    await expect(ada.getByRole('alert')).toContainText('huge.txt is too large');
    await attach.setInputFiles({ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from(`Field notes ${ATTACHMENT_MARKER}`) });
    await expect(ada.getByRole('list', { name: 'Files to send' })).toContainText('notes.txt');
    await box.fill(`Tell me about zebrafinch songs ${CHAT_MARKER}`);
    await box.press('Shift+Enter');
    await box.pressSequentially('second line');
    await expect(box).toHaveValue(`Tell me about zebrafinch songs ${CHAT_MARKER}\nsecond line`);
    await box.press('Enter');
    await expect(lastAnswer(ada).locator('strong')).toHaveText('sing');
    await expect(lastAnswer(ada)).toContainText(ANSWER_MARKER);
    await expect(lastAnswer(ada)).toHaveAttribute('data-status', 'complete');
    await expect(ada.getByRole('navigation', { name: 'Workspace' })).toContainText('Tell me about zebrafinch');
    await expect(ada.locator('article.message-user').last().getByRole('list', { name: 'Attachments' })).toContainText('notes.txt');
    expect(fake.chatRequests().at(-1)?.apiKey).toBe(KEY_MARKER);
    expect(JSON.stringify(fake.chatRequests().at(-1)?.body)).toContain(ATTACHMENT_MARKER);
    // Token and timing details on demand.
    await lastAnswer(ada).getByRole('button', { name: 'Details' }).click();
    await expect(lastAnswer(ada).getByText('Tokens in / out')).toBeVisible();
  });

  await test.step('she stops an answer with Esc, then retries it', async () => {
    fake.enqueue(reply('Counting slowly: ' + Array.from({ length: 200 }, (_, i) => `${i}`).join(' '), { chunkSize: 3, delayMs: 60 }));
    const box = ada.getByRole('textbox', { name: 'Message' });
    await box.fill('Count to two hundred slowly');
    await expect(ada.getByRole('button', { name: 'Send', exact: true })).toBeEnabled();
    await box.press('Enter');
    await expect(ada.getByRole('button', { name: 'Stop' }).first()).toBeVisible();
    await expect(lastAnswer(ada)).toContainText('Counting');
    await box.press('Escape');
    await expect(lastAnswer(ada)).toHaveAttribute('data-status', 'cancelled');
    await expect(lastAnswer(ada).locator('.badge')).toHaveText('Stopped');
    await expectAccessible(ada, 'chat with a stopped answer');

    fake.enqueue(reply('Retried: one, two.', { chunkSize: 4, delayMs: 20 }));
    await lastAnswer(ada).getByRole('button', { name: 'Retry' }).click();
    await expect(lastAnswer(ada)).toContainText('Retried: one, two.');
    await expect(lastAnswer(ada)).toHaveAttribute('data-status', 'complete');
    await expect(ada.locator('article.message')).toHaveCount(4);
    await expectAccessible(ada, 'chat');
    await shot(ada, 'chat');
  });

  await test.step('she edits her last message and sends it again; a failed answer shows its message and code', async () => {
    // The provider's error echoes the key: the window must show Cubby's message, never the key.
    fake.enqueue(failureScript('auth', 'openai', KEY_MARKER));
    await ada.locator('article.message-user').last().getByRole('button', { name: 'Edit' }).click();
    const box = ada.getByRole('textbox', { name: 'Edit your last message' });
    await expect(box).toBeFocused();
    await expect(box).toHaveValue('Count to two hundred slowly');
    await box.fill('Count to three');
    await box.press('Enter');
    await expect(ada.locator('article.message-user').last()).toContainText('Count to three');
    await expect(lastAnswer(ada)).toHaveAttribute('data-status', 'error');
    await expect(lastAnswer(ada).getByRole('alert')).toContainText('PROVIDER_AUTH');
    await expect(lastAnswer(ada).locator('.badge')).toHaveText('Failed');
    expect(await ada.content()).not.toContain(KEY_MARKER);
    await expectAccessible(ada, 'chat with a failed answer');
    fake.enqueue(reply('Three.', { chunkSize: 2 }));
    await lastAnswer(ada).getByRole('button', { name: 'Retry' }).click();
    await expect(lastAnswer(ada)).toHaveAttribute('data-status', 'complete');
    await expect(ada.locator('article.message')).toHaveCount(4);
  });

  await test.step('she renames, pins and exports the conversation, and deletes another', async () => {
    const actions = ada.locator('.chat-head-actions');
    await actions.getByRole('button', { name: 'Rename' }).click();
    const dialog = ada.getByRole('dialog', { name: 'Rename conversation' });
    await dialog.getByLabel('Title').fill('Finch notes');
    await dialog.getByRole('button', { name: 'Rename' }).click();
    await expect(ada.getByRole('heading', { name: 'Finch notes', level: 1 })).toBeVisible();
    await actions.getByRole('button', { name: 'Pin' }).click();
    await expect(ada.getByRole('navigation', { name: 'Workspace' }).getByRole('button', { name: /Pinned.*Finch notes/ })).toBeVisible();
    const [download] = await Promise.all([ada.waitForEvent('download'), actions.getByRole('button', { name: 'Export' }).click()]);
    expect(download.suggestedFilename()).toMatch(/\.md$/);
    const { readFileSync } = await import('node:fs');
    expect(readFileSync(await download.path(), 'utf8')).toContain(CHAT_MARKER);
    await download.delete();

    await ada.getByRole('button', { name: 'New chat' }).click();
    const box = ada.getByRole('textbox', { name: 'Message' });
    await box.fill('A throwaway question');
    await box.press('Enter');
    await expect(lastAnswer(ada)).toHaveAttribute('data-status', 'complete');
    // Pinned first, then by date.
    await expect(ada.locator('.nav-conversations li').first()).toContainText('Finch notes');
    await actions.getByRole('button', { name: 'Delete' }).click();
    await ada.getByRole('dialog', { name: 'Delete conversation?' }).getByRole('button', { name: 'Delete' }).click();
    await expect(ada.getByRole('heading', { name: 'New chat', level: 1 })).toBeVisible();
    await expect(ada.locator('.nav-conversations li')).toHaveCount(1);
  });

  await test.step('she finds the first message by a word and opens the conversation at it', async () => {
    await ada.getByRole('button', { name: 'New chat' }).click();
    await ada.getByRole('searchbox', { name: 'Search conversations' }).fill('zebrafinch');
    await ada.getByRole('searchbox', { name: 'Search conversations' }).press('Enter');
    const results = ada.getByRole('region', { name: 'Search results' });
    await expect(results.locator('button[data-message-id] mark').first()).toHaveText(/^zebr/i);
    await expectAccessible(ada, 'search results');
    // A hit in a message (not the title) opens the conversation at that message.
    await results.locator('button[data-message-id]').first().click();
    await expect(ada.getByRole('heading', { name: 'Finch notes', level: 1 })).toBeVisible();
    await expect(ada.locator('article.message-found')).toContainText(CHAT_MARKER);
  });

  await test.step('a long conversation loads by pages into a virtualized list that follows the answer unless she scrolled up', async () => {
    await ada.getByRole('button', { name: 'New chat' }).click();
    const box = ada.getByRole('textbox', { name: 'Message' });
    for (let i = 1; i <= 26; i++) {
      fake.enqueue(reply(`Answer ${i}`, { chunkSize: 20 }));
      await box.fill(`Long chat message ${i}`);
      await expect(ada.getByRole('button', { name: 'Send', exact: true })).toBeEnabled();
      await box.press('Enter');
      await expect(lastAnswer(ada)).toContainText(`Answer ${i}`);
      await expect(lastAnswer(ada)).toHaveAttribute('data-status', 'complete');
    }
    // Reopen it: the last page (50 of 52 messages), at the bottom, with only part of it in the DOM.
    await ada.locator('.nav-conversations').getByRole('button', { name: /Finch notes/ }).click();
    await ada.locator('.nav-conversations').getByRole('button', { name: /Long chat message 1/ }).click();
    const list = ada.getByTestId('chat-messages');
    await expect(list.locator('.chat-older')).toHaveText('Scroll up for earlier messages');
    await expect(lastAnswer(ada)).toContainText('Answer 26');
    await expect(lastAnswer(ada)).toBeInViewport();
    expect(await ada.locator('article.message').count()).toBeLessThan(50);
    // Scrolling to the top loads the page before.
    for (let i = 0; i < 10 && (await list.locator('.chat-older').count()) > 0; i++) {
      await list.evaluate((el) => el.scrollTo(0, 0));
      await ada.waitForTimeout(200);
    }
    await expect(list.locator('.chat-older')).toHaveCount(0);
    await list.evaluate((el) => el.scrollTo(0, 0));
    await expect(ada.locator('article.message-user').first()).toContainText('Long chat message 1');

    const distanceFromEnd = () => list.evaluate((el) => el.scrollHeight - el.scrollTop - el.clientHeight);
    // At the bottom, a streaming answer is followed...
    await list.evaluate((el) => el.scrollTo(0, el.scrollHeight));
    fake.enqueue(reply(Array.from({ length: 40 }, (_, i) => `Line ${i}.`).join('\n\n'), { chunkSize: 8, delayMs: 15 }));
    await box.fill('Stream a long answer');
    // The answer before may show as complete a moment before the box takes a new one.
    await expect(ada.getByRole('button', { name: 'Send', exact: true })).toBeEnabled();
    await box.press('Enter');
    await expect(lastAnswer(ada)).toHaveAttribute('data-status', 'complete');
    await expect.poll(distanceFromEnd).toBeLessThan(60);
    // ...but not once she scrolled up.
    fake.enqueue(reply(Array.from({ length: 40 }, (_, i) => `Row ${i}.`).join('\n\n'), { chunkSize: 8, delayMs: 25 }));
    await box.fill('Another long answer');
    // The answer before may show as complete a moment before the box takes a new one.
    await expect(ada.getByRole('button', { name: 'Send', exact: true })).toBeEnabled();
    await box.press('Enter');
    await expect(lastAnswer(ada)).toContainText('Row 1.');
    await list.hover();
    await ada.mouse.wheel(0, -1500);
    await expect(lastAnswer(ada)).toHaveAttribute('data-status', 'complete');
    expect(await distanceFromEnd()).toBeGreaterThan(200);
  });

  await test.step('she saves a memory and finds it', async () => {
    await nav(ada, 'Memory');
    await ada.getByRole('textbox', { name: 'Fact' }).fill(`My kettle is blue ${MEMORY_MARKER}`);
    await ada.getByRole('button', { name: 'Save fact' }).click();
    await expect(ada.getByRole('listitem').filter({ hasText: MEMORY_MARKER })).toBeVisible();
    await ada.getByRole('searchbox', { name: 'Search memory' }).fill('kettle');
    await ada.getByRole('button', { name: 'Search', exact: true }).click();
    await expect(ada.getByRole('heading', { name: 'Matching facts' })).toBeVisible();
    await expect(ada.locator('.item-fact mark')).toHaveText(/kettle/i);
    await expectAccessible(ada, 'memory');
    // Edit one, delete another.
    await ada.getByRole('searchbox', { name: 'Search memory' }).fill('');
    await ada.getByRole('textbox', { name: 'Fact' }).fill('A fact to delete');
    await ada.getByRole('button', { name: 'Save fact' }).click();
    await ada.getByRole('listitem').filter({ hasText: 'A fact to delete' }).getByRole('button', { name: 'Delete fact' }).click();
    await expect(ada.getByText('A fact to delete')).toHaveCount(0);
    await ada.getByRole('listitem').filter({ hasText: MEMORY_MARKER }).getByRole('button', { name: 'Edit fact' }).click();
    await ada.getByRole('listitem').getByRole('textbox', { name: 'Fact' }).fill(`My kettle is green ${MEMORY_MARKER}`);
    await ada.getByRole('button', { name: 'Save', exact: true }).click();
    await expect(ada.getByRole('listitem').filter({ hasText: MEMORY_MARKER })).toContainText('My kettle is green');
  });

  await test.step('she turns on memory search by meaning: a model that fails its test is refused, the right one indexes her memories', async () => {
    await nav(ada, 'Providers and keys');
    const card = ada.getByRole('region', { name: 'Memory search' });
    await expect(card.getByRole('status')).toHaveText('Off: memories are found by their words only.');
    await card.getByLabel('Connection').selectOption({ label: 'Fake provider' });
    await card.getByLabel('Embedding model').fill('no-such-embedder');
    await card.getByLabel('Embedding model').press('Enter');
    await expect(card.getByRole('alert')).toHaveAttribute('data-code', 'PROVIDER_MODEL_UNKNOWN');
    await card.getByLabel('Embedding model').fill('fake-embed');
    await card.getByRole('button', { name: 'Use for memory search' }).click();
    await expect(card.getByRole('status')).toHaveText('On (fake-embed): 1 of 1 memory indexed.', { timeout: 10_000 });
    await expectAccessible(ada, 'memory search');
    expect(fake.embeddingRequests().every((r) => r.apiKey === KEY_MARKER)).toBe(true);
  });

  let inviteCode = '';
  await test.step('Ada invites Bob', async () => {
    await nav(ada, 'Users');
    await ada.getByRole('button', { name: 'Invite someone' }).click();
    const dialog = ada.getByRole('dialog', { name: 'Invite someone' });
    await dialog.getByLabel('Username').fill(BOB.username);
    await dialog.getByLabel('Display name').fill(BOB.displayName);
    await dialog.getByLabel('Role').selectOption('user');
    await dialog.getByRole('button', { name: 'Create invite' }).click();
    const created = ada.getByRole('dialog', { name: 'Invite created' });
    inviteCode = (await created.getByTestId('invite-code').textContent())!.trim();
    await created.getByRole('button', { name: 'Done' }).click();
  });

  const bobContext = await h.openProfile();
  const bob = await bobContext.newPage();

  await test.step('Bob, signed in at the same time in another profile, sees none of it', async () => {
    await bob.goto(h.host.url);
    await bob.getByRole('button', { name: 'I have an invite code' }).click();
    await bob.getByLabel('Username').fill(BOB.username);
    await bob.getByLabel('Invite code').fill(inviteCode);
    await bob.getByRole('button', { name: 'Next' }).click();
    await bob.getByLabel('Password', { exact: true }).fill(BOB.password);
    await bob.getByLabel('Confirm password').fill(BOB.password);
    await bob.getByRole('button', { name: 'Create my account' }).click();
    await saveRecoveryKeyAndContinue(bob);
    await expectSignedInAs(bob, BOB.displayName);
    // Ada is still signed in: her window still shows her conversation.
    await expect(ada.locator('.nav-conversations')).toContainText('Finch notes');

    await expect(bob.getByText('No conversations yet.')).toBeVisible();
    await bob.getByRole('searchbox', { name: 'Search conversations' }).fill('zebrafinch');
    await bob.getByRole('searchbox', { name: 'Search conversations' }).press('Enter');
    await expect(bob.getByRole('region', { name: 'Search results' })).toContainText('Nothing found.');
    await nav(bob, 'Agents');
    await expect(bob.getByText('No agents yet')).toBeVisible();
    await nav(bob, 'Providers and keys');
    await expect(bob.getByText('No connections yet.', { exact: false })).toBeVisible();
    await expect(bob.getByText('No keys yet.')).toBeVisible();
    await nav(bob, 'Memory');
    await expect(bob.getByText('No facts yet.')).toBeVisible();
    await bob.getByRole('button', { name: 'New chat' }).click();
    await expect(bob.getByText('Connect a provider first', { exact: false })).toBeVisible();
    const html = await bob.content();
    for (const marker of MARKERS) expect(html).not.toContain(marker);
    expect(html).not.toContain('Researcher');
    expect(html).not.toContain('Finch notes');
  });

  await test.step('nothing in browser storage, and no file holds what was typed or answered', async () => {
    for (const page of [ada, bob]) expect(await rendererStorage(page)).toEqual({ localStorage: 0, sessionStorage: 0, indexedDB: 0, caches: 0 });
    await ada.getByRole('button', { name: 'Sign out' }).click();
    await bob.getByRole('button', { name: 'Sign out' }).click();
    await adaContext.close();
    await bobContext.close();
    for (const dir of [h.dataDir, ...h.profileDirs]) {
      for (const marker of MARKERS) expect(filesContaining(dir, marker), `${marker} in ${dir}`).toEqual([]);
    }
  });
});
