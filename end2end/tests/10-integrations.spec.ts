import { readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { ADMIN, gotoReady, signIn } from './helpers';

// A SOC lead connects Wazuh: makes a key on the Integrations page, takes the recipe's hook URL and
// key, and the alert Wazuh sends becomes a ticket whose Alert panel counts the repeats.
test('an admin makes a key for the recipes and a Wazuh alert becomes a counted alert ticket', async ({ page, request }) => {
  await signIn(page, ADMIN.email, ADMIN.password, 'Queue');
  await gotoReady(page, '/admin/integrations');
  await expect(page.getByRole('heading', { name: 'Integrations', level: 1 })).toBeVisible();
  const wazuh = page.getByRole('region', { name: 'Wazuh', exact: true });
  await expect(wazuh).toContainText('YOUR_API_KEY');
  await page.getByLabel('Allowed addresses').fill('127.0.0.1');
  await page.getByRole('button', { name: 'Create a key' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'created' })).toBeVisible();
  const recipe = (await wazuh.locator('pre').textContent())!;
  const key = recipe.match(/<api_key>(dk_[0-9a-f]+)<\/api_key>/)![1];
  const hook = recipe.match(/<hook_url>(\S+)<\/hook_url>/)![1];

  const alert = JSON.parse(readFileSync('../tests/fixtures/alerts/wazuh-sshd-bruteforce.json', 'utf8'));
  alert.agent.name = `web-${Date.now()}`;
  const first = await request.post(hook, { headers: { 'X-API-Key': key }, data: alert });
  expect(first.status()).toBe(201);
  const number = (await first.json()).ticket as string;
  const again = await request.post(hook, { headers: { 'X-API-Key': key }, data: alert });
  expect(again.status()).toBe(200);
  expect((await again.json()).occurrences).toBe(2);

  await gotoReady(page, `/agent/tickets/${number}`);
  const panel = page.getByRole('region', { name: 'Alert' });
  await expect(panel).toContainText('wazuh');
  await expect(panel.getByTestId('alert-occurrences')).toHaveText('2');
  await expect(panel).toContainText('198.51.100.23');
  await expect(panel).toContainText('T1110');
  await expect(page.getByRole('listitem', { name: 'Staff event' }).filter({ hasText: 'occurrence 2' })).toBeVisible();
});
