import { expect, type Page } from '@playwright/test';

/** The first administrator, created by 01-setup and signed in again by later files. */
export const ADMIN = {
  name: 'Ada Admin',
  email: 'admin@docket.test',
  password: 'correct horse battery',
};

/** A unique email for this run, so tests never collide with accounts made earlier. */
export function uniqueEmail(prefix: string): string {
  return `${prefix}-${Date.now()}-${Math.floor(Math.random() * 1e6)}@docket.test`;
}

/** Opens `path` and waits until the WebAssembly has hydrated the page, so forms are live. */
export async function gotoReady(page: Page, path: string): Promise<void> {
  await page.goto(path);
  await page.waitForFunction(() => document.body.dataset.hydrated === 'true');
}

/** Signs in through the form and waits for the landing page's heading. */
export async function signIn(
  page: Page,
  email: string,
  password: string,
  landingHeading: string | RegExp,
): Promise<void> {
  await gotoReady(page, '/sign-in');
  await expect(page.getByRole('heading', { name: 'Sign in', level: 1 })).toBeVisible();
  await page.getByLabel('Email', { exact: true }).fill(email);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('heading', { name: landingHeading, level: 1 })).toBeVisible();
}

/** Signs out with the top bar's button and waits for the signed-out portal home. */
export async function signOut(page: Page): Promise<void> {
  await page.waitForFunction(() => document.body.dataset.hydrated === 'true');
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page.getByRole('heading', { name: 'How can we help?' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Sign out' })).toHaveCount(0);
}

/** Creates a customer account through the sign-up form and waits for their portal home. */
export async function signUpCustomer(page: Page, name: string, email: string): Promise<void> {
  await gotoReady(page, '/sign-up');
  await page.getByLabel('Name', { exact: true }).fill(name);
  await page.getByLabel('Email', { exact: true }).fill(email);
  await page.getByLabel('Password', { exact: true }).fill('correct horse battery');
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect(page.getByRole('heading', { name: `Welcome, ${name}` })).toBeVisible();
}
