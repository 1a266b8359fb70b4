import SwaggerParser from '@apidevtools/swagger-parser';
import { readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { ADMIN, gotoReady, signIn } from './helpers';

// The REST API as an integrator meets it: the OpenAPI document passes a real validator and its
// docs page reads well; an admin makes a key that acts as them on the settings page, and a
// script lists the Wazuh alert tickets through it, as the queue's alert-source filter shows them.

test('the OpenAPI document is valid OpenAPI 3.1 and the docs page lists its operations', async ({ page, request }) => {
  const response = await request.get('/api/v1/openapi.json');
  expect(response.status()).toBe(200);
  const document = await response.json();
  expect(document.openapi).toMatch(/^3\.1\./);
  // Throws, failing the test, on any schema or reference error.
  await SwaggerParser.validate(structuredClone(document));
  expect(Object.keys(document.paths)).toEqual(expect.arrayContaining([
    '/api/v1/tickets', '/api/v1/tickets/{number}', '/api/v1/tickets/{number}/messages',
    '/api/v1/users/{id}', '/api/v1/alerts/{source}', '/api/v1/alert', '/api/v1/events',
  ]));

  await page.goto('/api/docs');
  await expect(page.getByRole('heading', { name: 'Docket API v1', level: 1 })).toBeVisible();
  await page.getByRole('link', { name: 'PATCH /api/v1/tickets/{number}' }).click();
  const patch = page.locator('section', { has: page.getByRole('heading', { name: 'PATCH /api/v1/tickets/{number}' }) });
  await expect(patch).toContainText('Change status, priority, department, assignee, tags or custom fields.');
  await patch.getByRole('link', { name: 'TicketPatch' }).click();
  await expect(page.locator('#schema-TicketPatch')).toContainText('assignee');
});

test('a key made on the settings page acts as its admin: the alert tickets by source, read by a script', async ({ page, request }) => {
  await signIn(page, ADMIN.email, ADMIN.password, 'Queue');
  await gotoReady(page, '/admin/settings/api-keys');
  await page.getByRole('button', { name: 'New API key', exact: true }).click();
  const editor = page.getByRole('region', { name: 'New API key', exact: true });
  await editor.getByLabel('Name', { exact: true }).fill(`SOAR playbooks ${Date.now()}`);
  const scopes = editor.getByRole('group', { name: 'Scopes', exact: true });
  for (const scope of ['Send SIEM alerts', 'REST: list, search and read tickets']) {
    await scopes.getByLabel(scope, { exact: true }).check();
  }
  await editor.getByLabel('Allowed addresses', { exact: true }).fill('127.0.0.1');
  // A REST scope without the account it acts as is refused, with the reason at the field.
  await editor.getByRole('button', { name: 'Save API key', exact: true }).click();
  await expect(editor.locator('#setting-acts-as-error')).toHaveText('REST and event scopes act as an agent or admin: enter their email.');
  await editor.getByLabel('Acts as', { exact: true }).fill(ADMIN.email);
  await editor.getByRole('button', { name: 'Save API key', exact: true }).click();
  const secret = page.locator('code.secret');
  await expect(secret).toHaveText(/^dk_/);
  const key = (await secret.textContent())!.trim();
  expect(key).toMatch(/^dk_/);

  const alert = JSON.parse(readFileSync('../tests/fixtures/alerts/wazuh-sshd-bruteforce.json', 'utf8'));
  alert.agent.name = `rest-${Date.now()}`;
  const sent = await request.post('/api/v1/alerts/wazuh', { headers: { 'X-API-Key': key }, data: alert });
  expect(sent.status()).toBe(201);
  const number = (await sent.json()).ticket as string;
  const fingerprint = `wazuh:5712:${alert.agent.name}:198.51.100.23`;

  const listed = await request.get(`/api/v1/tickets?alert_source=wazuh&fingerprint=${encodeURIComponent(fingerprint)}`, {
    headers: { Authorization: `Bearer ${key}` },
  });
  expect(listed.status()).toBe(200);
  const { tickets } = await listed.json();
  expect(tickets.map((t: { number: string }) => t.number)).toEqual([number]);
  const one = await request.get(`/api/v1/tickets/${number}`, { headers: { 'X-API-Key': key } });
  expect((await one.json()).alert.fingerprint).toBe(fingerprint);
  // The key reads; it does not write.
  const refused = await request.patch(`/api/v1/tickets/${number}`, { headers: { 'X-API-Key': key }, data: { priority: 'low' } });
  expect(refused.status()).toBe(403);
  expect(refused.headers()['content-type']).toBe('application/problem+json');

  // The agent queue filters the same way.
  await gotoReady(page, '/agent');
  await page.getByText('Filters, sort and saved queues').click();
  await page.getByLabel('Alert source', { exact: true }).selectOption('wazuh');
  await page.getByLabel('Alert fingerprint', { exact: true }).fill(fingerprint);
  await page.getByRole('button', { name: 'Apply filters' }).click();
  const rows = page.locator('table.table--queue tbody tr');
  await expect(rows).toHaveCount(1);
  await expect(rows).toContainText(number);
});
