// The Lists pages and Settings → Filters in a real browser. Lists: reached
// from the account menu ("More" on phones), a list is made, someone
// followed added, the list's posts read, renamed and deleted. Filters: a
// warn filter collapses a matching card behind "Filtered: <title>" that
// opens with the keyboard; a hide filter leaves its posts out. Every page
// passes axe-core and fits 390 and 1280 px without sideways scrolling.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startHearth, launchBrowser, shot, seriousA11yViolations, PASSWORD, SIZES, signIn, navItem } from './harness.mjs';

let hearth, browser, page, ada, bob;

async function api(token, method, path, body) {
  const r = await fetch(`${hearth.url}${path}`, {
    method,
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
    body: body ? JSON.stringify(body) : undefined,
  });
  assert.equal(r.status, 200, `${method} ${path}: ${r.status}`);
  return r.json();
}

async function fits(what, size) {
  assert.deepEqual(await seriousA11yViolations(page), [],
    `${what} (${size}): no serious a11y issue`);
  const overflow = await page.evaluate(() =>
    document.documentElement.scrollWidth - document.documentElement.clientWidth);
  assert.ok(overflow <= 0, `${what}: no sideways scrolling at ${size} (${overflow}px)`);
}

before(async () => {
  hearth = await startHearth();
  for (const [name, display] of [['ada', 'Ada Lovelace'], ['bob', 'Bob Babbage']])
    hearth.ctl(['user', 'add', name, '--display-name', display,
      '--password-stdin'], PASSWORD + '\n');
  ada = hearth.ctl(['token', 'create', 'ada']).trim();
  bob = hearth.ctl(['token', 'create', 'bob']).trim();
  const bobId = (await api(bob, 'GET', '/api/v1/accounts/verify_credentials')).id;
  await api(ada, 'POST', `/api/v1/accounts/${bobId}/follow`);
  await api(bob, 'POST', '/api/v1/statuses', { status: 'The analytical engine weaves algebraic patterns, a long line that must wrap on a phone' });
  await api(bob, 'POST', '/api/v1/statuses', { status: 'Spoiler: the finale was great' });
  await api(bob, 'POST', '/api/v1/statuses', { status: 'Lunch menu: soup again' });
  browser = await launchBrowser();
  page = await browser.context.newPage();
});

after(async () => {
  await page?.close();
  await browser?.close();
  const code = await hearth?.stop();
  assert.equal(code, 0, 'hearthd exits cleanly');
});

test('the Lists pages make, fill, read, rename and delete a list', async () => {
  await signIn(page, hearth.url, 'ada');
  for (const [size, viewport] of SIZES) {
    await page.setViewportSize(viewport);
    await page.goto(hearth.url + '/');
    await (await navItem(page, 'link', 'Lists')).click();
    await page.waitForURL(hearth.url + '/lists');
    await page.getByRole('heading', { name: 'Lists', level: 1 }).waitFor();
    await fits('lists page', size);
    await shot(page, `user-lists-${size}`);
  }
  await page.getByLabel('Name of the list').fill('Engine room');
  await page.getByRole('button', { name: 'Make the list' }).click();
  await page.waitForURL(/\/lists\/\d+\?notice=created$/);
  await page.getByRole('heading', { name: 'Engine room', level: 1 }).waitFor();
  await page.getByText('Manage the list').click();
  await page.getByLabel('Add someone you follow').fill('@bob');
  await page.getByRole('button', { name: 'Add', exact: true }).press('Enter');
  await page.waitForURL(/notice=added$/);
  await page.getByText('The analytical engine weaves').waitFor();
  for (const [size, viewport] of SIZES) {
    await page.setViewportSize(viewport);
    await page.reload();
    await page.getByText('Manage the list').click();
    await fits('a list', size);
    await shot(page, `user-list-${size}`);
  }
  const lists = await api(ada, 'GET', '/api/v1/lists');
  assert.equal(lists.length, 1, 'the API sees the list');
  assert.equal((await api(ada, 'GET', `/api/v1/lists/${lists[0].id}/accounts`)).length, 1,
    '... with bob on it');
  await page.getByLabel('Name of the list').fill('Difference room');
  await page.getByRole('button', { name: 'Save' }).click();
  await page.waitForURL(/notice=saved$/);
  await page.getByRole('heading', { name: 'Difference room', level: 1 }).waitFor();
  // ada is not following herself: adding her is refused, with a message
  await page.getByText('Manage the list').click();
  await page.getByLabel('Add someone you follow').fill('ada');
  await page.getByRole('button', { name: 'Add', exact: true }).click();
  await page.getByRole('alert').getByText(/followed/).waitFor();
  await page.goto(hearth.url + `/lists/${lists[0].id}`);
  await page.getByText('Manage the list').click();
  await page.getByRole('button', { name: /^Remove/ }).click();
  await page.waitForURL(/notice=removed$/);
  await page.getByText('Manage the list').click();
  await page.getByRole('button', { name: 'Delete the list' }).click();
  // It asks first, naming the list; Cancel leads back to it.
  await page.getByText(/Delete the list “.*”\? The people on it are not told/).waitFor();
  assert.deepEqual(await seriousA11yViolations(page), [], 'the question: no serious a11y issue');
  await page.getByRole('button', { name: 'Delete the list' }).click();
  await page.waitForURL(/\/lists\?notice=deleted$/);
  await page.getByText('You have no lists yet.').waitFor();
});

test('Settings → Filters adds filters the cards honour', async () => {
  // signed in by the test before
  for (const [size, viewport] of SIZES) {
    await page.setViewportSize(viewport);
    await page.goto(hearth.url + '/settings/filters');
    await page.getByRole('heading', { name: 'Add a filter' }).waitFor();
    await fits('filters page', size);
    await shot(page, `filters-${size}`);
  }
  await page.getByLabel('Name', { exact: true }).fill('Spoilers');
  await page.getByLabel('Words and phrases', { exact: true }).fill('finale');
  await page.getByRole('button', { name: 'Add the filter' }).click();
  await page.waitForURL(/\/settings\/filters\?notice=saved$/);
  await page.locator('.filters-list').getByText('Behind a warning').waitFor();
  await page.getByLabel('Name', { exact: true }).fill('Food');
  await page.getByLabel('Words and phrases', { exact: true }).fill('lunch');
  await page.getByLabel('Hide completely').check();
  await page.getByRole('button', { name: 'Add the filter' }).click();
  await page.waitForURL(/notice=saved$/);
  const filters = await api(ada, 'GET', '/api/v2/filters');
  assert.deepEqual(filters.map((f) => [f.title, f.filter_action]),
    [['Spoilers', 'warn'], ['Food', 'hide']], 'the API sees both');
  for (const [size, viewport] of SIZES) {
    await page.setViewportSize(viewport);
    await page.goto(hearth.url + '/');
    await page.getByText('The analytical engine weaves').waitFor();
    assert.equal(await page.getByText('Lunch menu').count(), 0,
      'the hidden post is not on the page');
    const warned = page.locator('details.filtered-card');
    await warned.getByText('Filtered: Spoilers').waitFor();
    assert.equal(await page.getByText('the finale was great').isVisible(), false,
      'the warned post is collapsed');
    await fits('home with filters', size);
    await shot(page, `filtered-home-${size}`);
    await page.locator('details.filtered-card > summary').focus();
    await page.keyboard.press('Enter');
    await page.getByText('the finale was great').waitFor({ state: 'visible' });
  }
  await page.goto(hearth.url + '/settings/filters');
  // more words for Spoilers, and one taken away
  await page.getByText('Words of the filter Spoilers').click();
  await page.getByLabel('More words and phrases').first().fill('ending\ncliffhanger');
  await page.getByRole('button', { name: 'Add the words' }).first().click();
  await page.waitForURL(/notice=saved$/);
  let spoilers = (await api(ada, 'GET', '/api/v2/filters')).find((f) => f.title === 'Spoilers');
  assert.deepEqual(spoilers.keywords.map((k) => k.keyword).sort(),
    ['cliffhanger', 'ending', 'finale'], 'two words added');
  await page.getByText('Words of the filter Spoilers').click();
  await page.getByRole('button', { name: 'Remove ending' }).click();
  await page.waitForURL(/notice=saved$/);
  spoilers = (await api(ada, 'GET', '/api/v2/filters')).find((f) => f.title === 'Spoilers');
  assert.deepEqual(spoilers.keywords.map((k) => k.keyword).sort(),
    ['cliffhanger', 'finale'], 'one word removed');
  await page.getByText('Words of the filter Spoilers').click();
  await fits('filters page, words open', 'current');
  await page.getByRole('button', { name: 'Delete the filter Food' }).click();
  await page.waitForURL(/notice=saved$/);
  await page.goto(hearth.url + '/');
  await page.getByText('Lunch menu').waitFor();
});
