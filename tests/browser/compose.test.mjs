// The composer in a real browser (issue 20): one "Start a post" line that
// opens in place, so the stream starts high on the page at 1280x800; on a
// phone one line and a floating button; Ctrl+Enter posts; the visibility
// menu in plain words with the company's name, badges on cards, direct
// posts as private conversations with a lock; and, with the guidelines
// module, a post sent while gated is kept and offered back afterwards.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, copyFileSync, chmodSync, readdirSync, rmSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { startHearth, launchBrowser, shot, seriousA11yViolations, PASSWORD, signIn } from './harness.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const top = join(here, '..', '..');
const build = process.env.HEARTH_BUILDDIR || join(top, 'build');
const DESKTOP = { width: 1280, height: 800 };
const PHONE = { width: 390, height: 844 };
let hearth, browser, page, safeDir, bossToken, ottoToken;

// The built guidelines module where hearthd accepts it (not under /tmp).
function moduleDir() {
  const base = join(userInfo().homedir, '.cache', 'hearth-tests');
  mkdirSync(base, { recursive: true, mode: 0o700 });
  const safe = safeDir = mkdtempSync(join(base, 'compose-'));
  chmodSync(safe, 0o755);
  const dir = join(safe, 'modules');
  const tdir = join(dir, 'guidelines', 'templates');
  mkdirSync(tdir, { recursive: true });
  chmodSync(dir, 0o755);
  copyFileSync(join(build, 'modules', 'guidelines', 'guidelines.so'), join(dir, 'guidelines.so'));
  chmodSync(join(dir, 'guidelines.so'), 0o644);
  const src = join(top, 'modules', 'guidelines', 'templates');
  for (const f of readdirSync(src)) copyFileSync(join(src, f), join(tdir, f));
  return dir;
}

async function api(token, method, path, body) {
  const res = await fetch(hearth.url + path, {
    method,
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
    body: body ? JSON.stringify(body) : undefined,
  });
  assert.ok(res.ok, `${method} ${path}: ${res.status} ${await res.clone().text()}`);
  return res.json();
}

async function axe(name) {
  assert.deepEqual(await seriousA11yViolations(page), [], `${name}: no serious a11y issue`);
  await shot(page, `compose-${name}`);
}

before(async () => {
  hearth = await startHearth(`instance_title = Example Corp\nmodules = guidelines\nmodule_dir = ${moduleDir()}`);
  hearth.ctl(['user', 'add', 'boss', '--admin', '--display-name', 'Bea Boss', '--password-stdin'], PASSWORD + '\n');
  hearth.ctl(['user', 'add', 'ada', '--display-name', 'Ada Lovelace', '--password-stdin'], PASSWORD + '\n');
  hearth.ctl(['user', 'add', 'otto', '--display-name', 'Otto Other', '--password-stdin'], PASSWORD + '\n');
  bossToken = hearth.ctl(['token', 'create', 'boss', '--scopes', 'read write admin:read admin:write']).trim();
  ottoToken = hearth.ctl(['token', 'create', 'otto']).trim();
  for (let i = 0; i < 3; i++) {
    await api(ottoToken, 'POST', '/api/v1/statuses', { status: `Otto's news ${i}`, visibility: 'public' });
  }
  browser = await launchBrowser();
  page = await browser.context.newPage();
  await page.setViewportSize(DESKTOP);
  await signIn(page, hearth.url, 'ada');
  await page.getByRole('button', { name: 'Follow' }).count(); // nothing to do
  await page.goto(hearth.url + '/@otto');
  await page.getByRole('button', { name: /^Follow/ }).click();
  await page.goto(hearth.url + '/');
  // Ada is new: home opens with the welcome checklist (welcome.md). These
  // tests are about the everyday composer, so she hides it first.
  await page.getByRole('button', { name: 'Hide the welcome checklist' }).click();
  await page.waitForURL(hearth.url + '/');
});

after(async () => {
  await page?.close();
  await browser?.close();
  const code = await hearth?.stop();
  if (safeDir) rmSync(safeDir, { recursive: true, force: true });
  assert.equal(code, 0, 'hearthd exits 0 on SIGTERM');
});

test('at 1280x800 the composer is one line and the first post starts high', async () => {
  await page.setViewportSize(DESKTOP);
  await page.goto(hearth.url + '/');
  const text = page.getByLabel('Start a post');
  assert.equal(await text.getAttribute('placeholder'), 'Start a post…');
  assert.equal(await page.getByLabel('Who can see it').isVisible(), false, 'the options wait');
  const first = await page.locator('article.post').first().boundingBox();
  assert.ok(first.y < 300, `the first post starts at ${first.y} px, under 300`);
  const box = await page.locator('section.composer').boundingBox();
  assert.ok(box.height < 110, `the closed composer is ${box.height} px high`);
  await axe('closed-desktop');
});

test('the composer opens in place with a row of labelled icons in plain words', async () => {
  await page.getByLabel('Start a post').click();
  const vis = page.getByLabel('Who can see it');
  await vis.waitFor({ state: 'visible' });
  const labels = await vis.locator('option').allTextContents();
  assert.deepEqual(labels, ['Everyone at Example Corp', 'Everyone, but not in the company stream',
    'My followers', 'Only people I mention']);
  assert.ok(!labels.some((l) => /^(public|unlisted|private|direct)$/.test(l)), 'no raw values');
  assert.equal(await vis.inputValue(), 'public');
  assert.ok(await page.getByRole('button', { name: /Attach/ }).isVisible(), 'attach is in the row');
  assert.ok(await page.getByText('Content warning', { exact: true }).isVisible());
  assert.ok(await page.getByRole('button', { name: 'Post', exact: true }).isVisible());
  const first = await page.locator('article.post').first().boundingBox();
  assert.ok(first.y < 520, `open, the first post is still on screen (${first.y} px)`);
  await axe('open-desktop');
  // Escape while empty closes it again.
  await page.getByLabel('Start a post').press('Escape');
  assert.equal(await vis.isVisible(), false, 'Escape on an empty composer closes it');
});

test('Ctrl+Enter posts, and a followers-only post wears its badge', async () => {
  await page.getByLabel('Start a post').click();
  await page.getByLabel('Who can see it').selectOption({ label: 'My followers' });
  await page.getByLabel('Start a post').fill('Posted with **the keyboard**');
  await page.getByLabel('Start a post').press('Control+Enter');
  await page.waitForURL(hearth.url + '/');
  const post = page.locator('article.post').first();
  assert.equal(await post.locator('.content strong').textContent(), 'the keyboard');
  assert.equal((await post.locator('.badge.vis').textContent()).trim(), 'Followers only');
  assert.equal(await page.getByLabel('Who can see it').isVisible(), false, 'closed again after posting');
});

test('Ctrl+Enter sends a reply too', async () => {
  await page.goto(hearth.url + '/');
  const path = await page.locator('article.post a.when').first().getAttribute('href');
  await page.goto(hearth.url + path);
  await page.getByLabel(/^Your reply to/).fill('A quick reply');
  await Promise.all([
    page.waitForURL((u) => u.pathname === path),
    page.getByLabel(/^Your reply to/).press('Control+Enter'),
  ]);
  assert.match(await page.locator('section[aria-labelledby="replies-title"]').textContent(), /A quick reply/);
});

test('choosing a group says who sees the post instead of "Everyone"', async () => {
  const adaToken = hearth.ctl(['token', 'create', 'ada']).trim();
  await api(adaToken, 'POST', '/api/v1/groups', { name: 'Inner circle', visibility: 'private' });
  await page.goto(hearth.url + '/');
  await page.getByLabel('Start a post').click();
  const vis = page.getByLabel('Who can see it');
  assert.ok(await vis.isVisible());
  await page.getByLabel('Group', { exact: true }).selectOption({ label: 'Inner circle' });
  assert.equal(await vis.isVisible(), false, 'the visibility menu steps aside');
  const audience = page.locator('[data-audience]');
  assert.equal(await audience.textContent(), 'People who can see Inner circle');
  assert.doesNotMatch(await page.locator('.compose-tools').innerText(), /Everyone/,
    'nothing says everyone for a group post');
  await page.getByLabel('Group', { exact: true }).selectOption({ label: 'No group' });
  assert.ok(await vis.isVisible(), 'no group: the menu is back');
  await page.getByLabel('Start a post').press('Escape');
});

test('direct posts are private conversations, not silently in home', async () => {
  await api(ottoToken, 'POST', '/api/v1/statuses', { status: '@ada a word in private', visibility: 'direct' });
  await page.goto(hearth.url + '/');
  assert.doesNotMatch(await page.locator('#stream').textContent(), /a word in private/);
  const left = page.locator('.direct-left');
  assert.match(await left.textContent(), /1 private message/);
  await left.getByRole('link', { name: 'Private conversations' }).click();
  await page.waitForURL(hearth.url + '/conversations');
  assert.equal(await page.getByRole('heading', { level: 1 }).textContent(), ' Private conversations');
  // New to ada: otto's conversation, in bold above the posts (read by opening the page).
  assert.equal(await page.getByRole('region', { name: 'New since you last looked' }).locator('strong').count(), 1);
  const card = page.locator('article.post').first();
  assert.match(await card.textContent(), /a word in private/);
  assert.equal((await card.locator('.badge.vis-direct').textContent()).trim(), 'Private conversation');
  assert.equal(await card.locator('.badge.vis-direct svg').count(), 1, 'with a lock');
  await axe('conversations');
  // The API's home keeps it, as Mastodon's does.
  const adaToken = hearth.ctl(['token', 'create', 'ada']).trim();
  const home = await api(adaToken, 'GET', '/api/v1/timelines/home');
  assert.ok(home.some((s) => s.visibility === 'direct'), 'the API home still has it');
});

test('on a phone the composer is one line and a floating button opens it', async () => {
  await page.setViewportSize(PHONE);
  await page.goto(hearth.url + '/');
  const box = await page.locator('section.composer').boundingBox();
  assert.ok(box.height < 100, `one line on a phone (${box.height} px)`);
  const first = await page.locator('article.post').first().boundingBox();
  assert.ok(first.y < PHONE.height / 2, `a post shows on the first screen (${first.y} px)`);
  const fab = page.getByRole('link', { name: 'Start a post' });
  assert.ok(await fab.isVisible(), 'the floating button shows');
  const fb = await fab.boundingBox();
  assert.ok(fb.y + fb.height > PHONE.height - 100 && fb.x > PHONE.width - 100, 'bottom right');
  await page.evaluate(() => window.scrollTo(0, document.body.scrollHeight));
  assert.ok(await fab.isVisible(), 'it floats while scrolled');
  await axe('closed-phone');
  await fab.click();
  await page.getByLabel('Who can see it').waitFor({ state: 'visible' });
  assert.equal(await page.evaluate(() => document.activeElement.id), 'status', 'the text box has focus');
  assert.equal(await fab.isVisible(), false, 'the button steps aside while writing');
  await axe('open-phone');
  await page.getByLabel('Start a post').press('Escape');
  await page.setViewportSize(DESKTOP);
});

test('a post sent while gated is kept, and offered back after acknowledging', async () => {
  await page.goto(hearth.url + '/');
  await page.getByLabel('Start a post').click();
  // A picture goes up (with JavaScript, as soon as it is chosen) and is
  // described before the post is sent.
  const png = Buffer.from(await page.evaluate(() => {
    const c = document.createElement('canvas');
    c.width = 40;
    c.height = 30;
    const g = c.getContext('2d');
    g.fillStyle = '#b91c1c';
    g.fillRect(0, 0, 40, 30);
    return c.toDataURL('image/png').split(',')[1];
  }), 'base64');
  const [chooser] = await Promise.all([page.waitForEvent('filechooser'),
    page.getByRole('button', { name: 'Attach pictures or files' }).click()]);
  await chooser.setFiles([{ name: 'red.png', mimeType: 'image/png', buffer: png }]);
  await page.waitForFunction(() => document.querySelectorAll('.attach-tiles input[name="media_ids"]').length === 1);
  await page.getByLabel(/alt text/).fill('A red rectangle');
  // The guidelines are published while the page is open.
  await api(bossToken, 'POST', '/api/v1/admin/guidelines',
    { text: 'Be **kind**.', summary: 'First version', requires_acknowledgement: true });
  await page.getByLabel('Start a post').fill('Typed before I knew');
  await page.getByLabel('Who can see it').selectOption({ label: 'My followers' });
  await page.getByRole('button', { name: 'Post', exact: true }).click();
  // Back home afterwards: the browser's Referer or the composer's own next.
  await page.waitForURL(/\/guidelines\?next=(%2F|\/)&kept=1$/);
  assert.match(await page.getByRole('status').filter({ hasText: 'not lost' }).textContent(),
    /kept as a draft/);
  // Home meanwhile: the call to acknowledge instead of the composer.
  await page.goto(hearth.url + '/');
  assert.equal(await page.getByLabel('Start a post').count(), 0, 'no composer while gated');
  await page.locator('.compose-gate').getByRole('link', { name: /acknowledge/ }).click();
  await page.getByRole('button', { name: /I have read and acknowledge/ }).click();
  await page.waitForURL(hearth.url + '/');
  const text = page.getByLabel('Start a post');
  assert.equal(await text.inputValue(), 'Typed before I knew', 'the draft is back');
  assert.equal(await page.getByLabel('Who can see it').inputValue(), 'private', 'as it was sent');
  assert.match(await page.locator('.kept-draft').textContent(), /Your draft from .* is back/);
  // Its picture too: attached, described, with a way to take it off.
  const tile = page.locator('.attach-tiles li.tile');
  assert.equal(await tile.count(), 1, 'the picture is back in the composer');
  assert.match(await tile.locator('.tile-name').textContent(), /red\.png/);
  assert.equal(await page.getByLabel(/alt text/).inputValue(), 'A red rectangle', 'with its description');
  assert.ok(await tile.getByRole('button', { name: /Remove/ }).isVisible(), 'and a Remove button');
  await axe('draft-back');
  for (const size of [DESKTOP, PHONE]) {
    await page.setViewportSize(size);
    await shot(page, `compose-draft-back-${size.width}`);
  }
  await page.setViewportSize(DESKTOP);
  await page.getByRole('button', { name: 'Post', exact: true }).click();
  await page.waitForURL(hearth.url + '/');
  assert.match(await page.locator('article.post').first().textContent(), /Typed before I knew/);
  assert.equal(await page.locator('article.post').first().locator('img[alt="A red rectangle"]').count(), 1,
    'posted with the picture, described');
  assert.equal(await text.inputValue(), '', 'posted, the draft is gone');
  assert.equal(await page.locator('.kept-draft').count(), 0);
});

test('without JavaScript the composer is a compact form that posts', async () => {
  const plain = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
  });
  try {
    const ctx = await plain.newContext({ javaScriptEnabled: false, viewport: DESKTOP });
    const p = await ctx.newPage();
    // The guidelines published above: otto acknowledges through the API.
    await api(ottoToken, 'POST', '/api/v1/guidelines/1/acknowledge');
    await signIn(p, hearth.url, 'otto');
    // Every choice shows at once, in one row under a short text box.
    for (const label of ['Start a post', 'Who can see it', 'Attach pictures or files']) {
      assert.ok(await p.getByLabel(label).isVisible(), `${label} shows`);
    }
    const box = await p.locator('section.composer').boundingBox();
    assert.ok(box.height < 330, `compact: ${box.height} px`);
    await p.getByLabel('Who can see it').selectOption({ label: 'Only people I mention' });
    await p.getByLabel('Start a post').fill('@ada without JavaScript, privately');
    await Promise.all([
      p.waitForURL(hearth.url + '/'),
      p.getByRole('button', { name: 'Post', exact: true }).click(),
    ]);
    assert.doesNotMatch(await p.locator('#stream').textContent(), /privately/,
      'a private conversation is not in home');
    await p.goto(hearth.url + '/conversations');
    assert.match(await p.locator('article.post').first().textContent(), /without JavaScript, privately/);
    await p.goto(hearth.url + '/');
    await shot(p, 'compose-nojs-desktop');
  } finally {
    await plain.close();
  }
});
