import { readFileSync } from 'node:fs';
import { expect, test, type Browser, type Page } from '@playwright/test';
import { ADMIN, gotoReady, signIn, uniqueEmail } from './helpers';

// The auditor's minute: an agent changes a ticket's priority; the ticket's History tab says so
// in a sentence; the admin finds the change on the audit page by filtering on who and what,
// and exports exactly those rows.
test.describe.configure({ mode: 'serial' });

const agent = { name: 'Priya Audit', email: uniqueEmail('priya'), password: 'agent password here' };
let number = '';

async function signedIn(browser: Browser, email: string, password: string): Promise<Page> {
  const page = await (await browser.newContext()).newPage();
  await signIn(page, email, password, 'Queue');
  return page;
}

test('an agent raises a ticket\'s priority and its History tab says so', async ({ browser }) => {
  const admin = await signedIn(browser, ADMIN.email, ADMIN.password);
  // The set-up goes through the same server functions the pages call.
  const created = await admin.request.post('/rpc/create_staff', {
    form: { email: agent.email, name: agent.name, role: 'agent', password: agent.password },
  });
  expect(created.status()).toBe(200);
  const id = (await created.json()).id as string;
  const memberships = await admin.request.post('/rpc/set_memberships', {
    data: { id, memberships: [{ department: 'support', role: 'expanded' }] },
  });
  expect(memberships.status()).toBe(200);
  const opened = await admin.request.post('/rpc/open_ticket', {
    form: { topic: 'general', subject: `Audit me ${Date.now()}`, message: 'Please look.' },
  });
  expect(opened.status()).toBe(200);
  number = (await opened.json()) as string;
  await admin.context().close();

  const page = await signedIn(browser, agent.email, agent.password);
  await gotoReady(page, `/agent/tickets/${number}`);
  await page.getByLabel('Priority', { exact: true }).selectOption({ label: 'High' });
  await expect(page.getByText(`${agent.name} changed the priority from Normal to High.`)).toBeVisible();

  await page.getByRole('tab', { name: 'History' }).click();
  const history = page.getByRole('region', { name: 'History' });
  // Newest first; the page reloading after the change is itself a view, so a view may lead.
  await expect(history.getByRole('listitem').filter({ hasText: `${agent.name} changed priority from Normal to High.` })).toHaveCount(1);
  await expect(history).toContainText(`${agent.name} viewed the ticket in the agent workspace`);
  await expect(history).toContainText('from 127.0.0.1');
  await page.getByRole('tab', { name: 'Thread' }).click();
  await expect(page.getByRole('region', { name: 'Thread' })).toBeVisible();
  await page.context().close();
});

test('the admin finds that change by filtering the audit log, and exports just those rows', async ({ page }) => {
  await signIn(page, ADMIN.email, ADMIN.password, 'Queue');
  await gotoReady(page, '/admin/audit');
  const search = page.getByRole('form', { name: 'Search the audit log' });
  await search.getByLabel('Actor').fill(agent.email);
  await search.getByLabel('Event type').fill('ticket.priority_changed');
  await search.getByRole('button', { name: 'Search' }).click();
  // The search is in the address, so it can be shared.
  await expect(page).toHaveURL(/actor=priya-.*&action=ticket\.priority_changed/);
  const table = page.getByRole('table', { name: 'Audit events' });
  const rows = table.locator('tbody tr');
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toContainText(agent.email);
  await expect(rows.first()).toContainText(`ticket:${number}`);
  await expect(rows.first()).toContainText('{"priority":"normal"} → {"priority":"high"}');
  await expect(rows.first()).toContainText('127.0.0.1');

  // A click on the object narrows to everything that happened to this ticket.
  await rows.first().getByRole('link', { name: `ticket:${number}` }).click();
  await expect(page).toHaveURL(new RegExp(`object=ticket%3A${number}`));
  await expect(table).toContainText('ticket.created');
  await expect(table).toContainText('ticket.viewed');

  // Back to the one change; its CSV export holds that row and nothing else.
  await page.goBack();
  await expect(rows).toHaveCount(1);
  const downloading = page.waitForEvent('download');
  await page.getByRole('button', { name: 'CSV', exact: true }).click();
  const download = await downloading;
  await expect(page.getByRole('status').filter({ hasText: 'Exported 1 event.' })).toBeVisible();
  const text = readFileSync((await download.path())!, 'utf8');
  const lines = text.trim().split('\n');
  expect(lines[0]).toMatch(/^at,shard,seq,actor_kind/);
  expect(lines).toHaveLength(2);
  expect(lines[1]).toContain(`ticket.priority_changed,ticket,${number}`);

  // A search that cannot be right says why, at its field.
  await gotoReady(page, '/admin/audit?from=2026-03-05&to=2026-03-01');
  await expect(page.getByText('The end date is before the start date.')).toBeVisible();
});
