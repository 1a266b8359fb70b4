import { expect, test } from '@playwright/test';
import { gotoReady, signIn, signUpCustomer, uniqueEmail } from './helpers';

// One person, two browsers: the account page lists both sessions and signs the other one out.
test('a customer sees where they are signed in and signs out the other browser', async ({ page, browser }) => {
  const email = uniqueEmail('sessions');
  await signUpCustomer(page, 'Sid Sessions', email);
  const phone = await (await browser.newContext({ userAgent: 'PhoneBrowser/1.0 (test)' })).newPage();
  await signIn(phone, email, 'correct horse battery', /Welcome, Sid Sessions/);

  await page.getByRole('link', { name: 'Sid Sessions' }).click();
  await expect(page.getByRole('heading', { name: 'Your account', level: 1 })).toBeVisible();
  const table = page.getByRole('table', { name: 'Sessions' });
  await expect(table.getByRole('row')).toHaveCount(3);
  const here = table.getByRole('row').filter({ hasText: 'This browser' });
  await expect(here).toHaveCount(1);
  const other = table.getByRole('row').filter({ hasText: 'PhoneBrowser/1.0' });
  await expect(other).toHaveCount(1);

  await other.getByRole('button', { name: 'Sign out' }).click();
  await expect(table.getByRole('row')).toHaveCount(2);
  await expect(table.getByRole('row').filter({ hasText: 'PhoneBrowser/1.0' })).toHaveCount(0);

  // The phone is signed out at its next page; this browser is not.
  await gotoReady(phone, '/tickets');
  await expect(phone.getByRole('link', { name: 'Sign in' })).toBeVisible();
  await gotoReady(page, '/account');
  await expect(page.getByRole('table', { name: 'Sessions' }).getByRole('row')).toHaveCount(2);

  // Signing out this browser's own session leaves for the sign-in page.
  await page.getByRole('table', { name: 'Sessions' }).getByRole('button', { name: 'Sign out' }).click();
  await expect(page.getByRole('heading', { name: 'Sign in', level: 1 })).toBeVisible();
});
