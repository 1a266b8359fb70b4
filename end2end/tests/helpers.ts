import { chownSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
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

const watched = new WeakSet<Page>();

/** Records, in the page, every Content-Security-Policy violation (see `expectNoCspViolations`). */
async function watchCsp(page: Page): Promise<void> {
  if (watched.has(page)) return;
  watched.add(page);
  await page.addInitScript(() => {
    const w = window as unknown as { cspViolations: string[] };
    w.cspViolations = [];
    document.addEventListener('securitypolicyviolation', (e) =>
      w.cspViolations.push(`${e.effectiveDirective} blocked ${e.blockedURI || 'inline'}`),
    );
  });
}

/** Fails when the page broke its Content-Security-Policy (the app must work under it). */
export async function expectNoCspViolations(page: Page): Promise<void> {
  const violations = await page.evaluate(
    () => (window as unknown as { cspViolations?: string[] }).cspViolations ?? [],
  );
  expect(violations, 'Content-Security-Policy violations').toEqual([]);
}

/**
 * Opens `path` and waits until the WebAssembly has hydrated the page, so forms are live; the
 * page must not break its Content-Security-Policy on the way.
 */
export async function gotoReady(page: Page, path: string): Promise<void> {
  await watchCsp(page);
  await page.goto(path);
  await page.waitForFunction(() => document.body.dataset.hydrated === 'true');
  await expectNoCspViolations(page);
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

/** One message Docket sent, as scripts/smtp_sink.py kept it. */
export interface SentMail {
  from: string;
  to: string[];
  subject: string;
  text: string;
  raw: string;
}

/** Every message Docket has sent so far (scripts/e2e.sh runs a real SMTP server that keeps them). */
export function sentMail(): SentMail[] {
  const dir = process.env.DOCKET_E2E_MAIL_OUT!;
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((name) => name.endsWith('.json'))
    .sort()
    .map((name) => JSON.parse(readFileSync(join(dir, name), 'utf8')) as SentMail);
}

/** Waits for a message to `address` whose subject matches, and returns it. */
export async function mailTo(address: string, subject: RegExp): Promise<SentMail> {
  let found: SentMail | undefined;
  await expect
    .poll(() => {
      found = sentMail().find((m) => m.to.includes(address) && subject.test(m.subject));
      return found !== undefined;
    }, { timeout: 15_000 })
    .toBe(true);
  return found!;
}

/** Delivers a raw message into a Dovecot user's INBOX (as a delivery agent writes a Maildir). */
export function deliverToMaildir(user: string, raw: string): void {
  const root = process.env.DOCKET_E2E_MAILDIR!;
  const inbox = join(root, user);
  const owner = statSync(root);
  for (const sub of ['tmp', 'new', 'cur']) {
    mkdirSync(join(inbox, sub), { recursive: true });
    chownSync(join(inbox, sub), owner.uid, owner.gid);
  }
  chownSync(inbox, owner.uid, owner.gid);
  const name = `${Date.now()}.${process.pid}.${Math.floor(Math.random() * 1e9)}.e2e`;
  writeFileSync(join(inbox, 'tmp', name), raw.replace(/\r?\n/g, '\r\n'));
  chownSync(join(inbox, 'tmp', name), owner.uid, owner.gid);
  renameSync(join(inbox, 'tmp', name), join(inbox, 'new', name));
}
