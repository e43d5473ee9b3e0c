// The scheduled posts page in a real browser: reached from the account
// menu ("More" on phones), it lists a post an app scheduled, passes
// axe-core and fits both widths without sideways scrolling, and its
// Cancel button (keyboard) removes the post.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startHearth, launchBrowser, shot, seriousA11yViolations, PASSWORD, SIZES, signIn, navItem } from './harness.mjs';

let hearth, browser, page, token;

before(async () => {
  hearth = await startHearth();
  hearth.ctl(['user', 'add', 'ada', '--display-name', 'Ada Lovelace',
    '--password-stdin'], PASSWORD + '\n');
  token = hearth.ctl(['token', 'create', 'ada']).trim();
  browser = await launchBrowser();
  page = await browser.context.newPage();
});

after(async () => {
  await page?.close();
  await browser?.close();
  const code = await hearth?.stop();
  assert.equal(code, 0, 'hearthd exits cleanly');
});

test('the scheduled posts page lists, fits and cancels', async () => {
  const at = new Date(Date.now() + 3 * 86400 * 1000).toISOString();
  const r = await fetch(`${hearth.url}/api/v1/statuses`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ status: 'Quarterly numbers are out, a long line of text that must wrap on a phone without any sideways scrolling at all', scheduled_at: at }),
  });
  assert.equal(r.status, 200, 'scheduled through the API');
  await signIn(page, hearth.url, 'ada');
  for (const [size, viewport] of SIZES) {
    await page.setViewportSize(viewport);
    await page.goto(hearth.url + '/');
    await (await navItem(page, 'link', 'Scheduled posts')).click();
    await page.waitForURL(hearth.url + '/scheduled');
    await page.getByText('Quarterly numbers are out').waitFor();
    assert.deepEqual(await seriousA11yViolations(page), [],
      `scheduled page (${size}): no serious a11y issue`);
    const overflow = await page.evaluate(() =>
      document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.ok(overflow <= 0, `no sideways scrolling at ${size} (${overflow}px)`);
    await shot(page, `scheduled-${size}`);
  }
  const cancel = page.getByRole('button', { name: /^Cancel/ });
  await cancel.focus();
  await page.keyboard.press('Enter');
  await page.waitForURL(/\/scheduled\?notice=cancelled$/);
  await page.getByText('The scheduled post was cancelled.').waitFor();
  await page.getByText('You have no scheduled posts.').waitFor();
  const list = await fetch(`${hearth.url}/api/v1/scheduled_statuses`, {
    headers: { Authorization: `Bearer ${token}` },
  });
  assert.deepEqual(await list.json(), [], 'gone from the API too');
});
