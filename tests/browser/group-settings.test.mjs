// A group's settings in a real browser, without JavaScript of our own: the
// group admin renames the group, pins a post (shown first on the group's
// page), archives the group (the composer goes, a notice says why) and
// unarchives it. The settings page passes axe-core at phone and desktop
// widths; screenshots of it and of the group with a pinned post.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startHearth, launchBrowser, shot, seriousA11yViolations, PASSWORD, SIZES, signIn as signInAt } from './harness.mjs';

let hearth, browser, page, groupUrl;

before(async () => {
  hearth = await startHearth();
  hearth.ctl(['user', 'add', 'ada', '--display-name', 'Ada Lovelace',
    '--password-stdin'], PASSWORD + '\n');
  browser = await launchBrowser();
  page = await browser.context.newPage();
  await signInAt(page, hearth.url, 'ada');
  await page.goto(hearth.url + '/groups');
  await page.getByLabel('Name', { exact: true }).fill('Tea club');
  await page.getByRole('button', { name: 'Create group' }).click();
  await page.waitForURL(/\/groups\/\d+$/);
  groupUrl = page.url();
  for (const text of ['First brew of the day', 'Darjeeling arrived']) {
    await page.getByLabel('Your post to Tea club').fill(text);
    await page.getByRole('button', { name: 'Post', exact: true }).click();
    await page.waitForURL(groupUrl);
  }
});

after(async () => {
  await page?.close();
  await browser?.close();
  const code = await hearth?.stop();
  assert.equal(code, 0, 'hearthd exits 0 on SIGTERM');
});

async function check(name) {
  for (const [size, viewport] of SIZES) {
    await page.setViewportSize(viewport);
    assert.deepEqual(await seriousA11yViolations(page), [],
      `${name} (${size}): no serious a11y issue`);
    await shot(page, `${name}-${size}`);
  }
  await page.setViewportSize(SIZES[0][1]);
}

test('the settings page: rename and describe', async () => {
  await page.goto(groupUrl);
  await page.getByRole('link', { name: 'Group settings' }).click();
  await page.waitForURL(groupUrl + '/settings');
  await check('group-settings');
  await page.getByLabel('Name', { exact: true }).fill('Tea society');
  await page.getByLabel('Description', { exact: true }).fill('Leaves, *kettles* and cups.');
  await page.getByRole('button', { name: 'Save' }).click();
  await page.waitForURL(/notice=group-saved/);
  assert.match(await page.getByRole('status').first().textContent(), /The group was saved/);
  await page.goto(groupUrl);
  assert.equal(await page.getByRole('heading', { level: 1 }).textContent(), 'Tea society');
  assert.equal(await page.locator('.group-top em').textContent(), 'kettles');
});

test('pin the oldest post: it heads the group page', async () => {
  await page.goto(groupUrl + '/settings');
  const row = page.locator('.pin-list li', { hasText: 'First brew' });
  await row.getByRole('button', { name: /^Pin/ }).click();
  await page.waitForURL(/notice=group-pinned/);
  assert.equal(await page.getByRole('button', { name: /^Unpin/ }).count(), 1);
  await page.goto(groupUrl);
  const pinned = page.getByRole('region', { name: 'Pinned' });
  assert.match(await pinned.textContent(), /First brew of the day/);
  assert.doesNotMatch(await pinned.textContent(), /Darjeeling/);
  await check('group-pinned');
});

test('archive and unarchive', async () => {
  await page.goto(groupUrl + '/settings');
  await page.getByRole('button', { name: 'Archive group' }).click();
  await page.waitForURL(/notice=group-archived/);
  await page.goto(groupUrl);
  assert.match(await page.locator('.group-top').textContent(), /archived/);
  assert.equal(await page.getByLabel('Your post to Tea society').count(), 0,
    'no composer in an archived group');
  await page.goto(groupUrl + '/settings');
  await page.getByRole('button', { name: 'Unarchive group' }).click();
  await page.waitForURL(/notice=group-unarchived/);
  await page.goto(groupUrl);
  assert.equal(await page.getByLabel('Your post to Tea society').count(), 1);
});
