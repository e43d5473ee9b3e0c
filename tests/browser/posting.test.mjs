// Posting in a real browser, without JavaScript of our own: the composer
// renders Markdown, a reply lands in the thread, a favourite counts, a
// profile's Follow button works and the company stream shows public posts.
// Every page passes axe-core; screenshots at phone and desktop widths.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startHearth, launchBrowser, shot, seriousA11yViolations, PASSWORD, SIZES, signIn as signInAt } from './harness.mjs';

let hearth, browser, page, postUrl;
const password = PASSWORD;
const sizes = SIZES;

before(async () => {
  hearth = await startHearth();
  hearth.ctl(['user', 'add', 'ada', '--display-name', 'Ada Lovelace',
    '--password-stdin'], password + '\n');
  hearth.ctl(['user', 'add', 'other', '--display-name', 'Otto Other',
    '--password-stdin'], password + '\n');
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

test('post Markdown from the home composer and see it rendered', async () => {
  await page.getByLabel('Start a post').fill('**bold** and #tag and @other');
  await page.getByLabel('Who can see it').selectOption('public');
  await page.getByRole('button', { name: 'Post', exact: true }).click();
  await page.waitForURL(hearth.url + '/');
  const post = page.locator('article.post').first();
  assert.equal(await post.locator('.content strong').textContent(), 'bold');
  assert.match(await post.locator('.content a[href$="/tags/tag"]').textContent(), /#tag/);
  assert.match(await post.locator('.content a[href$="/@other"]').textContent(), /@other/);
  const time = post.locator('time');
  assert.match(await time.getAttribute('datetime'), /^\d{4}-\d\d-\d\dT/);
  assert.ok(await post.locator('a.when').getAttribute('title'), 'exact time in a title');
  assert.equal(await page.locator('nav[aria-label="Main"] a[aria-current="page"]').textContent(),
    'Home');
  postUrl = hearth.url + await post.locator('a.when').getAttribute('href');
  await check('home');
});

test('an empty post is refused with a message', async () => {
  await page.getByLabel('Start a post').fill(' ');
  await page.getByRole('button', { name: 'Post', exact: true }).click();
  await page.waitForLoadState();
  assert.match(await page.getByRole('alert').textContent(), /blank|empty|Text/i);
  await page.goto(hearth.url + '/');
});

test('reply on the post page and see the reply in the thread', async () => {
  await page.goto(postUrl);
  await page.getByLabel('Your reply to @ada').fill('a *thoughtful* reply');
  await page.getByRole('button', { name: 'Reply', exact: true }).click();
  await page.waitForURL(postUrl);
  const replies = page.locator('section[aria-labelledby="replies-title"] article.post');
  assert.equal(await replies.count(), 1);
  assert.equal(await replies.first().locator('.content em').textContent(), 'thoughtful');
  await check('post');
});

test('favourite a post and see the count change', async () => {
  await page.goto(postUrl);
  const focus = page.locator('section[aria-label="The post"] article.post');
  assert.equal(await focus.locator('button.fav .count').textContent(), '0');
  await focus.locator('button.fav').click();
  // hearth.js swaps the buttons in place: wait for the pressed one.
  await focus.locator('button.fav[aria-pressed="true"]').waitFor();
  assert.equal(await focus.locator('button.fav .count').textContent(), '1');
  assert.equal(await focus.locator('button.fav').getAttribute('aria-pressed'), 'true');
});

test("open another person's profile and follow them", async () => {
  await page.goto(hearth.url + '/@other');
  assert.equal(await page.locator('h1').textContent(), 'Otto Other');
  await page.getByRole('button', { name: 'Follow Otto Other' }).click();
  // With hearth.js the profile updates in place; without, after a reload.
  await page.getByRole('button', { name: 'Unfollow Otto Other' }).waitFor();
  await check('profile');
});

test('the company stream shows a public post', async () => {
  await page.goto(hearth.url + '/public');
  assert.equal(await page.locator('h1').textContent(), 'Company');
  assert.equal(await page.locator('article.post .content strong').first().textContent(), 'bold');
  assert.deepEqual(await seriousA11yViolations(page), [], 'company stream: no serious a11y issue');
});

test('the hashtag stream shows the tagged post', async () => {
  await page.goto(hearth.url + '/tags/tag');
  assert.equal(await page.locator('h1').textContent(), '#tag');
  assert.equal(await page.locator('article.post').count(), 1);
  assert.deepEqual(await seriousA11yViolations(page), [], 'hashtag stream: no serious a11y issue');
});
