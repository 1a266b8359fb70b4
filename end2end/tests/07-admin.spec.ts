import { expect, test, type Locator, type Page } from '@playwright/test';
import { ADMIN, gotoReady, signIn, signUpCustomer, uniqueEmail } from './helpers';

// The admin settings, end to end: an admin builds a department, a form, a help topic that asks
// for the form and a filter that raises the priority; a new agent joins the department; a
// customer's ticket arrives routed and filtered, the agent sees it so, and the audit log shows
// every change. The journey builds on itself, so it runs in order.
test.describe.configure({ mode: 'serial' });

const run = Date.now();
const department = { name: `Network Operations ${run}`, key: `network_operations_${run}` };
const form = { name: `Network details ${run}`, key: `network_details_${run}` };
const topic = { name: `Network outage ${run}`, key: `network_outage_${run}` };
const filter = { name: `Core switch ${run}`, key: `core_switch_${run}` };
const agent = { name: 'Nora Network', email: uniqueEmail('nora'), password: 'agent password here' };
const subject = `The core switch is down ${run}`;
let number = '';

/** Opens a settings section, starts a new item and returns its editor. */
async function newItem(page: Page, slug: string, noun: string): Promise<Locator> {
  await gotoReady(page, `/admin/settings/${slug}`);
  await page.getByRole('button', { name: `New ${noun}`, exact: true }).click();
  await expect(page.getByRole('region', { name: `New ${noun}`, exact: true })).toBeVisible();
  // Once saved, the same editor is titled "Edit <noun> “key”".
  return page.getByRole('region', { name: new RegExp(`^(New|Edit) ${noun}`) });
}

/** Saves the item in `editor` and checks it now stands under `key`. */
async function save(editor: Locator, noun: string, key: string): Promise<void> {
  await editor.getByRole('button', { name: `Save ${noun}`, exact: true }).click();
  await expect(editor.getByRole('status').filter({ hasText: 'Saved. It applies from the next request.' })).toBeVisible();
  await expect(editor.getByRole('heading', { name: `Edit ${noun} “${key}”`, exact: true })).toBeVisible();
}

/** The section's list shows the item, active. */
async function expectListed(page: Page, section: string, name: string, key: string): Promise<void> {
  const list = page.getByRole('region', { name: section, exact: true });
  await expect(list.getByRole('button', { name: `Edit ${name}`, exact: true })).toBeVisible();
  const row = list.getByRole('row').filter({ hasText: name });
  await expect(row).toContainText(key);
  await expect(row).toContainText('Active');
}

test('the admin creates a department', async ({ page }) => {
  await signIn(page, ADMIN.email, ADMIN.password, 'Queue');
  const editor = await newItem(page, 'departments', 'department');
  await editor.getByLabel('Name', { exact: true }).fill(department.name);
  await save(editor, 'department', department.key);
  await expectListed(page, 'Departments', department.name, department.key);
});

test('the admin builds a form, previewing what customers will see', async ({ page }) => {
  await signIn(page, ADMIN.email, ADMIN.password, 'Queue');
  const editor = await newItem(page, 'forms', 'form');
  await editor.getByLabel('Name', { exact: true }).fill(form.name);
  const field = editor.getByRole('group', { name: 'Fields 1', exact: true });
  await field.getByLabel('Label', { exact: true }).fill('Switch name');
  await field.getByLabel('Key', { exact: true }).fill('switch_name');
  await field.getByLabel('Type', { exact: true }).selectOption({ label: 'Short text' });

  // The preview follows the editor as it changes.
  const preview = editor.getByRole('region', { name: 'Customer form preview' });
  await expect(preview.getByRole('textbox', { name: 'Switch name (optional)', exact: true })).toBeVisible();
  await field.getByLabel('Required for customers').check();
  await expect(field.getByLabel('Required for customers')).toBeChecked();
  await expect(preview.getByRole('textbox', { name: 'Switch name', exact: true })).toBeVisible();

  await save(editor, 'form', form.key);
  await expectListed(page, 'Forms', form.name, form.key);
});

test('the admin creates a help topic that routes to the department and asks for the form', async ({ page }) => {
  await signIn(page, ADMIN.email, ADMIN.password, 'Queue');
  const editor = await newItem(page, 'help-topics', 'help topic');
  await editor.getByLabel('Name', { exact: true }).fill(topic.name);
  await editor.getByLabel('Department', { exact: true }).selectOption({ label: department.name });
  await editor.getByLabel('Priority', { exact: true }).selectOption({ label: 'High' });
  const forms = editor.getByRole('group', { name: 'Forms', exact: true });
  await forms.getByLabel(form.name, { exact: true }).check();
  await expect(forms.getByLabel(form.name, { exact: true })).toBeChecked();
  await save(editor, 'help topic', topic.key);
  await expectListed(page, 'Help topics', topic.name, topic.key);
});

test('the admin creates a filter and tries it on a sample ticket', async ({ page }) => {
  await signIn(page, ADMIN.email, ADMIN.password, 'Queue');
  const editor = await newItem(page, 'filters', 'filter');
  await editor.getByLabel('Name', { exact: true }).fill(filter.name);

  const condition = editor.getByRole('group', { name: 'Conditions 1', exact: true });
  await condition.getByLabel('Compare', { exact: true }).selectOption({ label: 'Subject' });
  await condition.getByLabel('Operator', { exact: true }).selectOption({ label: 'contains' });
  await condition.getByLabel('Value', { exact: true }).fill('core switch');

  const priority = editor.getByRole('group', { name: 'Actions 1', exact: true });
  await priority.getByLabel('Action', { exact: true }).selectOption({ label: 'Set priority' });
  // The target offers what the chosen action needs: here, the priorities.
  await priority.getByLabel('Target', { exact: true }).selectOption({ label: 'Emergency' });
  await editor.getByRole('button', { name: 'Add to actions', exact: true }).click();
  const tags = editor.getByRole('group', { name: 'Actions 2', exact: true });
  await tags.getByLabel('Action', { exact: true }).selectOption({ label: 'Add tags' });
  await tags.getByLabel('Target', { exact: true }).fill('network');
  await save(editor, 'filter', filter.key);
  await expectListed(page, 'Ticket filters', filter.name, filter.key);

  const dryRun = editor.getByRole('region', { name: 'Dry run', exact: true });
  await dryRun.getByLabel('Subject', { exact: true }).fill('core switch down');
  await dryRun.getByRole('button', { name: 'Test the sample ticket', exact: true }).click();
  await expect(dryRun.getByRole('status')).toHaveText('1 of 1 ticket(s) matched.');
  const results = dryRun.getByRole('table', { name: 'Dry run results' });
  const sample = results.getByRole('row').filter({ hasText: 'Sample ticket' });
  await expect(sample).toContainText(filter.name);
  await expect(sample).toContainText('priority → emergency');
  await expect(sample).toContainText('tags + network');
});

test('the admin adds an agent to the new department', async ({ page }) => {
  await signIn(page, ADMIN.email, ADMIN.password, 'Queue');
  await gotoReady(page, '/admin/users');
  const addStaff = page.getByRole('region', { name: 'Add a staff member' });
  await addStaff.getByLabel('Name', { exact: true }).fill(agent.name);
  await addStaff.getByLabel('Email', { exact: true }).fill(agent.email);
  await addStaff.getByLabel('Role').selectOption({ label: 'Agent' });
  await addStaff.getByLabel('Initial password').fill(agent.password);
  await addStaff.getByRole('button', { name: 'Add staff member' }).click();
  await expect(page.getByText(`Added ${agent.email} as Agent.`)).toBeVisible();

  const row = page.getByRole('row').filter({ has: page.getByRole('cell', { name: agent.email, exact: true }) });
  await row.getByText('No departments').click();
  await row.getByLabel(`Role in ${department.name}`, { exact: true }).selectOption({ label: 'All access' });
  await row.getByRole('button', { name: 'Save departments' }).click();
  await expect(row.getByText(`${department.name} (All access)`, { exact: true })).toBeVisible();
});

test("a customer's ticket on the new topic asks for the form's field", async ({ page }) => {
  await signUpCustomer(page, 'Nils Network', uniqueEmail('nils'));
  await gotoReady(page, '/tickets/new');
  await page.getByLabel('Help topic').selectOption({ label: topic.name });
  // Required, so not marked optional.
  const switchName = page.getByLabel('Switch name', { exact: true });
  await expect(switchName).toBeVisible();
  await page.getByLabel('Subject').fill(subject);
  await page.getByLabel('Message').fill('Nothing on floor 3 reaches the network since 08:00.');
  await page.getByRole('button', { name: 'Open ticket' }).click();
  await expect(page.getByText('Enter switch name.')).toBeVisible();

  await switchName.fill('sw-core-1');
  await page.getByRole('button', { name: 'Open ticket' }).click();
  await expect(page.getByRole('heading', { name: subject })).toBeVisible();
  const banner = page.getByRole('status').filter({ hasText: /Ticket #\S+ is open/ });
  await expect(banner).toBeVisible();
  number = (await banner.textContent())!.match(/#(\S+) is open/)![1];
  await expect(page.getByText('sw-core-1', { exact: true })).toBeVisible();
});

test('the agent sees the ticket routed by the topic and changed by the filter', async ({ page }) => {
  expect(number, 'the customer test opened a ticket').not.toBe('');
  await signIn(page, agent.email, agent.password, 'Queue');
  await gotoReady(page, `/agent/tickets/${number}`);
  await expect(page.getByRole('heading', { name: subject, level: 1 })).toBeVisible();
  // The topic chose the department; the filter overrode the topic's High priority.
  await expect(page.getByText(`Ticket #${number} · ${department.name} · Emergency`)).toBeVisible();
  await expect(page.getByLabel('Priority', { exact: true })).toHaveValue('emergency');
  await expect(page.getByLabel('Tags', { exact: true })).toHaveValue('network');
  const details = page.getByRole('form', { name: 'Details' });
  await expect(details.getByRole('textbox', { name: /^Switch name/ })).toHaveValue('sw-core-1');

  const event = page.getByRole('listitem', { name: 'Staff event' }).filter({ hasText: `Filters matched: ${filter.name}.` });
  await expect(event).toBeVisible();
  await expect(event).toContainText('priority → emergency');
  await expect(event).toContainText('tags + network');
});

test('the audit log records every settings change and the new membership', async ({ page }) => {
  await signIn(page, ADMIN.email, ADMIN.password, 'Queue');
  await gotoReady(page, '/admin/audit');
  await expect(page.getByRole('heading', { name: 'Audit log', level: 1 })).toBeVisible();
  const entry = (action: string, mentioning: string) =>
    page
      .getByRole('row')
      .filter({ has: page.getByRole('cell', { name: action, exact: true }) })
      .filter({ hasText: mentioning });
  await expect(entry('settings.departments.created', `departments:${department.key}`)).toHaveCount(1);
  await expect(entry('settings.forms.created', `forms:${form.key}`)).toHaveCount(1);
  await expect(entry('settings.help-topics.created', `help-topics:${topic.key}`)).toHaveCount(1);
  await expect(entry('settings.filters.created', `filters:${filter.key}`)).toHaveCount(1);
  await expect(entry('user.memberships_changed', department.key)).toHaveCount(1);
  await expect(entry('settings.filters.created', `filters:${filter.key}`)).toContainText(ADMIN.email);
});
