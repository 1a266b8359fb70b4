import { expect, test } from '@playwright/test';
import { gotoReady, signUpCustomer, uniqueEmail } from './helpers';

// Customers and their tickets: open one with a help topic's custom fields, find it, reply,
// close and reopen it. The journey builds on itself, so it runs in order.
test.describe.configure({ mode: 'serial' });

test('a customer opens a ticket with custom fields, finds it, replies, closes and reopens it', async ({ page }) => {
  const name = 'Tess Ticket';
  await signUpCustomer(page, name, uniqueEmail('tess'));
  await expect(page.getByText('You have no open tickets.')).toBeVisible();

  await page.getByRole('link', { name: 'Open a ticket' }).click();
  await expect(page.getByRole('heading', { name: 'Open a ticket' })).toBeVisible();
  await page.getByLabel('Help topic').selectOption({ label: 'Security Incident' });
  // The topic's own fields appear once it is chosen.
  await expect(page.getByLabel('Affected host')).toBeVisible();
  await page.getByLabel('Subject').fill('Suspicious outbound traffic');
  await page.getByLabel('Message').fill('web-01 talks to an unknown host since 09:00.');
  await page.getByRole('button', { name: 'Open ticket' }).click();
  // A required custom field left empty is explained in place, and nothing typed is lost.
  await expect(page.getByText('Enter affected host.')).toBeVisible();
  await expect(page.getByLabel('Subject')).toHaveValue('Suspicious outbound traffic');
  await page.getByLabel('Affected host').fill('web-01');
  // Files upload as soon as they are picked, with progress, before the form is sent.
  await page.getByLabel('Attachments').setInputFiles({
    name: 'capture.txt',
    mimeType: 'text/plain',
    buffer: Buffer.from('src=10.0.0.5 dst=203.0.113.9 bytes=48213\n'),
  });
  await expect(page.getByText('Attached (1 KB)')).toBeVisible();
  await page.getByRole('button', { name: 'Open ticket' }).click();

  await expect(page.getByRole('heading', { name: 'Suspicious outbound traffic' })).toBeVisible();
  const banner = page.getByRole('status').filter({ hasText: /Ticket #\d{6} is open/ });
  await expect(banner).toBeVisible();
  const number = (await banner.textContent())!.match(/#(\d{6})/)![1];
  await expect(page.getByText('web-01', { exact: true })).toBeVisible();
  await expect(page.getByText('Security Operations')).toBeVisible();
  const downloading = page.waitForEvent('download');
  await page.getByRole('link', { name: /capture\.txt/ }).click();
  expect((await downloading).suggestedFilename()).toBe('capture.txt');

  await gotoReady(page, '/tickets');
  await expect(page.getByRole('heading', { name: 'My tickets' })).toBeVisible();
  await page.getByLabel('Search tickets').fill('outbound');
  await page.getByRole('link', { name: `#${number}` }).click();
  await expect(page.getByRole('heading', { name: 'Suspicious outbound traffic' })).toBeVisible();

  await page.getByLabel('Your reply').fill('It stopped at 10:00.');
  await page.getByRole('button', { name: 'Send reply' }).click();
  await expect(page.getByText('It stopped at 10:00.')).toBeVisible();

  await page.getByRole('button', { name: 'Close ticket' }).click();
  await expect(page.getByRole('button', { name: 'Reopen ticket' })).toBeVisible();
  await expect(page.getByText(`${name} closed the ticket.`)).toBeVisible();
  await expect(page.getByLabel('Your reply')).toHaveCount(0);

  await page.getByRole('button', { name: 'Reopen ticket' }).click();
  await expect(page.getByRole('button', { name: 'Close ticket' })).toBeVisible();
  await expect(page.getByText(`${name} reopened the ticket.`)).toBeVisible();
});

test('another customer gets "not found" for that ticket', async ({ page }) => {
  await signUpCustomer(page, 'Nosy Neighbour', uniqueEmail('nosy'));
  await gotoReady(page, '/tickets/000001');
  await expect(page.getByRole('heading', { name: 'Ticket not found' })).toBeVisible();
});
