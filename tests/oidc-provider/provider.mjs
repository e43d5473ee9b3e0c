// hearth's test OpenID Provider: panva's oidc-provider (OpenID Certified)
// on https://127.0.0.1:PORT, with a login page of its own and test
// controls under /_test/.
//
//   node provider.mjs --port P --cert CERT --key KEY --config FILE
//
// Prints "ready https://127.0.0.1:P" on stdout once listening, and
// nothing else there; its log goes to stderr. README.md describes the
// config file and the /_test/ API. Everything an RP sees (discovery,
// /auth, /token, /me, /jwks, /session/end, back-channel logout) is
// oidc-provider's own; only the test controls reach past it, and only
// to do what a misbehaving or rotating provider would: publish another
// key, or hand out one altered or replayed ID token.
import fs from "node:fs";
import http from "node:http";
import https from "node:https";
import { randomBytes } from "node:crypto";
import { parseArgs } from "node:util";
import Provider from "oidc-provider";
import * as jose from "jose";

const ALGS = ["RS256", "ES256", "EdDSA"];
const TAMPERS = ["aud", "iss", "exp", "iat_future", "sig", "nonce", "alg_none",
	"kid_unknown", "none"];
const LOGOUT_EVENT = "http://schemas.openid.net/event/backchannel-logout";

// Claims by scope unless the config says otherwise: department and
// job_title travel with profile, groups with a scope of its own.
const DEFAULT_SCOPES = {
	profile: ["name", "preferred_username", "picture", "department",
		"job_title"],
	email: ["email", "email_verified"],
	groups: ["groups"],
};

const { values: opt } = parseArgs({
	options: {
		port: { type: "string" },
		cert: { type: "string" },
		key: { type: "string" },
		config: { type: "string" },
	},
});
if (!opt.port || !opt.cert || !opt.key || !opt.config) {
	process.stderr.write("usage: provider.mjs --port P --cert CERT --key KEY --config FILE\n");
	process.exit(2);
}

function say(line) {
	process.stderr.write(`oidc-provider: ${line}\n`);
}

function die(line) {
	say(line);
	process.exit(1);
}

// ---------------------------------------------------------------- config

const port = Number(opt.port);
if (!Number.isInteger(port) || port < 1 || port > 65535)
	die(`--port ${opt.port}: not a port number`);
let cfg;
try {
	cfg = JSON.parse(fs.readFileSync(opt.config, "utf8"));
} catch (e) {
	die(`config ${opt.config}: ${e.message}`);
}
const origin = `https://127.0.0.1:${port}`;
const issuer = cfg.issuer ?? origin;
if (new URL(issuer).port !== String(port))
	die(`config ${opt.config}: issuer ${issuer} is not on --port ${port}`);
const alg = cfg.alg ?? "RS256";
if (!ALGS.includes(alg))
	die(`config ${opt.config}: alg ${alg} is not one of ${ALGS.join(", ")}`);
const accounts = cfg.accounts ?? {};
const scopes = cfg.scopes ?? DEFAULT_SCOPES;
const idTokenTtl = cfg.id_token_ttl ?? 3600;
const sessionTtl = cfg.session_ttl ?? 86400;

// Client metadata as oidc-provider takes it, with our defaults; "consent"
// ("auto", the default, or "form") is ours and goes to consentMode.
// Throws what is wrong with the list.
function clientList(list) {
	if (!Array.isArray(list))
		throw new Error("clients must be an array");
	const modes = new Map();
	const out = list.map((c, i) => {
		if (!c || typeof c !== "object" || !c.client_id)
			throw new Error(`clients[${i}] has no client_id`);
		const { consent = "auto", ...meta } = c;
		if (consent !== "auto" && consent !== "form")
			throw new Error(`client ${meta.client_id}: consent must be "auto" or "form"`);
		if (modes.has(meta.client_id))
			throw new Error(`client ${meta.client_id} is listed twice`);
		modes.set(meta.client_id, consent);
		meta.id_token_signed_response_alg ??= alg;
		if (!ALGS.includes(meta.id_token_signed_response_alg))
			throw new Error(`client ${meta.client_id}: id_token_signed_response_alg ${meta.id_token_signed_response_alg} is not one of ${ALGS.join(", ")}`);
		meta.require_auth_time ??= true;
		if (meta.backchannel_logout_uri)
			meta.backchannel_logout_session_required ??= true;
		return meta;
	});
	return { clients: out, modes };
}

let clients;
let consentMode;
try {
	({ clients, modes: consentMode } = clientList(cfg.clients ?? []));
} catch (e) {
	die(`config ${opt.config}: ${e.message}`);
}

// ---------------------------------------------------------------- keys

// The signing keys, private parts included, in the order published:
// oidc-provider signs with the first key of the alg a client wants.
let keys = [];
const strangers = new Map(); // alg -> a key that is in no JWKS

// A new signing key for alg, as a private JWK with kid, alg and use.
async function newKey(keyAlg) {
	const { privateKey } = await jose.generateKeyPair(keyAlg, {
		extractable: true, crv: keyAlg === "EdDSA" ? "Ed25519" : undefined,
	});
	const jwk = await jose.exportJWK(privateKey);
	jwk.kid = await jose.calculateJwkThumbprint(jwk);
	jwk.alg = keyAlg;
	jwk.use = "sig";
	return jwk;
}

// A key for each alg in use that has none yet (the config's first).
async function keysFor(list) {
	for (const a of new Set([alg, ...list.map((c) => c.id_token_signed_response_alg)])) {
		if (!keys.some((k) => k.alg === a))
			keys.push(await newKey(a));
	}
}

await keysFor(clients);

// ---------------------------------------------------------------- storage

// oidc-provider's state (sessions, interactions, codes, grants, tokens)
// lives here, outside any one Provider: rotation builds a new Provider
// with the new keys, and what the old one stored carries on.
const store = new Map(); // "Model:id" -> { payload, expires (ms) }
const sessionByUid = new Map(); // Session uid -> id
const grantKeys = new Map(); // grantId -> Set of store keys

function stored(key) {
	const e = store.get(key);
	if (e && e.expires && e.expires < Date.now()) {
		store.delete(key);
		return undefined;
	}
	return e?.payload;
}

class StoreAdapter {
	constructor(model) {
		this.model = model;
	}

	key(id) {
		return `${this.model}:${id}`;
	}

	async upsert(id, payload, expiresIn) {
		const key = this.key(id);
		store.set(key, {
			payload, expires: expiresIn ? Date.now() + expiresIn * 1000 : 0,
		});
		if (this.model === "Session")
			sessionByUid.set(payload.uid, id);
		if (payload.grantId && this.model !== "Grant") {
			if (!grantKeys.has(payload.grantId))
				grantKeys.set(payload.grantId, new Set());
			grantKeys.get(payload.grantId).add(key);
		}
	}

	async find(id) {
		return stored(this.key(id));
	}

	async findByUid(uid) {
		const id = sessionByUid.get(uid);
		return id === undefined ? undefined : this.find(id);
	}

	async findByUserCode() {
		return undefined; // the device flow is off
	}

	async consume(id) {
		const p = stored(this.key(id));
		if (p)
			p.consumed = Math.floor(Date.now() / 1000);
	}

	async destroy(id) {
		const key = this.key(id);
		const p = stored(key);
		if (this.model === "Session" && p)
			sessionByUid.delete(p.uid);
		store.delete(key);
	}

	async revokeByGrantId(grantId) {
		revokeGrant(grantId);
	}
}

// Forget a grant and every code and token issued under it.
function revokeGrant(grantId) {
	for (const key of grantKeys.get(grantId) ?? [])
		store.delete(key);
	grantKeys.delete(grantId);
	store.delete(`Grant:${grantId}`);
}

// The live sessions at the provider: [{id, payload}], of sub if given.
function sessions(sub) {
	const out = [];
	for (const key of [...store.keys()]) {
		if (!key.startsWith("Session:"))
			continue;
		const payload = stored(key);
		if (payload && payload.accountId && (sub === undefined || payload.accountId === sub))
			out.push({ id: key.slice("Session:".length), payload });
	}
	return out;
}

// ---------------------------------------------------------------- accounts

// What oidc-provider asks of an account: its claims, which it filters by
// the granted scopes (and puts in the ID token: conformIdTokenClaims off).
async function findAccount(ctx, sub) {
	const a = accounts[sub];
	if (!a)
		return undefined;
	return {
		accountId: sub,
		async claims() {
			return { ...(a.claims ?? {}), sub };
		},
	};
}

// The account a login form names (by sub or preferred_username) if the
// password is right; undefined if not.
function checkLogin(login, password) {
	for (const [sub, a] of Object.entries(accounts)) {
		if (login !== sub && login !== a.claims?.preferred_username)
			continue;
		return typeof a.password === "string" && a.password === password ? sub : undefined;
	}
	return undefined;
}

// ---------------------------------------------------------------- pages

function esc(s) {
	return String(s ?? "").replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function page(title, body) {
	return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)} · hearth test identity provider</title>
<style>body{font-family:sans-serif;max-width:26rem;margin:3rem auto;padding:0 1rem}label{display:block;margin-top:1rem}input{display:block;width:100%;padding:.4rem;box-sizing:border-box}button{margin-top:1rem;padding:.5rem 1rem}[role=alert]{color:#a00}</style>
</head>
<body>
<main>
<h1>${esc(title)}</h1>
${body}
</main>
</body>
</html>
`;
}

function loginPage(uid, client, { login = "", error } = {}) {
	return page("Sign in", `<p>Sign in to continue to <strong>${esc(client?.clientName ?? client?.clientId)}</strong>.</p>
${error ? `<p role="alert" id="login-error">${esc(error)}</p>\n` : ""}<form method="post" action="/interaction/${esc(uid)}/login" id="login-form">
<label for="login">Username</label>
<input id="login" name="login" type="text" autocomplete="username" required autofocus value="${esc(login)}">
<label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="current-password" required>
<button type="submit">Sign in</button>
</form>
<form method="post" action="/interaction/${esc(uid)}/abort" id="abort-form">
<button type="submit">Cancel</button>
</form>`);
}

function consentPage(uid, client, details) {
	const asked = [...(details.missingOIDCScope ?? []), ...(details.missingOIDCClaims ?? [])];
	return page("Allow access", `<p><strong>${esc(client?.clientName ?? client?.clientId)}</strong> asks for:</p>
<ul>${asked.map((s) => `<li>${esc(s)}</li>`).join("")}</ul>
<form method="post" action="/interaction/${esc(uid)}/confirm" id="consent-form">
<button type="submit">Allow</button>
</form>
<form method="post" action="/interaction/${esc(uid)}/abort" id="abort-form">
<button type="submit">Deny</button>
</form>`);
}

async function logoutSource(ctx, form) {
	// form is oidc-provider's <form id="op.logoutForm"> with its xsrf
	// field; the buttons go inside it.
	ctx.type = "html";
	ctx.body = page("Sign out", `<p>Sign out of the test identity provider?</p>
${form.replace("</form>", `<button type="submit" name="logout" value="yes">Sign out</button>
<button type="submit">Stay signed in</button>
</form>`)}`);
}

async function postLogoutSuccessSource(ctx) {
	ctx.type = "html";
	ctx.body = page("Signed out", "<p>You are signed out of the test identity provider.</p>");
}

async function renderError(ctx, out, error) {
	say(`error page: ${out.error}: ${out.error_description ?? ""}${error?.stack && !error.expose ? `\n${error.stack}` : ""}`);
	ctx.type = "html";
	ctx.body = page("Sign-in error", Object.entries(out).map(([k, v]) =>
		`<p><strong>${esc(k)}</strong>: <span class="${esc(k)}">${esc(v)}</span></p>`).join("\n"));
}

// ---------------------------------------------------------------- logs

const requests = []; // every request: {method, path, query, time, status}
const backchannel = []; // every back-channel logout POST made
const issued = []; // every ID token the token endpoint handed out

function b64json(part) {
	return JSON.parse(Buffer.from(part, "base64url").toString("utf8"));
}

// An http(s) agent that records the back-channel logout requests
// oidc-provider makes through it: what was sent and the RP's answer.
function recording(Agent) {
	return class extends Agent {
		addRequest(req, options) {
			const rec = {
				time: Date.now() / 1000, method: req.method,
				url: `${options.protocol}//${options.host}:${options.port}${req.path}`,
				headers: req.getHeaders(), body: "", status: null, error: null,
			};
			backchannel.push(rec);
			const write = req.write.bind(req);
			const end = req.end.bind(req);
			const keep = (chunk, enc) => {
				if (chunk !== undefined && chunk !== null && typeof chunk !== "function")
					rec.body += Buffer.isBuffer(chunk) ? chunk.toString("utf8") : Buffer.from(chunk, typeof enc === "string" ? enc : "utf8").toString("utf8");
			};
			req.write = (chunk, enc, cb) => {
				keep(chunk, enc);
				return write(chunk, enc, cb);
			};
			req.end = (chunk, enc, cb) => {
				keep(chunk, enc);
				describe(rec);
				return end(chunk, enc, cb);
			};
			req.once("response", (res) => {
				rec.status = res.statusCode;
				res.resume();
			});
			req.once("error", (e) => {
				rec.error = e.message;
			});
			return super.addRequest(req, options);
		}
	};
}

// Decode the logout token a recorded request carried.
function describe(rec) {
	const token = new URLSearchParams(rec.body).get("logout_token");
	if (!token)
		return;
	rec.logout_token = token;
	try {
		const [h, p] = token.split(".");
		rec.header = b64json(h);
		rec.claims = b64json(p);
	} catch (e) {
		rec.error = `logout_token does not decode: ${e.message}`;
	}
}

const httpAgent = new (recording(http.Agent))();
const httpsAgent = new (recording(https.Agent))();

// ---------------------------------------------------------------- tampering

let armed = null; // {kind: "tamper", what} or {kind: "replay"}: next id_token
let lastIdToken = null;

function signingKey(kid) {
	return keys.find((k) => k.kid === kid);
}

async function sign(header, claims, jwk) {
	const key = await jose.importJWK(jwk, header.alg);
	return new jose.CompactSign(new TextEncoder().encode(JSON.stringify(claims)))
		.setProtectedHeader(header).sign(key);
}

// The ID token altered as `what` says, everything else as it was: claim
// changes are signed again with the key that signed the original.
async function tamper(token, what) {
	const [h64, p64, s64] = token.split(".");
	const header = b64json(h64);
	const claims = b64json(p64);
	const now = Math.floor(Date.now() / 1000);
	const key = signingKey(header.kid);
	if (!key)
		throw new Error(`the ID token's kid ${header.kid} is none of the provider's keys`);
	switch (what) {
	case "aud":
		claims.aud = `not-${Array.isArray(claims.aud) ? claims.aud[0] : claims.aud}`;
		return sign(header, claims, key);
	case "iss":
		claims.iss = "https://wrong-issuer.invalid";
		return sign(header, claims, key);
	case "nonce":
		claims.nonce = `wrong-${randomBytes(9).toString("base64url")}`;
		return sign(header, claims, key);
	case "exp":
		claims.exp = now - 3600;
		return sign(header, claims, key);
	case "iat_future": {
		const life = claims.exp - claims.iat;
		claims.iat = now + 86400;
		claims.exp = claims.iat + life;
		return sign(header, claims, key);
	}
	case "sig": {
		const sig = Buffer.from(s64, "base64url");
		sig[sig.length >> 1] ^= 0x01;
		return `${h64}.${p64}.${sig.toString("base64url")}`;
	}
	case "alg_none": {
		const none = { alg: "none" };
		if (header.typ)
			none.typ = header.typ;
		return `${Buffer.from(JSON.stringify(none)).toString("base64url")}.${p64}.`;
	}
	case "kid_unknown": {
		if (!strangers.has(header.alg))
			strangers.set(header.alg, await newKey(header.alg));
		const stranger = { ...strangers.get(header.alg) };
		stranger.kid = `unknown-${randomBytes(9).toString("base64url")}`;
		return sign({ ...header, kid: stranger.kid }, claims, stranger);
	}
	default:
		throw new Error(`unknown tamper mode ${what}`);
	}
}

// Koa middleware around every route: the token endpoint's answer gets
// the armed alteration, and every ID token handed out is remembered.
async function rewriteTokenResponse(ctx, next) {
	await next();
	if (ctx.oidc?.route !== "token" || ctx.status !== 200 ||
	    typeof ctx.body?.id_token !== "string")
		return;
	const original = ctx.body.id_token;
	const rec = {
		time: Date.now() / 1000, client_id: ctx.oidc.client?.clientId,
		altered: null, original,
	};
	if (armed?.kind === "replay" && lastIdToken) {
		ctx.body.id_token = lastIdToken;
		rec.altered = "replay";
	} else if (armed?.kind === "tamper") {
		ctx.body.id_token = await tamper(original, armed.what);
		rec.altered = armed.what;
	}
	if (rec.altered)
		say(`token endpoint: the ID token for ${rec.client_id} is altered (${rec.altered})`);
	armed = null;
	rec.id_token = ctx.body.id_token;
	issued.push(rec);
	lastIdToken = ctx.body.id_token;
}

// ---------------------------------------------------------------- provider

const cookieKeys = [randomBytes(32).toString("base64url")];

// A Provider over the shared store with the current keys; built again on
// rotation (oidc-provider reads its keys once, at construction).
function build() {
	const claims = { auth_time: null, sid: null, openid: ["sub"], ...scopes };
	const p = new Provider(issuer, {
		adapter: StoreAdapter,
		clients: clients.map((c) => structuredClone(c)),
		jwks: { keys: keys.map((k) => ({ ...k })) },
		findAccount,
		claims,
		scopes: ["openid", ...Object.keys(scopes)],
		conformIdTokenClaims: false,
		responseTypes: ["code"],
		pkce: { methods: ["S256"], required: () => true },
		cookies: { keys: cookieKeys },
		features: {
			devInteractions: { enabled: false },
			backchannelLogout: { enabled: true },
			rpInitiatedLogout: { enabled: true, logoutSource, postLogoutSuccessSource },
			userinfo: { enabled: true },
		},
		interactions: {
			url: (ctx, interaction) => `/interaction/${interaction.uid}`,
		},
		ttl: {
			AccessToken: 3600,
			AuthorizationCode: 60,
			IdToken: idTokenTtl,
			Interaction: 3600,
			Session: sessionTtl,
			Grant: sessionTtl,
		},
		httpOptions: (url) => ({
			agent: url.protocol === "http:" ? httpAgent : httpsAgent,
			signal: AbortSignal.timeout(5000),
		}),
		renderError,
	});
	p.use(rewriteTokenResponse);
	p.on("server_error", (ctx, err) => say(`server error at ${ctx.path}: ${err.stack}`));
	p.on("backchannel.error", (ctx, err, client, sub, sid) =>
		say(`back-channel logout of ${sub} (sid ${sid}) to ${client.clientId} failed: ${err.message}`));
	p.on("backchannel.success", (ctx, client, sub, sid) =>
		say(`back-channel logout of ${sub} (sid ${sid}) sent to ${client.clientId}`));
	return { provider: p, handle: p.callback() };
}

// oidc-provider checks a client's metadata when it is first used: look
// each one up now, so a bad one is said at once. Throws what is wrong.
async function checkClients(built, list) {
	for (const c of list) {
		let found;
		try {
			found = await built.provider.Client.find(c.client_id);
		} catch (e) {
			throw new Error(`client ${c.client_id}: ${e.error_description ?? e.message}`);
		}
		if (!found)
			throw new Error(`client ${c.client_id} is not loaded`);
	}
}

let current = build();
try {
	await checkClients(current, clients);
} catch (e) {
	die(`config ${opt.config}: ${e.message}`);
}

// Add clients (or replace those of the same client_id; all of them with
// replace): a new Provider if they are good, the old one kept if not.
async function setClients(list, replace) {
	const add = clientList(list);
	const kept = replace ? [] : clients.filter((c) => !add.modes.has(c.client_id));
	const all = [...kept, ...add.clients];
	const modes = new Map([...all.map((c) => [c.client_id,
		add.modes.get(c.client_id) ?? consentMode.get(c.client_id)])]);
	const before = { clients, consentMode, keys: [...keys] };
	clients = all;
	consentMode = modes;
	await keysFor(all);
	const next = build();
	try {
		await checkClients(next, all);
	} catch (e) {
		({ clients, consentMode, keys } = before);
		throw e;
	}
	current = next;
	say(`clients now ${clients.map((c) => c.client_id).join(", ")}`);
	return clients.map((c) => c.client_id);
}

// ---------------------------------------------------------------- requests

async function readBody(req, limit = 1 << 16) {
	const chunks = [];
	let size = 0;
	for await (const chunk of req) {
		size += chunk.length;
		if (size > limit)
			throw Object.assign(new Error("request body too large"), { status: 413 });
		chunks.push(chunk);
	}
	return Buffer.concat(chunks).toString("utf8");
}

function send(res, status, type, body) {
	res.statusCode = status;
	res.setHeader("Content-Type", type);
	res.setHeader("Cache-Control", "no-store");
	res.end(body);
}

function json(res, status, value) {
	send(res, status, "application/json", `${JSON.stringify(value)}\n`);
}

function html(res, status, text) {
	send(res, status, "text/html; charset=utf-8", text);
}

// The login and consent steps of oidc-provider's interaction flow.
async function interaction(req, res, url) {
	const m = url.pathname.match(/^\/interaction\/([\w-]+)(?:\/(login|confirm|abort))?$/);
	if (!m)
		return html(res, 404, page("Not found", "<p>No such page.</p>"));
	const { provider } = current;
	let details;
	try {
		details = await provider.interactionDetails(req, res);
	} catch (e) {
		return html(res, 400, page("Sign-in error", `<p>This sign-in request is not valid any more (${esc(e.message)}). Start again from the application.</p>`));
	}
	if (details.uid !== m[1])
		return html(res, 400, page("Sign-in error", "<p>This sign-in page belongs to another request. Start again from the application.</p>"));
	const { prompt, params } = details;
	const client = await provider.Client.find(params.client_id);
	const step = m[2];
	if (step === "abort" && req.method === "POST") {
		return provider.interactionFinished(req, res, {
			error: "access_denied", error_description: "the person cancelled at the provider",
		}, { mergeWithLastSubmission: false });
	}
	if (step === undefined && req.method === "GET") {
		if (prompt.name === "login")
			return html(res, 200, loginPage(details.uid, client, { login: params.login_hint }));
		if (prompt.name === "consent") {
			if (consentMode.get(params.client_id) === "form")
				return html(res, 200, consentPage(details.uid, client, prompt.details));
			return consent(provider, req, res, details);
		}
		return html(res, 400, page("Sign-in error", `<p>Unknown step ${esc(prompt.name)}.</p>`));
	}
	if (step === "login" && req.method === "POST") {
		if (prompt.name !== "login")
			return html(res, 400, page("Sign-in error", "<p>This request is past signing in.</p>"));
		const form = new URLSearchParams(await readBody(req));
		const sub = checkLogin(form.get("login") ?? "", form.get("password") ?? "");
		if (!sub) {
			say(`login: wrong username or password for ${JSON.stringify(form.get("login"))}`);
			return html(res, 200, loginPage(details.uid, client, {
				login: form.get("login"), error: "Wrong username or password.",
			}));
		}
		return provider.interactionFinished(req, res, {
			login: { accountId: sub, amr: ["pwd"] },
		}, { mergeWithLastSubmission: false });
	}
	if (step === "confirm" && req.method === "POST") {
		if (prompt.name !== "consent")
			return html(res, 400, page("Sign-in error", "<p>Nothing to allow here.</p>"));
		return consent(provider, req, res, details);
	}
	res.setHeader("Allow", step ? "POST" : "GET");
	return html(res, 405, page("Not allowed", "<p>Wrong method for this page.</p>"));
}

// Grant what the client asked for and carry on to it.
async function consent(provider, req, res, details) {
	const { prompt: { details: missing }, params, session: { accountId } } = details;
	const grant = details.grantId ? await provider.Grant.find(details.grantId)
		: new provider.Grant({ accountId, clientId: params.client_id });
	if (missing.missingOIDCScope)
		grant.addOIDCScope(missing.missingOIDCScope.join(" "));
	if (missing.missingOIDCClaims)
		grant.addOIDCClaims(missing.missingOIDCClaims);
	for (const [indicator, s] of Object.entries(missing.missingResourceScopes ?? {}))
		grant.addResourceScope(indicator, s.join(" "));
	const grantId = await grant.save();
	return provider.interactionFinished(req, res, {
		consent: details.grantId ? {} : { grantId },
	}, { mergeWithLastSubmission: true });
}

function loopback(address) {
	return /^(127\.|::1$|::ffff:127\.)/.test(address ?? "");
}

// End sub's sessions at the provider as its own logout does: back-channel
// logout to every client of each session, grants revoked, session gone.
async function endSessions(sub) {
	const { provider } = current;
	const found = sessions(sub);
	const sent = [];
	for (const { id, payload } of found) {
		for (const [clientId, auth] of Object.entries(payload.authorizations ?? {})) {
			const client = await provider.Client.find(clientId);
			if (client?.backchannelLogoutUri) {
				const before = backchannel.length;
				let error = null;
				try {
					await client.backchannelLogout(sub, auth.sid);
					provider.emit("backchannel.success", undefined, client, sub, auth.sid);
				} catch (e) {
					error = e.message;
					provider.emit("backchannel.error", undefined, e, client, sub, auth.sid);
				}
				const recs = backchannel.slice(before);
				if (recs.length === 0)
					sent.push({ client_id: clientId, sid: auth.sid, url: client.backchannelLogoutUri, status: null, error });
				for (const r of recs)
					sent.push({ client_id: clientId, sid: auth.sid, ...r, error: r.error ?? error });
			}
			if (auth.grantId)
				revokeGrant(auth.grantId);
		}
		sessionByUid.delete(payload.uid);
		store.delete(`Session:${id}`);
	}
	return { sub, sessions: found.length, backchannel: sent };
}

async function control(req, res, url) {
	if (!loopback(req.socket.remoteAddress))
		return json(res, 403, { error: "the test controls answer loopback only" });
	let body = {};
	if (req.method === "POST") {
		const text = await readBody(req);
		try {
			body = text ? JSON.parse(text) : {};
		} catch (e) {
			return json(res, 400, { error: `the body is not JSON: ${e.message}` });
		}
	}
	const route = `${req.method} ${url.pathname}`;
	switch (route) {
	case "POST /_test/rotate": {
		const keyAlg = body.alg ?? alg;
		if (!ALGS.includes(keyAlg))
			return json(res, 400, { error: `alg ${keyAlg} is not one of ${ALGS.join(", ")}` });
		const key = await newKey(keyAlg);
		keys = [key, ...keys.filter((k) => !(body.drop_old && k.alg === keyAlg))];
		current = build();
		say(`rotate: new ${keyAlg} key ${key.kid}${body.drop_old ? ", old ones dropped" : ""}`);
		return json(res, 200, { kid: key.kid, alg: keyAlg, kids: keys.map((k) => k.kid) });
	}
	case "POST /_test/tamper": {
		if (!TAMPERS.includes(body.what))
			return json(res, 400, { error: `what must be one of ${TAMPERS.join(", ")}, not ${JSON.stringify(body.what)}` });
		armed = body.what === "none" ? null : { kind: "tamper", what: body.what };
		return json(res, 200, { armed: body.what });
	}
	case "POST /_test/replay":
		if (!lastIdToken)
			return json(res, 409, { error: "no ID token was issued yet: nothing to replay" });
		armed = { kind: "replay" };
		return json(res, 200, { armed: "replay", id_token: lastIdToken });
	case "POST /_test/logout":
		if (typeof body.sub !== "string")
			return json(res, 400, { error: "sub (a string) is required" });
		return json(res, 200, await endSessions(body.sub));
	case "POST /_test/clients":
		try {
			return json(res, 200, { clients: await setClients(body.clients, body.replace === true) });
		} catch (e) {
			return json(res, 400, { error: e.message });
		}
	case "GET /_test/log":
		return json(res, 200, requests);
	case "GET /_test/backchannel":
		return json(res, 200, backchannel);
	case "GET /_test/issued":
		return json(res, 200, issued);
	case "GET /_test/sessions":
		return json(res, 200, sessions().map(({ payload: s }) => ({
			sub: s.accountId, uid: s.uid, login_time: s.loginTs, expires_at: s.exp,
			clients: Object.fromEntries(Object.entries(s.authorizations ?? {})
				.map(([c, a]) => [c, { sid: a.sid, grant_id: a.grantId }])),
		})));
	case "GET /_test/keys":
		return json(res, 200, keys.map(({ kid, alg: a }) => ({ kid, alg: a })));
	default:
		return json(res, 404, { error: `no test control ${route}` });
	}
}

const server = https.createServer({
	cert: fs.readFileSync(opt.cert), key: fs.readFileSync(opt.key),
}, async (req, res) => {
	const url = new URL(req.url, origin);
	const rec = {
		method: req.method, path: url.pathname, query: url.search,
		time: Date.now() / 1000, status: null,
	};
	requests.push(rec);
	res.on("finish", () => {
		rec.status = res.statusCode;
	});
	try {
		if (url.pathname.startsWith("/_test/"))
			await control(req, res, url);
		else if (url.pathname.startsWith("/interaction/"))
			await interaction(req, res, url);
		else
			await current.handle(req, res);
	} catch (e) {
		say(`${req.method} ${url.pathname}: ${e.stack}`);
		if (!res.headersSent)
			json(res, e.status ?? 500, { error: e.message });
		else
			res.destroy();
	}
});

server.on("error", (e) => die(`cannot listen on 127.0.0.1:${port}: ${e.message}`));
server.listen(port, "127.0.0.1", () => {
	say(`listening on ${origin}, issuer ${issuer}, clients ${clients.map((c) => c.client_id).join(", ")}, keys ${keys.map((k) => `${k.alg}:${k.kid}`).join(", ")}`);
	process.stdout.write(`ready ${origin}\n`);
});

for (const sig of ["SIGTERM", "SIGINT"]) {
	process.on(sig, () => {
		server.close();
		server.closeAllConnections();
		process.exit(0);
	});
}
