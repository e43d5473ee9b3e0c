// idp.mjs: the test OpenID Provider (tests/oidc-provider, panva's
// oidc-provider) for browser tests, on https://127.0.0.1:P behind a test CA
// made here with openssl(1), as tests/integration/oidc_provider.py does;
// and an NSS database trusting that CA, for Chromium.
import { spawn, execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, mkdirSync, writeFileSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from './harness.mjs';

const here = dirname(fileURLToPath(import.meta.url));
export const PROVIDER_DIR = join(here, '..', 'oidc-provider');

// Run a program, throwing with its stderr when it fails.
function run(argv) {
  try {
    return execFileSync(argv[0], argv.slice(1), { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (e) {
    throw new Error(`${argv.slice(0, 3).join(' ')} failed: ${e.stderr || e.message}`);
  }
}

// A test CA and a server certificate it signed for 127.0.0.1 and
// localhost (EC P-256, two days): { ca, cert, key } paths in dir.
export function makeCa(dir) {
  const p = (n) => join(dir, n);
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  writeFileSync(p('server.ext'), [
    'subjectAltName=IP:127.0.0.1,DNS:localhost',
    'basicConstraints=critical,CA:FALSE',
    'keyUsage=critical,digitalSignature',
    'extendedKeyUsage=serverAuth',
    'subjectKeyIdentifier=hash',
    'authorityKeyIdentifier=keyid:always',
  ].join('\n') + '\n');
  run(['openssl', 'req', '-x509', ...ec, '-keyout', p('ca-key.pem'), '-out', p('ca.pem'),
    '-days', '2', '-subj', '/CN=hearth test CA',
    '-addext', 'basicConstraints=critical,CA:TRUE',
    '-addext', 'keyUsage=critical,keyCertSign,cRLSign',
    '-addext', 'subjectKeyIdentifier=hash']);
  run(['openssl', 'req', '-new', ...ec, '-keyout', p('server-key.pem'), '-out', p('server.csr'),
    '-subj', '/CN=127.0.0.1']);
  run(['openssl', 'x509', '-req', '-in', p('server.csr'), '-CA', p('ca.pem'),
    '-CAkey', p('ca-key.pem'), '-CAcreateserial', '-out', p('server.pem'), '-days', '2',
    '-extfile', p('server.ext')]);
  return { ca: p('ca.pem'), cert: p('server.pem'), key: p('server-key.pem') };
}

// A home folder for Chromium whose NSS database ($HOME/.pki/nssdb, where
// Chromium on Linux keeps the CAs a user trusts) trusts ca for TLS servers
// ("C,,") and nothing else of ours: the browser checks the provider's
// certificate as it would a real one. certutil is Debian's libnss3-tools.
export function browserHome(dir, ca) {
  const home = join(dir, 'home');
  const db = join(home, '.pki', 'nssdb');
  mkdirSync(db, { recursive: true });
  run(['certutil', '-N', '-d', `sql:${db}`, '--empty-password']);
  run(['certutil', '-A', '-d', `sql:${db}`, '-n', 'hearth test CA', '-t', 'C,,', '-i', ca]);
  return home;
}

// Start the provider with accounts (README.md's config) and no clients
// yet: { issuer, ca, home, setClients(list), control(method, path, body),
// stop(), log }. home is a Chromium HOME trusting the provider's CA.
export async function startProvider({ accounts, alg = 'RS256' } = {}) {
  if (!existsSync(join(PROVIDER_DIR, 'node_modules', 'oidc-provider'))) {
    throw new Error(`the OpenID Provider is not installed: no node_modules in ${PROVIDER_DIR} (npm ci there, which tools/test does)`);
  }
  const dir = mkdtempSync(join(tmpdir(), 'hearth-idp-'));
  const { ca, cert, key } = makeCa(dir);
  const home = browserHome(dir, ca);
  const log = [];
  let proc, issuer;
  // A free port can be taken between looking and listening: try again.
  for (let attempt = 0; ; attempt++) {
    const port = await freePort();
    issuer = `https://127.0.0.1:${port}`;
    const config = join(dir, 'provider.json');
    writeFileSync(config, JSON.stringify({ issuer, alg, clients: [], accounts }, null, 1));
    proc = spawn(process.execPath, [join(PROVIDER_DIR, 'provider.mjs'), '--port', String(port),
      '--cert', cert, '--key', key, '--config', config],
    { cwd: PROVIDER_DIR, stdio: ['ignore', 'pipe', 'pipe'] });
    proc.stderr.on('data', (d) => log.push(d.toString()));
    const ready = await new Promise((resolve) => {
      let out = '';
      const timer = setTimeout(() => resolve('no "ready" line within 15 s'), 15000);
      proc.stdout.on('data', (d) => {
        out += d.toString();
        if (out.includes(`ready ${issuer}\n`)) {
          clearTimeout(timer);
          resolve(null);
        }
      });
      proc.once('exit', (code) => {
        clearTimeout(timer);
        resolve(`exited with ${code}`);
      });
    });
    if (ready === null) break;
    proc.kill('SIGTERM');
    if (attempt === 4 || !/EADDRINUSE/.test(log.join(''))) {
      rmSync(dir, { recursive: true, force: true });
      throw new Error(`the OpenID Provider did not start (${ready}):\n${log.join('')}`);
    }
  }
  const caPem = readFileSync(ca);

  // A test control (README.md, "Test controls"): its JSON answer; throws
  // with the provider's error when it is not 200.
  const control = (method, path, body) => new Promise((resolve, reject) => {
    const data = body === undefined ? undefined : JSON.stringify(body);
    const req = request(issuer + path, {
      method, ca: caPem,
      headers: data ? { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(data) } : {},
    }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c) => { text += c; });
      res.on('end', () => {
        if (res.statusCode !== 200) {
          reject(new Error(`provider ${method} ${path}: ${res.statusCode} ${text}`));
          return;
        }
        try {
          resolve(JSON.parse(text));
        } catch (e) {
          reject(new Error(`provider ${method} ${path}: not JSON (${e.message}): ${text}`));
        }
      });
    });
    req.on('error', (e) => reject(new Error(`provider ${method} ${path}: ${e.message}`)));
    req.end(data);
  });

  const stop = async () => {
    if (proc.exitCode === null) {
      const exited = new Promise((r) => proc.once('exit', (code) => r(code)));
      proc.kill('SIGTERM');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
    return proc.exitCode;
  };
  return {
    issuer, ca, home, log, control, stop,
    setClients: (clients) => control('POST', '/_test/clients', { clients }),
  };
}
