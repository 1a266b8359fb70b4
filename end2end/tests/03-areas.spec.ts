import { expect, test } from '@playwright/test';
import { ADMIN, gotoReady, signIn, signOut, uniqueEmail } from './helpers';

// Who may enter the agent and admin areas, and the admin adding an agent.
test.describe.configure({ mode: 'serial' });

test('a customer is refused the agent and admin areas', async ({ page }) => {
  const customer = { name: 'Nosy Customer', email: uniqueEmail('nosy'), password: 'a long enough password' };
  await gotoReady(page, '/sign-up');
  await page.getByLabel('Name', { exact: true }).fill(customer.name);
  await page.getByLabel('Email', { exact: true }).fill(customer.email);
  await page.getByLabel('Password', { exact: true }).fill(customer.password);
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect(page.getByRole('heading', { name: `Welcome, ${customer.name}` })).toBeVisible();

  const areas = page.getByRole('navigation', { name: 'Areas' });
  await expect(areas.getByRole('link', { name: 'Agent dashboard' })).toHaveCount(0);
  await expect(areas.getByRole('link', { name: 'Admin settings' })).toHaveCount(0);

  for (const path of ['/agent', '/admin', '/admin/users']) {
    await gotoReady(page, path);
    await expect(page.getByRole('heading', { name: 'Not allowed' })).toBeVisible();
    await expect(page.getByRole('heading', { name: 'Queue' })).toHaveCount(0);
    await expect(page.getByRole('heading', { name: 'Administration' })).toHaveCount(0);
    await expect(page.getByRole('heading', { name: 'Users' })).toHaveCount(0);
  }
  await signOut(page);
});

test('an anonymous visitor is asked to sign in', async ({ page }) => {
  for (const path of ['/agent', '/admin', '/admin/audit']) {
    await gotoReady(page, path);
    await expect(page.getByRole('heading', { name: 'Sign in required' })).toBeVisible();
    await expect(page.getByRole('heading', { name: 'Audit log' })).toHaveCount(0);
  }
});

const agent = { name: 'Avery Agent', email: uniqueEmail('avery'), password: 'agent password here' };

test('the admin adds an agent and verifies the audit chain', async ({ page }) => {
  await signIn(page, ADMIN.email, ADMIN.password, 'Queue');
  await page.getByRole('link', { name: 'Admin settings' }).click();
  await expect(page.getByRole('heading', { name: 'Administration', level: 1 })).toBeVisible();

  await gotoReady(page, '/admin/users');
  await expect(page.getByRole('heading', { name: 'Users', level: 1 })).toBeVisible();
  const addStaff = page.getByRole('region', { name: 'Add a staff member' });
  await addStaff.getByLabel('Name', { exact: true }).fill(agent.name);
  await addStaff.getByLabel('Email', { exact: true }).fill(agent.email);
  await addStaff.getByLabel('Role').selectOption({ label: 'Agent' });
  await addStaff.getByLabel('Initial password').fill(agent.password);
  await addStaff.getByRole('button', { name: 'Add staff member' }).click();
  await expect(page.getByRole('status')).toHaveText(`Added ${agent.email} as Agent.`);

  const row = page.getByRole('row').filter({ has: page.getByRole('cell', { name: agent.email, exact: true }) });
  await expect(row).toHaveCount(1);
  await expect(row.getByRole('cell', { name: 'Agent', exact: true })).toBeVisible();
  await expect(row.getByRole('cell', { name: 'Active', exact: true })).toBeVisible();

  await gotoReady(page, '/admin/audit');
  await expect(page.getByRole('heading', { name: 'Audit log', level: 1 })).toBeVisible();
  await page.getByRole('button', { name: 'Verify chain' }).click();
  await expect(page.getByRole('status')).toHaveText(/^The audit chain is intact/);
  await signOut(page);
});

test('the new agent signs in and lands on the queue', async ({ page }) => {
  await signIn(page, agent.email, agent.password, 'Queue');
  await expect(page).toHaveURL(/\/agent$/);
  const areas = page.getByRole('navigation', { name: 'Areas' });
  await expect(areas.getByRole('link', { name: 'Agent dashboard' })).toBeVisible();
  await expect(areas.getByRole('link', { name: 'Admin settings' })).toHaveCount(0);
  await expect(page.getByRole('banner').getByText(agent.name, { exact: true })).toBeVisible();

  await gotoReady(page, '/admin');
  await expect(page.getByRole('heading', { name: 'Not allowed' })).toBeVisible();
  await signOut(page);
});
