// harness.mjs: start a real hearthd on a free 127.0.0.1 port with a temporary
// data_dir, and Debian's Chromium through playwright-core, for browser tests.
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, readFileSync, rmSync, mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
const top = join(here, '..', '..');
const build = process.env.HEARTH_BUILDDIR || join(top, 'build');
export const HEARTHD = process.env.HEARTHD || join(build, 'hearthd');
export const HEARTHCTL = process.env.HEARTHCTL || join(build, 'hearthctl');
export const WEB = process.env.HEARTH_WEB || join(top, 'web');
export const SHOTS = join(here, 'screenshots');

// The password test people get, and the widths screenshots are taken at.
export const PASSWORD = 'correct horse battery';
export const SIZES = [['desktop', { width: 1280, height: 800 }],
  ['phone', { width: 360, height: 740 }]];

// Sign name in through the real form on page; waits until the browser
// lands on landing (home by default).
export async function signIn(page, url, name,
  { password = PASSWORD, landing = '/' } = {}) {
  await page.goto(url + '/login');
  await page.getByLabel('Username').fill(name);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(url + landing);
}

// A link or button of the main navigation by its exact name, opening the
// account menu ("More" on phones) first when the item waits in there.
export async function navItem(page, role, name) {
  const nav = page.getByRole('navigation', { name: 'Main' });
  const item = nav.getByRole(role, { name, exact: true });
  if (!(await item.isVisible())) {
    await nav.locator('details.nav-menu > summary').click();
    await item.waitFor();
  }
  return item;
}

// A port nobody is listening on right now.
export async function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

// Start hearthd; returns { url, ctl(args, stdin), stop() }.
export async function startHearth(extraConfig = '') {
  const dir = mkdtempSync(join(tmpdir(), 'hearth-browser-'));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const conf = join(dir, 'hearth.conf');
  writeFileSync(conf, [
    `listen = 127.0.0.1:${port}`,
    `data_dir = ${join(dir, 'data')}`,
    `base_url = ${url}`,
    `web_dir = ${WEB}`,
    'threads = 2',
    // No company-wide group unless a test asks (layout.test.mjs does).
    'groups.default =',
    extraConfig,
  ].join('\n') + '\n');
  const logPath = join(dir, 'hearthd.log');
  const log = [];
  const proc = spawn(HEARTHD, ['-c', conf], { stdio: ['ignore', 'ignore', 'pipe'] });
  proc.stderr.on('data', (d) => log.push(d.toString()));
  const deadline = Date.now() + 10000;
  for (;;) {
    try {
      const r = await fetch(`${url}/healthz`);
      if (r.ok) break;
    } catch { /* not up yet */ }
    if (Date.now() > deadline || proc.exitCode !== null) {
      throw new Error(`hearthd did not start:\n${log.join('')}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  const ctl = (args, input) => execFileSync(HEARTHCTL, ['-c', conf, ...args],
    { input: input ?? '', encoding: 'utf8' });
  const stop = async () => {
    const exited = new Promise((r) => proc.once('exit', (code) => r(code)));
    proc.kill('SIGTERM');
    const code = await exited;
    writeFileSync(logPath, log.join(''));
    rmSync(dir, { recursive: true, force: true });
    return code;
  };
  return { url, ctl, stop, log };
}

// Launch Debian's Chromium headless with the flags this closed network
// needs; env is added to the browser's environment (HOME, say: its NSS
// database holds the CAs it trusts besides the system's).
export async function launchBrowser({ env = {} } = {}) {
  const userDataDir = mkdtempSync(join(tmpdir(), 'hearth-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    env: { ...process.env, ...env },
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--no-first-run',
      '--disable-quic'],
  });
  const close = async () => {
    await context.close();
    rmSync(userDataDir, { recursive: true, force: true });
  };
  return { context, close };
}

// Save a screenshot under tests/browser/screenshots.
export async function shot(page, name) {
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
}

// Run axe-core in the page, in the light and the dark colour scheme (dark
// mode comes from prefers-color-scheme, so contrast is checked in both);
// returns violations of serious or critical impact, each tagged with its
// scheme.
export async function seriousA11yViolations(page) {
  const axe = readFileSync(join(here, 'node_modules', 'axe-core', 'axe.min.js'), 'utf8');
  const found = [];
  for (const scheme of ['light', 'dark']) {
    await page.emulateMedia({ colorScheme: scheme });
    if (!(await page.evaluate(() => !!globalThis.axe))) await page.evaluate(axe);
    const result = await page.evaluate(async () => await globalThis.axe.run());
    for (const v of result.violations) {
      if (v.impact === 'serious' || v.impact === 'critical') {
        found.push({ scheme, id: v.id, help: v.help,
          nodes: v.nodes.map((n) => n.target.join(' ')) });
      }
    }
  }
  await page.emulateMedia({ colorScheme: 'light' });
  return found;
}
