import { expect, test } from '@playwright/test';
import { ADMIN, gotoReady, signIn, signUpCustomer, uniqueEmail } from './helpers';

// SLA countdowns in the browser: an admin gives General Inquiry a one-minute first-response plan
// (around the clock), a customer opens a ticket, and on the agent's page the first-response
// badge counts down every second and turns to breached when the minute is up.
test.describe.configure({ mode: 'serial' });

const run = Date.now();
const plan = { name: `One minute ${run}`, key: `one_minute_${run}` };
let number = '';

test('the admin sets a one-minute first-response plan on a help topic', async ({ page }) => {
  await signIn(page, ADMIN.email, ADMIN.password, 'Queue');
  await gotoReady(page, '/admin/settings/sla-plans');
  await page.getByRole('button', { name: 'New SLA plan', exact: true }).click();
  const editor = page.getByRole('region', { name: /^(New|Edit) SLA plan/ });
  await editor.getByLabel('Name', { exact: true }).fill(plan.name);
  await editor.getByLabel('First response within (minutes)').first().fill('1');
  await editor.getByLabel('Resolution within (minutes)').first().fill('600');
  await editor.getByRole('button', { name: 'Save SLA plan', exact: true }).click();
  await expect(editor.getByRole('heading', { name: `Edit SLA plan “${plan.key}”`, exact: true })).toBeVisible();

  await gotoReady(page, '/admin/settings/help-topics');
  await page.getByRole('button', { name: 'Edit General Inquiry', exact: true }).click();
  const topic = page.getByRole('region', { name: /^Edit help topic/ });
  await expect(topic.getByLabel('Name', { exact: true })).toHaveValue('General Inquiry');
  await topic.getByLabel('SLA plan', { exact: true }).selectOption({ label: plan.name });
  await topic.getByRole('button', { name: 'Save help topic', exact: true }).click();
  await expect(topic.getByRole('status').filter({ hasText: 'Saved.' })).toBeVisible();
});

test('a customer opens a ticket on that topic', async ({ page }) => {
  await signUpCustomer(page, 'Sal SLA', uniqueEmail('sal'));
  await gotoReady(page, '/tickets/new');
  await page.getByLabel('Help topic').selectOption({ label: 'General Inquiry' });
  await page.getByLabel('Subject').fill(`Clock is ticking ${run}`);
  await page.getByLabel('Message').fill('How long until someone answers?');
  await page.getByRole('button', { name: 'Open ticket' }).click();
  const banner = page.getByRole('status').filter({ hasText: /Ticket #\S+ is open/ });
  await expect(banner).toBeVisible();
  number = (await banner.textContent())!.match(/#(\S+) is open/)![1];
});

test('the first-response countdown ticks and turns to breached when the minute is up', async ({ page }) => {
  test.setTimeout(120_000);
  await signIn(page, ADMIN.email, ADMIN.password, 'Queue');
  await gotoReady(page, `/agent/tickets/${number}`);
  const badge = page.getByRole('timer', { name: 'First response SLA' });
  await expect(badge).toContainText(/First response: 0m \d\ds left/);
  await expect(badge).toHaveAttribute('title', /^Due \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC$/);
  // It ticks: the text changes within a couple of seconds without a reload.
  const first = await badge.textContent();
  await expect.poll(() => badge.textContent(), { timeout: 3_000 }).not.toBe(first);
  // And when the minute is up it shows the breach.
  await expect(badge).toContainText('First response: overdue', { timeout: 75_000 });
  await expect(badge).toHaveClass(/sla--breached/);
  await expect(page.getByRole('timer', { name: 'Resolution SLA' })).toContainText('left');
});
