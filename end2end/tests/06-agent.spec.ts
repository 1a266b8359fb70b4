import { expect, test, type Browser, type Page } from '@playwright/test';
import { ADMIN, gotoReady, signIn, signUpCustomer, uniqueEmail } from './helpers';

// The agent dashboard, live: a customer's new ticket appears in the agent's queue without a
// reload, the agent's reply appears on the customer's page without a reload, two staff see each
// other on a ticket, and an edit based on an out-of-date page is refused with what changed.
test.describe.configure({ mode: 'serial' });

const agent = { name: 'Quinn Queue', email: uniqueEmail('quinn'), password: 'agent password here' };
const subject = `Printer on fire ${Date.now()}`;
let number = '';

async function staffPage(browser: Browser, email: string, password: string): Promise<Page> {
  const page = await (await browser.newContext()).newPage();
  await signIn(page, email, password, 'Queue');
  // The dashboard is interactive once its live stream is connected (its effects have run).
  await expect(page.getByRole('status', { name: 'Live updates' })).toHaveText('Live');
  return page;
}

test('the admin adds an agent to the Support department', async ({ page }) => {
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
  await row.getByLabel('Role in Support').selectOption({ label: 'All access' });
  await row.getByRole('button', { name: 'Save departments' }).click();
  await expect(row.getByText('Support (All access)', { exact: true })).toBeVisible();
});

test('a new ticket appears in the agent queue live, and the reply reaches the customer live', async ({ browser }) => {
  const agentPage = await staffPage(browser, agent.email, agent.password);
  await expect(agentPage.getByRole('status', { name: 'Live updates' })).toHaveText('Live');
  await expect(agentPage.getByRole('heading', { name: 'Open', level: 2 })).toBeVisible();
  await agentPage.evaluate(() => ((window as unknown as { stayed: boolean }).stayed = true));

  const customer = await (await browser.newContext()).newPage();
  await signUpCustomer(customer, 'Cora Customer', uniqueEmail('cora'));
  await gotoReady(customer, '/tickets/new');
  await customer.getByLabel('Help topic').selectOption({ label: 'General Inquiry' });
  await customer.getByLabel('Subject').fill(subject);
  await customer.getByLabel('Message').fill('The office printer is smoking. Please send help.');
  const sent = Date.now();
  await customer.getByRole('button', { name: 'Open ticket' }).click();

  const row = agentPage.getByRole('row').filter({ hasText: subject });
  await expect(row).toBeVisible({ timeout: 5_000 });
  const delay = Date.now() - sent;
  console.log(`live delay, ticket opened -> row in the agent's queue: ${delay} ms (includes creating the ticket)`);
  await expect(row).toHaveClass(/row--new/);
  expect(await agentPage.evaluate(() => (window as unknown as { stayed?: boolean }).stayed)).toBe(true);

  const banner = customer.getByRole('status').filter({ hasText: /Ticket #\S+ is open/ });
  await expect(banner).toBeVisible();
  number = (await banner.textContent())!.match(/#(\S+) is open/)![1];
  await expect(customer.getByRole('status', { name: 'Live updates' })).toHaveText('Live');
  await customer.evaluate(() => ((window as unknown as { stayed: boolean }).stayed = true));

  await row.getByRole('link', { name: `#${number}` }).click();
  await expect(agentPage.getByRole('heading', { name: subject, level: 1 })).toBeVisible();
  await agentPage.getByLabel('Message to the customer').fill('An engineer with an extinguisher is on the way.');
  const replied = Date.now();
  await agentPage.getByRole('button', { name: 'Send reply' }).click();

  await expect(customer.getByText('An engineer with an extinguisher is on the way.')).toBeVisible({ timeout: 5_000 });
  console.log(`live delay, agent replies -> reply on the customer's page: ${Date.now() - replied} ms`);
  expect(await customer.evaluate(() => (window as unknown as { stayed?: boolean }).stayed)).toBe(true);

  // An internal note never reaches the customer.
  await agentPage.getByLabel('Internal note', { exact: true }).check();
  await agentPage.getByLabel('Note (staff only)').fill('Facilities says the fuser overheated.');
  await agentPage.getByRole('button', { name: 'Add note' }).click();
  await expect(agentPage.getByText('Facilities says the fuser overheated.')).toBeVisible();
  await customer.reload();
  await expect(customer.getByText('An engineer with an extinguisher is on the way.')).toBeVisible();
  await expect(customer.getByText('Facilities says the fuser overheated.')).toHaveCount(0);
  // Leave the ticket (and wait until the server heard so), so this agent's presence there is
  // only what the next test makes: a closing tab's farewell may never arrive.
  const left = agentPage.waitForResponse(
    (r) => r.url().includes('/rpc/announce_presence') && /activity=left/i.test(r.request().postData() ?? ''),
  );
  await agentPage.getByRole('navigation', { name: 'Agent dashboard' }).getByRole('link', { name: 'Queue' }).click();
  expect((await left).ok()).toBe(true);
  await agentPage.context().close();
  await customer.context().close();
});

test('two staff on one ticket see each other, and typing shows', async ({ browser }) => {
  test.setTimeout(120_000);
  const agentPage = await staffPage(browser, agent.email, agent.password);
  const adminPage = await staffPage(browser, ADMIN.email, ADMIN.password);
  await gotoReady(agentPage, `/agent/tickets/${number}`);
  await gotoReady(adminPage, `/agent/tickets/${number}`);
  const onAdmin = adminPage.getByRole('status', { name: 'Also on this ticket' });
  const onAgent = agentPage.getByRole('status', { name: 'Also on this ticket' });
  await expect(onAdmin).toContainText(`${agent.name} is viewing`);
  await expect(onAgent).toContainText(`${ADMIN.name} is viewing`);
  await agentPage.getByLabel('Message to the customer').pressSequentially('Checking', { delay: 20 });
  await expect(onAdmin).toContainText(`${agent.name} is typing…`);
  await agentPage.close({ runBeforeUnload: true });
  // The closing tab's farewell beacon usually removes it at once; should Chromium drop the
  // beacon, the presence still goes stale (45 s) and disappears.
  await expect(onAdmin).not.toContainText(agent.name, { timeout: 80_000 });
});

test('an edit based on an out-of-date page is refused with what changed', async ({ browser }) => {
  const stale = await staffPage(browser, agent.email, agent.password);
  // This page loses its live connection, so it keeps showing the old version.
  await stale.route('**/api/v1/events**', (route) => route.abort());
  await gotoReady(stale, `/agent/tickets/${number}`);
  await expect(stale.getByRole('status', { name: 'Live updates' })).toContainText('Offline');

  const adminPage = await staffPage(browser, ADMIN.email, ADMIN.password);
  await gotoReady(adminPage, `/agent/tickets/${number}`);
  await adminPage.getByLabel('Priority', { exact: true }).selectOption({ label: 'High' });
  await expect(adminPage.getByText('Ada Admin changed the priority from Normal to High.')).toBeVisible();

  await stale.getByLabel('Status', { exact: true }).selectOption({ label: 'Waiting on customer' });
  const conflict = stale.getByRole('alert');
  await expect(conflict).toContainText('This ticket changed while you were working on it');
  await expect(conflict).toContainText('Ada Admin changed the priority from Normal to High.');
});

test('the agent searches, moves with the keyboard, changes tickets in bulk and saves a queue', async ({ browser }) => {
  const page = await staffPage(browser, agent.email, agent.password);
  // Search finds the ticket by a word of its message, with the match marked.
  await page.getByLabel('Search tickets').fill('smoking');
  await page.getByRole('button', { name: 'Search' }).click();
  await expect(page).toHaveURL(/[?&]q=smoking/);
  await expect(page.getByRole('heading', { name: 'Search: smoking', level: 2 })).toBeVisible();
  const hit = page.getByRole('row').filter({ hasText: subject });
  await expect(hit.locator('mark')).toHaveText('smoking');
  await page.getByRole('button', { name: 'Clear search' }).click();
  await expect(page.getByRole('heading', { name: 'Open', level: 2 })).toBeVisible();

  // Keys: ? shows the help; j/k move, x selects the row under the cursor.
  await page.keyboard.press('?');
  await expect(page.getByRole('dialog', { name: 'Keyboard shortcuts' })).toBeVisible();
  await page.keyboard.press('Escape');
  const row = page.getByRole('row').filter({ hasText: subject });
  await expect(row).toBeVisible();
  const rows = page.getByRole('row');
  const index = (await rows.allTextContents()).findIndex((text) => text.includes(subject)) - 1; // minus the header
  for (let i = 0; i < index; i++) await page.keyboard.press('j');
  await page.keyboard.press('x');
  await expect(row.getByRole('checkbox')).toBeChecked();

  const bulk = page.getByRole('region', { name: 'Bulk actions' });
  await expect(bulk).toContainText('1 selected');
  await bulk.getByLabel('Set priority…').selectOption({ label: 'Emergency' });
  await expect(page.getByText('Changed 1 of 1 tickets.')).toBeVisible();
  await expect(row.getByText('Emergency')).toBeVisible();

  // A filter saved as the agent's own queue.
  await page.getByText('Filters, sort and saved queues').click();
  await page.getByRole('combobox', { name: 'Priority', exact: true }).selectOption({ label: 'Emergency' });
  await page.getByLabel('Save as a queue named').fill('On fire');
  await page.getByRole('button', { name: 'Save queue' }).click();
  const queues = page.getByRole('navigation', { name: 'Queues' });
  await expect(queues.getByRole('link', { name: 'On fire' })).toHaveAttribute('aria-current', 'page');
  await expect(page.getByRole('heading', { name: 'On fire', level: 2 })).toBeVisible();
  await expect(page.getByRole('row').filter({ hasText: subject })).toBeVisible();
});
