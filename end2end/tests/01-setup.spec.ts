import { expect, test } from '@playwright/test';
import { ADMIN, gotoReady, signIn, uniqueEmail } from './helpers';

// First run: the one-time link printed by the server creates the first administrator.
test.describe.configure({ mode: 'serial' });

const setupLink = process.env.DOCKET_SETUP_LINK;

test.beforeAll(() => {
  expect(setupLink, 'DOCKET_SETUP_LINK must be set (run scripts/e2e.sh)').toBeTruthy();
});

test('the setup link creates the administrator and opens the admin area', async ({ page }) => {
  await gotoReady(page, setupLink!);
  await expect(page.getByRole('heading', { name: 'Set up Docket' })).toBeVisible();

  await page.getByLabel('Name', { exact: true }).fill(ADMIN.name);
  await page.getByLabel('Email', { exact: true }).fill(ADMIN.email);
  await page.getByLabel('Password', { exact: true }).fill(ADMIN.password);
  await page.getByRole('button', { name: 'Create administrator' }).click();

  await expect(page.getByRole('heading', { name: 'Administration', level: 1 })).toBeVisible();
  await expect(page).toHaveURL(/\/admin$/);

  const sideNav = page.getByRole('navigation', { name: 'Admin settings' });
  await expect(sideNav.getByRole('link', { name: 'Overview' })).toBeVisible();
  await expect(sideNav.getByRole('link', { name: 'Agents and users' })).toBeVisible();
  await expect(sideNav.getByRole('link', { name: 'Ticket filters' })).toBeVisible();
  await expect(sideNav.getByRole('link', { name: 'Audit log' })).toBeVisible();

  const areas = page.getByRole('navigation', { name: 'Areas' });
  await expect(areas.getByRole('link', { name: 'Agent dashboard' })).toBeVisible();
  await expect(areas.getByRole('link', { name: 'Admin settings' })).toBeVisible();
  await expect(areas.getByRole('link', { name: 'Portal' })).toBeVisible();
  await expect(page.getByText(ADMIN.name, { exact: true })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Sign out' })).toBeVisible();
});

test('the setup link works only once', async ({ page }) => {
  const intruder = uniqueEmail('second-admin');

  await gotoReady(page, setupLink!);
  await expect(page.getByRole('heading', { name: 'Set up Docket' })).toBeVisible();
  await page.getByLabel('Name', { exact: true }).fill('Second Admin');
  await page.getByLabel('Email', { exact: true }).fill(intruder);
  await page.getByLabel('Password', { exact: true }).fill('another long password');
  await page.getByRole('button', { name: 'Create administrator' }).click();

  await expect(page.getByRole('alert')).toBeVisible();
  await expect(page.getByRole('alert')).toHaveText(/not valid any more|already complete/);
  await expect(page).toHaveURL(/\/setup\?token=/);
  await expect(page.getByRole('heading', { name: 'Set up Docket' })).toBeVisible();

  // No account was made: the administrator's list of accounts does not have it.
  await signIn(page, ADMIN.email, ADMIN.password, 'Queue');
  await gotoReady(page, '/admin/users');
  await expect(page.getByRole('heading', { name: 'Users', level: 1 })).toBeVisible();
  await expect(page.getByRole('cell', { name: ADMIN.email, exact: true })).toBeVisible();
  await expect(page.getByRole('cell', { name: intruder, exact: true })).toHaveCount(0);
  await expect(page.getByRole('row')).toHaveCount(2); // the header and the administrator
});
