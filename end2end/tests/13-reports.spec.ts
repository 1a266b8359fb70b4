import { readFileSync } from 'node:fs';
import { expect, test, type Page } from '@playwright/test';
import { ADMIN, gotoReady, signIn } from './helpers';

// The SOC lead's morning: alerts of one rule were closed as false positives (one of them
// through the ticket page, which asks how it ended); Reports shows MTTA/MTTR by severity and
// the noisiest rules in two clicks, each chart drawn, with its table and a CSV of the same rows.
test.describe.configure({ mode: 'serial' });

const rule = `9${Date.now() % 1_000_000}`;
const ruleLabel = `wazuh: ${rule}`;

async function changeStatus(page: Page, number: string, status: string, resolution: string) {
  const view = await page.request.post('/rpc/agent_ticket', { form: { number } });
  const version = (await view.json()).ticket.version;
  const changed = await page.request.post('/rpc/change_ticket', {
    data: { number, version, change: { change: 'status', status, resolution } },
  });
  expect(changed.status()).toBe(200);
}

test('alerts closed with their resolution feed the noisy-rule report', async ({ page }) => {
  await signIn(page, ADMIN.email, ADMIN.password, 'Queue');
  const saved = await page.request.post('/rpc/save_settings_item', {
    data: {
      section: 'api_keys', key: null,
      item: { name: `Reports SIEM ${rule}`, active: true, scopes: ['alerts:create'], allowed: '127.0.0.1', acts_as: '' },
    },
  });
  expect(saved.status()).toBe(200);
  const key = (await saved.json()).secret as string;
  const fixture = JSON.parse(readFileSync('../tests/fixtures/alerts/wazuh-sshd-bruteforce.json', 'utf8'));
  const numbers: string[] = [];
  for (const host of ['a', 'b', 'c']) {
    const alert = { ...fixture, rule: { ...fixture.rule, id: rule }, agent: { ...fixture.agent, name: `reports-${host}-${rule}` } };
    const sent = await page.request.post('/api/v1/alerts/wazuh', { headers: { 'X-API-Key': key }, data: alert });
    expect(sent.status()).toBe(201);
    numbers.push((await sent.json()).ticket as string);
  }

  // On the ticket page, choosing Closed asks how the alert ended before anything is saved.
  await gotoReady(page, `/agent/tickets/${numbers[0]}`);
  await page.getByLabel('Status', { exact: true }).selectOption({ label: 'Closed' });
  const closing = page.getByRole('form', { name: 'Close the ticket' });
  await closing.getByRole('button', { name: 'Close ticket' }).click();
  await expect(closing.locator('#prop-resolution-error')).toHaveText('Choose how this alert was resolved (true positive, false positive, ...).');
  await closing.getByLabel('Resolution').selectOption({ label: 'False positive' });
  await closing.getByRole('button', { name: 'Close ticket' }).click();
  await expect(page.getByText('Resolution: False positive')).toBeVisible();

  await changeStatus(page, numbers[1], 'closed', 'false_positive');
  await changeStatus(page, numbers[2], 'resolved', 'true_positive');
});

test('a SOC lead finds response times by severity and the noisiest rules in two clicks', async ({ page }) => {
  await signIn(page, ADMIN.email, ADMIN.password, 'Queue');
  // Click one: Reports. The metrics job counts changes within a second or two.
  await page.getByRole('navigation', { name: 'Agent dashboard' }).getByRole('link', { name: 'Reports' }).click();
  await expect(page.getByRole('heading', { name: 'Reports', level: 1 })).toBeVisible();
  const noisy = page.getByRole('article', { name: 'Noisiest rules (false positives)' });
  await expect(async () => {
    await page.reload();
    await expect(noisy.getByRole('img')).toBeVisible({ timeout: 2_000 });
    await expect(noisy.locator('tbody')).toContainText(ruleLabel, { timeout: 1_000 });
  }).toPass({ timeout: 30_000 });

  // Click two: the SOC section; the response times by priority sit in theirs.
  await page.getByRole('navigation', { name: 'Report sections' }).getByRole('link', { name: 'SOC' }).click();
  await expect(page).toHaveURL(/#soc$/);
  await expect(noisy).toBeInViewport();
  const chart = noisy.getByRole('img', { name: /Noisiest rules/ });
  expect(await chart.locator('rect.chart__bar').count()).toBeGreaterThan(0);
  await noisy.getByText('Table', { exact: true }).click();
  const row = noisy.getByRole('row').filter({ hasText: ruleLabel });
  await expect(row).toContainText('2');
  await expect(row).toContainText('3');
  await expect(row).toContainText('66.7%');

  const severity = page.getByRole('article', { name: 'MTTA and MTTR by priority' });
  await expect(severity.getByRole('img', { name: /MTTA and MTTR by priority/ })).toBeVisible();
  await severity.getByText('Table', { exact: true }).click();
  await expect(severity.getByRole('columnheader', { name: 'MTTA median' })).toBeVisible();
  await expect(severity.getByRole('row').filter({ hasText: 'High' })).toBeVisible();

  // The CSV holds the table's rows, in plain numbers.
  const downloading = page.waitForEvent('download');
  await noisy.getByRole('link', { name: 'CSV' }).click();
  const download = await downloading;
  expect(download.suggestedFilename()).toMatch(/^docket-noisy-rules-\d{8}\.csv$/);
  const csv = readFileSync((await download.path())!, 'utf8').trim().split('\n');
  expect(csv[0]).toBe('Rule,False positives,Classified closes,False-positive rate (%)');
  expect(csv).toContain(`${ruleLabel},2,3,66.7`);
});

test('the filter lives in the address, and a backwards range says what is wrong', async ({ page }) => {
  await signIn(page, ADMIN.email, ADMIN.password, 'Queue');
  await gotoReady(page, '/agent/reports');
  const form = page.getByRole('form', { name: 'Report filter' });
  await form.getByLabel('Count by').selectOption({ label: 'Week' });
  await form.getByRole('button', { name: 'Show' }).click();
  await expect(page).toHaveURL(/[?&]by=week/);
  const volume = page.getByRole('article', { name: 'Tickets opened and closed' });
  await volume.getByText('Table', { exact: true }).click();
  await expect(volume.getByRole('columnheader', { name: 'Week' })).toBeVisible();

  await gotoReady(page, '/agent/reports?from=2026-03-05&to=2026-03-01');
  await expect(page.getByRole('alert')).toHaveText('The end date is before the start date.');
});
