// Pinned posts and followed hashtags in a real browser (issue 21): pin
// one's post from the card's More menu, see it at the top of one's
// profile under "Pinned" and not again in the posts below, unpin it; follow
// a hashtag from its page, find it under "Tags you follow", see its posts
// come into home, unfollow. Every page passes axe-core at 1280 and 390 px.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startHearth, launchBrowser, shot, seriousA11yViolations, PASSWORD, signIn } from './harness.mjs';

const SIZES = [['desktop', { width: 1280, height: 800 }],
  ['phone', { width: 390, height: 844 }]];
let hearth, browser, page;

before(async () => {
  hearth = await startHearth();
  for (const [name, display] of [['ada', 'Ada Lovelace'], ['bob', 'Bob Builder']]) {
    hearth.ctl(['user', 'add', name, '--display-name', display,
      '--password-stdin'], PASSWORD + '\n');
  }
  browser = await launchBrowser();
  page = await browser.context.newPage();
  await signIn(page, hearth.url, 'ada');
  for (const text of ['The first post, to pin', 'A second post', 'The newest post']) {
    await page.getByLabel('Start a post').fill(text);
    await page.getByRole('button', { name: 'Post', exact: true }).click();
    await page.waitForURL(hearth.url + '/');
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

const pinnedSection = () => page.locator('section.pinned-posts');
const postsSection = () => page.locator('section[aria-labelledby="posts-title"]');

test('pin from the More menu: on top of the profile, marked, not repeated', async () => {
  await page.goto(hearth.url + '/@ada');
  assert.equal(await pinnedSection().count(), 0, 'no Pinned section yet');
  const first = postsSection().locator('article.post', { hasText: 'The first post, to pin' });
  const more = first.locator('details.more-menu');
  await more.locator('summary').focus();
  await page.keyboard.press('Enter');
  const pin = more.getByRole('button', { name: 'Pin to your profile' });
  await pin.waitFor();
  await check('pin-menu');
  await pin.click();
  await page.waitForURL(/\/@ada/);
  await pinnedSection().waitFor();
  assert.equal(await pinnedSection().getByRole('heading', { name: 'Pinned' }).count(), 1,
    'a Pinned heading');
  const pinned = pinnedSection().locator('article.post');
  assert.equal(await pinned.count(), 1, 'one pinned post');
  assert.match(await pinned.textContent(), /The first post, to pin/);
  assert.match(await pinnedSection().locator('.pin-mark').first().textContent(), /Pinned/,
    'the card carries a Pinned mark');
  assert.equal(await postsSection().locator('article.post', { hasText: 'The first post, to pin' }).count(), 0,
    'not repeated in the posts below');
  assert.equal(await postsSection().locator('article.post').count(), 2,
    'the other two posts below');
  const order = await page.locator('article.post .content').allTextContents();
  assert.match(order[0], /The first post, to pin/, 'the pin comes first, though oldest');
  await check('profile-pinned');
});

test('someone else sees the pin, without Pin or Unpin', async () => {
  const other = await launchBrowser();
  const p = await other.context.newPage();
  await signIn(p, hearth.url, 'bob');
  await p.goto(hearth.url + '/@ada');
  assert.match(await p.locator('section.pinned-posts article.post').textContent(),
    /The first post, to pin/, 'bob sees ada\'s pin');
  assert.equal(await p.getByRole('button', { name: /Pin to your profile|Unpin from your profile/ }).count(), 0,
    'and no pin buttons on her posts');
  await other.close();
});

test('unpin from the More menu', async () => {
  await page.goto(hearth.url + '/@ada');
  const more = pinnedSection().locator('details.more-menu');
  await more.locator('summary').click();
  await more.getByRole('button', { name: 'Unpin from your profile' }).click();
  await page.waitForURL(/\/@ada/);
  await postsSection().locator('article.post').nth(2).waitFor();
  assert.equal(await pinnedSection().count(), 0, 'no Pinned section any more');
  assert.equal(await postsSection().locator('article.post').count(), 3,
    'all three posts in the stream again');
});

test('follow a hashtag from its page; it lists and feeds home', async () => {
  await page.goto(hearth.url + '/tags/launch');
  const follow = page.getByRole('button', { name: 'Follow #launch', exact: true });
  await follow.waitFor();
  assert.equal(await follow.getAttribute('aria-pressed'), 'false');
  await check('tag-follow');
  await follow.click();
  const unfollow = page.getByRole('button', { name: 'Unfollow #launch' });
  await unfollow.waitFor();
  assert.equal(await unfollow.getAttribute('aria-pressed'), 'true');
  await page.goto(hearth.url + '/');
  const side = page.locator('aside.side section', { has: page.getByRole('heading', { name: 'Tags you follow' }) });
  assert.equal(await side.getByRole('link', { name: '#launch' }).count(), 1,
    'listed under Tags you follow');
  await check('tags-you-follow');
  // bob, whom ada does not follow, posts with the tag: it comes into her home
  const other = await launchBrowser();
  const p = await other.context.newPage();
  await signIn(p, hearth.url, 'bob');
  await p.getByLabel('Start a post').fill('We #launch on Friday');
  await p.getByRole('button', { name: 'Post', exact: true }).click();
  await p.waitForURL(hearth.url + '/');
  await other.close();
  await page.goto(hearth.url + '/');
  assert.equal(await page.locator('article.post', { hasText: 'We #launch on Friday' }).count(), 1,
    'bob\'s #launch post is in ada\'s home');
  await page.goto(hearth.url + '/tags/launch');
  await page.getByRole('button', { name: 'Unfollow #launch' }).click();
  await page.getByRole('button', { name: 'Follow #launch', exact: true }).waitFor();
  await page.goto(hearth.url + '/');
  assert.equal(await page.locator('article.post', { hasText: 'We #launch on Friday' }).count(), 0,
    'after unfollowing, not in her home');
  assert.equal(await page.getByRole('heading', { name: 'Tags you follow' }).count(), 0,
    'and no Tags you follow box');
});
