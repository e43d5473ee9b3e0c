// The list pages in a real browser: notifications with their unread count
// (opening them reads them), search and the company directory. Every page
// passes axe-core; screenshots at phone and desktop widths.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startHearth, launchBrowser, shot, seriousA11yViolations, PASSWORD, SIZES, signIn as signInAt, navItem } from './harness.mjs';

let hearth, browser, page;
const password = PASSWORD;
const sizes = SIZES;

const signIn = (p, name) => signInAt(p, hearth.url, name);

before(async () => {
  hearth = await startHearth();
  hearth.ctl(['user', 'add', 'ada', '--display-name', 'Ada Lovelace',
    '--password-stdin'], password + '\n');
  hearth.ctl(['user', 'add', 'other', '--display-name', 'Otto Other',
    '--password-stdin'], password + '\n');
  browser = await launchBrowser();
  page = await browser.context.newPage();
  // Otto mentions Ada, then signs out.
  await signIn(page, 'other');
  await page.getByLabel('Start a post').fill('hello @ada, see #lists');
  await page.getByRole('button', { name: 'Post', exact: true }).click();
  await page.waitForURL(hearth.url + '/');
  await (await navItem(page, 'button', 'Sign out')).click();
  await page.waitForLoadState();
  await signIn(page, 'ada');
});

after(async () => {
  await page?.close();
  await browser?.close();
  const code = await hearth?.stop();
  assert.equal(code, 0, 'hearthd exits 0 on SIGTERM');
});

// Axe and a screenshot at both widths.
async function check(name) {
  for (const [size, viewport] of sizes) {
    await page.setViewportSize(viewport);
    assert.deepEqual(await seriousA11yViolations(page), [],
      `${name} (${size}): no serious a11y issue`);
    await shot(page, `${name}-${size}`);
  }
  await page.setViewportSize(sizes[0][1]);
}

const current = () =>
  page.locator('nav[aria-label="Main"] a[aria-current="page"]:visible');

test('notifications: a mention, the unread count cleared by opening them', async () => {
  await page.goto(hearth.url + '/');
  assert.match(await page.locator('nav[aria-label="Main"]').textContent(),
    /Notifications \(1 unread\)/);
  await page.getByRole('link', { name: /^Notifications/ }).click();
  await page.waitForURL(hearth.url + '/notifications');
  assert.match(await current().textContent(), /^Notifications/);
  assert.match(await page.locator('li.notification').first().textContent(),
    /Otto Other mentioned you/);
  await check('notifications');
  assert.equal((await current().innerText()).trim(), 'Notifications',
    'opening the page read them: the hidden count is not shown');
});

test('search: a person, a hashtag and a post', async () => {
  await page.goto(hearth.url + '/search');
  assert.equal(await current().textContent(), 'Search');
  await page.getByLabel('Search people, hashtags and posts').fill('lists');
  await page.getByRole('button', { name: 'Search', exact: true }).click();
  await page.waitForURL(/\/search\?q=lists$/);
  assert.ok(await page.getByRole('link', { name: '#lists' }).count() > 0);
  assert.match(await page.locator('article.post').first().textContent(), /hello/);
  await check('search');
  await page.getByLabel('Search people, hashtags and posts').fill('otto');
  await page.getByRole('button', { name: 'Search', exact: true }).click();
  await page.waitForURL(/\/search\?q=otto$/);
  // In the results (the side column may suggest Otto as well).
  assert.equal(await page.locator('main').getByRole('link', { name: 'Otto Other' }).count(), 1);
  assert.equal(await page.getByRole('heading', { name: 'Posts' }).count(), 0);
});

test('directory: people cards and a name search', async () => {
  await page.goto(hearth.url + '/directory');
  assert.equal(await current().textContent(), 'People');
  assert.equal(await page.locator('li.person-card').count(), 2);
  await check('directory');
  await page.getByLabel('Name').fill('otto');
  await page.getByRole('button', { name: 'Filter' }).click();
  await page.waitForURL(/\/directory\?/);
  assert.equal(await page.locator('li.person-card').count(), 1);
  assert.match(await page.locator('li.person-card').textContent(), /Otto Other/);
});
