// The admin console in a real browser: the tab bar (by keyboard too), the
// people table sorted by its headings and filtered, the confirmation
// dialog before a destructive action (cancel changes nothing), the copy
// button beside a generated password (the clipboard, and the selection
// when the clipboard is refused), a CSV import checked then done, and the
// audit log with its filter. Every page passes axe-core at phone and
// desktop widths, with screenshots.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startHearth, launchBrowser, shot, seriousA11yViolations, PASSWORD, SIZES, signIn } from './harness.mjs';

let hearth, browser, page;

// Axe and a screenshot at both widths.
async function check(name) {
  for (const [size, viewport] of SIZES) {
    await page.setViewportSize(viewport);
    assert.deepEqual(await seriousA11yViolations(page), [],
      `${name} (${size}): no serious a11y issue`);
    await shot(page, `${name}-${size}`);
  }
  await page.setViewportSize(SIZES[0][1]);
}

const rowNames = () => page.locator('.people-table .person-row')
  .evaluateAll((rows) => rows.map((r) => r.dataset.username));

before(async () => {
  hearth = await startHearth();
  hearth.ctl(['user', 'add', 'ada', '--admin', '--display-name', 'Ada Lovelace',
    '--password-stdin'], PASSWORD + '\n');
  for (const [name, display] of [['bea', 'Bea Member'], ['cal', 'Cal Coder'],
    ['dot', 'Dot Seller']]) {
    hearth.ctl(['user', 'add', name, '--display-name', display,
      '--password-stdin'], PASSWORD + '\n');
  }
  browser = await launchBrowser();
  await browser.context.grantPermissions(['clipboard-read', 'clipboard-write']);
  page = await browser.context.newPage();
  await signIn(page, hearth.url, 'ada');
});

after(async () => {
  await page?.close();
  await browser?.close();
  const code = await hearth?.stop();
  assert.equal(code, 0, 'hearthd exits cleanly');
});

test('the tabs lead through the console, by keyboard too', async () => {
  await page.goto(hearth.url + '/admin');
  await page.waitForURL(hearth.url + '/admin/people');
  const tabs = page.getByRole('navigation', { name: 'Admin' });
  assert.deepEqual(await tabs.getByRole('link').allTextContents(),
    ['People', 'Moderation', 'Modules', 'Audit log']);
  assert.equal(await tabs.getByRole('link', { name: 'People' }).getAttribute('aria-current'), 'page');
  await check('admin-console-people');
  await tabs.getByRole('link', { name: 'Modules' }).focus();
  await page.keyboard.press('Enter');
  await page.waitForURL(hearth.url + '/admin/modules');
  assert.equal(await page.getByRole('navigation', { name: 'Admin' })
    .getByRole('link', { name: 'Modules' }).getAttribute('aria-current'), 'page');
  assert.match(await page.locator('main').textContent(), /No module is loaded/);
  await check('admin-console-modules');
});

test('a CSV import is checked, then done, with passwords to copy', async () => {
  await page.goto(hearth.url + '/admin/people/import');
  await page.getByLabel('… or paste the lines').fill(
    'username,display_name,email,department,title\n' +
    'eve,Eve Engineer,eve@example.com,Engineering,Lead\n' +
    'bad name,Bad,,,\n');
  await page.getByRole('button', { name: 'Check the lines' }).click();
  await page.waitForLoadState();
  assert.match(await page.locator('.import-error').textContent(), /Line 3, username:/);
  assert.equal(await page.getByRole('button', { name: /^Import/ }).count(), 0);
  await check('admin-import-errors');
  await page.getByLabel('… or paste the lines').fill(
    'username,display_name,email,department,title\n' +
    'eve,Eve Engineer,eve@example.com,Engineering,Lead\n' +
    'fay,Fay Seller,fay@example.com,Sales,Rep\n');
  await page.getByRole('button', { name: 'Check the lines' }).click();
  await page.waitForLoadState();
  await page.getByRole('button', { name: 'Import 2 people' }).click();
  await page.waitForLoadState();
  assert.match(await page.locator('#made-title').textContent(), /2 people created/);
  const pw = await page.locator('#pw-1').inputValue();
  await page.getByRole('button', { name: 'Copy the password for eve' }).click();
  await page.locator('.copy-status').first().filter({ hasText: 'Copied.' }).waitFor();
  assert.equal(await page.evaluate(() => navigator.clipboard.readText()), pw,
    'the copy button put the password on the clipboard');
  const [download] = await Promise.all([page.waitForEvent('download'),
    page.getByRole('button', { name: 'Download as CSV' }).click()]);
  assert.equal(download.suggestedFilename(), 'hearth-passwords.csv');
  await check('admin-import-done');
});

test('the copy button selects the text when the clipboard is refused', async () => {
  await page.goto(hearth.url + '/admin/people');
  await page.getByRole('textbox', { name: 'Username', exact: true }).fill('gil');
  await page.getByRole('button', { name: 'Create person' }).click();
  await page.waitForLoadState();
  await page.evaluate(() => {
    navigator.clipboard.writeText = () => Promise.reject(new Error('no'));
  });
  await page.getByRole('button', { name: 'Copy the password' }).click();
  await page.locator('.copy-status').filter({ hasText: 'Selected' }).waitFor();
  const sel = await page.evaluate(() => {
    const f = document.getElementById('shown-password');
    return [document.activeElement === f, f.value.substring(f.selectionStart, f.selectionEnd), f.value];
  });
  assert.equal(sel[0], true, 'the field has the focus');
  assert.equal(sel[1], sel[2], 'the whole password is selected');
});

test('the people table sorts by its headings and filters', async () => {
  await page.goto(hearth.url + '/admin/people');
  await page.getByRole('link', { name: 'Name', exact: true }).click();
  await page.waitForURL(/sort=name&dir=desc/);
  assert.deepEqual(await rowNames(), ['gil', 'fay', 'eve', 'dot', 'cal', 'bea', 'ada'],
    'by display name, descending');
  assert.equal(await page.locator('th[aria-sort="descending"]').textContent(), 'Name');
  await page.getByRole('link', { name: 'Department', exact: true }).click();
  await page.waitForURL(/sort=department&dir=asc/);
  assert.deepEqual((await rowNames()).slice(0, 2), ['eve', 'fay'],
    'Engineering, then Sales, then the rest');
  await page.getByLabel('Department', { exact: true }).selectOption('Sales');
  await page.getByRole('button', { name: 'Filter', exact: true }).click();
  await page.waitForURL(/department=Sales/);
  assert.deepEqual(await rowNames(), ['fay']);
  assert.match(page.url(), /sort=department/, 'the sort stays');
  await page.getByRole('link', { name: 'Clear filters' }).click();
  await page.getByLabel('Status', { exact: true }).selectOption('must_change');
  await page.getByRole('button', { name: 'Filter', exact: true }).click();
  await page.waitForURL(/status=must_change/);
  assert.deepEqual((await rowNames()).sort(), ['eve', 'fay', 'gil']);
  await check('admin-people-filtered');
});

test('a destructive action asks in a dialog first', async () => {
  await page.goto(hearth.url + '/admin/people?q=bea');
  await page.getByRole('button', { name: 'Reset password of bea' }).click();
  const dialog = page.getByRole('dialog');
  await dialog.waitFor();
  assert.match(await dialog.textContent(), /Reset the password of bea\?/);
  await check('admin-confirm-dialog');
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  assert.equal(await dialog.isVisible(), false, 'cancel closes it');
  assert.match(page.url(), /q=bea$/, '... and nothing was sent');
  await page.getByRole('button', { name: 'Disable bea' }).click();
  await page.keyboard.press('Escape');
  assert.equal(await dialog.isVisible(), false, 'Escape closes it too');
  await page.getByRole('button', { name: 'Reset password of bea' }).click();
  await dialog.getByRole('button', { name: 'Yes, do it' }).click();
  await page.waitForLoadState();
  assert.match(await page.locator('#shown-title').textContent(), /Password for bea/);
  // Without JavaScript the server asks on a page of its own.
  await page.goto(hearth.url + '/admin/people/2/disable/confirm');
  assert.match(await page.locator('#confirm-question').textContent(), /^Disable bea\?/);
  await check('admin-confirm-page');
});

test('the audit log lists and filters what was done', async () => {
  await page.goto(hearth.url + '/admin/audit');
  assert.ok(await page.locator('.audit-entry').count() >= 4);
  await page.getByLabel('Action').selectOption('user.reset_password');
  await page.getByRole('button', { name: 'Filter', exact: true }).click();
  await page.waitForURL(/action=user.reset_password/);
  assert.equal(await page.locator('.audit-entry').count(), 1);
  assert.match(await page.locator('.audit-entry').textContent(), /ada[\s\S]*bea[\s\S]*127\.0\.0\.1/);
  assert.match(await page.getByRole('link', { name: 'CSV' }).getAttribute('href'),
    /^\/admin\/audit\.csv\?action=user\.reset_password$/);
  await check('admin-audit');
});
