import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { filesContaining } from '../helpers/env';
import { reply, startFakeProvider, type FakeProvider } from '../helpers/fakeProvider';
import { expectAccessible } from './a11y';
import { ADA, BOB, connectFakeProvider, nav, rendererStorage, setUpAndInvite, shot } from './flows';
import { SCREENSHOT_DIR, startHarness, type Harness } from './harness';

/**
 * Issue 10 end to end in Chromium, through the browser host, against the real core and a fake
 * provider: Ada (administrator) creates a shared agent with a key of its own and grants use to a
 * group with Bob in it. Bob, signed in at the same time in another profile, sees it under
 * "Shared with me" without reloading, chats with it on the shared key and never sees its
 * instructions. Ada sees that it was used (and by whom) but cannot open Bob's conversation. She
 * revokes while an answer streams: Bob's answer stops with ACCESS_REVOKED and his open
 * conversation stays readable, marked no longer available. No file holds the key, the
 * instructions, or what was said.
 */
const CREDENTIAL_MARKER = `sk-sharedkey-${randomUUID()}`;
const INSTRUCTIONS_MARKER = `shared-instructions-${randomUUID()}`;
const CHAT_MARKER = `shared-chat-${randomUUID()}`;
const ANSWER_MARKER = `shared-answer-${randomUUID()}`;
const OWN_KEY_MARKER = `sk-ownkey-${randomUUID()}`;
const MARKERS = [CREDENTIAL_MARKER, INSTRUCTIONS_MARKER, CHAT_MARKER, ANSWER_MARKER, OWN_KEY_MARKER];
const AGENT = 'Front desk helper';
const GROUP = 'Front desk';

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

const lastAnswer = (page: Page) => page.locator('article.message-assistant').last();
const sharedWithMe = (page: Page) => page.getByRole('list', { name: 'Shared with me' });

test('an administrator shares an agent with a group; a member chats with it; revoking reaches the open window', async () => {
  const adaContext = await h.openProfile();
  const ada = await adaContext.newPage();
  const bobContext = await h.openProfile();
  const bob = await bobContext.newPage();

  await test.step('Ada sets up Cubby and invites Bob, who signs in in another profile', async () => {
    await setUpAndInvite(ada, bob, h.host.url, ADA, BOB);
    // Nothing is shared with him yet, and a plain user has no administration pages.
    await expect(sharedWithMe(bob)).toHaveCount(0);
    await expect(bob.getByRole('navigation', { name: 'Workspace' }).getByRole('button', { name: 'Groups', exact: true })).toHaveCount(0);
  });

  await test.step('Ada creates the group Front desk and adds Bob', async () => {
    await nav(ada, 'Groups');
    await expect(ada.getByRole('heading', { name: 'Groups', level: 1 })).toBeVisible();
    await expect(ada.getByText('No groups yet')).toBeVisible();
    await ada.getByLabel('Group name').fill(GROUP);
    await ada.getByRole('button', { name: 'Create group' }).click();
    await ada.getByRole('button', { name: `Members of ${GROUP}` }).click();
    await expect(ada.getByText('No members yet.')).toBeVisible();
    await ada.getByLabel(`Add to ${GROUP}`).selectOption({ label: `${BOB.displayName} (${BOB.username})` });
    await ada.getByRole('button', { name: 'Add member' }).click();
    await expect(ada.getByRole('list', { name: `Members of ${GROUP}` })).toContainText(BOB.displayName);
    await expect(ada.locator('.group-row').filter({ hasText: GROUP }).locator('.item-note')).toHaveText('1 member');
    // A group that is deleted takes its grants with it: one made and deleted here.
    await ada.getByLabel('Group name').fill('Scratch group');
    await ada.getByRole('button', { name: 'Create group' }).click();
    await ada.getByRole('button', { name: 'Delete Scratch group' }).click();
    await ada.getByRole('dialog', { name: 'Delete Scratch group?' }).getByRole('button', { name: 'Delete group' }).click();
    await expect(ada.getByText('Scratch group')).toHaveCount(0);
    await expectAccessible(ada, 'groups');
    await shot(ada, 'groups');
  });

  await test.step('Ada creates a shared agent with a key of its own; the key is write-only', async () => {
    await nav(ada, 'Shared agents');
    await expect(ada.getByText('Nothing shared yet')).toBeVisible();
    await ada.getByRole('button', { name: 'New shared agent' }).click();
    const editor = ada.getByRole('region', { name: 'New shared agent' });
    await editor.getByLabel('Name', { exact: true }).fill(AGENT);
    await editor.getByLabel('Description').fill('Answers visitors’ questions');
    await editor.getByLabel('Instructions').fill(`Greet visitors warmly. ${INSTRUCTIONS_MARKER}`);
    await editor.getByLabel('Provider').selectOption('openai');
    await editor.getByLabel('Address (base URL)').fill(fake.baseUrl);
    await editor.getByLabel('Model').fill('fake-small');
    await editor.getByLabel('Shared key').fill(CREDENTIAL_MARKER);
    await expectAccessible(ada, 'new shared agent');
    await editor.getByRole('button', { name: 'Create shared agent' }).click();
    await expect(editor).toBeHidden();
    const row = ada.locator('li[data-shared-agent]').filter({ hasText: AGENT });
    await expect(row).toContainText('Runs on a shared key');
    await expect(row).toContainText('Manages');

    await ada.getByRole('button', { name: `Edit ${AGENT}` }).click();
    const edit = ada.getByRole('region', { name: `Edit ${AGENT}` });
    await expect(edit.getByLabel('Instructions')).toHaveValue(`Greet visitors warmly. ${INSTRUCTIONS_MARKER}`);
    await expect(edit.getByTestId('shared-credential-state')).toContainText(`ends in …${CREDENTIAL_MARKER.slice(-4)}`);
    expect(await ada.content()).not.toContain(CREDENTIAL_MARKER);
    await expectAccessible(ada, 'shared agents (admin, editing)');
    await ada.evaluate(() => window.scrollTo(0, 0));
    // The whole page: the editor with its write-only key, and the list with what an administrator may do.
    await shot(ada, 'shared-agents-admin', true);
    await edit.getByRole('button', { name: 'Cancel' }).click();
  });

  await test.step('she grants use to the group and limits Bob to 10 messages a day', async () => {
    // By keyboard: Enter opens it with focus on its first field; Done gives focus back.
    const shareButton = ada.getByRole('button', { name: `Share ${AGENT}` });
    await shareButton.focus();
    await ada.keyboard.press('Enter');
    const dialog = ada.getByRole('dialog', { name: `Share ${AGENT}` });
    await expect(dialog.getByLabel('Person or group')).toBeFocused();
    await expect(dialog.getByText('Nobody yet but you.')).toBeVisible();
    // A manager may hand out every level.
    await expect(dialog.getByLabel('Access', { exact: true }).locator('option')).toHaveText(['Can view', 'Can use', 'Can edit', 'Can share', 'Manages']);
    await dialog.getByLabel('Person or group').selectOption({ label: `${GROUP} (1 member)` });
    await dialog.getByLabel('Access', { exact: true }).selectOption({ label: 'Can use' });
    await dialog.getByRole('button', { name: 'Give access' }).click();
    const grants = dialog.getByRole('list', { name: 'Who has access' });
    await expect(grants.getByRole('listitem').filter({ hasText: GROUP })).toContainText('Can use');

    await dialog.getByLabel('Limit for').selectOption({ label: BOB.displayName });
    await dialog.getByLabel('Messages a day').fill('10');
    await dialog.getByRole('button', { name: 'Set limit' }).click();
    await expect(dialog.getByRole('row', { name: new RegExp(BOB.displayName) })).toContainText('0 used today');
    await expectAccessible(ada, 'sharing dialog');
    await shot(ada, 'sharing-dialog');
    await dialog.getByRole('button', { name: 'Done' }).press('Enter');
    await expect(dialog).toBeHidden();
    await expect(shareButton).toBeFocused();
  });

  await test.step('Bob sees it under Shared with me without reloading, and chats with it on the shared key', async () => {
    await expect(sharedWithMe(bob).getByRole('button', { name: `Chat with ${AGENT} (shared, can use)` })).toBeVisible();
    await expect(sharedWithMe(bob)).toContainText('Can use');
    // At use level: no way to edit or share it, and nothing of its instructions anywhere.
    await nav(bob, 'Shared agents');
    await expect(bob.locator('li[data-shared-agent]').filter({ hasText: AGENT })).toContainText('Can use');
    await expect(bob.getByRole('button', { name: `Edit ${AGENT}` })).toHaveCount(0);
    await expect(bob.getByRole('button', { name: `Share ${AGENT}` })).toHaveCount(0);
    await expectAccessible(bob, 'shared agents (member)');

    await bob.getByRole('button', { name: 'New chat' }).click();
    const picker = bob.getByLabel('Agent', { exact: true });
    await expect(picker.locator('option')).toHaveText([`${AGENT} (shared)`]);
    await sharedWithMe(bob).getByRole('button', { name: new RegExp(`Chat with ${AGENT}`) }).click();
    await expect(bob.getByText('Shared agent', { exact: true })).toBeVisible();

    fake.enqueue(reply(`Welcome to the front desk. ${ANSWER_MARKER}`, { chunkSize: 6, delayMs: 20 }));
    const box = bob.getByRole('textbox', { name: 'Message' });
    await box.fill(`Where is room 4? ${CHAT_MARKER}`);
    await box.press('Enter');
    await expect(lastAnswer(bob)).toContainText(ANSWER_MARKER);
    await expect(lastAnswer(bob)).toHaveAttribute('data-status', 'complete');
    await expect(bob.getByText(`With ${AGENT}`)).toBeVisible();
    // The call went out on the agent's own key, with its instructions: in main, never in Bob's window.
    const call = fake.chatRequests().at(-1)!;
    expect(call.apiKey).toBe(CREDENTIAL_MARKER);
    expect(JSON.stringify(call.body)).toContain(INSTRUCTIONS_MARKER);
    const html = await bob.content();
    expect(html).not.toContain(INSTRUCTIONS_MARKER);
    expect(html).not.toContain(CREDENTIAL_MARKER);
    await expectAccessible(bob, 'chat with a shared agent');
  });

  await test.step('Ada sees that Bob used it, and how much, but cannot open his conversation', async () => {
    await ada.getByRole('button', { name: `Usage of ${AGENT}` }).click();
    const usage = ada.getByRole('dialog', { name: `Usage of ${AGENT}` });
    await expect(usage.getByRole('table')).toContainText(BOB.displayName);
    await expectAccessible(ada, 'usage dialog');
    await usage.getByRole('button', { name: 'Done' }).click();
    await ada.getByRole('button', { name: `Share ${AGENT}` }).click();
    const dialog = ada.getByRole('dialog', { name: `Share ${AGENT}` });
    await expect(dialog.getByRole('row', { name: new RegExp(BOB.displayName) })).toContainText('1 used today');
    await dialog.getByRole('button', { name: 'Done' }).click();
    // His conversation is in his vault: not in her list, not found by her search.
    await expect(ada.getByText('No conversations yet.')).toBeVisible();
    await ada.getByRole('searchbox', { name: 'Search conversations' }).fill('room');
    await ada.getByRole('searchbox', { name: 'Search conversations' }).press('Enter');
    await expect(ada.getByRole('region', { name: 'Search results' })).toContainText('Nothing found.');
    const html = await ada.content();
    expect(html).not.toContain(CHAT_MARKER);
    expect(html).not.toContain(ANSWER_MARKER);
  });

  await test.step('Ada revokes while Bob is getting an answer: it stops, and his window shows the agent as no longer available', async () => {
    fake.enqueue(reply('Room 4 is ' + Array.from({ length: 300 }, (_, i) => `step ${i}`).join(', '), { chunkSize: 4, delayMs: 50 }));
    const box = bob.getByRole('textbox', { name: 'Message' });
    await box.fill('And how do I get there?');
    await expect(bob.getByRole('button', { name: 'Send', exact: true })).toBeEnabled();
    await box.press('Enter');
    await expect(lastAnswer(bob)).toContainText('Room 4 is');
    await expect(lastAnswer(bob)).toHaveAttribute('data-status', 'streaming');

    await ada.getByRole('button', { name: `Share ${AGENT}` }).click();
    const dialog = ada.getByRole('dialog', { name: `Share ${AGENT}` });
    await dialog.getByRole('button', { name: `Revoke access of ${GROUP}` }).click();
    await expect(dialog.getByText('Nobody yet but you.')).toBeVisible();
    await dialog.getByRole('button', { name: 'Done' }).click();

    await expect(lastAnswer(bob)).toHaveAttribute('data-status', 'error');
    await expect(lastAnswer(bob).getByRole('alert')).toContainText('Your access to this agent was removed');
    await expect(lastAnswer(bob).getByRole('alert')).toContainText('ACCESS_REVOKED');
    await expect(bob.getByTestId('shared-agent-gone')).toContainText(`${AGENT} is no longer available.`);
    await expect(bob.getByRole('textbox', { name: 'Message' })).toBeDisabled();
    await expect(lastAnswer(bob).getByRole('button', { name: 'Retry' })).toBeDisabled();
    await expect(sharedWithMe(bob)).toHaveCount(0);
    // What was said stays readable.
    await expect(bob.locator('article.message-assistant').first()).toContainText(ANSWER_MARKER);
    await expectAccessible(bob, 'conversation with an agent no longer available');
    await shot(bob, 'shared-agent-unavailable');
  });

  await test.step('Bob reads what was done to his access in his account activity', async () => {
    await nav(bob, 'Settings');
    const activity = bob.getByRole('table', { name: 'Account activity' });
    await expect(activity).toContainText('Access to a shared agent removed');
    await expect(activity).toContainText('Access to a shared agent given');
    await expect(activity).toContainText('Added to a group');
    await expect(activity).toContainText(`group ${GROUP}`);
    await expect(activity).toContainText('An administrator');
    await expectAccessible(bob, 'account activity');
    await bob.getByRole('region', { name: 'Account activity' }).screenshot({ path: join(SCREENSHOT_DIR, 'account-activity.png'), animations: 'disabled' });
  });

  await test.step('Ada publishes one of her own agents on her key, then updates the shared copy from it', async () => {
    await connectFakeProvider(ada, fake.baseUrl, OWN_KEY_MARKER);

    // The first connection made her an Assistant; it has no shared copy yet.
    await nav(ada, 'Agents');
    await expect(ada.getByRole('button', { name: 'Update shared copy of Assistant' })).toHaveCount(0);
    await ada.getByRole('button', { name: 'Publish Assistant to shared agents' }).click();
    const dialog = ada.getByRole('dialog', { name: 'Publish Assistant to shared agents' });
    await dialog.getByLabel('Share my key').check();
    await expectAccessible(ada, 'publish dialog');
    await dialog.getByRole('button', { name: 'Publish' }).click();
    // The starter agent has no model yet: the dialog says so, with its code.
    await expect(dialog.getByRole('alert')).toHaveAttribute('data-code', 'AGENT_INCOMPLETE');
    await expect(dialog.getByRole('alert')).toContainText('Choose a provider connection and a model');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await ada.getByRole('button', { name: 'Edit Assistant' }).click();
    const editor = ada.getByRole('region', { name: 'Edit Assistant' });
    await editor.getByLabel('Model').fill('fake-small');
    await editor.getByRole('button', { name: 'Save agent' }).click();
    await expect(editor).toBeHidden();
    await ada.getByRole('button', { name: 'Publish Assistant to shared agents' }).click();
    await dialog.getByLabel('Share my key').check();
    await dialog.getByRole('button', { name: 'Publish' }).click();
    await expect(dialog).toBeHidden();
    await expect(ada.getByRole('status').filter({ hasText: 'Published' })).toBeVisible();
    await ada.getByRole('button', { name: 'Update shared copy of Assistant' }).click();
    await expect(ada.getByRole('status').filter({ hasText: 'Shared copy updated.' })).toBeVisible();
    await nav(ada, 'Shared agents');
    const row = ada.locator('li[data-shared-agent]').filter({ hasText: 'Assistant' });
    await expect(row).toContainText('Runs on a shared key · You own it');
    expect(await ada.content()).not.toContain(OWN_KEY_MARKER);
  });

  await test.step('Ada hands the published Assistant to Bob: he owns and manages it, she keeps it as an administrator', async () => {
    await ada.getByRole('button', { name: 'Share Assistant' }).click();
    const dialog = ada.getByRole('dialog', { name: 'Share Assistant' });
    await dialog.getByLabel('Give this agent to').selectOption({ label: 'Bob Builder' });
    await dialog.getByRole('button', { name: 'Transfer ownership' }).click();
    await expect(dialog.getByRole('status')).toContainText('Bob Builder will own Assistant and manage it.');
    await expectAccessible(ada, 'transfer confirmation');
    await dialog.getByRole('button', { name: 'Confirm transfer' }).click();
    await expect(dialog).toBeHidden();
    const row = ada.locator('li[data-shared-agent]').filter({ hasText: 'Assistant' });
    await expect(row).not.toContainText('You own it');
    // Bob's open window follows without a reload: the agent is his to manage.
    await expect(bob.locator('[data-shared-agent]').filter({ hasText: 'Assistant' })).toContainText('Manages');
  });

  await test.step('nothing in browser storage, and no file holds the key, the instructions or what was said', async () => {
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
