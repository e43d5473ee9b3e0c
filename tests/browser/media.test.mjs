// Attachments in a real browser: the composer uploads pictures and files as
// they are chosen, pasted or dropped (progress, tiles, alt text, Remove, at
// most four), reminds once about a missing description, and the card shows
// a picture grid and download rows; a picture opens in the viewer (arrow
// keys, swipe, Escape gives focus back). Without JavaScript the plain file
// input posts the file. Test pictures are drawn on a canvas at test time.
// Axe at phone and desktop widths, light and dark; screenshots.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';
import { startHearth, launchBrowser, shot, seriousA11yViolations, PASSWORD, SIZES, signIn } from './harness.mjs';

const ALT = "Describe this picture for people who can't see it (alt text)";
const NUDGE = /Adding a description helps colleagues who use screen readers\. Post anyway\?/;
const PHONE = { width: 390, height: 844 };

let hearth, browser, page;
let jpeg, png, pdf;

before(async () => {
  // A small limit for files, so a refusal is quick to provoke.
  hearth = await startHearth('media.max_file_size = 65536');
  hearth.ctl(['user', 'add', 'ada', '--display-name', 'Ada Lovelace',
    '--password-stdin'], PASSWORD + '\n');
  browser = await launchBrowser();
  page = await browser.context.newPage();
  await signIn(page, hearth.url, 'ada');
  jpeg = await draw(page, 'image/jpeg', 640, 400, '#c2410c');
  png = await draw(page, 'image/png', 300, 500, '#1d4ed8');
  // The smallest PDF a reader opens: one empty page.
  pdf = Buffer.from('%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n' +
    '2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n' +
    '3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\n' +
    'trailer<</Root 1 0 R>>\n%%EOF\n');
});

after(async () => {
  await page?.close();
  await browser?.close();
  const code = await hearth?.stop();
  assert.equal(code, 0, 'hearthd exits 0 on SIGTERM');
});

// A picture drawn in the page (a sky, a sun and a stripe, so it compresses
// like a photo would not), as a Buffer of the given type.
async function draw(p, type, w, h, colour) {
  const b64 = await p.evaluate(({ type, w, h, colour }) => {
    const c = document.createElement('canvas');
    c.width = w;
    c.height = h;
    const g = c.getContext('2d');
    const sky = g.createLinearGradient(0, 0, 0, h);
    sky.addColorStop(0, colour);
    sky.addColorStop(1, '#fef3c7');
    g.fillStyle = sky;
    g.fillRect(0, 0, w, h);
    g.fillStyle = '#fde047';
    g.beginPath();
    g.arc(w / 2, h / 2, Math.min(w, h) / 5, 0, 2 * Math.PI);
    g.fill();
    g.fillStyle = '#0f172a';
    g.fillRect(0, (h * 3) / 4, w, h / 8);
    return c.toDataURL(type, 0.9).split(',')[1];
  }, { type, w, h, colour });
  return Buffer.from(b64, 'base64');
}

// Axe in light and dark, and a screenshot, at desktop and phone widths.
async function check(name) {
  for (const [size, viewport] of [['desktop', SIZES[0][1]], ['phone', PHONE]]) {
    await page.setViewportSize(viewport);
    assert.deepEqual(await seriousA11yViolations(page), [],
      `${name} (${size}): no serious a11y issue`);
    await shot(page, `${name}-${size}`);
  }
  await page.setViewportSize(SIZES[0][1]);
}

const tiles = () => page.locator('.attach-tiles li.tile');
const done = () => page.locator('.attach-tiles li.tile input[name="media_ids"]');

// Record what the composer shows on the way: progress bars and what the
// status line says, since small uploads finish between two looks.
async function watchUploads() {
  await page.evaluate(() => {
    window.seen = { progress: 0, status: [] };
    new MutationObserver((list) => {
      for (const m of list) {
        for (const n of m.addedNodes) {
          if (n.nodeType === 1 && n.querySelector?.('progress')) window.seen.progress++;
        }
        const s = document.querySelector('.attach-status')?.textContent;
        if (s && window.seen.status.at(-1) !== s) window.seen.status.push(s);
      }
    }).observe(document.body, { subtree: true, childList: true, characterData: true });
  });
}

test('the Attach button uploads a picture and a PDF, each with a tile', async () => {
  await page.goto(hearth.url + '/');
  assert.ok(await page.locator('#files').isHidden(), 'the plain input gives way to the button');
  // The composer is one line until it is used: open it.
  await page.getByLabel('Start a post').click();
  const attach = page.getByRole('button', { name: 'Attach pictures or files' });
  await watchUploads();
  const [chooser] = await Promise.all([page.waitForEvent('filechooser'), attach.click()]);
  assert.ok(chooser.isMultiple(), 'several files at once');
  await chooser.setFiles([
    { name: 'sunset.jpg', mimeType: 'image/jpeg', buffer: jpeg },
    { name: 'slides.pdf', mimeType: 'application/pdf', buffer: pdf },
  ]);
  await page.waitForFunction(() => document.querySelectorAll('.attach-tiles input[name="media_ids"]').length === 2);
  const seen = await page.evaluate(() => window.seen);
  assert.ok(seen.progress >= 2, 'a progress bar per file while it went up');
  assert.ok(seen.status.some((s) => /^Uploading sunset\.jpg/.test(s)), `said it was uploading: ${seen.status}`);
  assert.match(await page.locator('.attach-status').textContent(), /attached$/);
  assert.equal(await page.locator('#files').evaluate((i) => i.files.length), 0,
    'the input is emptied, so the files do not go a second time');
  // The picture: a thumbnail and an alt text field; the PDF: its name and size.
  const pic = tiles().nth(0);
  assert.match(await pic.locator('.tile-name').textContent(), /sunset\.jpg/);
  assert.match(await pic.locator('img.tile-thumb').getAttribute('src'), /^\/media\//);
  assert.equal(await page.getByLabel(ALT).count(), 1, 'alt text for the picture only');
  const file = tiles().nth(1);
  assert.match(await file.locator('.tile-name').textContent(), /slides\.pdf\s+\S+/);
  assert.equal(await file.locator('textarea').count(), 0);
  await page.getByLabel(ALT).fill('An orange sky over a dark sea, the sun in the middle');
});

test('a pasted and a dropped picture upload too; at four the button stops; Remove', async () => {
  // Paste: a ClipboardEvent carrying a PNG file, into the text field.
  await page.getByLabel('Start a post').evaluate(async (el, b64) => {
    const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
    const dt = new DataTransfer();
    dt.items.add(new File([bytes], 'image.png', { type: 'image/png' }));
    el.dispatchEvent(new ClipboardEvent('paste', { clipboardData: dt, bubbles: true, cancelable: true }));
  }, png.toString('base64'));
  await page.waitForFunction(() => document.querySelectorAll('.attach-tiles input[name="media_ids"]').length === 3);
  assert.match(await tiles().nth(2).locator('.tile-name').textContent(), /image\.png/);
  // Drag and drop onto the composer.
  await page.locator('section.composer').evaluate(async (zone, b64) => {
    const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
    const dt = new DataTransfer();
    dt.items.add(new File([bytes], 'dropped.jpg', { type: 'image/jpeg' }));
    for (const type of ['dragenter', 'dragover']) {
      zone.dispatchEvent(new DragEvent(type, { dataTransfer: dt, bubbles: true, cancelable: true }));
    }
    if (!zone.classList.contains('dropping')) throw new Error('no drop target shown');
    zone.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
  }, jpeg.toString('base64'));
  await page.waitForFunction(() => document.querySelectorAll('.attach-tiles input[name="media_ids"]').length === 4);
  assert.equal(await page.locator('section.composer.dropping').count(), 0);
  // Four is the most: the button is off and says why.
  const attach = page.getByRole('button', { name: 'Attach pictures or files' });
  assert.ok(await attach.isDisabled());
  assert.match(await page.locator('.attach-note').textContent(), /4 attached/);
  await check('media-composer');
  // Remove the dropped one: the server forgets the upload, the tile goes.
  const dropped = tiles().nth(3);
  const id = await dropped.locator('input[name="media_ids"]').getAttribute('value');
  const [res] = await Promise.all([
    page.waitForResponse((r) => r.url().endsWith(`/media/${id}/delete`)),
    dropped.getByRole('button', { name: 'Remove dropped.jpg' }).click(),
  ]);
  assert.equal(res.status(), 200);
  assert.equal(await done().count(), 3);
  assert.ok(await attach.isEnabled(), 'room again for one more');
  assert.ok(await tiles().nth(2).getByRole('button', { name: 'Remove image.png' })
    .evaluate((b) => b === document.activeElement), 'focus moves to the tile before');
});

let postPath;
test('a missing description is pointed out once; posting again posts', async () => {
  const ids = await done().evaluateAll((l) => l.map((i) => i.value));
  await page.getByLabel('Start a post').fill('Pictures from the offsite');
  await page.getByRole('button', { name: 'Post', exact: true }).click();
  const nudge = page.locator('.alt-nudge');
  await nudge.waitFor();
  assert.match(await nudge.textContent(), NUDGE);
  assert.equal(await page.locator('article.post').count(), 0, 'nothing posted yet');
  const empty = page.locator('.tile-alt textarea').nth(1);
  assert.ok(await empty.evaluate((t) => t === document.activeElement), 'focus on the empty field');
  assert.equal(await empty.getAttribute('aria-describedby'), await nudge.getAttribute('id'));
  await shot(page, 'media-nudge-desktop');
  await Promise.all([
    page.waitForURL(hearth.url + '/'),
    page.getByRole('button', { name: 'Post', exact: true }).click(),
  ]);
  const post = page.locator('article.post').first();
  await post.waitFor();
  postPath = await post.locator('a.when').getAttribute('href');
  // Two pictures in the grid, in the order attached; the PDF as a row.
  const grid = post.locator('.media-grid');
  assert.match(await grid.getAttribute('class'), /\bn2\b/);
  const links = grid.locator('a.media-link[data-viewer]');
  assert.equal(await links.count(), 2);
  const imgs = grid.locator('img');
  assert.equal(await imgs.nth(0).getAttribute('alt'), 'An orange sky over a dark sea, the sun in the middle');
  assert.equal(await links.nth(0).getAttribute('aria-label'),
    'Open picture: An orange sky over a dark sea, the sun in the middle');
  assert.equal(await imgs.nth(1).getAttribute('alt'), '');
  assert.equal(await links.nth(1).getAttribute('aria-label'), 'Open picture: no description');
  for (let i = 0; i < 2; i++) {
    const img = imgs.nth(i);
    assert.equal(await img.getAttribute('loading'), 'lazy');
    await img.scrollIntoViewIfNeeded();
    await page.waitForFunction((el) => el.complete && el.naturalWidth > 0, await img.elementHandle());
    const [w, h, nw, nh] = await img.evaluate((el) => [el.getAttribute('width'), el.getAttribute('height'),
      el.naturalWidth, el.naturalHeight]);
    assert.ok(Number(w) > 0 && Number(h) > 0, `width and height given (${w}×${h})`);
    assert.equal(`${w}×${h}`, `${nw}×${nh}`, 'the attributes are the preview\'s size');
  }
  // The pictures serve while signed in.
  for (const href of [await links.nth(0).getAttribute('href'), await imgs.nth(0).getAttribute('src')]) {
    const r = await page.request.get(hearth.url + href);
    assert.equal(r.status(), 200, href);
    assert.match(r.headers()['content-type'], /^image\/(jpeg|png|webp)/);
  }
  // The PDF: a download row whose link answers as an attachment.
  const row = post.locator('.media-file');
  assert.equal(await row.count(), 1);
  const a = row.locator('a.file-name');
  assert.equal(await a.textContent(), 'slides.pdf');
  assert.equal(await a.getAttribute('download'), '');
  assert.equal(await row.getAttribute('data-icon'), 'pdf');
  assert.match(await row.textContent(), /slides\.pdf\s+· \d+ (bytes|KB)/);
  assert.equal(await row.locator('.file-type').evaluate((el) => getComputedStyle(el, '::before').content),
    '"PDF document"', 'says what kind of file it is');
  const r = await page.request.get(hearth.url + await a.getAttribute('href'));
  assert.equal(r.status(), 200);
  assert.match(r.headers()['content-disposition'] || '', /^attachment/);
  assert.ok(ids.length === 3, 'three uploads went with the post');
  await check('media-card');
});

test('the viewer: full size, arrows, swipe, Escape gives focus back', async () => {
  await page.goto(hearth.url + postPath);
  const post = page.locator('section[aria-label="The post"] article.post');
  const first = post.locator('a.media-link').first();
  await first.click();
  const dialog = page.getByRole('dialog', { name: 'Picture viewer' });
  await dialog.waitFor();
  const img = dialog.locator('img.viewer-img');
  assert.equal(await img.evaluate((el) => new URL(el.src).pathname), await first.getAttribute('href'),
    'the original picture');
  await page.waitForFunction((el) => el.complete && el.naturalWidth > 0, await img.elementHandle());
  assert.equal(await dialog.locator('.viewer-count').textContent(), 'Picture 1 of 2');
  assert.match(await dialog.locator('figcaption').textContent(), /orange sky/);
  assert.ok(await dialog.getByRole('button', { name: 'Close' }).evaluate((b) => b === document.activeElement));
  await page.keyboard.press('ArrowRight');
  assert.equal(await dialog.locator('.viewer-count').textContent(), 'Picture 2 of 2');
  assert.match(await dialog.locator('figcaption').textContent(), /No description/);
  await page.keyboard.press('ArrowLeft');
  assert.equal(await dialog.locator('.viewer-count').textContent(), 'Picture 1 of 2');
  // Tab stays inside: Close, Previous, Next, and round again.
  for (let i = 0; i < 4; i++) await page.keyboard.press('Tab');
  assert.ok(await dialog.evaluate((d) => d.contains(document.activeElement)), 'focus stays in the viewer');
  // A swipe to the left is Next.
  const box = await dialog.locator('figure').boundingBox();
  const y = box.y + box.height / 2;
  await page.mouse.move(box.x + box.width * 0.8, y);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width * 0.2, y, { steps: 5 });
  await page.mouse.up();
  assert.equal(await dialog.locator('.viewer-count').textContent(), 'Picture 2 of 2');
  await check('media-viewer');
  await page.keyboard.press('Escape');
  await dialog.waitFor({ state: 'hidden' });
  assert.ok(await first.evaluate((a) => a === document.activeElement), 'focus back on the picture');
});

test('editing keeps, describes and removes attachments', async () => {
  await page.goto(hearth.url + postPath + '/edit');
  const kept = page.locator('.attach-tiles li.tile[data-kept]');
  assert.equal(await kept.count(), 3, 'the post\'s attachments as tiles');
  // Without JavaScript a Keep box per tile; with it, Remove buttons.
  assert.ok(await kept.first().locator('.tile-keep').isHidden());
  assert.equal(await page.locator('input[name="media_ids"]:checked').count(), 3);
  await check('media-edit');
  await kept.getByRole('button', { name: 'Remove slides.pdf' }).click();
  assert.equal(await kept.count(), 2);
  await page.getByLabel(ALT).nth(1).fill('A blue sky, the sun low');
  await Promise.all([
    page.waitForURL(hearth.url + postPath),
    page.getByRole('button', { name: 'Save changes' }).click(),
  ]);
  const post = page.locator('section[aria-label="The post"] article.post');
  assert.equal(await post.locator('.media-file').count(), 0, 'the PDF is gone');
  assert.deepEqual(await post.locator('.media-grid img').evaluateAll((l) => l.map((i) => i.alt)),
    ['An orange sky over a dark sea, the sun in the middle', 'A blue sky, the sun low']);
});

test('pictures behind a content warning stay inside it; three make one tall and two', async () => {
  await page.goto(hearth.url + '/');
  await page.locator('#files').setInputFiles([
    { name: 'one.jpg', mimeType: 'image/jpeg', buffer: jpeg },
    { name: 'two.png', mimeType: 'image/png', buffer: png },
    { name: 'three.jpg', mimeType: 'image/jpeg', buffer: jpeg },
  ]);
  await page.waitForFunction(() => document.querySelectorAll('.attach-tiles input[name="media_ids"]').length === 3);
  for (const [i, text] of ['First', 'Second', 'Third'].entries()) {
    await page.getByLabel(ALT).nth(i).fill(`${text} picture`);
  }
  await page.getByLabel('Start a post').fill('Spoilers from the film night');
  await page.locator('details.tool-cw summary').click();
  await page.getByLabel('Warning shown before the post').fill('film plot');
  await Promise.all([
    page.waitForURL(hearth.url + '/'),
    page.getByRole('button', { name: 'Post', exact: true }).click(),
  ]);
  const post = page.locator('article.post').first();
  const grid = post.locator('details.cw .media-grid.n3');
  assert.equal(await grid.locator('img').count(), 3);
  assert.ok(await grid.isHidden(), 'hidden until the warning is opened');
  await post.locator('details.cw summary').click();
  assert.ok(await grid.isVisible());
  const [a, b] = await grid.locator('a').evaluateAll((l) => l.map((x) => x.getBoundingClientRect().height));
  assert.ok(a > b * 1.8, `the first is tall (${a} against ${b})`);
  await check('media-cw');
});

test('a refused file says why beside its tile', async () => {
  await page.goto(hearth.url + '/');
  await page.locator('#files').setInputFiles([{ name: 'notes.txt', mimeType: 'text/plain',
    buffer: Buffer.from('x'.repeat(100000)) }]);
  const alert = page.locator('.attach-tiles li.tile-failed [role="alert"]');
  await alert.waitFor();
  assert.match(await alert.textContent(), /^notes\.txt was not attached: .*limit/);
  assert.equal(await done().count(), 0);
  assert.ok(await page.getByRole('button', { name: 'Attach pictures or files' }).isEnabled(),
    'a refused file takes no place');
  await shot(page, 'media-refused-desktop');
  await page.getByRole('button', { name: 'Dismiss notes.txt' }).click();
  assert.equal(await tiles().count(), 0);
});

test('without JavaScript the plain file input posts the file', async () => {
  const plain = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
  });
  try {
    const ctx = await plain.newContext({ javaScriptEnabled: false, viewport: PHONE });
    const p = await ctx.newPage();
    await signIn(p, hearth.url, 'ada');
    const input = p.getByLabel('Attach pictures or files');
    assert.ok(await input.isVisible(), 'the plain input shows');
    await input.setInputFiles([{ name: 'plain.png', mimeType: 'image/png', buffer: png }]);
    await p.getByLabel('Start a post').fill('Posted without JavaScript');
    await Promise.all([
      p.waitForURL(hearth.url + '/'),
      p.getByRole('button', { name: 'Post', exact: true }).click(),
    ]);
    const post = p.locator('article.post').first();
    assert.match(await post.locator('.content').textContent(), /without JavaScript/);
    const link = post.locator('.media-grid.n1 a.media-link');
    assert.equal(await link.count(), 1);
    assert.equal(await link.getAttribute('aria-label'), 'Open picture: no description');
    const href = await link.getAttribute('href');
    // The link simply opens the picture.
    await link.click();
    await p.waitForURL(hearth.url + href);
    await shot(p, 'media-nojs-phone');
    await ctx.close();
  } finally {
    await plain.close();
  }
});
