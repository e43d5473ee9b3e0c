// Notifications in a real browser: the badge clears when the page is
// opened, what was new looks new (and says so), favourites and follows are
// grouped with stacked avatars, Follow back follows and comes back, and the
// notification settings save. Every page passes axe-core; screenshots at
// phone and desktop widths.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startHearth, launchBrowser, shot, seriousA11yViolations, PASSWORD, SIZES, signIn } from './harness.mjs';

let hearth, browser, page, posted;
const api = {};

// A request with a person's bearer token; the JSON answer.
async function call(who, method, path) {
  const r = await fetch(hearth.url + path, {
    method, headers: { Authorization: `Bearer ${api[who]}` },
  });
  assert.ok(r.ok, `${method} ${path} as ${who}: ${r.status}`);
  return r.json();
}

before(async () => {
  hearth = await startHearth();
  for (const [name, display] of [['ada', 'Ada Lovelace'],
    ['grace', 'Grace Hopper'], ['ahmed', 'Ahmed Zewail']]) {
    hearth.ctl(['user', 'add', name, '--display-name', display,
      '--password-stdin'], PASSWORD + '\n');
    api[name] = hearth.ctl(['token', 'create', name]).trim();
  }
  const ada = await call('ada', 'GET', '/api/v1/accounts/lookup?acct=ada');
  const form = new URLSearchParams({ status: 'Compiler notes for the team' });
  posted = await fetch(hearth.url + '/api/v1/statuses', {
    method: 'POST', body: form,
    headers: { Authorization: `Bearer ${api.ada}` },
  }).then((r) => r.json());
  for (const who of ['grace', 'ahmed']) {
    await call(who, 'POST', `/api/v1/statuses/${posted.id}/favourite`);
    await call(who, 'POST', `/api/v1/accounts/${ada.id}/follow`);
  }
  browser = await launchBrowser();
  page = await browser.context.newPage();
  await signIn(page, hearth.url, 'ada');
});

after(async () => {
  await page?.close();
  await browser?.close();
  const code = await hearth?.stop();
  assert.equal(code, 0, 'hearthd exits 0 on SIGTERM');
});

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

const badge = () => page.locator('nav[aria-label="Main"] [data-unread]').first();

test('opening the page clears the badge; new ones look new', async () => {
  await page.goto(hearth.url + '/');
  assert.equal(await badge().getAttribute('data-unread'), '4');
  assert.ok(await badge().isVisible(), 'the badge shows 4');
  assert.match(await page.title(), /^\(4\) /);
  await page.getByRole('link', { name: /^Notifications/ }).first().click();
  await page.waitForURL(hearth.url + '/notifications');
  assert.equal(await badge().isVisible(), false, 'the badge is cleared');
  assert.doesNotMatch(await page.title(), /^\(\d+\)/);
  const lines = page.locator('li.notification');
  assert.equal(await lines.count(), 2, 'favourites and follows: two lines');
  assert.equal(await page.locator('li.notification.unread').count(), 2);
  const first = lines.first();
  assert.match(await first.innerText(),
    /^new[\s:]+Ahmed Zewail and Grace Hopper followed you/i);
  assert.match(await lines.nth(1).innerText(),
    /Ahmed Zewail and Grace Hopper favourited your post/);
  assert.match(await lines.nth(1).locator('.notif-excerpt').innerText(),
    /^Compiler notes for the team$/);
  assert.equal(await lines.nth(1).locator('.notif-avatars img').count(), 2);
  // Unread looks unread: the accent border, wider than a read line's.
  const width = await first.evaluate((e) => getComputedStyle(e).borderLeftWidth);
  assert.equal(width, '4px');
  await check('notifications-grouped');
  await page.reload();
  assert.equal(await page.locator('li.notification.unread').count(), 0,
    'seen once: read the next time');
  const read = await lines.first().evaluate((e) => getComputedStyle(e).borderLeftWidth);
  assert.equal(read, '1px', 'a read line looks plain');
});

test('follow back from the notification', async () => {
  await page.goto(hearth.url + '/notifications');
  await page.getByRole('button', { name: 'Follow back Grace Hopper' }).click();
  await page.waitForURL(hearth.url + '/notifications');
  assert.equal(await page.getByRole('button',
    { name: 'Follow back Grace Hopper' }).count(), 0, 'Grace is followed');
  assert.equal(await page.getByRole('button',
    { name: 'Follow back Ahmed Zewail' }).count(), 1, 'Ahmed still offered');
  const rel = await call('ada', 'GET', '/api/v1/accounts/relationships?id[]=' +
    (await call('ada', 'GET', '/api/v1/accounts/lookup?acct=grace')).id);
  assert.equal(rel[0].following, true);
});

test('notification settings: a kind off for the web', async () => {
  await page.goto(hearth.url + '/settings/notifications');
  await check('settings-notifications');
  const box = page.getByRole('checkbox', { name: 'Favourites on the web' });
  assert.equal(await box.isChecked(), true);
  await box.uncheck();
  await page.getByLabel('E-mail digest of what you missed').selectOption('weekly');
  await page.getByRole('button', { name: 'Save' }).click();
  await page.waitForURL(/\/settings\/notifications\?notice=notifications$/);
  assert.match(await page.locator('p.notice').innerText(),
    /notification settings were saved/);
  assert.equal(await page.getByRole('checkbox',
    { name: 'Favourites on the web' }).isChecked(), false);
  await page.goto(hearth.url + '/notifications');
  assert.doesNotMatch(await page.locator('main').innerText(), /favourited/,
    'favourites are left off the page');
});

test('live badge: a kind off for the web is not counted', async () => {
  // favourites are off since the test above
  await page.goto(hearth.url + '/');
  await page.waitForSelector('body[data-streams="1"]');
  assert.equal(await page.locator('body').getAttribute('data-notify-off'),
    'favourite');
  const before = Number(await badge().getAttribute('data-unread'));
  await fetch(hearth.url + '/api/v1/accounts/' +
    (await call('ada', 'GET', '/api/v1/accounts/lookup?acct=grace')).id +
    '/follow', { method: 'POST', headers: { Authorization: `Bearer ${api.ada}` } });
  // ahmed unfavourites and favourites again: a favourite notification
  await call('ahmed', 'POST', `/api/v1/statuses/${posted.id}/unfavourite`);
  await call('ahmed', 'POST', `/api/v1/statuses/${posted.id}/favourite`);
  const form = new URLSearchParams({ status: 'ping @ada' });
  await fetch(hearth.url + '/api/v1/statuses', {
    method: 'POST', body: form, headers: { Authorization: `Bearer ${api.grace}` },
  });
  await page.waitForFunction((n) => Number(document.querySelector(
    '[data-unread]').dataset.unread) === n + 1, before);
  await new Promise((r) => setTimeout(r, 500));
  assert.equal(Number(await badge().getAttribute('data-unread')), before + 1,
    'the mention counted, the favourite not');
});
