import { expect, test } from '@playwright/test';
import { gotoReady, mailTo, signUpCustomer, uniqueEmail } from './helpers';

// A customer follows a ticket without signing in: email + number give a private link.
test('a guest opens a ticket by link, replies and revokes the link', async ({ page, browser }) => {
  const email = uniqueEmail('guest');
  await signUpCustomer(page, 'Gail Guest', email);
  await gotoReady(page, '/tickets/new');
  await page.getByLabel('Help topic').selectOption({ label: 'General Inquiry' });
  await page.getByLabel('Subject').fill('Where is my invoice?');
  await page.getByLabel('Message').fill('I did not receive the invoice for March.');
  await page.getByRole('button', { name: 'Open ticket' }).click();
  const banner = page.getByRole('status').filter({ hasText: /Ticket #\d{6} is open/ });
  await expect(banner).toBeVisible();
  const number = (await banner.textContent())!.match(/#(\d{6})/)![1];

  // Someone without a session, on another browser.
  const guest = await (await browser.newContext()).newPage();
  await gotoReady(guest, '/');
  await guest.getByRole('link', { name: "Check a ticket's status" }).click();
  await expect(guest.getByRole('heading', { name: "Check a ticket's status" })).toBeVisible();
  await guest.getByLabel('Email', { exact: true }).fill(email);
  await guest.getByLabel('Ticket number').fill(number);
  await guest.getByRole('button', { name: 'Send me a link' }).click();
  await expect(guest.getByText('a link to it is on its way')).toBeVisible();

  // The link arrives by email, to the requester only.
  const mail = await mailTo(email, new RegExp(`Your link to ticket #${number}`));
  const link = mail.text.match(/https?:\/\/\S+\/guest\/[0-9a-f]{64}/)?.[0] ?? '';
  expect(link).not.toBe('');
  await gotoReady(guest, new URL(link).pathname);
  await expect(guest.getByRole('heading', { name: 'Where is my invoice?' })).toBeVisible();
  await guest.getByLabel('Your reply').fill('Any news?');
  await guest.getByRole('button', { name: 'Send reply' }).click();
  await expect(guest.getByText('Any news?')).toBeVisible();

  await guest.getByRole('button', { name: 'Revoke this link' }).click();
  await expect(guest.getByRole('heading', { name: 'Link revoked' })).toBeVisible();
  await gotoReady(guest, new URL(link).pathname);
  await expect(guest.getByRole('heading', { name: 'This link does not work' })).toBeVisible();
});
