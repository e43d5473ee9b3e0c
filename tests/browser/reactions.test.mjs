// The card's action row in a real browser (issue 20): react from the
// React menu (a <details> of buttons, usable with the keyboard alone), see
// the chip with its count and who reacted (title on hover, the "Who
// reacted" list on tap), take it back from the chip, share and bookmark,
// find the post on the Bookmarks page, and Edit behind "More". Then the
// same forms with JavaScript off. Every page passes axe-core; screenshots
// at phone and desktop widths.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startHearth, launchBrowser, shot, seriousA11yViolations, PASSWORD, SIZES, signIn as signInAt } from './harness.mjs';

let hearth, browser, page, postUrl;

before(async () => {
  hearth = await startHearth();
  for (const [name, display] of [['ada', 'Ada Lovelace'], ['bob', 'Bob Builder']]) {
    hearth.ctl(['user', 'add', name, '--display-name', display,
      '--password-stdin'], PASSWORD + '\n');
  }
  browser = await launchBrowser();
  page = await browser.context.newPage();
  await signInAt(page, hearth.url, 'ada');
  await page.getByLabel('Start a post').fill('Ship the *reactions* today');
  await page.getByRole('button', { name: 'Post', exact: true }).click();
  await page.waitForURL(hearth.url + '/');
  postUrl = hearth.url + await page.locator('article.post').first()
    .locator('a.when').getAttribute('href');
  await page.context().clearCookies();
  await signInAt(page, hearth.url, 'bob');
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

const card = () => page.locator('section[aria-label="The post"] article.post');

test('react from the React menu with the keyboard', async () => {
  await page.goto(postUrl);
  const menu = card().locator('details.react-menu');
  await menu.locator('summary').focus();
  await page.keyboard.press('Enter');
  assert.equal(await menu.getAttribute('open'), '', 'Enter opens the menu');
  const party = menu.getByRole('button', { name: 'React 🎉' });
  await party.waitFor();
  await check('react-menu');
  await party.focus();
  await page.keyboard.press('Enter');
  // hearth.js swaps the row in place: wait for the chip.
  const chip = card().locator('.reaction-chip[aria-pressed="true"]');
  await chip.waitFor();
  assert.equal(await chip.locator('.count').textContent(), '1');
  assert.match(await chip.getAttribute('title'), /🎉 Bob Builder/,
    'who reacted, on hover');
  assert.equal(new URL(page.url()).pathname, new URL(postUrl).pathname,
    'the page stayed where it was');
});

test('who reacted, on tap', async () => {
  const who = card().locator('details.reaction-who');
  await who.locator('summary').click();
  assert.match(await who.locator('ul').textContent(), /🎉\s*Bob Builder/);
  await check('reaction-who');
});

test('take the reaction back from its chip', async () => {
  await card().locator('.reaction-chip[aria-pressed="true"]').click();
  await card().locator('.reaction-chip').waitFor({ state: 'detached' });
  assert.equal(await card().locator('.reaction-row').count(), 0,
    'no chips left');
});

test('like (👍) is the favourite button', async () => {
  await card().locator('button.fav').click();
  await card().locator('button.fav[aria-pressed="true"]').waitFor();
  assert.equal(await card().locator('button.fav .count').textContent(), '1');
  assert.match(await card().locator('button.fav').getAttribute('title'),
    /👍 Bob Builder/, 'who liked it, on hover');
});

test('share and bookmark, then find it on the Bookmarks page', async () => {
  await card().locator('button.share').click();
  await card().locator('button.share[aria-pressed="true"]').waitFor();
  assert.equal(await card().locator('button.share .count').textContent(), '1');
  await card().locator('button.bookmark').click();
  await card().locator('button.bookmark[aria-pressed="true"]').waitFor();
  await page.goto(hearth.url + '/');
  const shared = page.locator('.post-shared').first();
  assert.match(await shared.locator('.shared-by').textContent(), /Bob Builder\s+shared/);
  assert.match(await shared.locator('article.post .content').textContent(), /reactions/);
  await check('home-shared');
  await page.locator('details.nav-menu > summary').click();
  await page.getByRole('link', { name: 'Bookmarks' }).click();
  await page.waitForURL(hearth.url + '/bookmarks');
  assert.match(await page.locator('article.post').first().textContent(), /Ship the/);
  await check('bookmarks');
});

test('Edit and Delete are behind "More", for the author only', async () => {
  await page.goto(postUrl);
  const more = card().locator('details.more-menu');
  await more.locator('summary').click();
  assert.equal(await more.getByRole('link', { name: 'Edit', exact: true }).count(), 0,
    'bob has no Edit on ada\'s post');
  await page.context().clearCookies();
  await signInAt(page, hearth.url, 'ada');
  await page.goto(postUrl);
  await card().locator('details.more-menu > summary').click();
  await card().getByRole('link', { name: 'Edit', exact: true }).waitFor();
  await check('more-menu');
});

test('a card elsewhere fills its React menu from the page\'s one set', async () => {
  // ada (signed in by the test above) reacts from her home page's card.
  await page.goto(hearth.url + '/');
  const home = page.locator('article.post').first();
  const menu = home.locator('details.react-menu');
  assert.equal(await menu.locator('button.react-choice').count(), 0,
    'no buttons in the card until the menu opens');
  await menu.locator('summary').focus();
  await page.keyboard.press('Enter');
  const party = menu.getByRole('button', { name: 'React 🎉' });
  await party.waitFor();
  assert.equal(await menu.locator('button.react-choice').count(), 5,
    'the configured set but 👍');
  assert.equal(await menu.locator('[data-react-offer]').count(), 0,
    'the link to the post page is replaced');
  await party.focus();
  await page.keyboard.press('Enter');
  const chip = home.locator('.reaction-chip[aria-pressed="true"]');
  await chip.waitFor();
  assert.equal(new URL(page.url()).pathname, '/', 'the page stayed');
  // Opened again, 🎉 is hers: pressed, and it takes the reaction back.
  const again = page.locator('article.post').first().locator('details.react-menu');
  await again.locator('summary').click();
  const own = again.getByRole('button', { name: '🎉 (yours; take it back)' });
  await own.waitFor();
  assert.equal(await own.getAttribute('aria-pressed'), 'true');
  assert.equal(await own.getAttribute('name'), 'remove');
  await own.click();
  await page.locator('article.post').first().locator('.reaction-chip[aria-pressed="true"]')
    .waitFor({ state: 'detached' });
  await check('home-react-menu');
});

test('without JavaScript the forms still work', async () => {
  // ada is signed in now (the test above); a page with scripts off.
  const p = await browser.context.newPage();
  const cdp = await browser.context.newCDPSession(p);
  await cdp.send('Emulation.setScriptExecutionDisabled', { value: true });
  await p.goto(postUrl);
  const c = p.locator('section[aria-label="The post"] article.post');
  await c.locator('details.react-menu > summary').click();
  await c.getByRole('button', { name: 'React 👀' }).click();
  await p.waitForURL(postUrl);
  const chip = p.locator('section[aria-label="The post"] .reaction-chip[aria-pressed="true"]');
  assert.match((await chip.textContent()).replace(/\s+/g, ' '), /👀 1/);
  // A card elsewhere: its React menu leads to the post's page.
  await p.goto(hearth.url + '/');
  const home = p.locator('article.post').first();
  await home.locator('details.react-menu > summary').click();
  await home.getByRole('link', { name: /Choose a reaction/ }).click();
  await p.waitForURL(postUrl);
  await p.close();
});
