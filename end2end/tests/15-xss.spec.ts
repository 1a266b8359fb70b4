import { expect, test, type Browser, type Locator, type Page } from '@playwright/test';
import { ADMIN, expectNoCspViolations, gotoReady, mailTo, signIn, signUpCustomer, uniqueEmail } from './helpers';

// Stored XSS (#12): payloads go into every text field the portal, the agent workspace, the admin
// settings, the osTicket API and the SIEM alert API accept, then every view that shows them is
// opened in Chromium.
// None may run (no marker, no dialog, no Content-Security-Policy violation, no live handler or
// script in the page) and each shows as the text that was typed. The CSP alone would stop most
// of them from running, so the page is also searched for markup the payloads would have left:
// escaping must hold without the CSP's help. The journey builds on itself, so it runs in order.
test.describe.configure({ mode: 'serial' });

const run = Date.now();

// Had any of these run, window.__xss would be set or a dialog would have opened.
const P = {
  script: '<script>window.__xss=(window.__xss||0)+1</script>',
  img: '<img src=x onerror="window.__xss=(window.__xss||0)+1">',
  svg: '<svg onload="window.__xss=(window.__xss||0)+1">',
  alert: '<img src=x onerror=alert(1)>',
  details: '<details open ontoggle=alert(2)>',
  iframe: '"><iframe srcdoc="<script>parent.__xss=1</script>">',
  link: '<a href="javascript:window.__xss=1">click me</a>',
  jsUrl: 'javascript:window.__xss=1',
  attr: "' onmouseover='alert(3)' x='",
  // Each closes an element a value may be rendered inside, then starts a script.
  textarea: '</textarea><script>window.__xss=1</script>',
  title: '</title><script>window.__xss=1</script>',
  scriptEnd: '</script><script>window.__xss=1</script>',
  option: '</option><script>window.__xss=1</script>',
  pre: '</pre><script>window.__xss=1</script>',
  // Template syntaxes come back as typed, never evaluated.
  template: '{{7*7}} ${7*7} <%= 7*7 %> #{7*7}',
};
// For names of at most 60 characters, with the run number in front (keys are made from names).
const short = {
  svg: '"><svg onload=alert(1)>',
  img: '<img src=x onerror=__xss=1>',
  script: '<script>__xss=1</script>',
};
// A word found only in this run's ticket, for the search (letters only, so it stays one token).
const word = `xss${String(run).replace(/\d/g, (d) => 'abcdefghij'[Number(d)])}`;

const department = { name: `Dept ${run} ${short.svg}`, key: '' };
const form = { name: `Form ${run} ${short.img}`, key: '' };
const field = {
  key: 'xss_notes',
  label: `Notes ${run} ${P.img}`,
  hint: `${P.link} ${P.template}`,
  // Long text: on the agent's Details form the value sits inside a <textarea>.
  value: `${P.textarea} ${P.alert}`,
};
const topic = { name: `Topic ${run} ${P.option}`, key: '' };
// Matches the customer's ticket below (and nothing else): its name lands in the ticket's thread.
const ticketFilter = { name: `Filter ${run} ${short.img}`, key: '', matches: `Printer ${run}` };
const organization = { name: `Org ${run} ${P.iframe}`, key: '' };
const canned = {
  name: `Canned ${run} ${P.alert}`,
  key: '',
  body: `Hello {requester.first_name}, about #{ticket.number} ({ticket.subject}): ${P.script} ${P.template} -- {agent.name}`,
};
const template = {
  name: `Template ${run} ${short.svg}`,
  key: '',
  subject: `Auto ${run} ${P.script} {ticket.subject}`,
  text: `Hello {requester.name}, ticket #{ticket.number}: ${P.pre} ${P.alert} ${P.template}`,
  html: '<p>Hello {requester.name}</p><script>parent.__xss=1</script><img src=x onerror="parent.__xss=1"><a href="javascript:parent.__xss=1">x</a>',
};
const apiKey = { name: `Key ${run} ${short.script}`, key: '', secret: '' };
const agent = { name: `Agent ${run} ${P.script}`, email: uniqueEmail('xss-agent'), password: 'agent password here' };
const customer = {
  // The first word, which {requester.first_name} fills in, is a payload of its own.
  name: `<svg/onload=window.__xss=1>Zoe Xss ${run} ${P.alert}`,
  email: uniqueEmail('xss-customer'),
  password: 'correct horse battery', // what signUpCustomer sets
  // Kept with the session (Your account) and the audit trail (the From cell's title).
  userAgent: `XssBrowser/1.0 ${P.alert}`,
};
const ticket = {
  number: '',
  subject: `Printer ${run} ${P.script} ${P.alert} ${P.title} ${P.template}`,
  message: `${word} ${P.img} ${P.svg} ${P.iframe} ${P.link} ${P.scriptEnd} ${P.details} ${P.attr} ${P.jsUrl}`,
};
const kept = `Kept ${run}`;
const api = {
  number: '',
  email: uniqueEmail('xss-api'),
  name: `Api Requester ${run} ${P.svg}`,
  subject: `Api ${run} ${P.img} ${P.template}`,
  // The one message shown as HTML (sanitised on arrival): safe formatting stays, the rest goes.
  html: [
    `<p>Printed by <strong>${kept}</strong></p>`,
    P.script,
    P.img,
    P.link,
    P.svg,
    `${P.details}d</details>`,
    P.iframe,
    '<style>body{display:none}</style>',
    '<form action="javascript:alert(6)"><button>go</button></form>',
  ].join('\n'),
  // Both end up in the "Opened through the ticket API" event; neither has an x (which would
  // split the phone number into number and extension).
  ip: '<b onmouseover=alert(5)>',
  phone: '<svg onload=alert(4)>',
  fieldValue: `${P.scriptEnd} ${P.details}`,
  userAgent: `ApiClient/1.0 ${P.alert}`,
};
// A SIEM alert: what a log line or a host name can carry ends up in the subject, the message,
// the alert panel and its observables.
const siem = {
  number: '',
  word: `siem${word.slice(3)}`,
  description: `Brute force ${run} ${P.script} ${P.template}`,
  ruleId: short.script,
  host: `host-${run}${short.svg}`,
  user: P.img,
  ip: '198.51.100.77',
  location: P.pre,
  log: '',
};
siem.log = `${siem.word} sshd: Invalid user from ${siem.ip} ${P.iframe} ${P.link} ${P.details}`;
const note = `Staff only ${run} ${P.img} ${P.attr}`;
const queueName = `Queue ${run} ${P.alert}`;
const desk = `Desk ${run} ${P.script}`;
// Put in addresses (search parameters) rather than stored.
const reflected = `${P.alert}"'>${short.script}`;
let reply = '';

/** `text` with each `{name}` replaced by its value, as Docket fills templates and canned responses. */
function filled(text: string, values: Record<string, string>): string {
  return Object.entries(values).reduce((out, [name, value]) => out.split(`{${name}}`).join(value), text);
}

/** What the email template editor's preview fills in (ui/pages/admin/settings/template_preview.rs). */
const SAMPLE = { 'ticket.number': '482913', 'ticket.subject': 'VPN drops every hour', 'requester.name': 'Alice Liddell' };

const dialogs = new WeakMap<Page, string[]>();

/** Records (and dismisses) every alert, confirm and prompt the page opens. */
function watch(page: Page): Page {
  if (!dialogs.has(page)) {
    const opened: string[] = [];
    dialogs.set(page, opened);
    page.on('dialog', (dialog) => {
      opened.push(`${dialog.type()}: ${dialog.message()}`);
      dialog.dismiss().catch(() => {});
    });
  }
  return page;
}

async function watchedPage(browser: Browser, options?: Parameters<Browser['newContext']>[0]): Promise<Page> {
  return watch(await (await browser.newContext(options)).newPage());
}

/**
 * Fails when a payload ran or became markup on the page as it is now: the marker, a dialog, a
 * CSP violation, an inline event handler, a javascript: URL, a script without the page's nonce
 * (the app's own scripts carry it; its JSON data may quote payloads, so only those that could
 * run and mention one count), a frame allowed to run scripts, or an object, embed or base.
 */
async function expectInert(page: Page): Promise<void> {
  expect(dialogs.has(page), 'watch(page) before opening it').toBe(true);
  const found = await page.evaluate(() => {
    const problems: string[] = [];
    const urls = ['href', 'src', 'action', 'formaction', 'data', 'xlink:href', 'poster', 'background'];
    const runnable = ['', 'text/javascript', 'application/javascript', 'module'];
    for (const el of Array.from(document.querySelectorAll('*'))) {
      const tag = el.tagName.toLowerCase();
      for (const attr of Array.from(el.attributes)) {
        if (/^on[a-z]+$/i.test(attr.name)) problems.push(`<${tag} ${attr.name}="${attr.value}">`);
        if (urls.includes(attr.name.toLowerCase()) && /^javascript:/i.test(attr.value.replace(/[\s\u0000-\u001f]/g, ''))) {
          problems.push(`<${tag} ${attr.name}="${attr.value}">`);
        }
      }
      if (tag === 'script') {
        const script = el as HTMLScriptElement;
        if (!script.nonce && runnable.includes(script.type.toLowerCase()) && /__xss|alert\(/.test(script.text)) {
          problems.push(`<script>${script.text}</script>`);
        }
      }
      if (tag === 'iframe' && (el.getAttribute('sandbox') ?? 'allow-scripts').includes('allow-scripts')) {
        problems.push(`<iframe> that may run scripts: ${el.outerHTML}`);
      }
      if (['object', 'embed', 'base'].includes(tag) || (tag === 'meta' && el.hasAttribute('http-equiv') && el.closest('body'))) {
        problems.push(el.outerHTML);
      }
    }
    return { marker: (window as unknown as { __xss?: unknown }).__xss, problems };
  });
  expect(found.marker, 'window.__xss: a payload ran').toBeUndefined();
  expect(dialogs.get(page), 'dialogs a payload opened').toEqual([]);
  expect(found.problems, 'payload markup live in the page').toEqual([]);
  await expectNoCspViolations(page);
}

/** Signs in staff on a page of their own, interactive once its live stream is connected (06). */
async function staffPage(browser: Browser, email: string, password: string): Promise<Page> {
  const page = await watchedPage(browser);
  await signIn(page, email, password, 'Queue');
  await expect(page.getByRole('status', { name: 'Live updates' })).toHaveText('Live');
  return page;
}

/** Opens a settings section, starts a new item and returns its editor (07). */
async function newItem(page: Page, slug: string, noun: string): Promise<Locator> {
  await gotoReady(page, `/admin/settings/${slug}`);
  await page.getByRole('button', { name: `New ${noun}`, exact: true }).click();
  await expect(page.getByRole('region', { name: `New ${noun}`, exact: true })).toBeVisible();
  // Once saved, the same editor is titled "Edit <noun> “key”".
  return page.getByRole('region', { name: new RegExp(`^(New|Edit) ${noun}`) });
}

/** Saves the item in `editor` and returns the key it was given (made from its name). */
async function save(editor: Locator, noun: string): Promise<string> {
  await editor.getByRole('button', { name: `Save ${noun}`, exact: true }).click();
  await expect(editor.getByRole('status').filter({ hasText: /Saved\. It applies from the next request\.|API key created/ })).toBeVisible();
  const heading = editor.getByRole('heading', { name: new RegExp(`^Edit ${noun} “[a-z0-9_]+”$`) });
  await expect(heading).toBeVisible();
  return (await heading.textContent())!.match(/“([a-z0-9_]+)”/)![1];
}

/** The section's list shows the item, active, under its name as text (07). */
async function expectListed(page: Page, section: string, name: string, key: string): Promise<void> {
  const list = page.getByRole('region', { name: section, exact: true });
  await expect(list.getByRole('button', { name: `Edit ${name}`, exact: true })).toBeVisible();
  const row = list.getByRole('row').filter({ hasText: name });
  await expect(row).toContainText(key);
  await expect(row).toContainText('Active');
}

/** The template filled with the sample ticket: text in the subject and body, HTML only in a frame that runs nothing. */
async function expectTemplatePreview(editor: Locator): Promise<void> {
  const preview = editor.getByRole('region', { name: 'Preview with a sample ticket' });
  await expect(preview.getByTestId('preview-subject')).toHaveText(filled(template.subject, SAMPLE));
  await expect(preview.getByTestId('preview-text')).toHaveText(filled(template.text, SAMPLE));
  const frame = preview.getByTitle('HTML version');
  await expect(frame).toHaveAttribute('sandbox', '');
  await expect(frame).toHaveAttribute('srcdoc', filled(template.html, SAMPLE));
}

test('the admin names a department, a form and its field, a help topic, an organization and a filter with payloads', async ({ page }) => {
  test.setTimeout(90_000);
  watch(page);
  await signIn(page, ADMIN.email, ADMIN.password, 'Queue');

  let editor = await newItem(page, 'departments', 'department');
  await editor.getByLabel('Name', { exact: true }).fill(department.name);
  department.key = await save(editor, 'department');
  await expectListed(page, 'Departments', department.name, department.key);
  await expectInert(page);

  editor = await newItem(page, 'forms', 'form');
  await editor.getByLabel('Name', { exact: true }).fill(form.name);
  const row = editor.getByRole('group', { name: 'Fields 1', exact: true });
  await row.getByLabel('Label', { exact: true }).fill(field.label);
  await row.getByLabel('Key', { exact: true }).fill(field.key);
  await row.getByLabel('Type', { exact: true }).selectOption({ label: 'Long text' });
  await row.getByLabel('Hint', { exact: true }).fill(field.hint);
  // The preview renders the field the way the portal will, while it is being typed.
  const preview = editor.getByRole('region', { name: 'Customer form preview' });
  await expect(preview.getByRole('textbox', { name: `${field.label} (optional)`, exact: true })).toBeVisible();
  await expect(preview.getByText(field.hint)).toBeVisible();
  await expectInert(page);
  form.key = await save(editor, 'form');
  await expectListed(page, 'Forms', form.name, form.key);
  await expectInert(page);

  editor = await newItem(page, 'help-topics', 'help topic');
  await editor.getByLabel('Name', { exact: true }).fill(topic.name);
  await editor.getByLabel('Department', { exact: true }).selectOption({ label: department.name });
  const forms = editor.getByRole('group', { name: 'Forms', exact: true });
  await forms.getByLabel(form.name, { exact: true }).check();
  topic.key = await save(editor, 'help topic');
  await expectListed(page, 'Help topics', topic.name, topic.key);
  await expectInert(page);

  editor = await newItem(page, 'organizations', 'organization');
  await editor.getByLabel('Name', { exact: true }).fill(organization.name);
  organization.key = await save(editor, 'organization');
  await expectListed(page, 'Organizations', organization.name, organization.key);
  await expectInert(page);

  editor = await newItem(page, 'filters', 'filter');
  await editor.getByLabel('Name', { exact: true }).fill(ticketFilter.name);
  const condition = editor.getByRole('group', { name: 'Conditions 1', exact: true });
  await condition.getByLabel('Compare', { exact: true }).selectOption({ label: 'Subject' });
  await condition.getByLabel('Operator', { exact: true }).selectOption({ label: 'contains' });
  await condition.getByLabel('Value', { exact: true }).fill(ticketFilter.matches);
  const tag = editor.getByRole('group', { name: 'Actions 1', exact: true });
  await tag.getByLabel('Action', { exact: true }).selectOption({ label: 'Add tags' });
  await tag.getByLabel('Target', { exact: true }).fill('xss');
  ticketFilter.key = await save(editor, 'filter');
  await expectListed(page, 'Ticket filters', ticketFilter.name, ticketFilter.key);
  const dryRun = editor.getByRole('region', { name: 'Dry run', exact: true });
  await dryRun.getByLabel('Subject', { exact: true }).fill(ticketFilter.matches);
  await dryRun.getByRole('button', { name: 'Test the sample ticket', exact: true }).click();
  await expect(dryRun.getByRole('status')).toHaveText('1 of 1 ticket(s) matched.');
  const results = dryRun.getByRole('table', { name: 'Dry run results' });
  await expect(results.getByRole('row').filter({ hasText: 'Sample ticket' })).toContainText(ticketFilter.name);
  await expectInert(page);
});

test('the admin writes a canned response and an email template with payloads around their variables', async ({ page }) => {
  test.setTimeout(60_000);
  watch(page);
  await signIn(page, ADMIN.email, ADMIN.password, 'Queue');

  let editor = await newItem(page, 'canned-responses', 'canned response');
  await editor.getByLabel('Title', { exact: true }).fill(canned.name);
  await editor.getByLabel('Department', { exact: true }).selectOption({ label: department.name });
  await editor.getByLabel('Text', { exact: true }).fill(canned.body);
  canned.key = await save(editor, 'canned response');
  await expectListed(page, 'Canned responses', canned.name, canned.key);
  await expectInert(page);

  // Only this department's auto-response: what the customer's ticket below is mailed.
  editor = await newItem(page, 'email-templates', 'email template');
  await editor.getByLabel('Name', { exact: true }).fill(template.name);
  await editor.getByLabel('Sent for', { exact: true }).selectOption({ label: 'New ticket auto-response' });
  await editor.getByLabel('Department', { exact: true }).selectOption({ label: department.name });
  await editor.getByLabel('Subject', { exact: true }).fill(template.subject);
  await editor.getByLabel('Plain text', { exact: true }).fill(template.text);
  await editor.getByLabel('HTML', { exact: true }).fill(template.html);
  await expectTemplatePreview(editor);
  await expectInert(page);
  template.key = await save(editor, 'email template');
  await expectListed(page, 'Email templates', template.name, template.key);
  await expectInert(page);
});

test('the admin makes an API key and adds an agent to the department, both named with payloads', async ({ page }) => {
  test.setTimeout(60_000);
  watch(page);
  await signIn(page, ADMIN.email, ADMIN.password, 'Queue');

  const editor = await newItem(page, 'api-keys', 'API key');
  await editor.getByLabel('Name', { exact: true }).fill(apiKey.name);
  const scopes = editor.getByRole('group', { name: 'Scopes', exact: true });
  for (const scope of ['Create tickets (osTicket API)', 'Send SIEM alerts']) {
    await scopes.getByLabel(scope, { exact: true }).check();
  }
  await editor.getByLabel('Allowed addresses', { exact: true }).fill('127.0.0.1');
  apiKey.key = await save(editor, 'API key');
  const secret = editor.getByLabel('New API key', { exact: true });
  await expect(secret).toHaveText(/^dk_/);
  apiKey.secret = (await secret.textContent())!.trim();
  await expectListed(page, 'API keys', apiKey.name, apiKey.key);
  await expectInert(page);

  await gotoReady(page, '/admin/users');
  const addStaff = page.getByRole('region', { name: 'Add a staff member' });
  await addStaff.getByLabel('Name', { exact: true }).fill(agent.name);
  await addStaff.getByLabel('Email', { exact: true }).fill(agent.email);
  await addStaff.getByLabel('Role').selectOption({ label: 'Agent' });
  await addStaff.getByLabel('Initial password').fill(agent.password);
  await addStaff.getByRole('button', { name: 'Add staff member' }).click();
  await expect(page.getByText(`Added ${agent.email} as Agent.`)).toBeVisible();
  // Many accounts exist by now: narrow the list to this one.
  await page.getByLabel('Search accounts').fill(agent.email);
  const row = page.getByRole('row').filter({ has: page.getByRole('cell', { name: agent.email, exact: true }) });
  await expect(row.getByRole('cell', { name: agent.name, exact: true })).toBeVisible();
  await row.getByText('No departments').click();
  await row.getByLabel(`Role in ${department.name}`, { exact: true }).selectOption({ label: 'All access' });
  await row.getByRole('button', { name: 'Save departments' }).click();
  await expect(row.getByText(`${department.name} (All access)`, { exact: true })).toBeVisible();
  await expectInert(page);
});

test('a customer named with a payload opens a ticket with payloads in the subject, the message and a custom field', async ({ browser }) => {
  test.setTimeout(90_000);
  const page = await watchedPage(browser, { userAgent: customer.userAgent });
  await signUpCustomer(page, customer.name, customer.email);
  await expect(page.getByRole('banner').getByRole('link', { name: customer.name, exact: true })).toBeVisible();
  await expectInert(page);

  await gotoReady(page, '/tickets/new');
  await page.getByLabel('Help topic').selectOption({ label: topic.name });
  const notes = page.getByLabel(field.label);
  await expect(notes).toBeVisible();
  await expect(page.getByText(field.hint)).toBeVisible();
  await expectInert(page);
  await page.getByLabel('Subject').fill(ticket.subject);
  await page.getByLabel('Message').fill(ticket.message);
  await notes.fill(field.value);
  await page.getByRole('button', { name: 'Open ticket' }).click();

  await expect(page.getByRole('heading', { name: ticket.subject, level: 1 })).toBeVisible();
  const banner = page.getByRole('status').filter({ hasText: /Ticket #\S+ is open/ });
  await expect(banner).toBeVisible();
  ticket.number = (await banner.textContent())!.match(/#(\S+) is open/)![1];
  const details = page.getByRole('region', { name: 'Details', exact: true });
  for (const text of [department.name, topic.name, field.label, field.value]) await expect(details).toContainText(text);
  await expect(page.getByText(ticket.message)).toBeVisible();
  await expectInert(page);

  for (const path of ['/tickets', '/']) {
    await gotoReady(page, path);
    await expect(page.getByRole('row').filter({ hasText: ticket.subject })).toContainText(department.name);
    await expectInert(page);
  }

  await gotoReady(page, '/account');
  const sessions = page.getByRole('table', { name: 'Sessions' });
  await expect(sessions.getByTitle(customer.userAgent, { exact: true })).toContainText(customer.userAgent);
  await expectInert(page);

  // A ticket number that is a payload (no slash in it, so it stays one path segment).
  await gotoReady(page, `/tickets/${encodeURIComponent(P.alert)}`);
  await expect(page.getByRole('heading', { name: 'Ticket not found' })).toBeVisible();
  await expectInert(page);
  await page.context().close();
});

test('an integration opens a ticket through the osTicket API with an HTML message and payloads in every value', async ({ request }) => {
  const response = await request.post('/api/tickets.json', {
    headers: { 'X-API-Key': apiKey.secret, 'User-Agent': api.userAgent },
    data: {
      email: api.email,
      name: api.name,
      subject: api.subject,
      message: `data:text/html,${api.html}`,
      topicId: topic.key,
      ip: api.ip,
      phone: api.phone,
      [field.key]: api.fieldValue,
    },
  });
  const body = (await response.text()).trim();
  expect(response.status(), body).toBe(201);
  api.number = body;
});

test('a SIEM alert with payloads in its rule, host, user and log shows them as text on its ticket and in the queue', async ({ request, browser }) => {
  const sent = await request.post('/api/v1/alerts/wazuh', {
    headers: { 'X-API-Key': apiKey.secret },
    data: {
      timestamp: new Date().toISOString(),
      rule: { level: 10, description: siem.description, id: siem.ruleId },
      agent: { id: '042', name: siem.host },
      full_log: siem.log,
      data: { srcip: siem.ip, srcuser: siem.user },
      location: siem.location,
    },
  });
  expect(sent.status(), await sent.text()).toBe(201);
  siem.number = (await sent.json()).ticket as string;

  const page = await staffPage(browser, ADMIN.email, ADMIN.password);
  const subject = `${siem.description} (${siem.host})`;
  await gotoReady(page, `/agent?q=${siem.word}`);
  await expect(page.getByRole('row').filter({ hasText: subject })).toContainText(`#${siem.number}`);
  await expectInert(page);

  await gotoReady(page, `/agent/tickets/${siem.number}`);
  await expect(page.getByRole('heading', { name: subject, level: 1 })).toBeVisible();
  const panel = page.getByRole('region', { name: 'Alert', exact: true });
  await expect(panel).toContainText(siem.ruleId);
  await expect(panel).toContainText(`wazuh:${siem.ruleId}:${siem.host}:${siem.ip}`);
  for (const observable of [siem.host, siem.user, siem.ip]) {
    await expect(panel.getByRole('listitem').filter({ hasText: observable }).first()).toBeVisible();
  }
  const thread = page.getByRole('region', { name: 'Thread' });
  await expect(thread).toContainText(`Wazuh rule ${siem.ruleId} (level 10) on agent ${siem.host}.`);
  await expect(thread).toContainText(siem.log);
  await expect(thread).toContainText(`Location: ${siem.location}`);
  await expectInert(page);
  await page.context().close();
});

test('the agent works both tickets: queue, search, a saved queue, the canned reply, a note, History and presence', async ({ browser }) => {
  test.setTimeout(180_000);
  const page = await staffPage(browser, agent.email, agent.password);
  await expect(page.getByRole('banner').getByText(agent.name, { exact: true })).toBeVisible();
  const row = page.getByRole('row').filter({ hasText: ticket.subject });
  await expect(row).toContainText(customer.name);
  await expect(row).toContainText(department.name);
  await expect(page.getByRole('row').filter({ hasText: api.subject })).toContainText(api.name);
  await expectInert(page);

  // The search shows the message around the match, which is all payloads.
  await page.getByLabel('Search tickets').fill(word);
  await page.getByRole('button', { name: 'Search' }).click();
  await expect(page.getByRole('heading', { name: `Search: ${word}`, level: 2 })).toBeVisible();
  const hit = page.getByRole('row').filter({ hasText: ticket.subject });
  await expect(hit.locator('mark').first()).toBeVisible();
  await expectInert(page);
  await page.getByRole('button', { name: 'Clear search' }).click();
  await expect(page.getByRole('heading', { name: 'Open', level: 2 })).toBeVisible();

  await page.getByText('Filters, sort and saved queues').click();
  await page.getByRole('combobox', { name: 'Department', exact: true }).selectOption({ label: department.name });
  await page.getByLabel('Save as a queue named').fill(queueName);
  await page.getByRole('button', { name: 'Save queue' }).click();
  const queues = page.getByRole('navigation', { name: 'Queues' });
  await expect(queues.getByRole('link', { name: queueName })).toHaveAttribute('aria-current', 'page');
  await expect(page.getByRole('heading', { name: queueName, level: 2 })).toBeVisible();
  await expect(page.getByRole('row').filter({ hasText: ticket.subject })).toBeVisible();
  await expectInert(page);

  await gotoReady(page, `/agent/tickets/${ticket.number}`);
  await expect(page.getByRole('heading', { name: ticket.subject, level: 1 })).toBeVisible();
  // The subject also goes into <title>, which a "</title>" in it must not close.
  await expect(page).toHaveTitle(`#${ticket.number} ${ticket.subject} · Docket`);
  await expect(page.getByText(`From ${customer.name} <${customer.email}>`)).toBeVisible();
  await expect(page.getByText(`Ticket #${ticket.number} · ${department.name}`)).toBeVisible();
  const facts = page.getByLabel('Custom fields', { exact: true });
  await expect(facts).toContainText(field.label);
  await expect(facts).toContainText(field.value);
  const thread = page.getByRole('region', { name: 'Thread' });
  await expect(thread.getByRole('listitem', { name: 'Customer' })).toContainText(ticket.message);
  await expect(thread.getByRole('listitem', { name: 'Staff event' }).filter({ hasText: `Filters matched: ${ticketFilter.name}.` })).toBeVisible();
  // A value with "</textarea>" in it stays the value of its <textarea>.
  const details = page.getByRole('form', { name: 'Details' });
  await expect(details.getByRole('textbox', { name: field.label })).toHaveValue(field.value);
  await expectInert(page);

  // The canned response fills its variables with the subject and names: payloads in payloads.
  reply = filled(canned.body, {
    'ticket.number': ticket.number,
    'ticket.subject': ticket.subject,
    'requester.name': customer.name,
    'requester.first_name': customer.name.split(/\s+/)[0],
    'agent.name': agent.name,
  });
  await page.getByLabel('Canned response').selectOption({ label: canned.name });
  await expect(page.getByLabel('Message to the customer')).toHaveValue(reply);
  await page.getByRole('button', { name: 'Send reply' }).click();
  await expect(thread.getByRole('listitem', { name: 'Reply' }).filter({ hasText: reply })).toContainText(agent.name);
  await expectInert(page);

  await page.getByLabel('Internal note', { exact: true }).check();
  await page.getByLabel('Note (staff only)').fill(note);
  await page.getByRole('button', { name: 'Add note' }).click();
  await expect(thread.getByRole('listitem', { name: 'Internal note' }).filter({ hasText: note })).toBeVisible();
  await expectInert(page);

  await page.getByRole('tab', { name: 'History' }).click();
  const history = page.getByRole('region', { name: 'History' });
  await expect(history).toContainText(`${agent.name} viewed the ticket in the agent workspace`);
  await expect(history).toContainText(`${agent.name} replied (`);
  await expect(history).toContainText(`${agent.name} added an internal note (`);
  await expectInert(page);
  await page.getByRole('tab', { name: 'Thread' }).click();
  await expect(thread).toBeVisible();

  // A colleague on the same ticket sees the agent's name through the live presence stream.
  const admin = await staffPage(browser, ADMIN.email, ADMIN.password);
  await gotoReady(admin, `/agent/tickets/${ticket.number}`);
  await expect(admin.getByRole('status', { name: 'Also on this ticket' })).toContainText(agent.name);
  await expect(admin.getByRole('region', { name: 'Thread' }).getByRole('listitem', { name: 'Internal note' })).toContainText(note);
  await expectInert(admin);
  await admin.context().close();

  await gotoReady(page, `/agent/tickets/${api.number}`);
  await expect(page.getByRole('heading', { name: api.subject, level: 1 })).toBeVisible();
  await expect(page.getByText(`From ${api.name} <${api.email}>`)).toBeVisible();
  await expect(page.getByLabel('Custom fields', { exact: true })).toContainText(api.fieldValue);
  const opened = thread.getByRole('listitem', { name: 'Staff event' }).filter({ hasText: 'Opened through the ticket API' });
  await expect(opened).toContainText(`with the key “${apiKey.name}” for ${api.ip}.`);
  await expect(opened).toContainText(`Phone: ${api.phone}.`);
  // The only HTML shown as HTML: kept formatting, nothing that runs.
  const rich = thread.getByRole('listitem', { name: 'Customer' });
  await expect(rich.getByRole('strong').filter({ hasText: kept })).toHaveText(kept);
  await expect(rich).toContainText('click me');
  await expect(rich.locator('script, style, iframe, form, svg, object, embed')).toHaveCount(0);
  await expectInert(page);
  await page.context().close();
});

test('the customer and a guest link see the reply as text, and never the note', async ({ page, browser }) => {
  test.setTimeout(90_000);
  watch(page);
  await signIn(page, customer.email, customer.password, `Welcome, ${customer.name}`);
  await expectInert(page);
  await gotoReady(page, `/tickets/${ticket.number}`);
  await expect(page.getByRole('heading', { name: ticket.subject, level: 1 })).toBeVisible();
  await expect(page.getByRole('listitem').filter({ hasText: reply })).toContainText(agent.name);
  await expect(page.getByText(note)).toHaveCount(0);
  await expectInert(page);

  const guest = await watchedPage(browser);
  await gotoReady(guest, '/status');
  await expect(guest.getByRole('heading', { name: "Check a ticket's status" })).toBeVisible();
  await guest.getByLabel('Email', { exact: true }).fill(customer.email);
  await guest.getByLabel('Ticket number').fill(ticket.number);
  await guest.getByRole('button', { name: 'Send me a link' }).click();
  await expect(guest.getByText('a link to it is on its way')).toBeVisible();
  const mail = await mailTo(customer.email, new RegExp(`Your link to ticket #${ticket.number}`));
  const link = mail.text.match(/https?:\/\/\S+\/guest\/[0-9a-f]{64}/)?.[0] ?? '';
  expect(link).not.toBe('');
  await gotoReady(guest, new URL(link).pathname);
  await expect(guest.getByRole('heading', { name: ticket.subject, level: 1 })).toBeVisible();
  await expect(guest.getByRole('listitem').filter({ hasText: reply })).toContainText(agent.name);
  await expect(guest.getByRole('region', { name: 'Details', exact: true })).toContainText(field.value);
  await expect(guest.getByText(note)).toHaveCount(0);
  await expectInert(guest);
  await guest.context().close();
});

test('the admin sees every payload as text: queue, people, settings, email outbox, audit log and reports', async ({ page }) => {
  test.setTimeout(180_000);
  watch(page);
  await signIn(page, ADMIN.email, ADMIN.password, 'Queue');
  await expectInert(page);

  // The search is in the address: a link someone else made, with a payload in it.
  await gotoReady(page, `/agent?q=${word}`);
  await expect(page.getByRole('row').filter({ hasText: ticket.subject })).toContainText(customer.name);
  await expectInert(page);
  await gotoReady(page, `/agent?q=${encodeURIComponent(reflected)}`);
  await expect(page.getByLabel('Search tickets')).toHaveValue(reflected);
  await expectInert(page);

  await gotoReady(page, '/admin/users');
  await page.getByLabel('Search accounts').fill(customer.email);
  const account = page.getByRole('row').filter({ has: page.getByRole('cell', { name: customer.email, exact: true }) });
  await expect(account.getByRole('cell', { name: customer.name, exact: true })).toBeVisible();
  await account.getByText('No organization').click();
  await account.getByLabel('Organization', { exact: true }).selectOption({ label: organization.name });
  await account.getByRole('button', { name: 'Save organization' }).click();
  await expect(page.getByLabel(`Organization of ${customer.email}`)).toHaveText(organization.name);
  await expectInert(page);
  await page.getByLabel('Search accounts').fill(agent.email);
  await expect(page.getByRole('cell', { name: agent.name, exact: true })).toBeVisible();
  await expect(page.getByLabel(`Departments of ${agent.email}`)).toHaveText(`${department.name} (All access)`);
  await expectInert(page);

  await gotoReady(page, '/agent/people');
  await page.getByLabel('Search people').fill(api.email);
  await expect(page.getByRole('cell', { name: api.name, exact: true })).toBeVisible();
  await expectInert(page);

  // Each section's list, then its editor with the stored item loaded into inputs.
  const sections: {
    slug: string;
    section: string;
    noun: string;
    nameLabel: string;
    item: { name: string; key: string };
    more?: (editor: Locator) => Promise<void>;
  }[] = [
    { slug: 'departments', section: 'Departments', noun: 'department', nameLabel: 'Name', item: department },
    {
      slug: 'forms', section: 'Forms', noun: 'form', nameLabel: 'Name', item: form,
      more: async (editor) => {
        const row = editor.getByRole('group', { name: 'Fields 1', exact: true });
        await expect(row.getByLabel('Label', { exact: true })).toHaveValue(field.label);
        await expect(row.getByLabel('Hint', { exact: true })).toHaveValue(field.hint);
        const preview = editor.getByRole('region', { name: 'Customer form preview' });
        await expect(preview.getByRole('textbox', { name: `${field.label} (optional)`, exact: true })).toBeVisible();
      },
    },
    {
      slug: 'help-topics', section: 'Help topics', noun: 'help topic', nameLabel: 'Name', item: topic,
      more: async (editor) => {
        await expect(editor.getByLabel('Department', { exact: true })).toHaveValue(department.key);
        await expect(editor.getByRole('group', { name: 'Forms', exact: true }).getByLabel(form.name, { exact: true })).toBeChecked();
      },
    },
    { slug: 'organizations', section: 'Organizations', noun: 'organization', nameLabel: 'Name', item: organization },
    {
      slug: 'filters', section: 'Ticket filters', noun: 'filter', nameLabel: 'Name', item: ticketFilter,
      more: async (editor) => {
        await expect(editor.getByRole('group', { name: 'Conditions 1', exact: true }).getByLabel('Value', { exact: true })).toHaveValue(ticketFilter.matches);
        // Replaying recent tickets lists them by number and subject, with the filters they match.
        const dryRun = editor.getByRole('region', { name: 'Dry run', exact: true });
        await dryRun.getByRole('button', { name: 'Test recent tickets', exact: true }).click();
        const results = dryRun.getByRole('table', { name: 'Dry run results' });
        await expect(results.getByRole('row').filter({ hasText: `#${ticket.number} ${ticket.subject}` })).toContainText(ticketFilter.name);
        await expect(results.getByRole('row').filter({ hasText: `#${api.number} ${api.subject}` })).toBeVisible();
        await expect(results.getByRole('row').filter({ hasText: `#${siem.number} ${siem.description}` })).toBeVisible();
      },
    },
    {
      slug: 'canned-responses', section: 'Canned responses', noun: 'canned response', nameLabel: 'Title', item: canned,
      more: async (editor) => {
        await expect(editor.getByLabel('Text', { exact: true })).toHaveValue(canned.body);
      },
    },
    {
      slug: 'email-templates', section: 'Email templates', noun: 'email template', nameLabel: 'Name', item: template,
      more: async (editor) => {
        await expect(editor.getByLabel('Subject', { exact: true })).toHaveValue(template.subject);
        await expect(editor.getByLabel('HTML', { exact: true })).toHaveValue(template.html);
        await expectTemplatePreview(editor);
      },
    },
    { slug: 'api-keys', section: 'API keys', noun: 'API key', nameLabel: 'Name', item: apiKey },
  ];
  for (const { slug, section, noun, nameLabel, item, more } of sections) {
    await gotoReady(page, `/admin/settings/${slug}`);
    await expectListed(page, section, item.name, item.key);
    await expectInert(page);
    await page.getByRole('button', { name: `Edit ${item.name}`, exact: true }).click();
    const editor = page.getByRole('region', { name: new RegExp(`^Edit ${noun} “`) });
    await expect(editor.getByLabel(nameLabel, { exact: true })).toHaveValue(item.name);
    await more?.(editor);
    await expectInert(page);
  }

  // The department's auto-response went out with the template's subject around the ticket's.
  await gotoReady(page, '/admin/email');
  const sent = page.getByRole('row').filter({ hasText: customer.email }).filter({ hasText: `Auto ${run}` });
  await expect(sent).toContainText(filled(template.subject, { 'ticket.subject': ticket.subject }));
  await expectInert(page);

  // The audit log shows changes as JSON (payloads quoted, not markup) and each request's browser
  // in a title attribute.
  const events = page.getByRole('table', { name: 'Audit events' });
  for (const [opened, subject, userAgent] of [
    [ticket.number, ticket.subject, customer.userAgent],
    [api.number, api.subject, api.userAgent],
  ]) {
    await gotoReady(page, `/admin/audit?object=ticket%3A${opened}&action=ticket.created`);
    await expect(events.getByRole('row')).toHaveCount(2); // the header and the one event
    await expect(events).toContainText(JSON.stringify(subject));
    await expect(events.getByTitle(userAgent, { exact: true })).toBeVisible();
    await expectInert(page);
  }
  await gotoReady(page, '/admin/audit?action=settings.');
  const entry = (action: string, object: string) =>
    page
      .getByRole('row')
      .filter({ has: page.getByRole('cell', { name: action, exact: true }) })
      .filter({ hasText: object });
  const created: [string, string, string[]][] = [
    ['departments', department.key, [department.name]],
    ['forms', form.key, [form.name, field.label, field.hint]],
    ['help-topics', topic.key, [topic.name]],
    ['organizations', organization.key, [organization.name]],
    ['filters', ticketFilter.key, [ticketFilter.name, ticketFilter.matches]],
    ['canned-responses', canned.key, [canned.name, canned.body]],
    ['email-templates', template.key, [template.name, template.subject, template.html]],
    ['api-keys', apiKey.key, [apiKey.name]],
  ];
  for (const [slug, key, values] of created) {
    const row = entry(`settings.${slug}.created`, `${slug}:${key}`);
    for (const value of values) await expect(row).toContainText(JSON.stringify(value));
  }
  await expectInert(page);
  await gotoReady(page, `/admin/audit?actor=${encodeURIComponent(reflected)}`);
  await expect(page.getByRole('form', { name: 'Search the audit log' }).getByLabel('Actor')).toHaveValue(reflected);
  await expect(page.getByText('No events match this search.')).toBeVisible();
  await expectInert(page);

  await gotoReady(page, '/agent/reports');
  const filter = page.getByRole('form', { name: 'Report filter' });
  await expect(filter.getByLabel('Department').getByRole('option', { name: department.name, exact: true })).toHaveCount(1);
  await expectInert(page);
});

test("the help desk's own name, on top of every page, stays text", async ({ page, browser }) => {
  test.setTimeout(90_000);
  watch(page);
  await signIn(page, ADMIN.email, ADMIN.password, 'Queue');
  const setName = async (name: string) => {
    await gotoReady(page, '/admin/settings/general');
    const general = page.getByRole('region', { name: 'General settings' });
    const input = general.getByLabel('Help desk name', { exact: true });
    // The settings in effect fill the form: wait for them before keeping the old name.
    await expect(input).not.toHaveValue('');
    const before = await input.inputValue();
    await input.fill(name);
    await general.getByRole('button', { name: 'Save settings', exact: true }).click();
    await expect(general.getByRole('status').filter({ hasText: 'Saved.' })).toBeVisible();
    return before;
  };
  const original = await setName(desk);
  // Put back even when a check fails: the name heads every page and goes into every email.
  try {
    const brand = (p: Page) => p.getByRole('banner').getByRole('link', { name: desk, exact: true });
    for (const path of ['/', '/agent', `/agent/tickets/${ticket.number}`, '/admin/audit']) {
      await gotoReady(page, path);
      await expect(brand(page)).toBeVisible();
      await expectInert(page);
    }
    const visitor = await watchedPage(browser);
    await gotoReady(visitor, '/');
    await expect(visitor.getByRole('heading', { name: 'How can we help?' })).toBeVisible();
    await expect(brand(visitor)).toBeVisible();
    await expectInert(visitor);
    await visitor.context().close();
  } finally {
    await setName(original);
  }
});
