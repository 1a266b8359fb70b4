import { expect, test } from '@playwright/test';
import { ADMIN, deliverToMaildir, gotoReady, mailTo, signIn } from './helpers';

// A help desk on email alone: the admin points Docket at an IMAP mailbox (a real Dovecot that
// scripts/e2e.sh runs), a customer's mail already waiting there becomes a ticket in the queue,
// the customer gets the auto-response by SMTP, and the Email page shows the fetch.
test('an admin configures a mailbox and a fetched email appears as a ticket in the queue', async ({ page }) => {
  const run = Date.now();
  const customer = `mail-${run}@example.org`;
  const subject = `Scanner offline ${run}`;
  deliverToMaildir(
    'support@example.test',
    [
      `From: Mia Mailer <${customer}>`,
      'To: support@example.test',
      `Subject: ${subject}`,
      `Message-ID: <scanner-${run}@example.org>`,
      'Date: Mon, 2 Mar 2026 09:00:00 +0000',
      'MIME-Version: 1.0',
      'Content-Type: text/plain; charset=utf-8',
      '',
      'The scanner on floor 2 shows error E42.',
      '',
    ].join('\n'),
  );

  await signIn(page, ADMIN.email, ADMIN.password, 'Queue');
  await gotoReady(page, '/admin/settings/mailboxes');
  await page.getByRole('button', { name: 'New mailbox', exact: true }).click();
  const editor = page.getByRole('region', { name: /^(New|Edit) mailbox/ });
  await editor.getByLabel('Name', { exact: true }).fill('Support inbox');
  await editor.getByLabel('Email address', { exact: true }).fill('support@example.test');
  await editor.getByLabel('IMAP host', { exact: true }).fill('127.0.0.1');
  await editor.getByLabel('Port', { exact: true }).fill(process.env.DOCKET_E2E_IMAP_PORT!);
  await editor.getByLabel('Security', { exact: true }).selectOption({ label: 'None (loopback only)' });
  await editor.getByLabel('User name', { exact: true }).fill('support@example.test');
  await editor.getByLabel('Or password', { exact: true }).fill('mailpass');
  await editor.getByLabel('Department for new tickets', { exact: true }).selectOption({ label: 'Support' });
  await editor.getByRole('button', { name: 'Save mailbox', exact: true }).click();
  await expect(editor.getByRole('status').filter({ hasText: 'Saved.' })).toBeVisible();

  // The Email page shows the mailbox's first fetch (within a second or two of saving).
  await gotoReady(page, '/admin/email');
  const row = page.getByRole('row').filter({ hasText: 'Support inbox' });
  await expect(async () => {
    await page.getByRole('button', { name: 'Refresh' }).click();
    await expect(row.getByRole('cell').nth(3)).toHaveText('1', { timeout: 1_000 });
  }).toPass({ timeout: 15_000 });
  await expect(row).not.toContainText('never');

  // The ticket is in the queue, from the customer, and the customer got the auto-response.
  await gotoReady(page, '/agent');
  const ticket = page.getByRole('row').filter({ hasText: subject });
  await expect(ticket).toBeVisible();
  const auto = await mailTo(customer, new RegExp(`We received your request: ${subject}`));
  expect(auto.subject).toMatch(/\[#\d{6}\]$/);
  expect(auto.text).toContain('-- reply above this line --');

  // The outbox lists it as sent.
  await gotoReady(page, '/admin/email');
  await page.getByRole('button', { name: 'Sent', exact: true }).click();
  await expect(page.getByRole('row').filter({ hasText: customer }).first()).toContainText('sent');
});
