// Safety tools in a real browser: a profile's More menu mutes and unmutes,
// blocks only after the confirmation page, and leads to the report form;
// the private note is saved and shown only to its writer; Settings →
// Mutes and blocks undoes both; and the admin console's Moderation tab
// lists the report and warns its author. Every page passes axe-core at
// phone and desktop widths without sideways scrolling, with screenshots.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startHearth, launchBrowser, shot, seriousA11yViolations, PASSWORD, SIZES, signIn } from './harness.mjs';

let hearth, browser, page;

// Axe, no sideways scrolling, and a screenshot at both widths.
async function check(name) {
  for (const [size, viewport] of SIZES) {
    await page.setViewportSize(viewport);
    assert.deepEqual(await seriousA11yViolations(page), [],
      `${name} (${size}): no serious a11y issue`);
    const overflow = await page.evaluate(() =>
      document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.ok(overflow <= 0, `${name}: no sideways scrolling at ${size} (${overflow}px)`);
    await shot(page, `${name}-${size}`);
  }
  await page.setViewportSize(SIZES[0][1]);
}

// The profile's More menu, opened.
async function more() {
  const menu = page.locator('details.profile-more');
  if (!(await menu.evaluate((d) => d.open)))
    await menu.locator('summary').click();
  return menu;
}

before(async () => {
  hearth = await startHearth();
  hearth.ctl(['user', 'add', 'ada', '--admin', '--display-name', 'Ada Lovelace',
    '--password-stdin'], PASSWORD + '\n');
  for (const [name, display] of [['bea', 'Bea Member'], ['cal', 'Cal Coder']]) {
    hearth.ctl(['user', 'add', name, '--display-name', display,
      '--password-stdin'], PASSWORD + '\n');
  }
  const tok = hearth.ctl(['token', 'create', 'cal']).trim();
  const r = await fetch(`${hearth.url}/api/v1/statuses`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${tok}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ status: 'Loud opinions about tabs and spaces' }),
  });
  assert.equal(r.status, 200, 'cal posts');
  browser = await launchBrowser();
  page = await browser.context.newPage();
  await signIn(page, hearth.url, 'bea');
});

after(async () => {
  await page?.close();
  await browser?.close();
  const code = await hearth?.stop();
  assert.equal(code, 0, 'hearthd exits cleanly');
});

test('the More menu mutes, unmutes, and blocks after asking', async () => {
  await page.goto(hearth.url + '/@cal');
  await check('profile-more-closed');
  let menu = await more();
  await check('profile-more-open');
  await menu.getByRole('button', { name: /^Mute/ }).click();
  await page.waitForURL(/\/@cal\?notice=muted/);
  assert.match(await page.locator('.notice').textContent(), /Muted/);
  assert.equal(await page.locator('.badge', { hasText: 'Muted' }).count(), 1);
  menu = await more();
  await menu.getByRole('button', { name: /^Unmute/ }).focus();
  await page.keyboard.press('Enter');
  await page.waitForURL(/notice=unmuted/);
  menu = await more();
  await menu.getByRole('link', { name: /^Block/ }).click();
  await page.waitForURL(hearth.url + '/@cal/block');
  await check('block-confirm');
  await page.getByRole('link', { name: 'Cancel' }).click();
  await page.waitForURL(hearth.url + '/@cal');
  assert.equal(await page.locator('.badge', { hasText: 'Blocked' }).count(), 0,
    'cancel blocks nobody');
  menu = await more();
  await menu.getByRole('link', { name: /^Block/ }).click();
  await page.getByRole('button', { name: /^Block/ }).click();
  await page.waitForURL(/notice=blocked/);
  assert.equal(await page.locator('.badge', { hasText: 'Blocked' }).count(), 1);
  assert.equal(await page.getByText('Loud opinions').count(), 0,
    'a blocked person\'s posts are gone from their profile');
});

test('a private note is kept for its writer', async () => {
  await page.goto(hearth.url + '/@cal');
  await page.getByLabel(/Private note/).fill('Knows the build system');
  await page.getByRole('button', { name: 'Save note' }).click();
  await page.waitForURL(/notice=note/);
  assert.equal(await page.getByLabel(/Private note/).inputValue(),
    'Knows the build system');
});

test('Settings lists mutes and blocks, with undo', async () => {
  await page.goto(hearth.url + '/@ada');
  await (await more()).getByRole('button', { name: /^Mute/ }).click();
  await page.waitForURL(/notice=muted/);
  await page.goto(hearth.url + '/settings/safety');
  await check('settings-safety');
  const mutes = page.getByRole('region', { name: 'Muted people' });
  const blocks = page.getByRole('region', { name: 'Blocked people' });
  assert.match(await mutes.textContent(), /Ada Lovelace/);
  assert.match(await blocks.textContent(), /Cal Coder/);
  await blocks.getByRole('button', { name: /^Unblock/ }).click();
  await page.waitForURL(/\/settings\/safety\?notice=unblocked/);
  assert.match(await page.getByRole('region', { name: 'Blocked people' })
    .textContent(), /blocked nobody/);
  await page.getByRole('region', { name: 'Muted people' })
    .getByRole('button', { name: /^Unmute/ }).click();
  await page.waitForURL(/notice=unmuted/);
  assert.match(await page.getByRole('region', { name: 'Muted people' })
    .textContent(), /muted nobody/);
});

test('a report reaches the Moderation tab, and a warning its author', async () => {
  await page.goto(hearth.url + '/@cal');
  await (await more()).getByRole('link', { name: /^Report/ }).click();
  await page.waitForURL(hearth.url + '/@cal/report');
  await check('report-form');
  await page.getByLabel('It is spam').check();
  await page.getByLabel(/Loud opinions/).check();
  await page.getByLabel('Anything the admins should know').fill('Every day, all caps');
  await page.getByRole('button', { name: 'Send the report' }).click();
  await page.waitForURL(/notice=reported/);
  const admin = await launchBrowser();
  const apage = await admin.context.newPage();
  try {
    await signIn(apage, hearth.url, 'ada');
    await apage.goto(hearth.url + '/admin');
    await apage.getByRole('navigation', { name: 'Admin' })
      .getByRole('link', { name: 'Moderation' }).click();
    await apage.waitForURL(hearth.url + '/admin/reports');
    const report = apage.getByRole('article');
    assert.match(await report.textContent(), /Every day, all caps/);
    assert.match(await report.textContent(), /Loud opinions/);
    const prev = page;
    page = apage;
    await check('admin-moderation');
    page = prev;
    await apage.getByLabel(/Message to Cal Coder/).fill('Please tone it down.');
    await apage.getByRole('button', { name: /^Warn/ }).click();
    await apage.waitForURL(/\/admin\/reports\?done=warn/);
    assert.match(await apage.locator('.notice').textContent(), /warned/);
    assert.match(await apage.getByRole('region', { name: 'Recently resolved reports' })
      .textContent(), /warn/);
  } finally {
    await apage.close();
    await admin.close();
  }
  await page.goto(hearth.url + '/notifications');
  assert.match(await page.locator('main').textContent(), /handled your report/);
});
