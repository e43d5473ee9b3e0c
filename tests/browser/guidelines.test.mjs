// The guidelines module in a real browser: an admin writes guidelines,
// previews them and publishes them with acknowledgement required; an
// employee sees the banner and, instead of the composer, the call to
// acknowledge; acknowledges, is back home, and posts. Every page passes axe-core.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, copyFileSync, chmodSync, readdirSync, rmSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startHearth, launchBrowser, shot, seriousA11yViolations, PASSWORD, signIn as signInAt, navItem } from './harness.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const top = join(here, '..', '..');
const build = process.env.HEARTH_BUILDDIR || join(top, 'build');
const password = PASSWORD;
let hearth, browser, admin, emp, safeDir;

// A module folder holding the built guidelines module and its templates,
// where no one else could change it (hearthd refuses modules under /tmp).
function moduleDir() {
  const base = join(userInfo().homedir, '.cache', 'hearth-tests');
  mkdirSync(base, { recursive: true, mode: 0o700 });
  const safe = safeDir = mkdtempSync(join(base, 'browser-'));
  chmodSync(safe, 0o755);
  const dir = join(safe, 'modules');
  const tdir = join(dir, 'guidelines', 'templates');
  mkdirSync(tdir, { recursive: true });
  chmodSync(dir, 0o755);
  copyFileSync(join(build, 'modules', 'guidelines', 'guidelines.so'),
    join(dir, 'guidelines.so'));
  chmodSync(join(dir, 'guidelines.so'), 0o644);
  const src = join(top, 'modules', 'guidelines', 'templates');
  for (const f of readdirSync(src)) copyFileSync(join(src, f), join(tdir, f));
  return dir;
}

async function signIn(name, landing = '/') {
  const page = await browser.context.newPage();
  await signInAt(page, hearth.url, name, { landing });
  return page;
}

async function axe(page, name) {
  assert.deepEqual(await seriousA11yViolations(page), [], `${name}: no serious a11y issue`);
  await shot(page, `guidelines-${name}`);
}

before(async () => {
  hearth = await startHearth(`modules = guidelines\nmodule_dir = ${moduleDir()}`);
  hearth.ctl(['user', 'add', 'boss', '--admin', '--display-name', 'Bea Boss',
    '--password-stdin'], password + '\n');
  hearth.ctl(['user', 'add', 'emp', '--display-name', 'Emil Employee',
    '--password-stdin'], password + '\n');
  browser = await launchBrowser();
  // Separate contexts would share cookies in one persistent context: sign
  // the admin in, do the admin part, then sign the employee in.
});

after(async () => {
  await browser?.close();
  const code = await hearth?.stop();
  if (safeDir) rmSync(safeDir, { recursive: true, force: true });
  assert.equal(code, 0, 'hearthd exits 0 on SIGTERM');
});

test('an admin previews and publishes guidelines that need acknowledging', async () => {
  admin = await signIn('boss');
  await admin.getByRole('link', { name: 'Guidelines admin' }).click();
  await admin.waitForURL(hearth.url + '/admin/guidelines');
  await axe(admin, 'admin-empty');
  await admin.getByLabel('Guidelines (Markdown)').fill('# Our guidelines\n\nBe **kind**.\n');
  await admin.getByLabel('Summary').fill('First version');
  assert.equal(await admin.getByLabel('Everyone must acknowledge this version').isChecked(), true);
  await admin.getByRole('button', { name: 'Preview' }).click();
  await admin.waitForLoadState();
  assert.equal(await admin.locator('.preview strong').textContent(), 'kind');
  assert.equal(await admin.getByLabel('Guidelines (Markdown)').inputValue(),
    '# Our guidelines\n\nBe **kind**.\n', 'the text survives the preview');
  await axe(admin, 'admin-preview');
  await admin.getByRole('button', { name: 'Publish' }).click();
  await admin.waitForURL(hearth.url + '/admin/guidelines/1');
  assert.match(await admin.getByRole('heading', { level: 1 }).textContent(), /Version 1/);
  // The admin who publishes has read them: only the employee owes.
  assert.match(await admin.locator('body').textContent(), /Not yet acknowledged \(1\)/);
  assert.match(await admin.locator('body').textContent(), /Acknowledged \(1\)/);
  await axe(admin, 'admin-acks');
  await (await navItem(admin, 'button', 'Sign out')).click();
  await admin.waitForURL(/\/login/);
  await admin.close();
});

test('an employee is asked to acknowledge, then acknowledges and posts', async () => {
  // New people start at the guidelines at their first sign-in.
  emp = await signIn('emp', '/guidelines');
  await emp.goto(hearth.url + '/');
  const banner = emp.getByRole('region', { name: 'Notice' });
  // Version 1 is the first there is: new guidelines, not changed ones.
  assert.match(await banner.textContent(), /The company has published guidelines/);
  assert.doesNotMatch(await banner.textContent(), /changed/);
  await axe(emp, 'home-banner');
  // While gated the composer is replaced by the call to acknowledge.
  assert.equal(await emp.getByLabel('Start a post').count(), 0, 'no composer while gated');
  const gate = emp.locator('.compose-gate');
  assert.match(await gate.textContent(), /acknowledge the company guidelines/);
  await gate.getByRole('link', { name: 'Read and acknowledge the guidelines' }).click();
  await emp.waitForURL(hearth.url + '/guidelines?next=%2F');
  assert.equal(await emp.locator('.guidelines-text strong').textContent(), 'kind');
  assert.match(await emp.locator('main').textContent(), /About these guidelines: First version/);
  await axe(emp, 'current');
  await emp.getByRole('button', { name: /I have read and acknowledge/ }).click();
  // Back to where the person was going.
  await emp.waitForURL(hearth.url + '/');
  assert.equal(await emp.getByRole('region', { name: 'Notice' }).count(), 0, 'the banner is gone');
  await emp.goto(hearth.url + '/guidelines');
  assert.match(await emp.locator('main').textContent(), /You acknowledged these guidelines on/);
  await axe(emp, 'acknowledged');
  await emp.goto(hearth.url + '/');
  await emp.getByLabel('Start a post').fill('hello after reading');
  await emp.getByRole('button', { name: 'Post', exact: true }).click();
  await emp.waitForURL(hearth.url + '/');
  assert.match(await emp.locator('article.post').first().textContent(), /hello after reading/);
  assert.equal(await emp.getByRole('contentinfo').getByRole('link', { name: 'Guidelines' }).count(), 1,
    'the footer links to the guidelines');
  await emp.close();
});
