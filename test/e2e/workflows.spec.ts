import { randomUUID } from 'node:crypto';
import { expect, test } from '@playwright/test';
import { filesContaining } from '../helpers/env';
import { reply, startFakeProvider, type FakeProvider } from '../helpers/fakeProvider';
import { expectAccessible } from './a11y';
import { ADA, BOB, connectFakeProvider, nav, setUpAndInvite, shot } from './flows';
import { startHarness, type Harness } from './harness';

/**
 * Issue 11's workflows end to end in Chromium, through the browser host, against the real core and
 * a fake provider: Ada builds a workflow with an input and an agent step on a weekday schedule,
 * runs it now with an input by keyboard, and reads the step's output and the log in the history.
 * Bob, signed in at the same time in another profile, sees none of it. Nothing she typed or got
 * back is in any file in plaintext. (Tool steps join this story when tool servers are merged.)
 */
const KEY = `sk-wf-${randomUUID()}`;
const TOPIC = `topic-${randomUUID()}`;
const ANSWER = `summary-answer-${randomUUID()}`;
const WORKFLOW = 'Morning summary';

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


test('a person builds a workflow with an agent step, runs it now with an input and reads its history; another person sees none of it', async () => {
  const ada = await (await h.openProfile()).newPage();
  const bob = await (await h.openProfile()).newPage();

  await test.step('Ada sets up Cubby and invites Bob, who signs in in another profile', async () => {
    await setUpAndInvite(ada, bob, h.host.url, ADA, BOB);
  });

  await test.step('Ada connects the fake provider and makes an agent', async () => {
    await connectFakeProvider(ada, fake.baseUrl, KEY);
    await nav(ada, 'Agents');
    await ada.getByRole('button', { name: 'New agent' }).click();
    const editor = ada.getByRole('region', { name: 'New agent' });
    await editor.getByLabel('Name', { exact: true }).fill('Writer');
    await editor.getByLabel('Connection').selectOption({ label: 'Fake provider' });
    await editor.getByLabel('Model').fill('fake-small');
    await editor.getByRole('button', { name: 'Create agent' }).click();
    await expect(editor).toBeHidden();
  });

  await test.step('she builds a workflow: an input, an agent step, a weekday schedule', async () => {
    await nav(ada, 'Workflows');
    await expect(ada.getByRole('heading', { name: 'Workflows', level: 1 })).toBeVisible();
    await expect(ada.getByText('No workflows yet')).toBeVisible();
    await expect(ada.getByText('No runs yet.')).toBeVisible();
    await expectAccessible(ada, 'workflows (empty)');
    await ada.getByRole('button', { name: 'New workflow' }).click();
    const editor = ada.getByRole('region', { name: 'New workflow' });
    await editor.getByLabel('Name', { exact: true }).fill(WORKFLOW);
    await editor.getByRole('button', { name: 'Add input' }).click();
    await editor.getByLabel('Input 1 name').fill('topic');
    await editor.getByLabel('Label').fill('Topic');
    await editor.getByLabel('Required').check();
    await editor.getByRole('button', { name: 'Add agent step' }).click();
    await editor.getByLabel('Agent for step 1').selectOption({ label: 'Writer' });
    // A reference to a step that does not come before is refused with a message that says why.
    await editor.getByLabel('Prompt for step 1').fill('Summarize {{steps.1.output}}');
    await editor.getByRole('button', { name: 'Create workflow' }).click();
    await expect(editor.getByRole('alert')).toContainText("there is no earlier step's output");
    await editor.getByLabel('Prompt for step 1').fill('Summarize {{inputs.topic}} in one line.');
    await editor.getByLabel('Runs').selectOption({ label: 'Every weekday at 8:00' });
    await editor.getByLabel('Run once at my next unlock if a scheduled run was missed').check();
    await expectAccessible(ada, 'workflow editor');
    await ada.evaluate(() => window.scrollTo(0, 0));
    await shot(ada, 'workflow-editor', true);
    await editor.getByRole('button', { name: 'Create workflow' }).click();
    await expect(editor).toBeHidden();
    await expect(ada.getByRole('listitem').filter({ hasText: WORKFLOW })).toContainText('1 step · Every weekday at 8:00 · next');
  });

  await test.step('she runs it now with an input, by keyboard, and reads the step and the log', async () => {
    fake.enqueue(reply(ANSWER));
    await ada.getByRole('button', { name: `Run ${WORKFLOW} now` }).click();
    const dialog = ada.getByRole('dialog', { name: `Run ${WORKFLOW}` });
    await expect(dialog.getByLabel('Topic')).toBeFocused();
    await ada.keyboard.type(TOPIC);
    await ada.keyboard.press('Enter');
    await expect(dialog).toBeHidden();
    await expect(ada.getByRole('status')).toContainText(`${WORKFLOW} started.`);
    const row = ada.locator('li.wf-run').filter({ hasText: WORKFLOW });
    await expect(row.locator('.wf-status')).toHaveText('Succeeded');
    await row.getByRole('button', { expanded: false }).focus();
    await ada.keyboard.press('Enter');
    await expect(row).toContainText('Step 1 (agent): done');
    await expect(row.getByText(ANSWER)).toBeVisible();
    await row.getByText('Input', { exact: true }).click();
    await expect(row.getByText(`Summarize ${TOPIC} in one line.`)).toBeVisible();
    await row.getByText(/^Log \(/).click();
    await expect(row.locator('.wf-log')).toContainText('Finished.');
    expect(fake.chatRequests().at(-1)!.apiKey).toBe(KEY);
    await expectAccessible(ada, 'workflow history');
    await shot(ada, 'workflow-history', true);
    // The history filters by status.
    await ada.getByLabel('Status').selectOption({ label: 'Failed' });
    await expect(ada.getByText('No runs yet.')).toBeVisible();
    await ada.getByLabel('Status').selectOption({ label: 'Any status' });
    await expect(row).toBeVisible();
  });

  await test.step('Bob sees none of it', async () => {
    await nav(bob, 'Workflows');
    await expect(bob.getByText('No workflows yet')).toBeVisible();
    await expect(bob.getByText('No runs yet.')).toBeVisible();
    await expect(bob.getByText(WORKFLOW)).toHaveCount(0);
    expect(await bob.content()).not.toContain(ANSWER);
  });

  await test.step('nothing she typed or got back is in a file in plaintext', async () => {
    await ada.context().close(); // Chromium's profile files settle once it closes
    await bob.context().close();
    for (const marker of [TOPIC, ANSWER, KEY]) {
      expect(filesContaining(h.dataDir, marker), marker).toEqual([]);
      for (const dir of h.profileDirs) expect(filesContaining(dir, marker), marker).toEqual([]);
    }
  });
});
