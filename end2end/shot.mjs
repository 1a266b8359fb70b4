import { chromium } from '@playwright/test';
const base = 'http://127.0.0.1:3100';
const link = process.argv[2];
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium' });
const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
const ready = async (p) => { await page.goto(base + p); await page.waitForFunction(() => document.body.dataset.hydrated === 'true'); };
await page.goto(link); await page.waitForFunction(() => document.body.dataset.hydrated === 'true');
await page.getByLabel('Name', { exact: true }).fill('Ada Admin');
await page.getByLabel('Email', { exact: true }).fill('admin@docket.test');
await page.getByLabel('Password', { exact: true }).fill('correct horse battery');
await page.getByRole('button', { name: 'Create administrator' }).click();
await page.getByRole('heading', { name: 'Administration', level: 1 }).waitFor();
await page.screenshot({ path: '/tmp/shots/overview.png', fullPage: true });
for (const s of ['general', 'filters', 'forms', 'sla-plans', 'departments']) {
  await ready('/admin/settings/' + s);
  await page.waitForTimeout(500);
  if (s !== 'general') {
    const edit = page.getByRole('button', { name: /^Edit / }).first();
    if (await edit.count()) { await edit.click(); await page.waitForTimeout(700); }
    else { await page.getByRole('button', { name: /^New / }).click(); await page.waitForTimeout(500); }
  }
  await page.screenshot({ path: `/tmp/shots/${s}.png`, fullPage: true });
}
await browser.close();
