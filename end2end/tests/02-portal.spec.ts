import { expect, test } from '@playwright/test';
import { gotoReady, signIn, signOut, uniqueEmail } from './helpers';

// Customers: signing up, out and in again, and the errors the forms show.
test.describe.configure({ mode: 'serial' });

const customer = {
  name: 'Casey Customer',
  email: uniqueEmail('casey'),
  password: 'a long enough password',
};

test('signed-out visitors see the portal welcome', async ({ page }) => {
  await gotoReady(page, '/');
  await expect(page.getByRole('heading', { name: 'How can we help?' })).toBeVisible();
  const main = page.getByRole('main');
  await expect(main.getByRole('link', { name: 'Sign in' })).toBeVisible();
  await expect(main.getByRole('link', { name: 'Create an account' })).toBeVisible();
});

test('a customer signs up, signs out, signs in again and signs out', async ({ page }) => {
  await gotoReady(page, '/sign-up');
  await expect(page.getByRole('heading', { name: 'Create your account' })).toBeVisible();
  await expect(page.getByText(/10 characters/)).toBeVisible();
  await page.getByLabel('Name', { exact: true }).fill(customer.name);
  await page.getByLabel('Email', { exact: true }).fill(customer.email);
  await page.getByLabel('Password', { exact: true }).fill(customer.password);
  await page.getByRole('button', { name: 'Create account' }).click();

  await expect(page.getByRole('heading', { name: `Welcome, ${customer.name}` })).toBeVisible();
  await expect(page).toHaveURL(/\/$/);
  await expect(page.getByText(customer.email, { exact: true })).toBeVisible();
  await signOut(page);

  await signIn(page, customer.email, customer.password, `Welcome, ${customer.name}`);
  await expect(page).toHaveURL(/\/$/);
  await signOut(page);
});

test('sign-up shows field errors for a short password and a taken email', async ({ page }) => {
  await gotoReady(page, '/sign-up');
  await page.getByLabel('Name', { exact: true }).fill('Shorty');
  await page.getByLabel('Email', { exact: true }).fill(uniqueEmail('shorty'));
  await page.getByLabel('Password', { exact: true }).fill('short');
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect(page.getByText('Use at least 10 characters.')).toBeVisible();
  await expect(page.getByLabel('Password', { exact: true })).toHaveAttribute('aria-invalid', 'true');
  await expect(page.getByRole('heading', { name: 'Create your account' })).toBeVisible();

  await page.getByLabel('Email', { exact: true }).fill(customer.email);
  await page.getByLabel('Password', { exact: true }).fill('another long password');
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect(page.getByText('An account with this email already exists.')).toBeVisible();
  await expect(page.getByLabel('Email', { exact: true })).toHaveAttribute('aria-invalid', 'true');
  await expect(page.getByText('Use at least 10 characters.')).toHaveCount(0);
  await expect(page.getByRole('heading', { name: 'Create your account' })).toBeVisible();
});

test('a wrong password is refused with an alert', async ({ page }) => {
  await gotoReady(page, '/sign-in');
  await page.getByLabel('Email', { exact: true }).fill(customer.email);
  await page.getByLabel('Password', { exact: true }).fill('not the password at all');
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await expect(page.getByRole('alert')).toHaveText('The email or password is incorrect.');
  await expect(page.getByRole('heading', { name: 'Sign in', level: 1 })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Sign out' })).toHaveCount(0);
});
