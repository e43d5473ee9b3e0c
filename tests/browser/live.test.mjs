// What hearth.js adds, in a real browser: favourite and follow without a
// reload, another person's post arriving behind an "N new posts" button,
// the notification badge counting up, a deleted post leaving the stream,
// and the composer's Markdown preview. "Without a reload" is checked by a
// marker set on window: a navigation would drop it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startHearth, launchBrowser, shot, seriousA11yViolations, PASSWORD, signIn as signInAt } from './harness.mjs';

let hearth, browser, page, otherToken, adaToken;
const password = PASSWORD;

before(async () => {
  hearth = await startHearth();
  hearth.ctl(['user', 'add', 'ada', '--display-name', 'Ada Lovelace',
    '--password-stdin'], password + '\n');
  hearth.ctl(['user', 'add', 'otto', '--display-name', 'Otto Other',
    '--password-stdin'], password + '\n');
  otherToken = hearth.ctl(['token', 'create', 'otto']).trim();
  adaToken = hearth.ctl(['token', 'create', 'ada']).trim();
  browser = await launchBrowser();
  page = await browser.context.newPage();
  await signInAt(page, hearth.url, 'ada');
});

after(async () => {
  await page?.close();
  await browser?.close();
  const code = await hearth?.stop();
  assert.equal(code, 0, 'hearthd exits 0 on SIGTERM');
});

// Call the API as someone (a bearer token).
async function api(token, method, path, body) {
  const res = await fetch(hearth.url + path, {
    method,
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
    body: body ? JSON.stringify(body) : undefined,
  });
  assert.ok(res.ok, `${method} ${path}: ${res.status}`);
  return res.json();
}

const mark = () => page.evaluate(() => { window.hearthMarker = 'still here'; });
const marked = () => page.evaluate(() => window.hearthMarker);

// Wait until the page's event streams are open, so no event is missed.
async function streamOpen(n = 1) {
  await page.waitForFunction((want) => Number(document.body.dataset.streams || 0) >= want,
    n, { timeout: 5000 });
}

test('like (👍, the favourite) without a reload, and again to take it back', async () => {
  const s = await api(otherToken, 'POST', '/api/v1/statuses',
    { status: 'Something to like', visibility: 'public' });
  await page.goto(hearth.url + '/public');
  await mark();
  const post = page.locator(`#post-${s.id}`);
  await post.getByRole('button', { name: /^Like \d+$/, pressed: false }).click();
  const on = post.getByRole('button', { name: /^Like \d+$/, pressed: true });
  await on.waitFor();
  assert.equal(await on.getAttribute('aria-pressed'), 'true');
  assert.equal((await on.locator('.count').textContent()).trim(), '1');
  assert.ok(await on.evaluate((el) => el === document.activeElement),
    'focus stays on the button');
  assert.equal(await marked(), 'still here', 'the page did not reload');
  await on.click();
  await post.getByRole('button', { name: /^Like \d+$/, pressed: false }).waitFor();
  assert.equal(await marked(), 'still here');
  const after = await api(adaToken, 'GET', `/api/v1/statuses/${s.id}`);
  assert.equal(after.favourited, false, 'the server agrees');
});

test('follow and unfollow without a reload', async () => {
  await page.goto(hearth.url + '/@otto');
  await mark();
  await page.getByRole('button', { name: 'Follow Otto Other' }).click();
  await page.getByRole('button', { name: 'Unfollow Otto Other' }).waitFor();
  assert.equal(await marked(), 'still here');
  const rel = await api(adaToken, 'GET',
    '/api/v1/accounts/relationships?id[]=' +
    (await api(adaToken, 'GET', '/api/v1/accounts/lookup?acct=otto')).id);
  assert.equal(rel[0].following, true, 'the server agrees');
  await shot(page, 'live-follow-desktop');
});

test('join and leave a group without a reload', async () => {
  const g = await api(otherToken, 'POST', '/api/v1/groups',
    { name: 'Climbing', description: 'Rocks', visibility: 'open' });
  await page.goto(hearth.url + '/groups');
  await mark();
  await page.getByRole('button', { name: 'Join Climbing' }).click();
  const leave = page.getByRole('button', { name: 'Leave Climbing' });
  await leave.waitFor();
  assert.ok(await leave.evaluate((el) => el === document.activeElement),
    'focus follows the group to its new list');
  assert.equal(await page.locator('section[aria-labelledby="mine-title"] #group-' + g.id).count(), 1,
    'it moved to "Your groups"');
  assert.equal(await marked(), 'still here', 'the page did not reload');
  await page.goto(hearth.url + `/groups/${g.id}`);
  await mark();
  await page.getByRole('button', { name: 'Leave group Climbing' }).click();
  await page.getByRole('button', { name: 'Join group Climbing' }).waitFor();
  assert.equal(await marked(), 'still here');
  const after = await api(adaToken, 'GET', `/api/v1/groups/${g.id}`);
  assert.equal(after.role, null, 'the server agrees: not a member');
});

test("another person's post waits behind an 'N new posts' button", async () => {
  await page.goto(hearth.url + '/');
  await streamOpen();
  await mark();
  const one = await api(otherToken, 'POST', '/api/v1/statuses',
    { status: 'Fresh from **Otto**', visibility: 'public' });
  const button = page.getByRole('button', { name: '1 new post' });
  await button.waitFor({ timeout: 5000 });
  assert.equal(await page.locator(`#post-${one.id}`).count(), 0,
    'the stream does not jump');
  await api(otherToken, 'POST', '/api/v1/statuses',
    { status: 'And another', visibility: 'public' });
  await page.getByRole('button', { name: '2 new posts' }).waitFor({ timeout: 5000 });
  await shot(page, 'live-new-posts-desktop');
  assert.deepEqual(await seriousA11yViolations(page), [], 'new-posts button: no serious a11y issue');
  await page.getByRole('button', { name: '2 new posts' }).click();
  await page.locator(`#post-${one.id} strong`, { hasText: 'Otto' }).waitFor();
  assert.equal(await page.getByRole('button', { name: /new post/ }).count(), 0,
    'the button goes once they are shown');
  assert.equal(await marked(), 'still here', 'the page did not reload');

  // Deleted elsewhere: it leaves the stream.
  await api(otherToken, 'DELETE', `/api/v1/statuses/${one.id}`);
  await page.locator(`#post-${one.id}`).waitFor({ state: 'detached', timeout: 5000 });
});

test('the company stream, a hashtag page and a group page update too', async () => {
  const g = await api(otherToken, 'POST', '/api/v1/groups',
    { name: 'Rockets', visibility: 'open' });
  await page.goto(hearth.url + '/tags/launch');
  await streamOpen(2);
  await api(otherToken, 'POST', '/api/v1/statuses',
    { status: 'not tagged', visibility: 'public' });
  await api(otherToken, 'POST', '/api/v1/statuses',
    { status: 'We #Launch today', visibility: 'public' });
  await page.getByRole('button', { name: '1 new post' }).waitFor({ timeout: 5000 });
  // The tag's stream also carries group posts Ada may read.
  await api(otherToken, 'POST', '/api/v1/statuses',
    { status: 'Rockets #launch too', group_id: g.id });
  await page.getByRole('button', { name: '2 new posts' }).waitFor({ timeout: 5000 });
  await page.goto(hearth.url + `/groups/${g.id}`);
  await streamOpen(2);
  await mark();
  await api(otherToken, 'POST', '/api/v1/statuses',
    { status: 'outside the group', visibility: 'public' });
  const inside = await api(otherToken, 'POST', '/api/v1/statuses',
    { status: 'Countdown in **Rockets**', group_id: g.id });
  await page.getByRole('button', { name: '1 new post' }).click({ timeout: 5000 });
  await page.locator(`#post-${inside.id} strong`, { hasText: 'Rockets' }).waitFor();
  assert.equal(await marked(), 'still here', 'the group page did not reload');
  await page.goto(hearth.url + '/public');
  await streamOpen(2);
  await api(otherToken, 'POST', '/api/v1/statuses',
    { status: 'Company news', visibility: 'public' });
  await page.getByRole('button', { name: '1 new post' }).waitFor({ timeout: 5000 });
});

test('the notification badge counts up as mentions arrive', async () => {
  await api(adaToken, 'POST', '/api/v1/notifications/clear');
  await page.goto(hearth.url + '/directory');
  await streamOpen();
  const badge = page.locator('[data-unread]');
  assert.equal(await badge.isVisible(), false, 'no badge with nothing unread');
  await mark();
  await api(otherToken, 'POST', '/api/v1/statuses',
    { status: 'Hello @ada', visibility: 'public' });
  await page.locator('[data-unread]:visible').waitFor({ timeout: 5000 });
  assert.match(await badge.textContent(), /1/);
  await api(otherToken, 'POST', '/api/v1/statuses',
    { status: 'Again @ada', visibility: 'public' });
  await page.waitForFunction(() => document.querySelector('[data-unread]')
    ?.dataset.unread === '2', null, { timeout: 5000 });
  assert.equal(await page.title(), '(2) People · hearth', "the tab's title counts too");
  assert.equal(await marked(), 'still here');
  await page.reload();
  assert.equal(await page.title(), '(2) People · hearth', '... as the server renders it');
});

test('Markdown preview in the composer posts nothing', async () => {
  await page.goto(hearth.url + '/');
  await mark();
  const before = (await api(adaToken, 'GET', '/api/v1/accounts/verify_credentials')).statuses_count;
  await page.getByLabel('Start a post').fill('A *preview* with `code` and #tags');
  await page.getByRole('button', { name: 'Preview' }).click();
  const preview = page.locator('#preview');
  await preview.locator('em', { hasText: 'preview' }).waitFor();
  assert.equal(await preview.locator('code').textContent(), 'code');
  assert.equal(await page.getByLabel('Start a post').inputValue(),
    'A *preview* with `code` and #tags', 'the draft stays');
  assert.equal(await marked(), 'still here');
  const after = (await api(adaToken, 'GET', '/api/v1/accounts/verify_credentials')).statuses_count;
  assert.equal(after, before, 'nothing was posted');
  for (const scheme of ['light', 'dark']) {
    await page.emulateMedia({ colorScheme: scheme });
    assert.deepEqual(await seriousA11yViolations(page), [],
      `home with preview (${scheme}): no serious a11y issue`);
    await shot(page, `live-preview-${scheme}-desktop`);
  }
  await page.emulateMedia({ colorScheme: 'light' });
});

test('Markdown preview works with JavaScript off', async () => {
  // The persistent context cannot turn JavaScript off; refusing our one
  // script is the same for hearth's pages.
  await page.context().route('**/static/hearth.*.js', (r) => r.abort());
  try {
    await page.goto(hearth.url + '/');
    assert.equal(await page.evaluate(() => document.querySelector('[data-unread]')
      ?.dataset.unread !== undefined && typeof window.EventSource), 'function');
    await page.getByLabel('Start a post').fill('No **script** needed');
    await page.getByRole('button', { name: 'Preview' }).click();
    await page.waitForURL(hearth.url + '/compose');
    await page.locator('#preview strong', { hasText: 'script' }).waitFor();
    assert.equal(await page.getByLabel('Start a post').inputValue(),
      'No **script** needed');
  } finally {
    await page.context().unroute('**/static/hearth.*.js');
  }
});
