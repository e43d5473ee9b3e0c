// gallery.mjs: `make screenshots`. Every page of the web UI, at desktop
// (1280 px) and phone (390 px) width, in the light and the dark theme, in
// English, German and Polish, on a real hearthd holding the demo company
// with the guidelines and bridge modules loaded; written as PNG files and
// one index.html a reviewer can look through in one sitting.
//
// Usage: node gallery.mjs [OUTDIR]   (HEARTH_BUILDDIR names the build;
// OUTDIR defaults to $HEARTH_BUILDDIR/screenshots). Not a test: nothing is
// asserted but that every page answers 200 and renders.
import { mkdtempSync, mkdirSync, copyFileSync, chmodSync, readdirSync, rmSync,
  writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { userInfo } from 'node:os';
import { join, dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startHearth, launchBrowser } from './harness.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const top = join(here, '..', '..');
const build = process.env.HEARTH_BUILDDIR || join(top, 'build');
const out = resolve(process.argv[2] || join(build, 'screenshots'));

const WIDTHS = [['desktop', { width: 1280, height: 800 }],
  ['phone', { width: 390, height: 844 }]];
const THEMES = ['light', 'dark'];
const LANGS = [['en', 'English'], ['de', 'Deutsch'], ['pl', 'Polski']];

// The pages, in the order a reviewer walks through them. who: the person
// signed in (null: nobody); path: a string, or a function of what setup
// found (ids of a post, a group, a person); open: a click made after the
// page loads (a menu or the composer opened), by accessible name.
const PAGES = [
  { name: 'login', title: 'Sign in', who: null, path: '/login' },
  { name: 'home', title: 'Home', who: 'ada', path: '/' },
  { name: 'home-composer', title: 'Home, composer open', who: 'ada', path: '/',
    open: ['textbox', 'Start a post'] },
  { name: 'home-new-employee', title: 'Home of a new employee (welcome checklist)',
    who: 'newbie', path: '/' },
  { name: 'home-gated', title: 'Home while guidelines wait to be acknowledged',
    who: 'grace', path: '/' },
  { name: 'company', title: 'Company stream', who: 'ada', path: '/public' },
  { name: 'conversations', title: 'Private conversations', who: 'ada', path: '/conversations' },
  { name: 'notifications', title: 'Notifications', who: 'ada', path: '/notifications' },
  { name: 'search', title: 'Search', who: 'ada', path: '/search?q=engineering' },
  { name: 'directory', title: 'Directory', who: 'ada', path: '/directory' },
  { name: 'tag', title: 'A hashtag', who: 'ada', path: '/tags/coffee' },
  { name: 'profile-own', title: 'One’s own profile', who: 'ada', path: '/@ada' },
  { name: 'profile-other', title: 'A colleague’s profile', who: 'ada', path: '/@grace' },
  { name: 'followers', title: 'Followers', who: 'ada', path: '/@ada/followers' },
  { name: 'following', title: 'Following', who: 'ada', path: '/@ada/following' },
  { name: 'post', title: 'A post and its replies', who: 'ada', path: (s) => s.thread },
  { name: 'post-history', title: 'A post’s edit history', who: 'ada', path: (s) => `${s.own}/history` },
  { name: 'post-edit', title: 'Editing a post', who: 'ada', path: (s) => `${s.own}/edit` },
  { name: 'post-delete', title: 'Deleting a post', who: 'ada', path: (s) => `${s.own}/delete` },
  { name: 'bookmarks', title: 'Bookmarks', who: 'ada', path: '/bookmarks' },
  { name: 'lists', title: 'Lists', who: 'ada', path: '/lists' },
  { name: 'list', title: 'A list', who: 'ada', path: (s) => s.list },
  { name: 'scheduled', title: 'Scheduled posts', who: 'ada', path: '/scheduled' },
  { name: 'groups', title: 'Groups', who: 'ada', path: '/groups' },
  { name: 'group', title: 'A group', who: 'ada', path: (s) => s.group },
  { name: 'group-members', title: 'A group’s members', who: 'ada', path: (s) => `${s.group}/members` },
  { name: 'group-settings', title: 'A group’s settings', who: 'ada', path: (s) => `${s.group}/settings` },
  { name: 'settings', title: 'Settings', who: 'ada', path: '/settings' },
  { name: 'settings-profile', title: 'Settings: profile', who: 'ada', path: '/settings/profile' },
  { name: 'settings-password', title: 'Settings: password', who: 'ada', path: '/settings/password' },
  { name: 'settings-notifications', title: 'Settings: notifications', who: 'ada', path: '/settings/notifications' },
  { name: 'settings-sessions', title: 'Settings: sessions', who: 'ada', path: '/settings/sessions' },
  { name: 'settings-language', title: 'Settings: language and time zone', who: 'ada', path: '/settings/language' },
  { name: 'settings-tokens', title: 'Settings: access tokens', who: 'ada', path: '/settings/tokens' },
  { name: 'settings-apps', title: 'Settings: apps', who: 'ada', path: '/settings/apps' },
  { name: 'settings-push', title: 'Settings: push notifications', who: 'ada', path: '/settings/push' },
  { name: 'settings-filters', title: 'Settings: filters', who: 'ada', path: '/settings/filters' },
  { name: 'settings-safety', title: 'Settings: mutes and blocks', who: 'ada', path: '/settings/safety' },
  { name: 'report', title: 'Reporting a colleague', who: 'ada', path: '/@tim/report' },
  { name: 'settings-bridge', title: 'Settings: the bridge', who: 'ada', path: '/settings/bridge' },
  { name: 'guidelines', title: 'The guidelines', who: 'ada', path: '/guidelines' },
  { name: 'admin-people', title: 'Admin: people', who: 'ada', path: '/admin/people' },
  { name: 'admin-import', title: 'Admin: import people', who: 'ada', path: '/admin/people/import' },
  { name: 'admin-confirm', title: 'Admin: confirm a destructive action', who: 'ada',
    path: (s) => `/admin/people/${s.person}/disable/confirm` },
  { name: 'admin-reports', title: 'Admin: moderation', who: 'ada', path: '/admin/reports' },
  { name: 'admin-guidelines', title: 'Admin: guidelines', who: 'ada', path: '/admin/guidelines' },
  { name: 'admin-bridge-queue', title: 'Admin: the bridge’s queue', who: 'ada', path: '/bridge/queue' },
  { name: 'admin-bridge-domains', title: 'Admin: the bridge’s servers', who: 'ada', path: '/bridge/domains' },
  { name: 'admin-modules', title: 'Admin: modules', who: 'ada', path: '/admin/modules' },
  { name: 'admin-audit', title: 'Admin: audit log', who: 'ada', path: '/admin/audit' },
];

// A module folder hearthd accepts (not under /tmp, nobody else may write).
function moduleDir() {
  const base = join(userInfo().homedir, '.cache', 'hearth-tests');
  mkdirSync(base, { recursive: true, mode: 0o700 });
  const safe = mkdtempSync(join(base, 'gallery-'));
  chmodSync(safe, 0o755);
  const dir = join(safe, 'modules');
  mkdirSync(dir, { recursive: true });
  chmodSync(dir, 0o755);
  for (const m of ['guidelines', 'bridge']) {
    const tdir = join(dir, m, 'templates');
    mkdirSync(tdir, { recursive: true });
    copyFileSync(join(build, 'modules', m, `${m}.so`), join(dir, `${m}.so`));
    chmodSync(join(dir, `${m}.so`), 0o644);
    const src = join(top, 'modules', m, 'templates');
    for (const f of readdirSync(src)) copyFileSync(join(src, f), join(tdir, f));
  }
  return { safe, dir };
}

// A loopback address and port for the bridge's public listener.
async function publicAddress() {
  const port = await new Promise((res, rej) => {
    const s = createServer();
    s.on('error', rej);
    s.listen(0, '127.0.0.1', () => { const { port: p } = s.address(); s.close(() => res(p)); });
  });
  return `127.0.0.1:${port}`;
}

const esc = (s) => String(s).replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]);

// The interface's own words on the page: text outside posts, names and
// what people typed, each run of text once.
async function uiText(page) {
  return page.evaluate(() => {
    const skip = 'article, textarea, code, pre, .guidelines-text, .preview, ' +
      'a[href^="/@"], a[href^="/groups/"], a[href^="/tags/"], .name, .strong, ' +
      '.notif-who, .notif-excerpt, .muted.small, .nav-wide-label, .group-description, ' +
      '.profile-bio, .bio, td, dd, script, style';
    const seen = new Set();
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const t = n.textContent.replace(/\s+/g, ' ').trim();
      if (t.length < 12 || !/[a-z] [a-z]/i.test(t)) continue;
      if (n.parentElement.closest(skip)) continue;
      if (getComputedStyle(n.parentElement).display === 'none') continue;
      seen.add(t);
    }
    return [...seen];
  });
}

// Runs of interface text a German or Polish page shows exactly as the
// English one does: likely missed by the catalogue (names of people,
// groups and tags aside, which the page marks up as such).
function untranslated(texts) {
  const found = new Map();
  for (const p of PAGES) {
    const en = new Set(texts.get(`en/${p.name}`) || []);
    for (const [lang] of LANGS.slice(1)) {
      const same = (texts.get(`${lang}/${p.name}`) || []).filter((t) => en.has(t));
      if (same.length) found.set(`${lang}/${p.name}`, same);
    }
  }
  return found;
}

function galleryHtml(shots, same) {
  const cols = [];
  for (const [w] of WIDTHS) for (const t of THEMES) cols.push([w, t]);
  const sections = PAGES.map((p) => {
    const rows = LANGS.map(([lang, langName]) => {
      const cells = cols.map(([w, t]) => {
        const f = `${lang}/${p.name}-${w}-${t}.png`;
        return shots.has(f)
          ? `<td><a href="${esc(f)}"><img loading="lazy" src="${esc(f)}" alt="${esc(`${p.title}, ${langName}, ${w}, ${t}`)}" class="${w}"></a></td>`
          : '<td>(missing)</td>';
      }).join('');
      return `<tr><th scope="row">${esc(langName)}</th>${cells}</tr>`;
    }).join('\n');
    return `<section id="${esc(p.name)}"><h2>${esc(p.title)} <small>${esc(p.name)}</small></h2>
<table><thead><tr><th></th>${cols.map(([w, t]) => `<th scope="col">${w}, ${t}</th>`).join('')}</tr></thead>
<tbody>${rows}</tbody></table>${LANGS.slice(1).map(([l]) => same.get(`${l}/${p.name}`)
      ? `<p class="same">Same words as in English (${l}): ${same.get(`${l}/${p.name}`).map(esc).join(' · ')}</p>` : '').join('')}</section>`;
  }).join('\n');
  const toc = PAGES.map((p) => `<li><a href="#${esc(p.name)}">${esc(p.title)}</a></li>`).join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>hearth screenshot gallery</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body { font: 15px/1.4 system-ui, sans-serif; margin: 1rem 2rem; }
table { border-collapse: collapse; } th, td { padding: .3rem; vertical-align: top; }
th[scope=row] { text-align: right; } img { border: 1px solid #bbb; max-height: 420px; }
img.desktop { width: 320px; object-fit: cover; object-position: top; }
img.phone { width: 140px; object-fit: cover; object-position: top; }
ul.toc { columns: 3; } p.same { color: #a40; } small { color: #666; font-weight: normal; }
</style></head><body>
<h1>hearth: every page, two widths, two themes, three languages</h1>
<p>${PAGES.length} pages, ${shots.size} screenshots, made ${esc(new Date().toISOString())}
on the demo company. Each picture links to the full page.</p>
<ul class="toc">${toc}</ul>
${sections}
</body></html>
`;
}

async function main() {
  const mods = moduleDir();
  const pub = await publicAddress();
  const hearth = await startHearth([
    'modules = guidelines bridge',
    `module_dir = ${mods.dir}`,
    `bridge.listen = ${pub}`,
    `bridge.base_url = http://${pub}`,
    'bridge.approval = desk',
    'instance_title = Acme',
  ].join('\n'));
  const browser = await launchBrowser();
  const page = await browser.context.newPage();
  const shots = new Set();
  const texts = new Map();
  let failed = 0;
  try {
    const seeded = hearth.ctl(['demo']);
    const pw = /the password (\S+)/.exec(seeded)[1];
    hearth.ctl(['user', 'add', 'newbie', '--display-name', 'Nora Newbie',
      '--password-stdin'], pw + '\n');

    const signIn = async (who) => {
      await browser.context.clearCookies();
      if (!who) return;
      await page.setExtraHTTPHeaders({ 'Accept-Language': 'en' });
      await page.goto(hearth.url + '/login');
      await page.getByLabel('Username').fill(who);
      await page.getByLabel('Password').fill(pw);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.waitForURL((u) => !u.pathname.startsWith('/login'));
    };

    // Setup as ada: publish guidelines (the others are then gated; ada
    // has acknowledged by publishing), edit one of her posts so it has a
    // history, and find the pages that need ids.
    await signIn('ada');
    await page.goto(hearth.url + '/admin/guidelines');
    await page.getByLabel('Guidelines (Markdown)').fill('# How we talk here\n\n' +
      'Be **kind**, keep customers’ data out of posts, and ask before you share outside.\n');
    await page.getByLabel('Summary').fill('First version');
    await page.getByRole('button', { name: 'Publish' }).click();
    await page.waitForURL(/\/admin\/guidelines\/1$/);
    await page.goto(hearth.url + '/@ada');
    const own = await page.locator('article.post a[href^="/@ada/"]')
      .evaluateAll((as) => as.map((a) => a.getAttribute('href'))
        .find((h) => /^\/@ada\/\d+$/.test(h)));
    await page.goto(hearth.url + own + '/edit');
    const box = page.locator('textarea').first();
    await box.fill((await box.inputValue()) + '\n\n(Edited: added a link to the notes.)');
    await page.locator('form button[type=submit]').last().click();
    await page.waitForLoadState();
    await page.goto(hearth.url + '/public');
    const thread = await page.locator('article.post').evaluateAll((arts) => {
      for (const a of arts) {
        const link = [...a.querySelectorAll('a[href^="/@"]')].map((x) => x.getAttribute('href'))
          .find((h) => /^\/@[^/]+\/\d+$/.test(h));
        if (link && /\b[1-9]\d*\b/.test(a.getAttribute('data-replies') || a.querySelector('[data-replies]')?.getAttribute('data-replies') || '')) return link;
      }
      return [...document.querySelectorAll('article.post a[href^="/@"]')].map((x) => x.getAttribute('href'))
        .find((h) => /^\/@[^/]+\/\d+$/.test(h));
    });
    await page.goto(hearth.url + '/groups');
    const group = await page.locator('main a[href^="/groups/"]').evaluateAll((as) =>
      as.map((a) => a.getAttribute('href')).find((h) => /^\/groups\/\d+$/.test(h)));
    await page.goto(hearth.url + '/admin/people');
    const person = await page.locator('main').evaluate((m) => {
      const f = [...m.querySelectorAll('a[href^="/admin/people/"]')].map((a) => a.getAttribute('href'))
        .find((h) => /^\/admin\/people\/\d+\/disable\/confirm$/.test(h));
      if (f) return f.split('/')[3];
      const form = [...m.querySelectorAll('form[action^="/admin/people/"]')].map((x) => x.getAttribute('action'))
        .find((h) => /^\/admin\/people\/\d+\//.test(h));
      return form ? form.split('/')[3] : '2';
    });
    // A list, a filter, a mute and a report, so their pages hold
    // something (through the forms a person uses).
    await page.goto(hearth.url + '/lists');
    await page.locator('main form[action="/lists"] input[name="title"]').fill('Platform team');
    await page.locator('main form[action="/lists"] button[type=submit]').first().click();
    await page.waitForURL(/\/lists\/\d+/);
    const list = new URL(page.url()).pathname;
    const found = { own, thread, group, person, list };

    mkdirSync(out, { recursive: true });
    for (const [lang] of LANGS) mkdirSync(join(out, lang), { recursive: true });
    let who;
    let n = 0;
    for (const p of PAGES) {
      n++;
      const path = typeof p.path === 'function' ? p.path(found) : p.path;
      if (p.who !== who) { await signIn(p.who); who = p.who; }
      process.stderr.write(`[${n}/${PAGES.length}] ${p.name} ${path}:`);
      for (const [lang] of LANGS) {
        await page.setExtraHTTPHeaders({ 'Accept-Language': lang });
        for (const [w, viewport] of WIDTHS) {
          await page.setViewportSize(viewport);
          const resp = await page.goto(hearth.url + path);
          if (!resp || resp.status() !== 200) {
            process.stderr.write(` ${lang}/${w}: HTTP ${resp && resp.status()}`);
            failed++;
            continue;
          }
          if (p.open) {
            const el = page.getByRole(p.open[0], { name: p.open[1] }).first();
            if (await el.isVisible()) await el.click();
            else if (w === 'phone') await page.locator('.compose-fab, a[href="#compose"]').first().click().catch(() => {});
          }
          for (const t of THEMES) {
            await page.emulateMedia({ colorScheme: t });
            const f = `${lang}/${p.name}-${w}-${t}.png`;
            await page.screenshot({ path: join(out, f), fullPage: true });
            shots.add(f);
          }
          await page.emulateMedia({ colorScheme: 'light' });
          if (w === 'desktop') texts.set(`${lang}/${p.name}`, await uiText(page));
        }
        process.stderr.write(` ${lang}`);
      }
      process.stderr.write('\n');
    }
    const same = untranslated(texts);
    writeFileSync(join(out, 'index.html'), galleryHtml(shots, same));
    for (const [k, v] of same) process.stderr.write(`same as English in ${k}: ${v.join(' | ')}\n`);
    process.stderr.write(`${shots.size} screenshots of ${PAGES.length} pages: ${join(out, 'index.html')}\n`);
  } finally {
    await browser.close();
    await hearth.stop();
    rmSync(mods.safe, { recursive: true, force: true });
  }
  if (failed) {
    process.stderr.write(`${failed} page loads did not answer 200\n`);
    process.exit(1);
  }
}

main().catch((e) => { console.error(e); process.exit(1); });
