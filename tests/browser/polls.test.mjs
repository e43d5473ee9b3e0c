// Polls in a real browser (issue 21 point 8): "Add a poll" in the
// composer's icon row (options, length, several choices), the card's
// radio buttons and Vote, then the results as bars with percentages and
// "1 person voted · ends in …"; the same vote with JavaScript off (a plain
// CSRF form). Every page passes axe-core at phone and desktop widths.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';
import { startHearth, launchBrowser, shot, seriousA11yViolations, PASSWORD, SIZES, signIn } from './harness.mjs';

let hearth, browser, page, postUrl;

before(async () => {
  hearth = await startHearth();
  for (const [name, display] of [['ada', 'Ada Lovelace'], ['bob', 'Bob Builder'],
    ['cy', 'Cy Young']]) {
    hearth.ctl(['user', 'add', name, '--display-name', display,
      '--password-stdin'], PASSWORD + '\n');
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

async function check(name) {
  for (const [size, viewport] of SIZES) {
    await page.setViewportSize(viewport);
    assert.deepEqual(await seriousA11yViolations(page), [],
      `${name} (${size}): no serious a11y issue`);
    await shot(page, `${name}-${size}`);
  }
  await page.setViewportSize(SIZES[0][1]);
}

const card = () => page.locator('article.post').first();

test('write a post with a poll from the composer', async () => {
  await page.getByLabel('Start a post').fill('Where shall we eat on Friday?');
  const tool = page.locator('details.tool-poll');
  await tool.locator('summary').click();
  assert.equal(await tool.getAttribute('open'), '', 'Add a poll opens');
  await page.getByLabel('Choice 1').fill('Pizza');
  await page.getByLabel('Choice 2').fill('Noodles');
  await page.getByLabel('Choice 3').fill('Salad');
  await page.getByLabel('Poll length').selectOption({ label: '3 days' });
  await check('poll-compose');
  await page.getByRole('button', { name: 'Post', exact: true }).click();
  await page.waitForURL(hearth.url + '/');
  postUrl = hearth.url + await card().locator('a.when').getAttribute('href');
  // its author sees the results from the start, as on Mastodon
  const results = card().locator('.poll-results li');
  assert.equal(await results.count(), 3, 'three options');
  assert.match(await card().locator('.poll-meta').textContent(),
    /0 people voted · ends in (2|3) days/);
});

test('a poll with one choice is refused, saying why', async () => {
  await page.getByLabel('Start a post').fill('Half a poll');
  await page.locator('details.tool-poll summary').click();
  await page.getByLabel('Choice 1').fill('Only one');
  await page.getByRole('button', { name: 'Post', exact: true }).click();
  assert.match(await page.locator('#compose-error').textContent(),
    /poll\[options\] must have at least 2 items/);
  assert.equal(await page.getByLabel('Choice 1').inputValue(), 'Only one',
    'what was typed stays');
});

test('vote with the radio buttons and see the results', async () => {
  await page.context().clearCookies();
  await signIn(page, hearth.url, 'bob');
  await page.goto(postUrl);
  const c = page.locator('section[aria-label="The post"] article.post');
  const noodles = c.getByRole('radio', { name: 'Noodles' });
  await noodles.waitFor();
  await check('poll-vote');
  await noodles.check();
  await c.getByRole('button', { name: 'Vote' }).click();
  await c.locator('.poll-results').waitFor();
  const chosen = c.locator('.poll-result.chosen');
  assert.match(await chosen.textContent(), /Noodles\s*\(your choice\)\s*100%/);
  assert.equal(await chosen.locator('progress').getAttribute('value'), '100');
  assert.match(await c.locator('.poll-meta').textContent(),
    /1 person voted · ends in/);
  assert.equal(await c.getByRole('button', { name: 'Vote' }).count(), 0,
    'no second vote');
  await check('poll-results');
});

test('vote without JavaScript', async () => {
  const plain = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
  });
  try {
    const ctx = await plain.newContext({ javaScriptEnabled: false, viewport: SIZES[1][1] });
    const p = await ctx.newPage();
    await signIn(p, hearth.url, 'cy');
    await p.goto(postUrl);
    const c = p.locator('section[aria-label="The post"] article.post');
    await c.getByRole('radio', { name: 'Pizza' }).check();
    await Promise.all([
      p.waitForURL(/\/@ada\/\d+/),
      c.getByRole('button', { name: 'Vote' }).click(),
    ]);
    const rows = await c.locator('.poll-result').allTextContents();
    assert.match(rows[0], /Pizza\s*\(your choice\)\s*50%/);
    assert.match(rows[1], /Noodles\s*50%/);
    assert.match(await c.locator('.poll-meta').textContent(), /2 people voted/);
    await shot(p, 'poll-nojs-phone');
  } finally {
    await plain.close();
  }
});
