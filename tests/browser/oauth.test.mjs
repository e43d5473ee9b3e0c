// OAuth as a Mastodon app does it, end to end in a real browser: the app
// registers, sends the person to /oauth/authorize, they sign in, see what
// the app asks for and authorize it; the app trades the code (with PKCE)
// for a token and uses it, within its scopes. Denying sends the app an
// error and no code.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { startHearth, launchBrowser, shot, seriousA11yViolations, PASSWORD } from './harness.mjs';

let hearth, browser, page;
const password = PASSWORD;
// An app's own callback: nothing listens there; the browser test catches
// the navigation and reads the code from it.
const CALLBACK = 'http://127.0.0.1:9/callback';
const OOB = 'urn:ietf:wg:oauth:2.0:oob';

before(async () => {
  hearth = await startHearth();
  hearth.ctl(['user', 'add', 'ada', '--display-name', 'Ada Lovelace',
    '--password-stdin'], password + '\n');
  browser = await launchBrowser();
  page = await browser.context.newPage();
});

after(async () => {
  await page?.close();
  await browser?.close();
  const code = await hearth?.stop();
  assert.equal(code, 0, 'hearthd exits 0 on SIGTERM');
});

async function registerApp(redirect, scopes) {
  const res = await fetch(hearth.url + '/api/v1/apps', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ client_name: 'Pocket Hearth', redirect_uris: redirect,
      scopes, website: 'https://pocket.example' }),
  });
  assert.equal(res.status, 200, 'the app registers');
  return res.json();
}

function pkce() {
  const verifier = randomBytes(32).toString('base64url');
  const challenge = createHash('sha256').update(verifier).digest('base64url');
  return { verifier, challenge };
}

function authorizeUrl(app, redirect, scope, challenge, state) {
  const q = new URLSearchParams({ response_type: 'code', client_id: app.client_id,
    redirect_uri: redirect, scope, code_challenge: challenge,
    code_challenge_method: 'S256', state });
  return `${hearth.url}/oauth/authorize?${q}`;
}

async function token(app, redirect, code, verifier) {
  const res = await fetch(hearth.url + '/oauth/token', {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'authorization_code', code,
      client_id: app.client_id, client_secret: app.client_secret,
      redirect_uri: redirect, code_verifier: verifier }),
  });
  return { status: res.status, body: await res.json() };
}

test('sign in, consent, and the app gets a token that works', async () => {
  const app = await registerApp(CALLBACK, 'read write follow');
  const { verifier, challenge } = pkce();
  let landed = null;
  await page.route(CALLBACK + '**', (route) => {
    landed = new URL(route.request().url());
    route.fulfill({ status: 200, contentType: 'text/plain', body: 'app' });
  });
  await page.goto(authorizeUrl(app, CALLBACK, 'read write', challenge, 'st4te'));
  // Not signed in: the sign-in form first, then back to the consent page.
  await page.waitForURL(/\/login\?next=/);
  await page.getByLabel('Username').fill('ada');
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(/\/oauth\/authorize\?/);
  assert.equal(await page.locator('h1').textContent(), 'Authorize Pocket Hearth?');
  const asks = await page.locator('main li').allTextContents();
  assert.equal(asks.length, 2, 'read and write are listed, follow is not asked');
  for (const [size, viewport] of [['desktop', { width: 1280, height: 800 }],
    ['phone', { width: 360, height: 740 }]]) {
    await page.setViewportSize(viewport);
    assert.deepEqual(await seriousA11yViolations(page), [],
      `consent page (${size}): no serious a11y issue`);
    await shot(page, `oauth-consent-${size}`);
  }
  await page.getByRole('button', { name: 'Authorize' }).click();
  await page.waitForURL(CALLBACK + '**');
  assert.ok(landed, 'the browser went back to the app');
  assert.equal(landed.searchParams.get('state'), 'st4te', 'with its state');
  const code = landed.searchParams.get('code');
  assert.ok(code, 'and a code');

  const bad = await token(app, CALLBACK, code, pkce().verifier);
  assert.equal(bad.status, 400, 'the wrong PKCE verifier gets no token');
  assert.equal(bad.body.error, 'invalid_grant');

  // A refused attempt used the code up? RFC 6749 lets a server do either;
  // start over for a clean grant.
  const { verifier: v2, challenge: c2 } = pkce();
  await page.goto(authorizeUrl(app, CALLBACK, 'read write', c2, 'again'));
  await page.getByRole('button', { name: 'Authorize' }).click();
  await page.waitForURL(CALLBACK + '**');
  const good = await token(app, CALLBACK, landed.searchParams.get('code'), v2);
  assert.equal(good.status, 200, 'the code and verifier get a token');
  assert.equal(good.body.token_type, 'Bearer');
  assert.equal(good.body.scope, 'read write');
  const again = await token(app, CALLBACK, landed.searchParams.get('code'), v2);
  assert.equal(again.status, 400, 'a code works once');

  const auth = { Authorization: `Bearer ${good.body.access_token}` };
  const me = await (await fetch(hearth.url + '/api/v1/accounts/verify_credentials',
    { headers: auth })).json();
  assert.equal(me.username, 'ada', 'the token acts as the person who authorized');
  const posted = await fetch(hearth.url + '/api/v1/statuses', {
    method: 'POST', headers: { ...auth, 'Content-Type': 'application/json' },
    body: JSON.stringify({ status: 'Posted from an app' }),
  });
  assert.equal(posted.status, 200, 'write scope: the app may post');
  const follow = await fetch(hearth.url + `/api/v1/accounts/${me.id}/follow`,
    { method: 'POST', headers: auth });
  assert.equal(follow.status, 403, 'no follow scope: following is refused');
  await page.unroute(CALLBACK + '**');
});

test('out of band: the code is shown to copy', async () => {
  const app = await registerApp(OOB, 'read');
  const { verifier, challenge } = pkce();
  await page.goto(authorizeUrl(app, OOB, 'read', challenge, ''));
  await page.getByRole('button', { name: 'Authorize' }).click();
  const code = (await page.locator('#oauth-code').textContent()).trim();
  assert.deepEqual(await seriousA11yViolations(page), [], 'code page: no serious a11y issue');
  await shot(page, 'oauth-code-desktop');
  const got = await token(app, OOB, code, verifier);
  assert.equal(got.status, 200, 'the copied code gets a token');
  const posted = await fetch(hearth.url + '/api/v1/statuses', {
    method: 'POST',
    headers: { Authorization: `Bearer ${got.body.access_token}`,
      'Content-Type': 'application/json' },
    body: JSON.stringify({ status: 'read only' }),
  });
  assert.equal(posted.status, 403, 'read scope: posting is refused');
});

test('deny: the app hears access_denied and gets no code', async () => {
  const app = await registerApp(CALLBACK, 'read');
  let landed = null;
  await page.route(CALLBACK + '**', (route) => {
    landed = new URL(route.request().url());
    route.fulfill({ status: 200, contentType: 'text/plain', body: 'app' });
  });
  await page.goto(authorizeUrl(app, CALLBACK, 'read', pkce().challenge, 'no'));
  await page.getByRole('button', { name: 'Deny' }).click();
  await page.waitForURL(CALLBACK + '**');
  assert.equal(landed.searchParams.get('error'), 'access_denied');
  assert.equal(landed.searchParams.get('state'), 'no');
  assert.equal(landed.searchParams.get('code'), null);
  await page.unroute(CALLBACK + '**');
});
