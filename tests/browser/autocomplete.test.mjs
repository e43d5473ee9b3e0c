// The pickers in a real browser (static/suggest.js): in the composer,
// "@li" offers people (avatar, name, @username, job title) and "#" offers
// hashtags, by keyboard (Down, Up, Enter, Tab, Escape) and by pointer,
// following the WAI-ARIA combobox pattern (aria-expanded, aria-controls,
// aria-activedescendant, a listbox of options); a deactivated person is
// never offered; the group members page adds someone picked by name. The
// open list passes axe-core at phone and desktop widths.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startHearth, launchBrowser, shot, seriousA11yViolations, PASSWORD, SIZES, signIn as signInAt } from './harness.mjs';

let hearth, browser, page;

const signIn = (p, name) => signInAt(p, hearth.url, name);

before(async () => {
  hearth = await startHearth();
  for (const [name, display] of [['ada', 'Ada Lovelace'],
    ['lisa', 'Lisa Łukowska'], ['linus', 'Linus Lindqvist'],
    ['lidia', 'Lidia Gone']]) {
    hearth.ctl(['user', 'add', name, '--display-name', display,
      '--password-stdin'], PASSWORD + '\n');
  }
  hearth.ctl(['user', 'disable', 'lidia']);
  browser = await launchBrowser();
  page = await browser.context.newPage();
  await signIn(page, 'ada');
  // A hashtag to be offered: a post carrying it.
  await page.getByLabel('Start a post').fill('Tea time #teatime');
  await page.getByRole('button', { name: 'Post', exact: true }).click();
  await page.waitForURL(hearth.url + '/');
});

after(async () => {
  await page?.close();
  await browser?.close();
  const code = await hearth?.stop();
  assert.equal(code, 0, 'hearthd exits 0 on SIGTERM');
});

const composer = () => page.getByLabel('Start a post');
const listbox = () => page.locator('ul.suggest-list:not([hidden])');
const options = () => listbox().getByRole('option');
// The open list once it answers the whole word typed (the last pause).
const offered = async (text) => {
  await listbox().getByRole('option', { name: text }).first().waitFor();
};

test('the composer is a combobox, closed until a mention is typed', async () => {
  await page.goto(hearth.url + '/');
  const box = composer();
  assert.equal(await box.getAttribute('role'), 'combobox');
  assert.equal(await box.getAttribute('aria-expanded'), 'false');
  assert.equal(await box.getAttribute('aria-autocomplete'), 'list');
  const controls = await box.getAttribute('aria-controls');
  assert.ok(controls, 'aria-controls names the listbox');
  assert.equal(await page.locator(`#${controls}`).getAttribute('role'), 'listbox');
  await box.fill('');
  await box.pressSequentially('Hello li');
  await page.waitForTimeout(400);
  assert.equal(await box.getAttribute('aria-expanded'), 'false',
    'no @, no suggestions');
});

test('@li offers people, by keyboard; a deactivated person never', async () => {
  const box = composer();
  await box.fill('');
  await box.pressSequentially('Hello @li');
  await offered(/Lisa/);
  await offered(/Linus/);
  assert.equal(await box.getAttribute('aria-expanded'), 'true');
  const texts = await options().allTextContents();
  assert.equal(texts.length, 2, `two people: ${texts}`);
  assert.ok(texts.some((x) => /Lisa Łukowska/.test(x) && /@lisa/.test(x)));
  assert.ok(texts.some((x) => /Linus Lindqvist/.test(x)));
  assert.ok(!texts.some((x) => /Lidia/.test(x)), 'lidia is deactivated');
  assert.equal(await options().first().locator('img.avatar').count(), 1,
    'each with an avatar');
  for (const [size, viewport] of SIZES) {
    await page.setViewportSize(viewport);
    assert.deepEqual(await seriousA11yViolations(page), [],
      `composer with suggestions (${size}): no serious a11y issue`);
    await shot(page, `autocomplete-${size}`);
  }
  await page.setViewportSize(SIZES[0][1]);
  await box.press('ArrowDown');
  const first = await options().nth(0).getAttribute('id');
  assert.equal(await box.getAttribute('aria-activedescendant'), first);
  assert.equal(await options().nth(0).getAttribute('aria-selected'), 'true');
  await box.press('ArrowDown');
  await box.press('ArrowUp');
  assert.equal(await box.getAttribute('aria-activedescendant'), first,
    'Up comes back');
  const want = (await options().nth(0).textContent()).match(/@(\w+)/)[1];
  await box.press('Enter');
  assert.equal(await box.inputValue(), `Hello @${want} `,
    'Enter replaces the typed word with the username');
  assert.equal(await box.getAttribute('aria-expanded'), 'false');
  assert.equal(await box.getAttribute('aria-activedescendant'), null);
});

test('folded names: @luk finds Łukowska; Tab takes it', async () => {
  const box = composer();
  await box.fill('');
  await box.pressSequentially('cc @luk');
  await offered(/Łukowska/);
  await page.waitForFunction(() => document.querySelectorAll(
    'ul.suggest-list:not([hidden]) [role=option]').length === 1);
  await box.press('ArrowDown');
  await box.press('Tab');
  assert.equal(await box.inputValue(), 'cc @lisa ');
  assert.ok(await box.evaluate((el) => el === document.activeElement),
    'the focus stays in the composer');
});

test('Escape closes the list and keeps the text', async () => {
  const box = composer();
  await box.fill('');
  await box.pressSequentially('@lin');
  await offered(/Linus/);
  await box.press('Escape');
  assert.equal(await box.getAttribute('aria-expanded'), 'false');
  assert.equal(await listbox().count(), 0, 'the listbox is hidden');
  assert.equal(await box.inputValue(), '@lin');
});

test('# offers hashtags, taken by pointer', async () => {
  const box = composer();
  await box.fill('');
  await box.pressSequentially('More #tea');
  await offered(/#teatime/);
  await options().filter({ hasText: '#teatime' }).click();
  assert.equal(await box.inputValue(), 'More #teatime ');
  assert.equal(await box.getAttribute('aria-expanded'), 'false');
  await box.pressSequentially('with @linu');
  await offered(/Linus/);
  await options().first().click();
  assert.equal(await box.inputValue(), 'More #teatime with @linus ');
  await page.getByRole('button', { name: 'Post', exact: true }).click();
  await page.waitForURL(hearth.url + '/');
  assert.equal(await page.locator('article.post').first()
    .getByRole('link', { name: '@linus' }).count(), 1,
  'the post mentions linus');
});

test('the members page adds a person picked by name', async () => {
  await page.goto(hearth.url + '/groups');
  await page.getByLabel('Name', { exact: true }).fill('Pickers');
  await page.getByRole('button', { name: 'Create group' }).click();
  await page.waitForURL(/\/groups\/\d+$/);
  await page.goto(page.url() + '/members');
  const field = page.getByLabel('Name or username of the person to add');
  assert.equal(await field.getAttribute('role'), 'combobox');
  await field.pressSequentially('Lindq');
  await offered(/Linus Lindqvist/);
  assert.equal(await options().count(), 1);
  assert.deepEqual(await seriousA11yViolations(page), [],
    'members page with suggestions: no serious a11y issue');
  await field.press('ArrowDown');
  await field.press('Enter');
  assert.equal(await field.inputValue(), 'linus');
  await page.getByRole('button', { name: 'Add member' }).click();
  await page.waitForURL(/\/members$/);
  assert.equal(await page.locator('.member-list').getByRole('link',
    { name: 'Linus Lindqvist' }).count(), 1, 'linus is a member');
});
