// Space and density in a real browser: at 1280 px a side column beside the
// stream (groups, trending tags, people), at 390 px none and the navigation
// as a bottom tab bar; a header that stays while the page scrolls, with a
// search box and one's avatar; no sideways scrolling at either width; the
// welcome checklist; a nested thread. Every page passes axe-core.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startHearth, launchBrowser, shot, seriousA11yViolations, PASSWORD, signIn as signInAt } from './harness.mjs';

let hearth, browser, page;
const WIDE = { width: 1280, height: 800 };
const PHONE = { width: 390, height: 844 };

before(async () => {
  hearth = await startHearth('groups.default = Everyone');
  for (const [name, display] of [['ada', 'Ada Lovelace'], ['bo', 'Bo Builder'],
    ['cy', 'Cy Writer']])
    hearth.ctl(['user', 'add', name, '--display-name', display,
      '--password-stdin'], PASSWORD + '\n');
  browser = await launchBrowser();
  page = await browser.context.newPage();
  await page.setViewportSize(WIDE);
  // Bo writes enough to scroll, with a tag to trend, and a thread.
  await signInAt(page, hearth.url, 'bo');
  for (let i = 0; i < 12; i++) {
    await page.getByLabel('Start a post').fill(`Post ${i} about #layout with some words to fill a line or two of the card`);
    await page.getByRole('button', { name: 'Post', exact: true }).click();
    await page.waitForURL(hearth.url + '/');
  }
  await page.context().clearCookies();
  await signInAt(page, hearth.url, 'ada');
});

after(async () => {
  await page?.close();
  await browser?.close();
  const code = await hearth?.stop();
  assert.equal(code, 0, 'hearthd exits 0 on SIGTERM');
});

async function noSideways(name) {
  const over = await page.evaluate(() =>
    document.documentElement.scrollWidth - document.documentElement.clientWidth);
  assert.ok(over <= 0, `${name}: no horizontal overflow (${over} px)`);
}

async function axe(name) {
  assert.deepEqual(await seriousA11yViolations(page), [],
    `${name}: no serious a11y issue`);
  await shot(page, `layout-${name}`);
}

test('wide: the side column, a sticky header with search and avatar', async () => {
  await page.setViewportSize(WIDE);
  // The trending tags are read off the loop; with none yet, again after 5 s.
  for (let i = 0; i < 8; i++) {
    await page.goto(hearth.url + '/');
    if (await page.locator('#side-tags').count() > 0) break;
    await page.waitForTimeout(1000);
  }
  const side = page.getByRole('complementary', { name: 'Around you' });
  assert.ok(await side.isVisible(), 'the side column shows at 1280 px');
  assert.match(await side.textContent(), /Your groups[\s\S]*Everyone/,
    'it lists her groups (the company-wide one)');
  assert.match(await side.textContent(), /#layout/, 'and the trending tag');
  assert.match(await side.textContent(), /People to follow[\s\S]*(Bo Builder|Cy Writer)/,
    'and people to follow');
  const main = await page.locator('main').boundingBox();
  const aside = await side.boundingBox();
  assert.ok(aside.x >= main.x + main.width, 'the side column is beside the stream');
  // The welcome checklist and the fallback to the company stream.
  assert.ok(await page.getByRole('region', { name: 'Welcome to hearth' }).isVisible(),
    'the welcome checklist is on home');
  assert.match(await page.locator('#stream').textContent(), /company stream/,
    'an empty home says it shows the company stream');
  // The header stays at the top while scrolling.
  await page.mouse.wheel(0, 1500);
  await page.waitForFunction(() => window.scrollY > 300);
  const top = await page.locator('header.top').boundingBox();
  assert.ok(Math.abs(top.y) < 1, `the header stays at the top (y ${top.y})`);
  await page.evaluate(() => window.scrollTo(0, 0));
  // The search box in the header.
  const search = page.getByRole('search', { name: 'Search hearth' });
  assert.ok(await search.isVisible(), 'a search box in the header');
  const avatar = page.locator('details.nav-menu > summary img.nav-avatar');
  assert.ok(await avatar.isVisible(), 'her avatar in the account menu');
  await noSideways('home-wide');
  await axe('home-wide');
  await search.getByRole('searchbox').fill('layout');
  await search.getByRole('searchbox').press('Enter');
  await page.waitForURL(/\/search\?q=layout/);
  await noSideways('search-wide');
});

test('phone: no side column, a bottom tab bar, no sideways scrolling', async () => {
  await page.setViewportSize(PHONE);
  await page.goto(hearth.url + '/');
  assert.ok(!(await page.getByRole('complementary', { name: 'Around you' }).isVisible()),
    'no side column at 390 px');
  const nav = page.getByRole('navigation', { name: 'Main' });
  const box = await nav.boundingBox();
  assert.ok(box.y + box.height >= PHONE.height - 2,
    `the navigation is at the bottom (${box.y} + ${box.height})`);
  for (const name of ['Home', 'Company', 'Groups'])
    assert.ok(await nav.getByRole('link', { name, exact: true }).isVisible(),
      `${name} in the tab bar`);
  assert.ok(await nav.getByRole('link', { name: /^Notifications/ }).isVisible(),
    'Notifications in the tab bar');
  assert.ok(await nav.locator('summary').getByText('More').isVisible(), 'More in the tab bar');
  assert.ok(await page.getByRole('search', { name: 'Search hearth' }).isVisible(),
    'the search box stays in the header');
  await page.mouse.wheel(0, 1500);
  await page.waitForFunction(() => window.scrollY > 300);
  const top = await page.locator('header.top').boundingBox();
  assert.ok(Math.abs(top.y) < 1, 'the header stays at the top on a phone too');
  const after = await nav.boundingBox();
  assert.ok(after.y + after.height >= PHONE.height - 2, 'the tab bar stays at the bottom');
  // The menu opens upwards, inside the screen.
  await nav.locator('summary').click();
  const menu = await nav.locator('details.nav-menu > ul').boundingBox();
  assert.ok(menu.y >= 0 && menu.y + menu.height <= PHONE.height, 'the More menu is on screen');
  await nav.locator('summary').click();
  await noSideways('home-phone');
  await axe('home-phone');
});

test('directory grid, profile, followers, and a nested thread at both widths', async () => {
  // A thread three deep.
  await page.setViewportSize(WIDE);
  await page.goto(hearth.url + '/@bo');
  await page.getByRole('link', { name: 'Mention Bo Builder' }).click();
  await page.waitForURL(/\/\?text=/);
  assert.equal(await page.getByLabel('Start a post').inputValue(), '@bo ');
  await page.goto(hearth.url + '/@bo');
  const first = page.locator('article.post').first();
  await first.locator('a.when').click();
  await page.getByLabel(/Your reply to/).fill('A reply');
  await page.getByRole('button', { name: 'Reply', exact: true }).click();
  await page.waitForLoadState();
  const postUrl = page.url();
  await page.locator('li.reply article.post a.when').first().click();
  await page.getByLabel(/Your reply to/).fill('A reply to the reply');
  await page.getByRole('button', { name: 'Reply', exact: true }).click();
  await page.waitForLoadState();
  await page.goto(postUrl);
  const depth2 = page.locator('li.reply.depth-2');
  assert.equal(await depth2.count(), 1, 'the reply to the reply nests');
  const d1 = await page.locator('li.reply.depth-1').boundingBox();
  const d2 = await depth2.boundingBox();
  assert.ok(d2.x > d1.x, 'indented under its parent');
  assert.match(await page.locator('#replies-title').textContent(), /2 replies/);
  for (const [name, size] of [['wide', WIDE], ['phone', PHONE]]) {
    await page.setViewportSize(size);
    for (const [what, path] of [['thread', postUrl], ['directory', hearth.url + '/directory'],
      ['profile', hearth.url + '/@ada'], ['followers', hearth.url + '/@bo/followers']]) {
      await page.goto(path);
      await noSideways(`${what}-${name}`);
      await axe(`${what}-${name}`);
    }
  }
  await page.setViewportSize(WIDE);
  await page.goto(hearth.url + '/directory');
  const cards = page.locator('ul.people-cards > li');
  const a = await cards.nth(0).boundingBox();
  const b = await cards.nth(1).boundingBox();
  assert.ok(Math.abs(a.y - b.y) < 2 && b.x > a.x, 'the directory is a grid at 1280 px');
  await page.getByRole('button', { name: 'Follow Cy Writer' }).click();
  await page.waitForURL(/\/directory/);
  assert.ok(await page.getByRole('button', { name: 'Unfollow Cy Writer' }).isVisible(),
    'followed from the directory, back on it');
  await page.goto(hearth.url + '/@ada');
  assert.ok(await page.getByRole('link', { name: 'Edit profile' }).isVisible());
  await page.getByRole('link', { name: /1 following/ }).click();
  await page.waitForURL(hearth.url + '/@ada/following');
  assert.match(await page.locator('main').textContent(), /Cy Writer/);
});

// The card's action row (reply, like, react, share, bookmark, more) on one
// line at 390 px, in English, German and Polish, also with three-digit
// counts; the replies link shows its number there, and keeps its words for
// screen readers. At 1280 px the word shows.
test('phone: the card action row stays on one line in every language', async () => {
  // One line: every button's box overlaps the first one's vertically.
  const oneLine = () => page.evaluate(() => {
    const row = document.querySelector('article.post .action-row');
    const kids = [...row.children].filter((c) => c.getBoundingClientRect().width > 0);
    const first = kids[0].getBoundingClientRect();
    const r = row.getBoundingClientRect();
    return {
      n: kids.length,
      wrapped: kids.filter((c) => c.getBoundingClientRect().top >= first.bottom).map((c) => c.className),
      inside: kids.every((c) => c.getBoundingClientRect().right <= r.right + 0.5),
    };
  });
  const big = () => page.evaluate(() => {
    const row = document.querySelector('article.post .action-row');
    for (const c of row.querySelectorAll('.count')) c.textContent = '123';
    row.querySelector('.replies').firstChild.textContent = '123 ';
  });
  try {
    await page.setViewportSize(PHONE);
    for (const lang of ['en', 'de', 'pl']) {
      await page.setExtraHTTPHeaders({ 'Accept-Language': lang });
      for (const path of ['/public', '/@bo']) {
        await page.goto(hearth.url + path);
        let got = await oneLine();
        assert.equal(got.n, 6, `${lang} ${path}: six buttons in the row`);
        assert.deepEqual(got.wrapped, [], `${lang} ${path}: nothing wraps at 390 px`);
        assert.ok(got.inside, `${lang} ${path}: nothing sticks out`);
        await big();
        got = await oneLine();
        assert.deepEqual(got.wrapped, [], `${lang} ${path}: nothing wraps with three-digit counts`);
        assert.ok(got.inside, `${lang} ${path}: nothing sticks out with three-digit counts`);
      }
      await shot(page, `layout-action-row-${lang}-390`);
    }
    await page.setExtraHTTPHeaders({});
    await page.goto(hearth.url + '/public');
    const replies = page.locator('article.post').first().locator('a.replies');
    assert.match(await replies.evaluate((a) => a.textContent), /^\d+ repl(y|ies)$/,
      'the link keeps its words for screen readers');
    assert.ok((await replies.boundingBox()).width < 70, 'on a phone it is the number and a bubble');
    await noSideways('action-row-phone');
    await page.setViewportSize(WIDE);
    await page.goto(hearth.url + '/public');
    assert.ok(await page.locator('article.post').first().locator('a.replies .act-word').isVisible(),
      'at 1280 px the word shows');
  } finally {
    await page.setExtraHTTPHeaders({});
    await page.setViewportSize(WIDE);
  }
});
