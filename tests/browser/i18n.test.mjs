// Languages and time zones in a real browser: a Polish Chromium gets Polish
// pages (Accept-Language), its time zone reaches the server through
// hearth.js's cookie and shows in Settings, and choosing Deutsch there
// switches every page; the Polish pages pass axe-core.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { startHearth, shot, seriousA11yViolations, PASSWORD } from './harness.mjs';

let hearth, context, userDataDir;

before(async () => {
  hearth = await startHearth();
  hearth.ctl(['user', 'add', 'ola', '--display-name', 'Ola Nowak',
    '--password-stdin'], PASSWORD + '\n');
  // As harness.launchBrowser, with a Polish browser in Warsaw.
  userDataDir = mkdtempSync(join(tmpdir(), 'hearth-chromium-'));
  context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    locale: 'pl-PL',
    timezoneId: 'Europe/Warsaw',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--no-first-run',
      '--disable-quic', '--lang=pl-PL'],
  });
});

after(async () => {
  await context?.close();
  if (userDataDir) rmSync(userDataDir, { recursive: true, force: true });
  const code = await hearth?.stop();
  assert.equal(code, 0, 'hearthd exits 0 on SIGTERM');
});

test('a Polish browser gets Polish pages, and its time zone is used', async () => {
  const page = await context.newPage();
  await page.setViewportSize({ width: 390, height: 800 });
  await page.goto(hearth.url + '/login');
  assert.equal(await page.locator('html').getAttribute('lang'), 'pl');
  assert.equal(await page.locator('h1').textContent(), 'Zaloguj się do hearth');
  assert.deepEqual(await seriousA11yViolations(page), [], 'Polish login: no serious a11y issue');
  await page.getByLabel('Nazwa użytkownika').fill('ola');
  await page.getByLabel('Hasło').fill(PASSWORD);
  await page.getByRole('button', { name: 'Zaloguj się' }).click();
  await page.waitForURL(hearth.url + '/');
  assert.equal(await page.locator('h1').textContent(), 'Start');
  const cookies = await context.cookies(hearth.url);
  assert.equal(cookies.find((c) => c.name === 'hearth_tz')?.value, 'Europe/Warsaw',
    'hearth.js reported the browser\'s zone');
  // A post's time is in Warsaw's zone, and "just now" is Polish.
  await page.locator('#status').fill('Dzień dobry');
  await page.getByRole('button', { name: 'Opublikuj' }).first().click();
  await page.waitForURL(hearth.url + '/');
  const when = page.locator('a.when').first();
  assert.match(await when.getAttribute('title'), / CES?T$/, 'the date is in Warsaw time');
  assert.equal((await when.textContent()).trim(), 'przed chwilą');
  // hearth.js refreshes such times with the words the page gives it.
  assert.equal(await page.evaluate(() =>
    document.getElementById('hearth-i18n').dataset.i18nH), '{n} godz.');
  assert.deepEqual(await seriousA11yViolations(page), [], 'Polish home: no serious a11y issue');
  await shot(page, 'i18n-home-pl-phone');
  await page.goto(hearth.url + '/settings/language');
  assert.match(await page.locator('#zone-hint').textContent(), /Europe\/Warsaw/,
    'Settings says which zone times show in');
  await page.close();
});

test('choosing Deutsch in Settings switches the interface', async () => {
  const page = await context.newPage();
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.goto(hearth.url + '/settings/language');
  await page.getByLabel('Język', { exact: true }).selectOption('de');
  await page.getByRole('button', { name: 'Zapisz' }).click();
  await page.waitForURL(/\/settings\/language\?notice=language$/);
  assert.equal(await page.locator('html').getAttribute('lang'), 'de');
  assert.equal(await page.locator('p.notice').textContent(),
    'Deine Sprache und Zeitzone wurden gespeichert.');
  assert.equal(await page.getByLabel('Sprache', { exact: true }).inputValue(), 'de');
  assert.deepEqual(await seriousA11yViolations(page), [], 'German settings: no serious a11y issue');
  await shot(page, 'i18n-settings-de-desktop');
  await page.goto(hearth.url + '/');
  assert.match(await page.getByRole('navigation', { name: 'Hauptmenü' }).textContent(),
    /Benachrichtigungen/);
  await page.close();
});
