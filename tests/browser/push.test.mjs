// "Notify me on this device" in a real Chromium: the settings page
// registers the service worker from /sw.js with the whole site as its
// scope and offers the button; a push delivered to that worker (through
// the DevTools protocol, as a push service would) becomes a desktop
// notification with the title and body hearth sent. The page passes
// axe-core at both widths.
//
// What headless Chromium cannot do here: subscribe with a real push
// service (Chrome's is Google's FCM, out of reach of this closed network),
// so the button's end is checked to report plainly either way; the
// subscription API, the encryption and the delivery are test_push.py's,
// against a push service that decrypts what it gets. A click on the
// notification (which opens its post) has no protocol hook to fire it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startHearth, launchBrowser, shot, seriousA11yViolations, PASSWORD, SIZES, signIn } from './harness.mjs';

let hearth, browser, page;

before(async () => {
  hearth = await startHearth();
  hearth.ctl(['user', 'add', 'pia', '--display-name', 'Pia Push',
    '--password-stdin'], PASSWORD + '\n');
  browser = await launchBrowser();
  await browser.context.grantPermissions(['notifications'], { origin: hearth.url });
  page = await browser.context.newPage();
});

after(async () => {
  await page?.close();
  await browser?.close();
  const code = await hearth?.stop();
  assert.equal(code, 0, 'hearthd exits 0 on SIGTERM');
});

test('the settings page registers the service worker and offers the button', async () => {
  await signIn(page, hearth.url, 'pia');
  await page.goto(hearth.url + '/settings/push');
  assert.equal(await page.locator('nav[aria-label="Settings"] a[aria-current="page"]').textContent(),
    'Push notifications');
  await page.locator('#push-settings[data-worker="registered"]').waitFor();
  const scope = await page.evaluate(async () => (await navigator.serviceWorker.ready).scope);
  assert.equal(scope, hearth.url + '/', 'the worker covers the whole site');
  const button = page.getByRole('button', { name: 'Notify me on this device' });
  await button.waitFor();
  assert.match(await page.locator('#push-state').textContent(), /not notified/);
  assert.ok(await page.getByRole('checkbox', { name: 'mentions me or replies to me' }).isChecked());
  for (const [size, viewport] of SIZES) {
    await page.setViewportSize(viewport);
    assert.deepEqual(await seriousA11yViolations(page), [], `settings-push (${size}): no serious a11y issue`);
    await shot(page, `settings-push-${size}`);
  }
  await page.setViewportSize(SIZES[0][1]);

  // Subscribing needs the browser's push service: say what happened.
  await button.click();
  await page.waitForFunction(() => !/Checking/.test(document.getElementById('push-state').textContent)
    && !document.getElementById('push-on').disabled);
  assert.match(await page.locator('#push-state').textContent(),
    /This device is notified\.|Could not turn notifications on: /);
});

test('a push to the worker shows a notification with the title and body', async () => {
  await page.goto(hearth.url + '/settings/push');
  await page.locator('#push-settings[data-worker="registered"]').waitFor();
  const cdp = await browser.context.newCDPSession(page);
  const registered = new Promise((resolve) => {
    cdp.on('ServiceWorker.workerRegistrationUpdated', ({ registrations }) => {
      const r = registrations.find((x) => x.scopeURL === hearth.url + '/' && !x.isDeleted);
      if (r) resolve(r.registrationId);
    });
  });
  await cdp.send('ServiceWorker.enable');
  const registrationId = await registered;
  await page.evaluate(async () => { await navigator.serviceWorker.ready; });
  // A push can reach a worker still starting up and be lost, as with a
  // real push service; deliver again until one is shown (once is enough).
  let shown = [];
  for (let attempt = 0; attempt < 5 && shown.length === 0; attempt++) {
    await cdp.send('ServiceWorker.deliverPushMessage', {
      origin: hearth.url, registrationId,
      data: JSON.stringify({ title: 'Ada mentioned you', body: 'lunch at noon?',
        notification_id: '7', notification_type: 'mention', icon: hearth.url + '/avatars/pia.png' }),
    });
    for (let i = 0; i < 20 && shown.length === 0; i++) {
      shown = await page.evaluate(async () => (await (await navigator.serviceWorker.ready)
        .getNotifications()).map((n) => ({ title: n.title, body: n.body, tag: n.tag })));
      if (shown.length === 0) await new Promise((r) => setTimeout(r, 100));
    }
  }
  assert.deepEqual(shown, [{ title: 'Ada mentioned you', body: 'lunch at noon?', tag: 'hearth-7' }]);
});
