// Settings and admin in a real browser, without JavaScript of our own: a
// person changes their avatar (a real file input, a small PNG made here)
// and profile fields and sees them, then signs out; an admin creates a
// person who then signs in with the password shown once. Every settings
// and admin page, and an error page, passes axe-core; screenshots at phone
// and desktop widths.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { deflateSync } from 'node:zlib';
import { startHearth, launchBrowser, shot, seriousA11yViolations, PASSWORD, SIZES, signIn as signInAt, navItem } from './harness.mjs';

let hearth, browser, page;
const password = PASSWORD;
const sizes = SIZES;

// CRC-32 as PNG chunks want it.
function crc32(buf) {
  let c, crc = 0xffffffff;
  for (const b of buf) {
    c = (crc ^ b) & 0xff;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    crc = (crc >>> 8) ^ c;
  }
  return (crc ^ 0xffffffff) >>> 0;
}

// A small solid-colour PNG.
function png(size = 16, rgb = [30, 120, 200]) {
  const chunk = (type, data) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const td = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(td));
    return Buffer.concat([len, td, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr.set([8, 2, 0, 0, 0], 8);
  const row = Buffer.concat([Buffer.from([0]), Buffer.from(Array(size).fill(rgb).flat())]);
  const raw = Buffer.concat(Array(size).fill(row));
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
}

const signIn = (username, pw = password) =>
  signInAt(page, hearth.url, username, { password: pw });

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
    await shot(page, `${name}-${size}`);
  }
  await page.setViewportSize(sizes[0][1]);
}

before(async () => {
  hearth = await startHearth();
  hearth.ctl(['user', 'add', 'ada', '--admin', '--display-name', 'Ada Lovelace',
    '--password-stdin'], password + '\n');
  hearth.ctl(['user', 'add', 'bea', '--display-name', 'Bea Member',
    '--password-stdin'], password + '\n');
  hearth.ctl(['field', 'add', 'Team']);
  browser = await launchBrowser();
  page = await browser.context.newPage();
});

after(async () => {
  await page?.close();
  await browser?.close();
  const code = await hearth?.stop();
  assert.equal(code, 0, 'hearthd exits 0 on SIGTERM');
});

test('change the avatar and profile fields, and see them', async () => {
  await signIn('bea');
  await (await navItem(page, 'link', 'Settings')).click();
  await page.waitForURL(hearth.url + '/settings/profile');
  assert.equal(await page.locator('nav[aria-label="Settings"] a[aria-current="page"]').textContent(),
    'Profile');
  const before = await page.locator('#current-avatar').getAttribute('src');
  assert.match(before, /\/avatars\/bea\.png$/);
  await check('settings-profile');

  await page.getByLabel('Avatar').setInputFiles({ name: 'me.png', mimeType: 'image/png',
    buffer: png() });
  await page.getByLabel('Job title').fill('Staff Engineer');
  await page.getByLabel('Team').fill('Platform');
  await page.getByLabel('Bio').fill('I *like* ovens');
  await page.getByRole('button', { name: 'Save profile' }).click();
  await page.waitForURL(hearth.url + '/settings/profile?notice=profile');
  assert.match(await page.locator('p.notice[role=status]').textContent(), /profile was saved/);
  const after = await page.locator('#current-avatar').getAttribute('src');
  assert.match(after, /\/media\/[^/]+\.(png|jpg)$/);
  assert.notEqual(after, before);
  assert.ok(await page.locator('#current-avatar').evaluate((img) => img.naturalWidth === 16),
    'the uploaded image loads');

  await page.goto(hearth.url + '/@bea');
  assert.equal(await page.locator('img.avatar.big').getAttribute('src'), after);
  assert.equal(await page.locator('.bio em').textContent(), 'like');
  assert.match(await page.locator('.facts').textContent(), /Staff Engineer/);
  assert.match(await page.locator('.facts').textContent(), /Platform/);
});

test('a field error is shown next to the field and keeps what was typed', async () => {
  await page.goto(hearth.url + '/settings/profile');
  await page.getByLabel('Display name').fill('');
  await page.getByLabel('Location').fill('Lisbon');
  // The browser would stop an empty required field itself: check the
  // server's answer too, as a browser without that check would see it.
  await page.locator('#display_name').evaluate((el) => el.removeAttribute('required'));
  await page.getByRole('button', { name: 'Save profile' }).click();
  await page.waitForLoadState();
  assert.match(await page.locator('#display_name-error').textContent(), /must not be empty/);
  assert.equal(await page.locator('#display_name').getAttribute('aria-describedby'),
    'display_name-error');
  assert.equal(await page.getByLabel('Location').inputValue(), 'Lisbon');
  await check('settings-profile-error');
});

test('the other settings pages', async () => {
  for (const [name, label] of [['password', 'Password'], ['sessions', 'Sessions'],
    ['apps', 'Apps']]) {
    await page.goto(hearth.url + '/settings/profile');
    await page.locator('nav[aria-label="Settings"]').getByRole('link', { name: label }).click();
    await page.waitForURL(hearth.url + `/settings/${name}`);
    await check(`settings-${name}`);
  }
  await page.goto(hearth.url + '/settings/sessions');
  assert.match(await page.locator('.row-item').first().textContent(), /This device/);

  await page.goto(hearth.url + '/settings/tokens');
  await check('settings-tokens-empty');
  await page.getByLabel('Name').fill('my script');
  await page.getByRole('button', { name: 'Create token' }).click();
  await page.waitForLoadState();
  const secret = await page.getByRole('textbox', { name: 'Token', exact: true }).inputValue();
  assert.match(secret, /^hat_/);
  await check('settings-tokens-new');
  const r = await fetch(hearth.url + '/api/v1/accounts/verify_credentials',
    { headers: { Authorization: `Bearer ${secret}` } });
  assert.equal(r.status, 200, 'the new token works on the API');
  await page.goto(hearth.url + '/settings/tokens');
  assert.equal(await page.getByRole('textbox', { name: 'Token', exact: true }).count(), 0, 'the secret is shown once');
  await page.getByRole('button', { name: 'Revoke my script' }).click();
  await page.waitForURL(/notice=token/);
  assert.match(await page.locator('p.notice[role=status]').textContent(), /revoked/);
});

test('a member is refused the admin pages with a helpful page', async () => {
  await (await navItem(page, 'link', 'Settings')).waitFor();
  assert.equal(await page.getByRole('link', { name: 'Admin' }).count(), 0,
    'no Admin link in the open account menu');
  const r = await page.goto(hearth.url + '/admin/people');
  assert.equal(r.status(), 403);
  assert.equal(await page.locator('h1').textContent(), 'You cannot do that here');
  assert.ok(await page.getByRole('link', { name: 'Go to the home page' }).isVisible());
  await check('error-403');
  await page.goto(hearth.url + '/no/such/page');
  assert.equal(await page.locator('h1').textContent(), 'Page not found');
  await check('error-404');
  await page.goto(hearth.url + '/');
  await signOut();
});

test('an admin creates a person who then signs in', async () => {
  await signIn('ada');
  await (await navItem(page, 'link', 'Admin')).click();
  await page.waitForURL(hearth.url + '/admin/people');
  await check('admin-people');
  await page.getByRole('textbox', { name: 'Username', exact: true }).fill('cy');
  await page.getByLabel('Display name').fill('Cy Newcomer');
  await page.getByLabel('Email (optional)').fill('cy@example.com');
  await page.getByRole('button', { name: 'Create person' }).click();
  await page.waitForLoadState();
  assert.match(await page.locator('p.notice[role=status]').textContent(), /cy was created/);
  const pw = await page.getByRole('textbox', { name: 'Password', exact: true }).inputValue();
  assert.ok(pw.length >= 10, 'a generated password is shown');
  await check('admin-people-created');

  await page.getByLabel('Name, username, email, department or title').fill('bea');
  await page.getByRole('button', { name: 'Filter', exact: true }).click();
  await page.waitForURL(/q=bea/);
  assert.equal(await page.locator('.people-table .person-row').count(), 1);
  await page.getByRole('button', { name: 'Disable bea' }).click();
  // Disabling is asked first (admin.test.mjs tests the question itself).
  await page.getByRole('dialog').getByRole('button', { name: 'Yes, do it' }).click();
  await page.waitForURL(/notice=disable/);
  assert.match(await page.locator('p.notice[role=status]').textContent(), /bea was disabled/);
  await page.getByRole('button', { name: 'Enable bea' }).click();
  await page.waitForURL(/notice=enable/);

  await page.getByRole('textbox', { name: 'Username', exact: true }).fill('bad name');
  await page.getByRole('button', { name: 'Create person' }).click();
  await page.waitForLoadState();
  assert.match(await page.locator('#new-username-error').textContent(), /username may contain/);
  await check('admin-people-error');

  await signOut();
  // A generated password: cy must choose her own before anything else.
  await signInAt(page, hearth.url, 'cy', { password: pw, landing: '/settings/password' });
  await page.getByLabel('Current password').fill(pw);
  await page.getByLabel('New password', { exact: true }).fill(password);
  await page.getByLabel('New password again').fill(password);
  await page.getByRole('button', { name: 'Change password' }).click();
  await page.waitForURL(hearth.url + '/');
  assert.match(await page.locator('nav[aria-label="Main"]').textContent(), /Cy Newcomer/);
  await signOut();
});
