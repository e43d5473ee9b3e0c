// Sign-in in a real browser: the form renders, wrong passwords are refused,
// the right one signs in, sign-out works, and the pages pass axe-core.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startHearth, launchBrowser, shot, seriousA11yViolations, PASSWORD, navItem } from './harness.mjs';

let hearth, browser;
const password = PASSWORD;

before(async () => {
  hearth = await startHearth();
  hearth.ctl(['user', 'add', 'ada', '--admin', '--display-name', 'Ada Lovelace',
    '--password-stdin'], password + '\n');
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  const code = await hearth?.stop();
  assert.equal(code, 0, 'hearthd exits 0 on SIGTERM');
});

test('signed-out visitors are sent to the login page', async () => {
  const page = await browser.context.newPage();
  await page.goto(hearth.url + '/');
  assert.match(page.url(), /\/login\?next=%2F$/);
  assert.equal(await page.locator('h1').textContent(), 'Sign in to hearth');
  await page.close();
});

test('a wrong password is refused with a message', async () => {
  const page = await browser.context.newPage();
  await page.goto(hearth.url + '/login');
  await page.getByLabel('Username').fill('ada');
  await page.getByLabel('Password').fill('not the password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForLoadState();
  assert.equal(await page.getByRole('alert').textContent(), 'Wrong username or password.');
  assert.equal(await page.getByLabel('Username').inputValue(), 'ada', 'username is kept');
  await page.close();
});

for (const [name, viewport] of [['desktop', { width: 1280, height: 800 }],
  ['phone', { width: 360, height: 740 }]]) {
  test(`sign in and out on a ${name}`, async () => {
    const page = await browser.context.newPage();
    await page.setViewportSize(viewport);
    await page.goto(hearth.url + '/login');
    assert.deepEqual(await seriousA11yViolations(page), [], 'login page: no serious a11y issue');
    await shot(page, `login-${name}`);
    await page.getByLabel('Username').fill('ada');
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(hearth.url + '/');
    assert.equal(await page.locator('h1').textContent(), 'Home');
    assert.match(await page.getByRole('navigation', { name: 'Main' }).textContent(),
      /Ada Lovelace/, 'the navigation names who is signed in');
    assert.deepEqual(await seriousA11yViolations(page), [], 'home page: no serious a11y issue');
    await shot(page, `home-${name}`);
    const cookies = await browser.context.cookies(hearth.url);
    const session = cookies.find((c) => c.name === 'hearth_session');
    assert.ok(session, 'session cookie set');
    assert.equal(session.httpOnly, true);
    assert.equal(session.sameSite, 'Lax');
    // One row of navigation; the account's pages (and, on a phone, People)
    // wait in a menu: the person's name on a desktop, "More" on a phone.
    const nav = page.getByRole('navigation', { name: 'Main' });
    const box = await nav.boundingBox();
    assert.ok(box.height < 80, `the navigation is one row (${box.height} px)`);
    const menu = nav.locator('details.nav-menu > summary');
    assert.equal((await menu.innerText()).trim(), name === 'phone' ? 'More' : 'Ada Lovelace',
      'the menu is called what fits the screen');
    const settings = nav.getByRole('link', { name: 'Settings' });
    assert.equal(await settings.isVisible(), false, 'Settings waits in the menu');
    await menu.focus();
    await page.keyboard.press('Enter');
    await settings.waitFor();
    assert.equal(await nav.getByRole('link', { name: 'People' }).count(), 1,
      'People is there once: in the row on a desktop, in the menu on a phone');
    assert.deepEqual(await seriousA11yViolations(page), [], 'open menu: no serious a11y issue');
    await shot(page, `home-menu-${name}`);
    await page.keyboard.press('Escape');
    await settings.waitFor({ state: 'hidden' });
    assert.equal(await page.evaluate(() => document.activeElement.tagName), 'SUMMARY',
      'Escape closes the menu and focus returns to it');
    await menu.click();
    await page.mouse.click(20, 700);   // outside the menu
    await settings.waitFor({ state: 'hidden' });
    await page.goto(hearth.url + '/settings');
    assert.match(await menu.getAttribute('class'), /current/, 'the menu is marked on a page in it');
    await menu.click();
    assert.equal(await nav.getByRole('link', { name: 'Settings' }).getAttribute('aria-current'), 'page');
    await (await navItem(page, 'button', 'Sign out')).click();
    await page.waitForURL(hearth.url + '/login');
    await page.goto(hearth.url + '/');
    assert.match(page.url(), /\/login/, 'signed out: home redirects to login');
    await page.close();
  });
}

test('the 404 page is friendly and accessible', async () => {
  const page = await browser.context.newPage();
  const resp = await page.goto(hearth.url + '/no/such/page');
  assert.equal(resp.status(), 404);
  assert.equal(await page.locator('h1').textContent(), 'Page not found');
  assert.deepEqual(await seriousA11yViolations(page), []);
  await page.close();
});
