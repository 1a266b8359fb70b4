import { createHmac } from 'node:crypto';
import { expect, test, type Page } from '@playwright/test';
import { gotoReady, signOut, signUpCustomer, uniqueEmail } from './helpers';

// Two-factor sign-in, as a person with an authenticator app: set it up on the account page
// from the QR code's key, keep the recovery codes, then sign in with a code and with a
// recovery code. The test is the app: it computes codes from the key (RFC 6238).

function base32Decode(text: string): Buffer {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = 0;
  let value = 0;
  const bytes: number[] = [];
  for (const c of text.replace(/[\s=]/g, '').toUpperCase()) {
    value = ((value << 5) | alphabet.indexOf(c)) & 0xffff;
    bits += 5;
    if (bits >= 8) {
      bytes.push((value >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return Buffer.from(bytes);
}

/** The code an authenticator app shows for `secret`, `stepsAhead` half-minutes from now. */
function totp(secret: string, stepsAhead = 0): string {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(Date.now() / 30_000) + stepsAhead));
  const mac = createHmac('sha1', base32Decode(secret)).update(counter).digest();
  const offset = mac[19] & 0x0f;
  const binary =
    ((mac[offset] & 0x7f) << 24) | (mac[offset + 1] << 16) | (mac[offset + 2] << 8) | mac[offset + 3];
  return String(binary % 1_000_000).padStart(6, '0');
}

async function passwordStep(page: Page, email: string): Promise<void> {
  await gotoReady(page, '/sign-in');
  await page.getByLabel('Email', { exact: true }).fill(email);
  await page.getByLabel('Password', { exact: true }).fill('correct horse battery');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByLabel('Authentication code')).toBeVisible();
}

test('a customer turns on two-factor sign-in and signs in with a code and a recovery code', async ({ page }) => {
  const email = uniqueEmail('twofactor');
  await signUpCustomer(page, 'Tess Twofactor', email);
  await gotoReady(page, '/account');
  const card = page.getByRole('region', { name: 'Two-factor sign-in' });
  await card.getByRole('button', { name: 'Set up two-factor sign-in' }).click();

  const qr = card.getByRole('img', { name: 'QR code for your authenticator app' });
  await expect(qr).toBeVisible();
  expect(await qr.getAttribute('src')).toMatch(/^data:image\/svg\+xml;base64,/);
  await card.getByText("Can't scan it?").click();
  const secret = (await card.locator('.two-factor-qr__secret').innerText()).trim();
  expect(secret).toMatch(/^[A-Z2-7]{32}$/);

  // A wrong code is refused with a message; the app's code turns it on.
  const wrong = String((Number(totp(secret)) + 1) % 1_000_000).padStart(6, '0');
  await card.getByLabel('Code from the app').fill(wrong);
  await card.getByRole('button', { name: 'Turn on' }).click();
  await expect(card.getByText('That code is not right', { exact: false })).toBeVisible();
  await card.getByLabel('Code from the app').fill(totp(secret));
  await card.getByRole('button', { name: 'Turn on' }).click();
  const codes = card.getByRole('list', { name: 'Recovery codes' }).getByRole('listitem');
  await expect(codes).toHaveCount(10);
  const recovery = (await codes.first().innerText()).trim();
  expect(recovery).toMatch(/^[a-z2-7]{4}(-[a-z2-7]{4}){3}$/);
  await expect(card.getByText('10 recovery codes left', { exact: false })).toBeVisible();

  // The password alone asks for the code. A wrong one is refused (and counted as a failed
  // sign-in); the app's code signs in: the next one, as the one used to turn it on is used up.
  await gotoReady(page, '/');
  await signOut(page);
  await passwordStep(page, email);
  await page.getByLabel('Authentication code').fill(wrong);
  await page.getByRole('button', { name: 'Verify' }).click();
  await expect(page.getByText('That code is not right', { exact: false })).toBeVisible();
  await page.getByLabel('Authentication code').fill(totp(secret, 1));
  await page.getByRole('button', { name: 'Verify' }).click();
  await expect(page.getByRole('heading', { name: 'Welcome, Tess Twofactor' })).toBeVisible();

  // Without the phone: a recovery code, once.
  await signOut(page);
  await passwordStep(page, email);
  await page.getByLabel('Authentication code').fill(recovery);
  await page.getByRole('button', { name: 'Verify' }).click();
  await expect(page.getByRole('heading', { name: 'Welcome, Tess Twofactor' })).toBeVisible();
  await gotoReady(page, '/account');
  await expect(
    page.getByRole('region', { name: 'Two-factor sign-in' }).getByText('9 recovery codes left', { exact: false }),
  ).toBeVisible();
});
