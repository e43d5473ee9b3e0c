// The bridge module in a real browser: an employee becomes visible outside
// and writes a bio for the outside; the composer offers "Share outside the
// company" to them (and not to a colleague who did not opt in); they share
// a post mentioning an opted-in colleague, one who is not, and a hashtag,
// and see it as the outside will; the desk (an admin) approves it with a
// note; the employee is notified; the public listener serves the post and
// the profile with nothing that points inside, and none of the internal
// site. Every page passes axe-core at desktop and phone widths.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, copyFileSync, chmodSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { userInfo } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startHearth, launchBrowser, shot, seriousA11yViolations, PASSWORD, SIZES, signIn as signInAt, navItem } from './harness.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const top = join(here, '..', '..');
const build = process.env.HEARTH_BUILDDIR || join(top, 'build');
const password = PASSWORD;
const sizes = SIZES;
let hearth, browser, page, safeDir, pub, pubHost, postId;

const TEXT = 'Our oven team ships #sourdough today with @cole and @nina';

// A module folder holding the built bridge module and its templates, where
// no one else could change it (hearthd refuses modules under /tmp).
function moduleDir() {
  const base = join(userInfo().homedir, '.cache', 'hearth-tests');
  mkdirSync(base, { recursive: true, mode: 0o700 });
  const safe = safeDir = mkdtempSync(join(base, 'browser-'));
  chmodSync(safe, 0o755);
  const dir = join(safe, 'modules');
  const tdir = join(dir, 'bridge', 'templates');
  mkdirSync(tdir, { recursive: true });
  chmodSync(dir, 0o755);
  copyFileSync(join(build, 'modules', 'bridge', 'bridge.so'), join(dir, 'bridge.so'));
  chmodSync(join(dir, 'bridge.so'), 0o644);
  const src = join(top, 'modules', 'bridge', 'templates');
  for (const f of readdirSync(src)) copyFileSync(join(src, f), join(tdir, f));
  return dir;
}

// The public listener's address: a loopback address of its own
// (127.A.B.C, so it never meets another test's), and a port free on it.
async function publicAddress() {
  const r = (lo, hi) => lo + Math.floor(Math.random() * (hi - lo + 1));
  for (let tries = 0; ; tries++) {
    const host = `127.${r(1, 254)}.${r(0, 254)}.${r(2, 254)}`;
    try {
      const port = await new Promise((resolve, reject) => {
        const s = createServer();
        s.on('error', reject);
        s.listen(0, host, () => {
          const { port } = s.address();
          s.close(() => resolve(port));
        });
      });
      return `${host}:${port}`;
    } catch (e) {
      if (tries > 20) throw e;
    }
  }
}

// Sign in afresh (whoever was signed in before, even if a test failed
// before signing out).
async function signIn(name) {
  await browser.context.clearCookies();
  await signInAt(page, hearth.url, name);
}

async function signOut() {
  await (await navItem(page, 'button', 'Sign out')).click();
  await page.waitForURL(/\/login$/);
}

// Axe and a screenshot at both widths.
async function check(name) {
  for (const [size, viewport] of sizes) {
    await page.setViewportSize(viewport);
    assert.deepEqual(await seriousA11yViolations(page), [],
      `${name} (${size}): no serious a11y issue`);
    await shot(page, `bridge-${name}-${size}`);
  }
  await page.setViewportSize(sizes[0][1]);
}

// A public page points nowhere inside: no link, image, form or style
// sheet of the page goes to the internal base_url, and the internal
// address is nowhere in the page at all.
async function nothingInside(what) {
  const addresses = await page.evaluate(() => [
    ...[...document.querySelectorAll('[href]')].map((e) => e.href),
    ...[...document.querySelectorAll('[src]')].map((e) => e.src),
    ...[...document.querySelectorAll('form[action]')].map((e) => e.action),
  ]);
  assert.ok(addresses.length > 0, `${what}: the page has links`);
  for (const a of addresses) {
    assert.ok(a.startsWith(pub + '/'), `${what}: ${a} is on the public origin`);
  }
  assert.ok(!(await page.content()).includes(new URL(hearth.url).host),
    `${what}: the internal address is nowhere in the page`);
}

before(async () => {
  pubHost = await publicAddress();
  pub = `http://${pubHost}`;
  hearth = await startHearth([
    'modules = bridge',
    `module_dir = ${moduleDir()}`,
    `bridge.listen = ${pubHost}`,
    `bridge.base_url = ${pub}`,
    'bridge.allow_private_addresses = yes',
    'bridge.approval = desk',
  ].join('\n'));
  for (const [name, display, admin] of [['boss', 'Bea Boss', true],
    ['emp', 'Emil Employee'], ['cole', 'Cole Colleague'], ['nina', 'Nina Inside']]) {
    hearth.ctl(['user', 'add', name, ...(admin ? ['--admin'] : []),
      '--display-name', display, '--password-stdin'], password + '\n');
  }
  // A colleague already visible outside, whose mention stays linked.
  hearth.ctl(['bridge', 'enable', 'cole']);
  browser = await launchBrowser();
  page = await browser.context.newPage();
});

after(async () => {
  await page?.close();
  await browser?.close();
  const code = await hearth?.stop();
  if (safeDir) rmSync(safeDir, { recursive: true, force: true });
  assert.equal(code, 0, 'hearthd exits 0 on SIGTERM');
});

test('an employee becomes visible outside and writes a bio for it', async () => {
  await signIn('emp');
  assert.equal(await page.getByLabel('Share outside the company').count(), 0,
    'no sharing outside before opting in');
  await (await navItem(page, 'link', 'Settings')).click();
  await page.waitForURL(/\/settings\//);
  await page.locator('section.module-panel')
    .getByRole('link', { name: 'Outside', exact: true }).click();
  await page.waitForURL(hearth.url + '/settings/bridge');
  assert.equal(await page.getByRole('navigation', { name: 'Settings' })
    .locator('a[aria-current="page"]').textContent(), 'Outside');
  assert.match(await page.locator('main').textContent(), new RegExp(`@emp@${pubHost.replace(/\./g, '\\.')}`));
  await check('settings-off');

  await page.getByRole('button', { name: 'Become visible outside' }).click();
  await page.waitForURL(hearth.url + '/settings/bridge?done=enabled');
  assert.match(await page.locator('p.notice').textContent(), /visible outside the company now/);
  assert.equal(await page.locator('main strong').first().textContent(), `@emp@${pubHost}`);
  await page.getByLabel('Your bio for the outside').fill('I bake **bread** for a living.');
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await page.waitForURL(hearth.url + '/settings/bridge?done=saved');
  assert.equal(await page.getByLabel('Your bio for the outside').inputValue(),
    'I bake **bread** for a living.', 'the bio is kept');
  await check('settings-on');
  await signOut();
});

test('the composer offers sharing outside only to people visible outside', async () => {
  await signIn('nina');
  assert.equal(await page.getByLabel('Share outside the company').count(), 0,
    'not offered to a colleague who did not opt in');
  await page.getByLabel('Start a post').fill('Staying inside');
  await page.getByRole('button', { name: 'Post', exact: true }).click();
  await page.waitForURL(hearth.url + '/');
  const mine = page.locator('article.post').first();
  assert.match(await mine.textContent(), /Staying inside/);
  assert.equal(await mine.getByRole('link', { name: 'Share outside' }).count(), 0,
    '... nor under her own public posts');
  await signOut();

  await signIn('emp');
  const box = page.getByLabel('Share outside the company');
  assert.equal(await box.count(), 1, 'offered to one who opted in');
  await check('home-composer');

  // Only public posts leave: a followers-only one is refused, with why.
  await page.getByLabel('Start a post').fill('Just for my followers');
  await page.getByLabel('Who can see it').selectOption('private');
  await box.check();
  await page.getByRole('button', { name: 'Post', exact: true }).click();
  await page.waitForURL(hearth.url + '/compose');
  assert.match(await page.locator('main').textContent(), /Only public posts can be shared outside/);
  assert.equal(await page.getByRole('link', { name: 'Sharing outside' }).getAttribute('href'),
    '/settings/bridge');
  await check('compose-refused');
  // Posted inside only, its share page says why it cannot leave.
  await page.goto(hearth.url + '/');
  await page.getByLabel('Start a post').fill('Just for my followers');
  await page.getByLabel('Who can see it').selectOption('private');
  await page.getByRole('button', { name: 'Post', exact: true }).click();
  await page.waitForURL(hearth.url + '/');
  const first = page.locator('article.post').first();
  await first.locator('details.more-menu > summary').click();
  const edit = await first.getByRole('link', { name: /^Edit/ })
    .getAttribute('href');
  const privateId = edit.match(/^\/@emp\/(\d+)\/edit$/)[1];
  await page.goto(hearth.url + `/bridge/share/${privateId}`);
  assert.match(await page.getByRole('alert').textContent(), /Only public posts can be shared outside/);
  assert.equal(await page.getByRole('button', { name: 'Send to the desk' }).count(), 0);
  await check('share-refused');

  await page.goto(hearth.url + '/');
  await page.getByLabel('Start a post').fill(TEXT);
  assert.equal(await page.getByLabel('Who can see it').inputValue(), 'public');
  await box.check();
  await page.getByRole('button', { name: 'Post', exact: true }).click();
  await page.waitForURL(hearth.url + '/');
  const card = page.locator('article.post').first();
  assert.match(await card.textContent(), /Our oven team ships/);
  const share = card.getByRole('link', { name: 'Share outside' });
  const href = await share.getAttribute('href');
  postId = href.match(/^\/bridge\/share\/(\d+)$/)?.[1];
  assert.ok(postId, `the card links to /bridge/share/ID (${href})`);
  await check('home-posted');

  await share.click();
  await page.waitForURL(hearth.url + `/bridge/share/${postId}`);
  const main = page.locator('main');
  assert.match(await main.textContent(), /State: pending \(waiting at the desk\)/);
  const preview = page.locator('article.preview .content');
  const text = (await preview.textContent()).replace(/\s+/g, ' ').trim();
  assert.match(text, /Our oven team ships #sourdough today with @cole/);
  assert.doesNotMatch(text, /nina/, 'the mention of one not visible outside is dropped');
  assert.equal(await preview.locator('a', { hasText: 'nina' }).count(), 0);
  const cole = await preview.locator('a', { hasText: 'cole' }).getAttribute('href');
  assert.ok(cole.startsWith(pub + '/'), `the opted-in colleague links outside (${cole})`);
  const tag = await preview.locator('a', { hasText: 'sourdough' }).getAttribute('href');
  assert.equal(tag, `${pub}/tags/sourdough`, 'the hashtag links on the public origin');
  assert.equal(await page.getByRole('button', { name: 'Withdraw from outside' }).count(), 1);
  await check('share-pending');
  await page.getByRole('link', { name: 'Your post' }).click();
  await page.waitForURL(hearth.url + `/@emp/${postId}`);
  assert.match(await page.locator('main article.post').first().textContent(), /Our oven team ships/);
  await signOut();
});

test('the desk approves the post with a note', async () => {
  await signIn('boss');
  const desk = await navItem(page, 'link', 'Desk (1)');
  await desk.click();
  await page.waitForURL(hearth.url + '/bridge/desk');
  const item = page.locator('main article').first();
  assert.match(await item.getByRole('heading').textContent(), /Emil Employee \(@emp\)/);
  const text = (await item.locator('.preview').textContent()).replace(/\s+/g, ' ').trim();
  assert.match(text, /Our oven team ships #sourdough today with @cole/);
  assert.doesNotMatch(text, /nina/);
  await item.getByText('What the author wrote').click();
  assert.match(await item.locator('details').first().textContent(), /with @cole and @nina/,
    'the desk sees what the author wrote, and so what was dropped');
  await check('desk');
  await item.getByLabel('Note to the author (optional)').fill('Lovely, thank you!');
  await item.getByRole('button', { name: /^Approve/ }).click();
  await page.waitForURL(hearth.url + '/bridge/desk?done=approved');
  assert.match(await page.locator('p.notice').textContent(), /Approved/);
  assert.match(await page.locator('main').textContent(), /Nothing is waiting/);
  assert.equal(await page.getByRole('navigation', { name: 'Main' })
    .getByRole('link', { name: 'Desk', exact: true }).count(), 1, 'the count is gone');
  await check('desk-empty');
  await page.getByRole('link', { name: 'Decisions so far' }).click();
  await page.waitForURL(hearth.url + '/bridge/desk/history');
  assert.match(await page.locator('main').textContent(), /approved: post \d+ by @emp, by boss, .*Note: Lovely, thank you!/);
  await check('history');

  // The admin's own Outside page: team accounts, the deliveries.
  await page.goto(hearth.url + '/settings/bridge');
  assert.equal(await page.getByRole('heading', { name: 'Team and company accounts' }).count(), 1);
  await check('settings-admin');
  await page.getByRole('link', { name: 'Deliveries outside' }).click();
  await page.waitForURL(hearth.url + '/bridge/queue');
  assert.match(await page.locator('main').textContent(), /Nothing has gone out yet/,
    'nobody follows emp outside: nothing to deliver');
  await check('queue');
  await signOut();
});

test('the employee is told the post was approved', async () => {
  await signIn('emp');
  await (await navItem(page, 'link', /^Notifications/)).click();
  await page.waitForURL(hearth.url + '/notifications');
  const first = page.locator('li.notification').first();
  assert.match(await first.textContent(), /Bea Boss\s+approved your post for the outside/);
  await check('notifications');
  await page.goto(hearth.url + `/bridge/share/${postId}`);
  assert.match(await page.locator('main').textContent(), /State: approved\. The desk's note: Lovely, thank you!/);
  await check('share-approved');
  await signOut();
});

test('the public listener serves the post and the profile, and nothing inside', async () => {
  const res = await page.goto(`${pub}/@emp/${postId}`);
  assert.equal(res.status(), 200);
  const text = (await page.locator('main article').textContent()).replace(/\s+/g, ' ');
  assert.match(text, /Our oven team ships #sourdough today with @cole/);
  assert.doesNotMatch(text, /nina/);
  await nothingInside('the post');
  await check('public-post');

  assert.equal(await page.getByRole('heading', { level: 1 }).textContent(), 'Emil Employee');
  await page.getByRole('link', { name: `@emp@${pubHost}` }).click();
  await page.waitForURL(`${pub}/@emp`);
  assert.equal(await page.getByRole('heading', { level: 1 }).textContent(), 'Emil Employee');
  assert.equal(await page.locator('.bio strong').textContent(), 'bread');
  assert.match(await page.locator('main article').first().textContent(), /Our oven team ships/);
  await nothingInside('the profile');
  await check('public-profile');

  await page.goto(`${pub}/tags/sourdough`);
  assert.match(await page.locator('main article').first().textContent(), /Our oven team ships/);
  await nothingInside('the hashtag page');
  await check('public-tag');

  await page.getByRole('link', { name: pubHost, exact: true }).click();
  await page.waitForURL(`${pub}/`);
  const people = await page.locator('main ul.people').textContent();
  assert.match(people, /Emil Employee/);
  assert.match(people, /Cole Colleague/);
  assert.doesNotMatch(people, /Nina|Bea/, 'only people visible outside are listed');
  await nothingInside('the home page');
  await check('public-home');

  for (const path of ['/login', '/settings', '/settings/bridge', '/bridge/desk', '/public',
    '/api/v1/timelines/home', '/@nina']) {
    const r = await page.goto(pub + path);
    assert.equal(r.status(), 404, `${path} is not served outside`);
    assert.ok(!(await r.text()).includes(new URL(hearth.url).host),
      `${path}: the answer does not name the internal address`);
  }
});

// Someone on a server outside, served here: WebFinger, an actor with a
// key and a picture, an outbox with one public post, an inbox that takes
// the company's Follow. On its own loopback address.
async function outsideServer() {
  const { generateKeyPairSync } = await import('node:crypto');
  const http = await import('node:http');
  const hostport = await publicAddress();
  const [host, port] = hostport.split(':');
  const origin = `http://${hostport}`;
  const actor = `${origin}/users/eve`;
  const { publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const pem = publicKey.export({ type: 'spki', format: 'pem' });
  const AS = 'application/activity+json';
  const note = {
    id: `${origin}/notes/1`, type: 'Note', attributedTo: actor,
    content: '<p>Hello from outside, <script>alert(1)</script>friends</p>',
    published: '2026-12-01T09:30:00Z', url: `${origin}/@eve/1`,
    to: ['https://www.w3.org/ns/activitystreams#Public'], cc: [`${actor}/followers`],
  };
  const docs = {
    [`/.well-known/webfinger`]: ['application/jrd+json', {
      subject: `acct:eve@${hostport}`,
      links: [{ rel: 'self', type: AS, href: actor }],
    }],
    '/users/eve': [AS, {
      '@context': ['https://www.w3.org/ns/activitystreams', 'https://w3id.org/security/v1'],
      id: actor, type: 'Person', preferredUsername: 'eve', name: 'Eve Outside',
      summary: '<p>Customer, <b>baker</b>.</p>', url: `${origin}/@eve`,
      inbox: `${actor}/inbox`, outbox: `${actor}/outbox`,
      publicKey: { id: `${actor}#main-key`, owner: actor, publicKeyPem: pem },
    }],
    '/users/eve/outbox': [AS, {
      '@context': 'https://www.w3.org/ns/activitystreams', id: `${actor}/outbox`,
      type: 'OrderedCollection', totalItems: 1, first: `${actor}/outbox?page=true`,
    }],
    '/users/eve/outbox?page=true': [AS, {
      '@context': 'https://www.w3.org/ns/activitystreams', id: `${actor}/outbox?page=true`,
      type: 'OrderedCollectionPage', partOf: `${actor}/outbox`,
      orderedItems: [{ id: `${origin}/notes/1/activity`, type: 'Create', actor,
        published: note.published, to: note.to, cc: note.cc, object: note }],
    }],
  };
  const follows = [];
  const server = http.createServer((req, res) => {
    const path = req.url.startsWith('/.well-known/webfinger') ? '/.well-known/webfinger' : req.url;
    if (req.method === 'POST') {
      let body = '';
      req.on('data', (c) => { body += c; });
      req.on('end', () => { follows.push(JSON.parse(body)); res.writeHead(202); res.end(); });
      return;
    }
    const d = docs[path];
    if (!d) { res.writeHead(404); res.end(); return; }
    res.writeHead(200, { 'Content-Type': d[0] });
    res.end(JSON.stringify(d[1]));
  });
  await new Promise((resolve) => server.listen(Number(port), host, resolve));
  return { hostport, follows, close: () => new Promise((r) => server.close(r)) };
}

test('someone outside is found, seen and followed', async () => {
  const eve = await outsideServer();
  try {
    await signIn('nina');
    await (await navItem(page, 'link', 'Outside')).click();
    await page.waitForURL(hearth.url + '/outside');
    assert.equal(await page.getByRole('heading', { level: 1 }).textContent(), 'Outside');
    assert.match(await page.locator('main').textContent(), /Nobody yet/);
    await check('outside-empty');

    await page.getByLabel(/Their address/).fill(`@eve@${eve.hostport}`);
    await page.getByRole('button', { name: 'Find' }).click();
    await page.waitForURL(/\/search\?q=/);
    const person = page.locator('ul.search-people li').first();
    assert.match(await person.textContent(), /Eve Outside/);
    assert.match(await person.textContent(), new RegExp(`From outside · ${eve.hostport.replace(/\./g, '\\.')}`));
    await check('outside-search');

    await person.getByRole('link', { name: 'Eve Outside' }).click();
    await page.waitForURL(hearth.url + `/@eve@${eve.hostport}`);
    assert.equal(await page.getByRole('heading', { level: 1 }).textContent(), 'Eve Outside');
    assert.equal(await page.getByRole('link', { name: `Their profile on ${eve.hostport}` })
      .getAttribute('href'), `http://${eve.hostport}/@eve`);
    const post = page.locator('article.post').first();
    assert.match(await post.textContent(), /Hello from outside, friends/,
      'her recent public post came with her profile');
    assert.equal(await post.locator('script').count(), 0, '... without its script');
    await check('outside-profile');

    await page.getByRole('button', { name: /^Follow/ }).click();
    await page.getByRole('button', { name: /^Unfollow/ }).waitFor();
    for (let i = 0; i < 50 && eve.follows.length === 0; i++) await page.waitForTimeout(100);
    assert.equal(eve.follows.length, 1, 'her server got one Follow');
    assert.equal(eve.follows[0].type, 'Follow');
    assert.equal(eve.follows[0].actor, `${pub}/actor`,
      '... from the company, not from nina');

    await (await navItem(page, 'link', 'Outside')).click();
    await page.waitForURL(hearth.url + '/outside');
    assert.match(await page.locator('main ul.people').textContent(), /Eve Outside/);
    assert.match(await page.locator('main').textContent(), /Hello from outside/);
    await check('outside-following');
    await signOut();
  } finally {
    await eve.close();
  }
});
