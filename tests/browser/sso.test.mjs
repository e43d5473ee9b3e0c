// Signing in with the company's OpenID provider in a real browser, against
// a real one (tests/oidc-provider: panva's oidc-provider over HTTPS with a
// test CA, its own login and sign-out pages): the login page offers "Sign
// in with Test IdP" at a desktop's and a phone's width, the round trip
// through the provider's login page lands on the page the person was
// going to, signed in as the account made from the claims, signing out of
// hearth signs out at the provider too, and the button works from the
// keyboard. Chromium trusts the provider's CA through an NSS database in
// its HOME, as it would a company CA: no certificate check is turned off.
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { startHearth, launchBrowser, shot, seriousA11yViolations, navItem } from './harness.mjs';
import { startProvider } from './idp.mjs';

const SECRET = 'browser:s3cret';
const ACCOUNTS = {
  'sub-grace': { password: 'pw-grace', claims: {
    preferred_username: 'grace', name: 'Grace Hopper', email: 'grace@example.com',
    department: 'Research', job_title: 'Rear Admiral', groups: ['staff', 'hearth-admins'] } },
  'sub-ken': { password: 'pw-ken', claims: {
    preferred_username: 'ken', name: 'Ken Thompson', email: 'ken@example.com',
    department: 'Systems', job_title: 'Engineer', groups: ['staff'] } },
};
const SIZES = [['desktop', { width: 1280, height: 800 }], ['phone', { width: 390, height: 844 }]];

let idp, hearth, browser;

before(async () => {
  idp = await startProvider({ accounts: ACCOUNTS });
  hearth = await startHearth([
    `auth.oidc.issuer = ${idp.issuer}`,
    'auth.oidc.name = Test IdP',
    'auth.oidc.client_id = hearth',
    `auth.oidc.client_secret = ${SECRET}`,
    `auth.oidc.ca_file = ${idp.ca}`,
    'auth.oidc.scopes = openid profile email groups',
    'auth.oidc.admin_group = hearth-admins',
  ].join('\n'));
  // hearth's address is known only now: register it at the provider.
  await idp.setClients([{
    client_id: 'hearth', client_secret: SECRET,
    redirect_uris: [`${hearth.url}/auth/oidc/callback`],
    post_logout_redirect_uris: [`${hearth.url}/login`],
    backchannel_logout_uri: `${hearth.url}/auth/oidc/backchannel-logout`,
  }]);
  browser = await launchBrowser({ env: { HOME: idp.home } });
});

after(async () => {
  await browser?.close();
  const code = await hearth?.stop();
  const idpCode = await idp?.stop();
  assert.equal(code, 0, 'hearthd exits 0 on SIGTERM');
  assert.equal(idpCode, 0, 'the provider exits 0 on SIGTERM');
});

// Each test starts signed out everywhere: a failed one leaves no session
// (hearth's or the provider's) for the next to find.
beforeEach(async () => {
  await browser?.context.clearCookies();
});

// The SSO button: a link named by the provider's configured name.
const ssoButton = (page) => page.getByRole('link', { name: 'Sign in with Test IdP', exact: true });

// Who the page's cookies sign in as, by hearth's API.
async function whoAmI(page) {
  const r = await page.request.get(`${hearth.url}/api/v1/accounts/verify_credentials`);
  assert.equal(r.status(), 200, `verify_credentials with the browser's cookies: ${await r.text()}`);
  return r.json();
}

for (const [name, viewport] of SIZES) {
  test(`the login page offers the provider on a ${name} (${viewport.width} px)`, async () => {
    const page = await browser.context.newPage();
    await page.setViewportSize(viewport);
    await page.goto(hearth.url + '/login');
    const button = ssoButton(page);
    assert.equal(await button.isVisible(), true, 'the "Sign in with Test IdP" button is shown');
    const box = await button.boundingBox();
    assert.ok(box.x >= 0 && box.x + box.width <= viewport.width,
      `the button fits the width (${box.x}+${box.width} of ${viewport.width} px)`);
    assert.ok(box.height >= 24, `the button is big enough to hit (${box.height} px high)`);
    const form = page.getByLabel('Username');
    assert.ok(box.y < (await form.boundingBox()).y, 'the provider comes before the password form');
    assert.deepEqual(await seriousA11yViolations(page), [], 'login page: no serious a11y issue');
    await shot(page, `sso-login-${name}`);
    await page.close();
  });
}

// [width name, viewport, account sub, password, username, display name, admin?]
const PEOPLE = [
  ['desktop', SIZES[0][1], 'sub-grace', 'pw-grace', 'grace', 'Grace Hopper', true],
  ['phone', SIZES[1][1], 'sub-ken', 'pw-ken', 'ken', 'Ken Thompson', false],
];

for (const [name, viewport, sub, password, username, display, admin] of PEOPLE) {
  test(`sign in through the provider and out again on a ${name}`, async () => {
    const page = await browser.context.newPage();
    await page.setViewportSize(viewport);

    // Signed out, on the way to Groups: hearth asks to sign in first.
    await page.goto(hearth.url + '/groups');
    assert.equal(page.url(), `${hearth.url}/login?next=%2Fgroups`, 'sent to sign in, remembering where to');
    await ssoButton(page).click();

    // The provider's own login page, on the provider's address.
    await page.waitForURL(`${idp.issuer}/interaction/**`);
    assert.equal(new URL(page.url()).origin, idp.issuer, 'the login page is the provider\'s');
    assert.match(await page.locator('main').textContent(), /Sign in to continue to/);
    await shot(page, `sso-provider-login-${name}`);
    await page.getByLabel('Username').fill(username);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();

    // Back at hearth, where the person was going, signed in.
    await page.waitForURL(`${hearth.url}/groups`);
    assert.equal(await page.locator('h1').textContent(), 'Groups');
    const nav = page.getByRole('navigation', { name: 'Main' });
    const menu = nav.locator('details.nav-menu > summary');
    assert.equal((await menu.innerText()).trim(), name === 'phone' ? 'More' : display,
      'the menu is the person\'s, under the name the provider gave (More on a phone)');
    assert.match(await nav.textContent(), new RegExp(display), 'the header names who is signed in');
    const me = await whoAmI(page);
    assert.equal(me.username, username, 'the account is named after preferred_username');
    assert.equal(me.display_name, display, 'display name from the name claim');
    const fields = Object.fromEntries((me.fields ?? []).map((f) => [f.name, f.value]));
    assert.equal(fields.Department, ACCOUNTS[sub].claims.department, 'department from its claim');
    assert.equal(fields['Job title'], ACCOUNTS[sub].claims.job_title, 'job title from its claim');
    assert.equal(await (await navItem(page, 'link', 'Your profile')).isVisible(), true);
    assert.equal(await nav.getByRole('link', { name: 'Admin', exact: true }).count(), admin ? 1 : 0,
      admin ? 'a member of hearth-admins is an admin' : 'someone outside hearth-admins is no admin');
    assert.deepEqual(await seriousA11yViolations(page), [], 'signed in: no serious a11y issue');
    await shot(page, `sso-signed-in-${name}`);
    const sessions = await idp.control('GET', '/_test/sessions');
    assert.equal(sessions.filter((s) => s.sub === sub && s.clients.hearth).length, 1,
      'the provider has a session of this person with hearth in it');

    // Sign out from hearth's menu: the provider asks, and then hearth's
    // sign-in page again.
    await (await navItem(page, 'button', 'Sign out')).click();
    await page.waitForURL(`${idp.issuer}/session/end**`);
    assert.match(await page.locator('main').textContent(), /Sign out of the test identity provider\?/);
    await shot(page, `sso-provider-signout-${name}`);
    await page.getByRole('button', { name: 'Sign out', exact: true }).click();
    await page.waitForURL(`${hearth.url}/login`);
    assert.equal(await ssoButton(page).isVisible(), true, 'back on the login page');
    const gone = await page.request.get(`${hearth.url}/api/v1/accounts/verify_credentials`);
    assert.equal(gone.status(), 401, 'hearth\'s session is over');
    assert.deepEqual((await idp.control('GET', '/_test/sessions')).filter((s) => s.sub === sub), [],
      'the provider\'s session is over too');
    const told = (await idp.control('GET', '/_test/backchannel'))
      .filter((b) => b.url === `${hearth.url}/auth/oidc/backchannel-logout` && b.claims?.sub === sub);
    assert.equal(told.length, 1, 'the provider told hearth by back-channel logout');
    assert.equal(told[0].status, 200, `hearth answered the back-channel logout 200 (${told[0].error ?? ''})`);
    await page.goto(hearth.url + '/groups');
    assert.match(page.url(), /\/login\?next=%2Fgroups$/, 'signed out: Groups asks to sign in again');
    await page.close();
  });
}

test('the provider\'s button is reached by Tab, named, and works with Enter', async () => {
  const page = await browser.context.newPage();
  await page.setViewportSize(SIZES[0][1]);
  await page.goto(hearth.url + '/login?next=%2Fgroups');
  const order = [];
  for (let i = 0; i < 10; i++) {
    await page.keyboard.press('Tab');
    const id = await page.evaluate(() => {
      const e = document.activeElement;
      return e.id || `${e.tagName.toLowerCase()}:${e.textContent.trim()}`;
    });
    order.push(id);
    if (id === 'sso-signin') break;
  }
  assert.equal(order.at(-1), 'sso-signin', `Tab reaches the button (focus went ${order.join(' → ')})`);
  assert.ok(!order.includes('username'), 'before the password form');
  const focused = page.locator(':focus');
  assert.match(await focused.ariaSnapshot(), /^- link "Sign in with Test IdP"[:\n]/,
    'its role and accessible name, as a screen reader hears it');
  assert.equal(await ssoButton(page).evaluate((e) => e === document.activeElement), true);
  const outline = await focused.evaluate((e) => getComputedStyle(e).outlineStyle);
  assert.notEqual(outline, 'none', 'focus is shown');
  await shot(page, 'sso-login-focus');
  await page.keyboard.press('Enter');
  await page.waitForURL(`${idp.issuer}/interaction/**`);
  assert.equal(await page.getByLabel('Username').isVisible(), true, 'Enter goes to the provider\'s login page');
  await page.close();
});
