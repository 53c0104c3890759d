import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { sep } from 'node:path';
import { expect, test } from '@playwright/test';
import { filesContaining } from '../helpers/env';
import { reply, startFakeProvider, type FakeProvider } from '../helpers/fakeProvider';
import { STDIO_FIXTURE } from '../tools/world';
import { expectAccessible } from './a11y';
import { ADA, BOB, connectFakeProvider, nav, openSection, setUpAndInvite, shot } from './flows';
import { startHarness, type Harness } from './harness';

/**
 * Issue 11's two-step workflow end to end: Ada adds a command tool server in Settings › Tools,
 * builds a workflow whose agent step (her own agent on a fake provider) feeds a tool step (the
 * fixture's echo, picked from her servers and their tools), runs it now, allows the tool from the
 * keyboard when the run asks, and reads both steps and the log with the tool call. Bob, signed in
 * at the same time in another profile, sees none of it. Cubby keeps nothing of it in plaintext.
 */
const TOPIC = `topic-${randomUUID()}`;
const ANSWER = `answer-${randomUUID()}`;
const WORKFLOW = 'Summary to echo';

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


test('a person builds an agent step then a tool step, allows the tool, reads both results and the log; another person sees none of it', async () => {
  const ada = await (await h.openProfile()).newPage();
  const bob = await (await h.openProfile()).newPage();

  await test.step('Ada sets up Cubby and invites Bob, who signs in in another profile', async () => {
    await setUpAndInvite(ada, bob, h.host.url, ADA, BOB);
  });

  await test.step('Ada connects the fake provider, makes an agent and adds the command tool server', async () => {
    await connectFakeProvider(ada, fake.baseUrl, `sk-${randomUUID()}`);
    await nav(ada, 'Agents');
    await ada.getByRole('button', { name: 'New agent' }).click();
    const editor = ada.getByRole('region', { name: 'New agent' });
    await editor.getByLabel('Name', { exact: true }).fill('Writer');
    await editor.getByLabel('Connection').selectOption({ label: 'Fake provider' });
    await editor.getByLabel('Model').fill('fake-small');
    await editor.getByRole('button', { name: 'Create agent' }).click();
    await expect(editor).toBeHidden();

    await openSection(ada, 'Settings');
    const card = ada.getByRole('region', { name: 'Tools' });
    await card.getByRole('button', { name: 'Add command server' }).click();
    const dialog = ada.getByRole('dialog', { name: 'Add a command (stdio) tool server' });
    await dialog.getByLabel('Name', { exact: true }).fill('Fixture');
    await dialog.getByLabel('Command').fill(process.execPath);
    await dialog.getByLabel('Arguments, one per line').fill(STDIO_FIXTURE);
    await dialog.getByRole('button', { name: 'Add server' }).click();
    await expect(dialog).toBeHidden();
    await expect(card.getByRole('listitem').filter({ hasText: 'Fixture' }).first()).toBeVisible();
  });

  await test.step('she builds the workflow: an input, an agent step, then echo picked from her servers and tools', async () => {
    await nav(ada, 'Workflows');
    await ada.getByRole('button', { name: 'New workflow' }).click();
    const editor = ada.getByRole('region', { name: 'New workflow' });
    await editor.getByLabel('Name', { exact: true }).fill(WORKFLOW);
    await editor.getByRole('button', { name: 'Add input' }).click();
    await editor.getByLabel('Input 1 name').fill('topic');
    await editor.getByLabel('Label').fill('Topic');
    await editor.getByLabel('Required').check();
    await editor.getByRole('button', { name: 'Add agent step' }).click();
    await editor.getByLabel('Agent for step 1').selectOption({ label: 'Writer' });
    await editor.getByLabel('Prompt for step 1').fill('Summarize {{inputs.topic}} in one line.');
    await editor.getByRole('button', { name: 'Add tool step' }).click();
    await editor.getByLabel('Step 2 name').fill('Echo it');
    const server = editor.getByLabel('Tool server for step 2');
    const tool = editor.getByLabel('Tool for step 2');
    await expect(tool).toBeDisabled(); // no server chosen yet
    // By keyboard: focus the server picker and choose Fixture; its tools are listed (this starts it).
    await server.focus();
    await server.selectOption({ label: 'Fixture' });
    await expect(server).toBeFocused();
    await expect(tool).toBeEnabled();
    await expect(tool.locator('option')).toContainText(['Choose a tool', 'whoami', 'echo', 'slow']);
    await ada.keyboard.press('Tab');
    await expect(tool).toBeFocused();
    await tool.selectOption('echo');
    await expect(editor.getByText('Echo the text back.')).toBeVisible();
    await editor.getByLabel('Arguments for step 2 (JSON)').fill('{"text": "{{steps.1.output}}"}');
    await expectAccessible(ada, 'workflow editor with a tool step');
    await editor.getByRole('listitem', { name: 'Step 2' }).scrollIntoViewIfNeeded();
    await shot(ada, 'workflow-tool-step');
    await editor.getByRole('button', { name: 'Create workflow' }).click();
    await expect(editor).toBeHidden();
    await expect(ada.getByRole('listitem').filter({ hasText: WORKFLOW })).toContainText('2 steps');
  });

  await test.step('she runs it now; the tool step asks and she allows it once from the keyboard', async () => {
    fake.enqueue(reply(ANSWER));
    await ada.getByRole('button', { name: `Run ${WORKFLOW} now` }).click();
    const dialog = ada.getByRole('dialog', { name: `Run ${WORKFLOW}` });
    await expect(dialog.getByLabel('Topic')).toBeFocused();
    await ada.keyboard.type(TOPIC);
    await ada.keyboard.press('Enter');
    await expect(dialog).toBeHidden();
    const prompt = ada.getByRole('dialog', { name: 'Allow the tool “echo”?' });
    await expect(prompt).toContainText(JSON.stringify({ text: ANSWER }));
    await expect(prompt.getByRole('button', { name: 'Deny' })).toBeFocused();
    await expectAccessible(ada, 'tool approval during a workflow run');
    await ada.keyboard.press('Tab');
    await expect(prompt.getByRole('button', { name: 'Allow once' })).toBeFocused();
    await ada.keyboard.press('Enter');
    await expect(prompt).toBeHidden();
  });

  await test.step('she reads both steps (echo got the agent answer) and the log with the tool call', async () => {
    const row = ada.locator('li.wf-run').filter({ hasText: WORKFLOW });
    await expect(row.locator('.wf-status')).toHaveText('Succeeded');
    await row.getByRole('button', { expanded: false }).focus();
    await ada.keyboard.press('Enter');
    const steps = row.locator('li').filter({ has: ada.locator('.wf-step-title') });
    await expect(steps.nth(0)).toContainText('Step 1 (agent): done');
    await expect(steps.nth(0)).toContainText(ANSWER);
    await expect(steps.nth(1)).toContainText('Step 2 (tool): done');
    await expect(steps.nth(1).locator('pre').last()).toHaveText(`echo: ${ANSWER}`);
    await steps.nth(1).getByText('Input', { exact: true }).click();
    await expect(steps.nth(1).getByText(JSON.stringify({ text: ANSWER }))).toBeVisible();
    await row.getByText(/^Log \(/).click();
    const log = row.locator('.wf-log');
    await expect(log).toContainText('Step 1 done.');
    await expect(log).toContainText('Step 2 (Echo it): Tool echo: ok.');
    await expect(log).toContainText('Step 2 (Echo it) done.');
    await expect(log).toContainText('Finished.');
    await expectAccessible(ada, 'workflow run with a tool step');
    await row.scrollIntoViewIfNeeded();
    await shot(ada, 'workflow-tool-run', true);
  });

  await test.step('Bob sees none of it: no workflows, no runs, no tool servers', async () => {
    await nav(bob, 'Workflows');
    await expect(bob.getByText('No workflows yet')).toBeVisible();
    await expect(bob.getByText('No runs yet.')).toBeVisible();
    await expect(bob.getByText(WORKFLOW)).toHaveCount(0);
    await openSection(bob, 'Settings');
    await expect(bob.getByRole('region', { name: 'Tools' }).getByText('No tool servers yet.')).toBeVisible();
    const page = await bob.content();
    for (const marker of [TOPIC, ANSWER, 'Fixture']) expect(page).not.toContain(marker);
  });

  await test.step("nothing of the prompt or the tool's output is in Cubby's files in plaintext", async () => {
    await ada.context().close(); // Chromium's profile files settle once it closes
    await bob.context().close();
    // The fixture server itself appends each call to calls.log in its own HOME: that is the
    // tool's doing, and shows the scan would find a marker. Everything else is Cubby's.
    const toolHomes = `${sep}tool-homes${sep}`;
    const written = filesContaining(h.dataDir, ANSWER).filter((f) => f.includes(toolHomes));
    expect(written.map((f) => readFileSync(f, 'utf8'))).toEqual([`echo ${ANSWER}\n`]);
    for (const marker of [TOPIC, ANSWER, `echo: ${ANSWER}`, `Summarize ${TOPIC} in one line.`]) {
      expect(filesContaining(h.dataDir, marker).filter((f) => !f.includes(toolHomes)), marker).toEqual([]);
      for (const dir of h.profileDirs) expect(filesContaining(dir, marker), marker).toEqual([]);
    }
  });
});
