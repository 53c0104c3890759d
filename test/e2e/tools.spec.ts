import { expect, test } from '@playwright/test';
import { expectAccessible } from './a11y';
import { nav, openSection, setUpAdmin, shot } from './flows';
import { startHarness, type Harness } from './harness';
import { STDIO_FIXTURE } from '../tools/world';

/**
 * Issue 11's tools end to end: Ada adds a command tool server in Settings › Tools, sees its
 * tools, her agent asks to use one and she allows it from the keyboard, the call shows collapsed
 * under the answer, and she revokes the approval again. axe scans each new screen.
 */

test.describe.configure({ mode: 'serial' });

let h: Harness;
test.beforeAll(async () => {
  h = await startHarness({ localOllama: true });
});
test.afterAll(async () => {
  await h?.close();
});


test('add a tool server, allow a tool when the agent asks, see the call under the answer, revoke', async () => {
  const ollama = h.ollama!;
  const ada = await (await h.openProfile()).newPage();

  await test.step('Ada sets up Cubby and connects the local model server', async () => {
    await setUpAdmin(ada, h.host.url);
    await nav(ada, 'Providers and keys');
    await ada.getByRole('button', { name: 'Look for local servers' }).click();
    await ada.getByRole('region', { name: 'Local servers' }).getByRole('button', { name: 'Connect Ollama' }).click();
    await expect(ada.getByRole('status').filter({ hasText: 'Connected Ollama.' })).toBeVisible();
  });

  await test.step('she adds a command tool server in Settings › Tools and lists its tools', async () => {
    await openSection(ada, 'Settings');
    const card = ada.getByRole('region', { name: 'Tools' });
    await expect(card.getByText('No tool servers yet.')).toBeVisible();
    await card.getByRole('button', { name: 'Add command server' }).click();
    const dialog = ada.getByRole('dialog', { name: 'Add a command (stdio) tool server' });
    await dialog.getByLabel('Name', { exact: true }).fill('Fixture');
    await dialog.getByLabel('Command').fill(process.execPath);
    await dialog.getByLabel('Arguments, one per line').fill(STDIO_FIXTURE);
    await dialog.getByRole('button', { name: 'Add environment value' }).click();
    await dialog.getByLabel('Name of environment value 1').fill('FIXTURE_PLAIN');
    await dialog.getByLabel('Plain value (not secret)').fill('plain');
    await expectAccessible(ada, 'add a tool server');
    await dialog.getByRole('button', { name: 'Add server' }).click();
    await expect(dialog).toBeHidden();
    await expect(card.getByRole('listitem').filter({ hasText: 'Fixture' }).first()).toContainText('Not running');
    await card.getByRole('button', { name: 'Show tools of Fixture' }).click();
    const tools = card.getByRole('list', { name: 'Tools of Fixture' });
    await expect(tools).toContainText('echo');
    await expect(tools.getByRole('listitem').filter({ hasText: 'echo' })).toContainText('Asks before use');
    await expect(card.getByRole('listitem').filter({ hasText: 'Command:' })).toContainText('Running');
    await expectAccessible(ada, 'settings tools');
    await shot(ada, 'tools-settings');
  });

  await test.step('her agent asks to use echo; she allows it always from the keyboard; the call shows collapsed', async () => {
    ollama.enqueue({ kind: 'tool', name: 'Fixture__echo', args: { text: 'from the browser' }, then: 'The tool echoed it.' });
    await ada.getByRole('button', { name: 'New chat' }).click();
    const box = ada.getByRole('textbox', { name: 'Message' });
    await box.fill('Please use the echo tool');
    await box.press('Enter');
    const prompt = ada.getByRole('dialog', { name: 'Allow the tool “echo”?' });
    await expect(prompt).toContainText('{"text":"from the browser"}');
    await expect(prompt.getByRole('button', { name: 'Deny' })).toBeFocused();
    await expectAccessible(ada, 'tool approval prompt');
    await shot(ada, 'tools-approval');
    await ada.keyboard.press('Tab');
    await ada.keyboard.press('Tab');
    await expect(prompt.getByRole('button', { name: 'Always allow' })).toBeFocused();
    await ada.keyboard.press('Enter');
    await expect(prompt).toBeHidden();
    const answer = ada.locator('article.message-assistant').last();
    await expect(answer).toContainText('The tool echoed it.');
    await expect(answer).toHaveAttribute('data-status', 'complete');
    const call = answer.getByRole('list', { name: 'Tool calls' }).locator('details');
    await expect(call).not.toHaveAttribute('open', '');
    await expect(call.locator('summary')).toHaveText('Tool echo (Fixture): done');
    await call.locator('summary').focus();
    await ada.keyboard.press('Enter');
    await expect(call).toContainText('echo: from the browser');
    await expectAccessible(ada, 'answer with a tool call');
    await shot(ada, 'tools-call-in-chat');
  });

  await test.step('in Settings › Tools the tool is always allowed, and she revokes it', async () => {
    await openSection(ada, 'Settings');
    const card = ada.getByRole('region', { name: 'Tools' });
    await card.getByRole('button', { name: 'Show tools of Fixture' }).click();
    const echo = card.getByRole('list', { name: 'Tools of Fixture' }).getByRole('listitem').filter({ hasText: /^echo/ });
    await expect(echo).toContainText('Always allowed');
    await echo.getByRole('button', { name: 'Revoke approval of echo' }).click();
    await expect(echo).toContainText('Asks before use');
  });
});
