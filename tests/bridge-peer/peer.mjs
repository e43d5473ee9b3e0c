// A third-party ActivityPub peer built on Fedify, for hearth's bridge tests.
//
//   node_modules/node/bin/node peer.mjs --host 127.0.0.2 --port 80 \
//       --state DIR --user alice [--user carol] [--verbose]
//
// Serves, on http://HOST[:PORT] (plain http: the peers run on loopback):
//   /.well-known/webfinger, /.well-known/nodeinfo, /users/NAME (a Person),
//   /users/NAME/inbox, /inbox (shared), followers, following, outbox,
//   /activities/ID (the activities this peer sent), and /_control/* (a
//   JSON API for the tests, described in README.md).
// Everything inbound goes through Fedify's own handler, so an activity is
// recorded only after Fedify verified it; refused deliveries are recorded
// too, with Fedify's own reason. Keys are persisted under --state, so a
// restarted peer keeps its identity.
import http from "node:http";
import fs from "node:fs";
import path from "node:path";
import { randomUUID } from "node:crypto";
import { AsyncLocalStorage } from "node:async_hooks";
import { parseArgs, inspect } from "node:util";
import { configure } from "@logtape/logtape";
import {
	createFederation,
	exportJwk,
	fetchKeyDetailed,
	generateCryptoKeyPair,
	importJwk,
	MemoryKvStore,
	signRequest,
} from "@fedify/fedify";
import {
	Accept,
	Activity,
	CryptographicKey,
	Endpoints,
	Follow,
	isActor,
	Person,
	Reject,
	Undo,
} from "@fedify/vocab";

const CAVAGE = "draft-cavage-http-signatures-12";

const { values: opt } = parseArgs({
	options: {
		host: { type: "string", default: "127.0.0.2" },
		port: { type: "string", default: "80" },
		state: { type: "string" },
		user: { type: "string", multiple: true },
		verbose: { type: "boolean", default: false },
	},
});
if (!opt.state) {
	process.stderr.write("usage: peer.mjs --host ADDR --port N --state DIR --user NAME [--user NAME...] [--verbose]\n");
	process.exit(2);
}
const users = (opt.user ?? ["alice"]).flatMap((u) => u.split(",")).filter(Boolean);
const port = Number(opt.port);
const origin = port === 80 ? `http://${opt.host}` : `http://${opt.host}:${port}`;
const domain = new URL(origin).host;
const stateDir = path.resolve(opt.state);
fs.mkdirSync(stateDir, { recursive: true });
const tag = `peer[${domain}]`;

function say(line) {
	process.stderr.write(`${tag} ${line}\n`);
}

// Per-request (and per-control-call) context: Fedify's log lines and the
// outgoing HTTP requests made on its behalf are collected here.
const als = new AsyncLocalStorage();

function renderLog(record) {
	const parts = record.message.map((m, i) => {
		if (i % 2 === 0) return String(m);
		if (m instanceof Error) return `${m.name}: ${m.message}`;
		if (typeof m === "string") return m;
		if (m instanceof URL) return m.href;
		return inspect(m, { depth: 3, breakLength: Infinity });
	});
	let text = parts.join("").replace(/\s*\n\s*/g, " ");
	if (text.length > 600) text = text.slice(0, 600) + "...";
	return `${record.level} ${record.category.join(".")}: ${text}`;
}

await configure({
	sinks: {
		peer(record) {
			const line = renderLog(record);
			const store = als.getStore();
			if (store?.log && store.log.length < 80) store.log.push(line);
			if (opt.verbose || record.level === "fatal" ||
			    (record.level === "error" && store == null))
				say(`fedify: ${line}`);
		},
	},
	loggers: [
		{ category: ["fedify"], sinks: ["peer"], lowestLevel: "debug" },
		{ category: ["logtape", "meta"], sinks: [], lowestLevel: "warning" },
	],
});

// ---------------------------------------------------------------- records

let seq = 0;
const records = { inbox: [], rejected: [], outgoing: [] };
const sentActivities = new Map(); // path -> JSON-LD of what we sent
let config = { autoAccept: "accept", acceptDelayMs: 0 };

function signatureInfo(headers) {
	const get = (n) => (typeof headers.get === "function" ? headers.get(n) : headers[n]) ?? null;
	const input = get("signature-input");
	if (input != null) {
		const m = /keyid="([^"]*)"/i.exec(input);
		return { spec: "rfc9421", keyId: m?.[1] ?? null };
	}
	const sig = get("signature");
	if (sig != null) {
		const m = /keyId="([^"]*)"/.exec(sig);
		const h = /headers="([^"]*)"/.exec(sig);
		return { spec: CAVAGE, keyId: m?.[1] ?? null, headers: h?.[1] ?? null };
	}
	return { spec: null, keyId: null };
}

// Every outgoing HTTP request Fedify makes (WebFinger, signed GETs, inbox
// POSTs, double-knock retries) passes through global fetch.
const realFetch = globalThis.fetch;
globalThis.fetch = async function peerFetch(input, init) {
	const isReq = input instanceof Request;
	const method = (init?.method ?? (isReq ? input.method : "GET")).toUpperCase();
	const url = isReq ? input.url : String(input);
	const headers = new Headers(init?.headers ?? (isReq ? input.headers : undefined));
	const entry = { seq: ++seq, time: new Date().toISOString(), method, url, ...signatureInfo(headers) };
	records.outgoing.push(entry);
	als.getStore()?.outgoing?.push(entry);
	if (method === "POST" && isReq) {
		// Keep what went on the wire for our own activities, so that
		// /activities/ID serves exactly what the recipient received.
		try {
			const sent = JSON.parse(await input.clone().text());
			const id = typeof sent?.id === "string" ? new URL(sent.id) : null;
			if (id?.origin === origin && id.pathname.startsWith("/activities/")) sentActivities.set(id.pathname, sent);
		} catch { /* not JSON */ }
	}
	const t0 = Date.now();
	try {
		const res = await realFetch(input, init);
		entry.status = res.status;
		return res;
	} catch (e) {
		entry.error = String(e?.cause?.message ?? e?.message ?? e);
		throw e;
	} finally {
		say(`-> ${method} ${url} ${entry.status ?? "ERR " + entry.error} ${Date.now() - t0}ms` +
		    (entry.spec ? ` sig=${entry.spec === CAVAGE ? "cavage" : entry.spec}` : ""));
	}
};

// ---------------------------------------------------------------- state

function keyFile(user) {
	return path.join(stateDir, `keys-${user}.json`);
}

const keyPairs = new Map(); // user -> [rsa CryptoKeyPair, ed25519 CryptoKeyPair]
for (const user of users) {
	let stored = null;
	try {
		stored = JSON.parse(fs.readFileSync(keyFile(user), "utf8"));
	} catch (e) {
		if (e.code !== "ENOENT") throw e;
	}
	if (stored == null) {
		const rsa = await generateCryptoKeyPair("RSASSA-PKCS1-v1_5");
		const ed = await generateCryptoKeyPair("Ed25519");
		stored = [];
		for (const kp of [rsa, ed])
			stored.push({ privateKey: await exportJwk(kp.privateKey), publicKey: await exportJwk(kp.publicKey) });
		fs.writeFileSync(keyFile(user), JSON.stringify(stored), { mode: 0o600 });
	}
	const pairs = [];
	for (const s of stored)
		pairs.push({ privateKey: await importJwk(s.privateKey, "private"), publicKey: await importJwk(s.publicKey, "public") });
	keyPairs.set(user, pairs);
}

const socialFile = path.join(stateDir, "social.json");
let social = { followers: {}, following: {} };
try {
	social = JSON.parse(fs.readFileSync(socialFile, "utf8"));
} catch (e) {
	if (e.code !== "ENOENT") throw e;
}
for (const u of users) {
	social.followers[u] ??= {};
	social.following[u] ??= {};
}
function saveSocial() {
	fs.writeFileSync(socialFile + ".tmp", JSON.stringify(social, null, 1));
	fs.renameSync(socialFile + ".tmp", socialFile);
}

// ---------------------------------------------------------------- federation

const kv = new MemoryKvStore();
const federation = createFederation({
	kv,
	origin,
	allowPrivateAddress: true,
	firstKnock: CAVAGE,
	userAgent: { software: "hearth-bridge-peer/1" },
});

federation
	.setActorDispatcher("/users/{identifier}", async (ctx, identifier) => {
		if (!users.includes(identifier)) return null;
		const keys = await ctx.getActorKeyPairs(identifier);
		return new Person({
			id: ctx.getActorUri(identifier),
			preferredUsername: identifier,
			name: `${identifier[0].toUpperCase()}${identifier.slice(1)} (test peer)`,
			summary: `<p>Fedify test peer ${identifier}@${domain}</p>`,
			url: ctx.getActorUri(identifier),
			inbox: ctx.getInboxUri(identifier),
			outbox: ctx.getOutboxUri(identifier),
			endpoints: new Endpoints({ sharedInbox: ctx.getInboxUri() }),
			followers: ctx.getFollowersUri(identifier),
			following: ctx.getFollowingUri(identifier),
			manuallyApprovesFollowers: false,
			discoverable: true,
			publicKey: keys[0].cryptographicKey,
			assertionMethods: keys.map((k) => k.multikey),
		});
	})
	.setKeyPairsDispatcher(async (_ctx, identifier) => keyPairs.get(identifier) ?? []);

federation
	.setFollowersDispatcher("/users/{identifier}/followers", async (_ctx, identifier) => {
		if (!users.includes(identifier)) return null;
		return {
			items: Object.entries(social.followers[identifier]).map(([id, f]) => ({
				id: new URL(id),
				inboxId: new URL(f.inbox),
				endpoints: f.sharedInbox ? { sharedInbox: new URL(f.sharedInbox) } : null,
			})),
		};
	})
	.setCounter((_ctx, identifier) => Object.keys(social.followers[identifier] ?? {}).length);

federation
	.setFollowingDispatcher("/users/{identifier}/following", async (_ctx, identifier) => {
		if (!users.includes(identifier)) return null;
		return {
			items: Object.entries(social.following[identifier])
				.filter(([, f]) => f.state === "accepted")
				.map(([id]) => new URL(id)),
		};
	});

federation.setOutboxDispatcher("/users/{identifier}/outbox", async (_ctx, identifier) =>
	users.includes(identifier) ? { items: [] } : null);

federation.setNodeInfoDispatcher("/nodeinfo/2.1", async () => ({
	software: { name: "fedify-test-peer", version: "2.3.6" },
	protocols: ["activitypub"],
	usage: { users: { total: users.length, activeMonth: users.length, activeHalfyear: users.length }, localPosts: 0, localComments: 0 },
	openRegistrations: false,
}));

function idOf(v) {
	if (v == null) return null;
	if (typeof v === "string") return v;
	if (Array.isArray(v)) return idOf(v[0]);
	if (typeof v === "object") return v.id ?? v["@id"] ?? null;
	return null;
}

function summarizeObject(o) {
	if (o == null) return null;
	if (typeof o === "string") return { id: o };
	if (Array.isArray(o)) return summarizeObject(o[0]);
	const s = { id: idOf(o), type: o.type ?? null };
	for (const k of ["content", "attributedTo", "inReplyTo", "to", "cc", "actor", "object", "summary", "published", "updated", "url"])
		if (o[k] !== undefined) s[k] = k === "actor" || k === "object" || k === "attributedTo" ? idOf(o[k]) : o[k];
	return s;
}

function newActivityId() {
	return new URL(`/activities/${randomUUID()}`, origin);
}

async function remember(activity) {
	const json = await activity.toJsonLd({ format: "compact" });
	sentActivities.set(activity.id.pathname, json);
	return json;
}

federation
	.setInboxListeners("/users/{identifier}/inbox", "/inbox")
	.setSharedKeyDispatcher(() => ({ identifier: users[0] }))
	.on(Activity, async (ctx, activity) => {
		const store = als.getStore();
		const json = store?.json ?? {};
		const rec = {
			seq: ++seq,
			received: new Date().toISOString(),
			inbox: ctx.recipient == null ? "shared" : ctx.recipient,
			type: json.type ?? null,
			id: activity.id?.href ?? null,
			actor: activity.actorId?.href ?? null,
			object: summarizeObject(json.object),
			to: json.to ?? null,
			cc: json.cc ?? null,
			signature: store?.sig ?? null,
			activity: json,
		};
		records.inbox.push(rec);
		if (store) store.recorded = rec;
		if (activity instanceof Follow) await onFollow(ctx, activity, rec);
		else if (activity instanceof Undo) onUndo(activity, rec, json);
		else if (activity instanceof Accept || activity instanceof Reject) onAnswer(activity, rec, json);
	})
	.onUnverifiedActivity((_ctx, _activity, reason) => {
		const store = als.getStore();
		if (store) {
			store.reason = { type: reason.type, keyId: reason.keyId?.href ?? null };
			if (reason.type === "keyFetchError")
				store.reason.keyFetch = "status" in reason.result
					? { status: reason.result.status }
					: { error: String(reason.result.error?.message ?? reason.result.error) };
		}
		// Returning nothing keeps Fedify's own 401.
	})
	.onError((_ctx, error) => {
		const store = als.getStore();
		if (store) store.error = `${error?.name}: ${error?.message}`;
	});

async function onFollow(ctx, follow, rec) {
	const target = ctx.parseUri(follow.objectId);
	if (target?.type !== "actor" || !users.includes(target.identifier)) {
		rec.note = "Follow of an unknown actor: ignored";
		return;
	}
	const user = target.identifier;
	const follower = await follow.getActor(ctx);
	if (follower == null || follower.id == null || follower.inboxId == null) {
		rec.note = "could not fetch the follower's actor (or it has no inbox)";
		return;
	}
	if (config.autoAccept !== "none") {
		const Answer = config.autoAccept === "reject" ? Reject : Accept;
		const answer = new Answer({
			id: newActivityId(),
			actor: ctx.getActorUri(user),
			object: follow,
			to: follower.id,
		});
		rec.answer = { type: config.autoAccept === "reject" ? "Reject" : "Accept", id: answer.id.href };
		// Answered once the Follow's 202 is written, as a server with a
		// queue would (never before the follower saw its delivery succeed).
		const send = () => setTimeout(() => sendDetached(user, follower, answer, rec.answer), config.acceptDelayMs);
		const store = als.getStore();
		if (store?.after) store.after.push(send);
		else send();
	}
	if (config.autoAccept !== "reject") {
		social.followers[user][follower.id.href] = {
			inbox: follower.inboxId.href,
			sharedInbox: follower.endpoints?.sharedInbox?.href ?? null,
			followId: follow.id?.href ?? null,
			since: rec.received,
		};
		saveSocial();
	}
}

function onUndo(undo, rec, json) {
	const inner = json.object;
	const innerId = idOf(inner);
	for (const u of users) {
		for (const [actor, f] of Object.entries(social.followers[u])) {
			if (actor === undo.actorId?.href && (f.followId === innerId || inner?.type === "Follow")) {
				delete social.followers[u][actor];
				rec.note = `${actor} no longer follows ${u}`;
				saveSocial();
			}
		}
	}
}

function onAnswer(answer, rec, json) {
	const followId = idOf(json.object);
	const state = answer instanceof Accept ? "accepted" : "rejected";
	for (const u of users) {
		for (const [actor, f] of Object.entries(social.following[u])) {
			if (f.followId === followId && actor === answer.actorId?.href) {
				f.state = state;
				f.answeredAt = rec.received;
				rec.note = `${u} -> ${actor}: ${state}`;
				saveSocial();
			}
		}
	}
}

function sendDetached(user, recipient, activity, report) {
	const store = { log: [], outgoing: [] };
	als.run(store, async () => {
		const out = await deliver(user, recipient, activity, {});
		Object.assign(report, { ok: out.ok, status: out.status, error: out.error });
		if (!out.ok) say(`could not deliver ${activity.id?.href}: ${out.error}`);
	});
}

// Sends through Fedify (HTTP Signature with double-knock, LD signature,
// Object Integrity Proof), immediately, and reports what happened.
async function deliver(user, recipient, activity, { preferSharedInbox = false } = {}) {
	const ctx = federation.createContext(new URL(origin), undefined);
	const store = als.getStore();
	const first = store?.outgoing?.length ?? 0;
	let ok = true, error = null, status = null, response = null;
	try {
		await remember(activity);
		await ctx.sendActivity({ identifier: user }, recipient, activity, { immediate: true, preferSharedInbox });
	} catch (e) {
		ok = false;
		error = `${e?.name}: ${e?.message}`;
		if (typeof e?.statusCode === "number") status = e.statusCode;
		if (typeof e?.responseBody === "string") response = e.responseBody;
	}
	const attempts = (store?.outgoing ?? []).slice(first).filter((a) => a.method === "POST");
	if (status == null && attempts.length > 0) status = attempts[attempts.length - 1].status ?? null;
	return { ok, status, error, response, attempts };
}

// ---------------------------------------------------------------- control

class HttpError extends Error {
	constructor(status, message, extra = {}) {
		super(message);
		this.status = status;
		this.extra = extra;
	}
}

function pickUser(as) {
	const user = as ?? users[0];
	if (!users.includes(user)) throw new HttpError(400, `no such local user: ${user}`);
	return user;
}

function parseAcct(acct) {
	const m = /^(?:acct:)?@?([^@\s]+)@([^@\s/?#]+)$/.exec(acct ?? "");
	if (m == null) throw new HttpError(400, `not an account: ${JSON.stringify(acct)}`);
	return { user: m[1], host: m[2] };
}

// WebFinger over http: Fedify's own lookupWebFinger() always uses https for
// acct: URIs, and the peers here have no TLS. Same request (Accept:
// application/jrd+json) and the same choice of link as Fedify's
// lookupObject(): rel=self with type application/activity+json or
// application/ld+json; profile="https://www.w3.org/ns/activitystreams".
async function webfinger(acct) {
	const { user, host } = parseAcct(acct);
	const url = new URL(`http://${host}/.well-known/webfinger`);
	url.searchParams.set("resource", `acct:${user}@${host}`);
	let res;
	try {
		res = await fetch(url, { headers: { Accept: "application/jrd+json" }, redirect: "follow" });
	} catch (e) {
		throw new HttpError(502, `WebFinger ${url}: ${e?.cause?.message ?? e.message}`);
	}
	const text = await res.text();
	if (!res.ok) throw new HttpError(502, `WebFinger ${url}: HTTP ${res.status}`, { body: text.slice(0, 2000) });
	let jrd;
	try {
		jrd = JSON.parse(text);
	} catch {
		throw new HttpError(502, `WebFinger ${url}: not JSON`, { body: text.slice(0, 2000) });
	}
	const link = (jrd.links ?? []).find((l) =>
		l.rel === "self" && l.href != null &&
		(l.type === "application/activity+json" ||
		 /application\/ld\+json;\s*profile="https:\/\/www.w3.org\/ns\/activitystreams"/.test(l.type ?? "")));
	if (link == null) throw new HttpError(502, `WebFinger ${url}: no rel=self ActivityPub link`, { webfinger: jrd });
	return { jrd, href: link.href, contentType: res.headers.get("content-type") };
}

// Fetches an object the way Fedify does when it meets one: a signed GET
// (double-knock, cavage first) through the authenticated document loader,
// then Fedify's JSON-LD parser, refusing an @id from another origin.
async function lookup(user, { acct, uri }) {
	const ctx = federation.createContext(new URL(origin), undefined);
	let wf = null;
	if (acct) {
		wf = await webfinger(acct);
		uri = wf.href;
	}
	if (!uri) throw new HttpError(400, "give acct or uri");
	const documentLoader = await ctx.getDocumentLoader({ identifier: user });
	let object;
	try {
		object = await ctx.lookupObject(uri, { documentLoader, crossOrigin: "throw" });
	} catch (e) {
		throw new HttpError(502, `lookup ${uri}: ${e?.name}: ${e?.message}`, { webfinger: wf?.jrd ?? null });
	}
	if (object == null)
		throw new HttpError(502, `lookup ${uri}: Fedify could not fetch or parse it (see log)`, { webfinger: wf?.jrd ?? null });
	const result = {
		uri,
		id: object.id?.href ?? null,
		type: (await object.toJsonLd({ format: "compact" })).type ?? object.constructor.name,
		webfinger: wf?.jrd ?? null,
		object: await object.toJsonLd({ format: "compact" }),
		problems: [],
	};
	if (object.id?.href !== uri) result.problems.push(`id ${object.id?.href} differs from the URI fetched (${uri})`);
	if (isActor(object)) {
		const a = {
			preferredUsername: object.preferredUsername?.toString() ?? null,
			name: object.name?.toString() ?? null,
			inbox: object.inboxId?.href ?? null,
			sharedInbox: object.endpoints?.sharedInbox?.href ?? null,
			outbox: object.outboxId?.href ?? null,
			followers: object.followersId?.href ?? null,
			following: object.followingId?.href ?? null,
			url: object.url?.href?.href ?? object.url?.href ?? null,
			publicKeys: [],
		};
		for await (const k of object.getPublicKeys({ documentLoader, contextLoader: ctx.contextLoader, suppressError: true }))
			a.publicKeys.push({ id: k.id?.href ?? null, owner: k.ownerId?.href ?? null, hasPem: k.publicKey != null });
		result.actor = a;
		if (a.inbox == null) result.problems.push("actor has no inbox");
		if (a.preferredUsername == null) result.problems.push("actor has no preferredUsername");
		if (a.publicKeys.length === 0) result.problems.push("actor has no usable publicKey");
		for (const k of a.publicKeys) {
			if (k.owner !== result.id) result.problems.push(`key ${k.id}: owner ${k.owner} is not the actor`);
			// What Fedify's inbox does with a keyId before it verifies a signature.
			const fetched = await fetchKeyDetailed(new URL(k.id), CryptographicKey, { documentLoader, contextLoader: ctx.contextLoader });
			k.fetchable = fetched.key != null;
			if (fetched.key == null)
				result.problems.push(`key ${k.id}: Fedify cannot fetch it by its id` +
					(fetched.fetchError ? ` (${"status" in fetched.fetchError ? "HTTP " + fetched.fetchError.status : fetched.fetchError.error?.message})` : ""));
		}
		if (acct && a.preferredUsername != null && a.preferredUsername !== parseAcct(acct).user)
			result.problems.push(`preferredUsername ${a.preferredUsername} does not match ${acct}`);
	}
	return { object, result };
}

async function resolveActor(user, body) {
	const { object, result } = await lookup(user, body);
	if (!isActor(object)) throw new HttpError(502, `${result.uri} is a ${result.type}, not an actor`, { lookup: result });
	if (object.inboxId == null) throw new HttpError(502, `${result.uri} has no inbox`, { lookup: result });
	return { actor: object, result };
}

async function ctlFollow(body) {
	const user = pickUser(body.as);
	const { actor } = await resolveActor(user, body);
	const ctx = federation.createContext(new URL(origin), undefined);
	const follow = new Follow({ id: newActivityId(), actor: ctx.getActorUri(user), object: actor.id, to: actor.id });
	const delivery = await deliver(user, actor, follow, body);
	const activity = sentActivities.get(follow.id.pathname);
	if (delivery.ok) {
		const prev = social.following[user][actor.id.href];
		social.following[user][actor.id.href] = {
			followId: follow.id.href,
			follow: activity,
			// An Accept can arrive before this line runs.
			state: prev?.followId === follow.id.href ? prev.state : "pending",
			since: new Date().toISOString(),
		};
		saveSocial();
	}
	return { ok: delivery.ok, actor: actor.id.href, inbox: actor.inboxId.href, activity, delivery };
}

async function ctlUnfollow(body) {
	const user = pickUser(body.as);
	const { actor } = await resolveActor(user, body);
	const entry = social.following[user][actor.id.href];
	if (entry == null) throw new HttpError(409, `${user} does not follow ${actor.id.href}`);
	const ctx = federation.createContext(new URL(origin), undefined);
	const follow = await Follow.fromJsonLd(entry.follow, { contextLoader: ctx.contextLoader, documentLoader: ctx.documentLoader });
	const undo = new Undo({ id: newActivityId(), actor: ctx.getActorUri(user), object: follow, to: actor.id });
	const delivery = await deliver(user, actor, undo, body);
	if (delivery.ok) {
		delete social.following[user][actor.id.href];
		saveSocial();
	}
	return { ok: delivery.ok, actor: actor.id.href, inbox: actor.inboxId.href, activity: sentActivities.get(undo.id.pathname), delivery };
}

// An instant-like value for Fedify's signers (they use epochMilliseconds
// and toString()).
function instantAt(iso) {
	const ms = Date.parse(iso);
	if (Number.isNaN(ms)) throw new HttpError(400, `bad signedAt: ${iso}`);
	return { epochMilliseconds: ms, toString: () => new Date(ms).toISOString() };
}

async function ctlSend(body) {
	const user = pickUser(body.as);
	if (typeof body.inbox !== "string") throw new HttpError(400, "inbox (a URL) is required");
	if (body.activity == null || typeof body.activity !== "object") throw new HttpError(400, "activity (a JSON object) is required");
	const ctx = federation.createContext(new URL(origin), undefined);
	const inbox = new URL(body.inbox);
	const act = { ...body.activity };
	if (!body.raw) {
		// Through Fedify: parsed, re-serialized, signed the way Fedify signs.
		act["@context"] ??= "https://www.w3.org/ns/activitystreams";
		act.actor ??= ctx.getActorUri(user).href;
		act.id ??= newActivityId().href;
		let activity;
		try {
			activity = await Activity.fromJsonLd(act, { contextLoader: ctx.contextLoader, documentLoader: ctx.documentLoader });
		} catch (e) {
			throw new HttpError(400, `Fedify cannot parse the activity: ${e.message}`);
		}
		const delivery = await deliver(user, { id: inbox, inboxId: inbox }, activity, {});
		return { ok: delivery.ok, activity: sentActivities.get(activity.id.pathname) ?? null, delivery };
	}
	// Raw: exactly these bytes, signed (or not, or badly) as asked.
	const bytes = typeof body.body === "string" ? body.body : JSON.stringify(act);
	const headers = new Headers({ "Content-Type": "application/activity+json", ...(body.headers ?? {}) });
	if (body.signedAt) headers.set("Date", new Date(Date.parse(body.signedAt)).toUTCString());
	let request = new Request(inbox, { method: "POST", headers, body: bytes });
	const [rsa] = await ctx.getActorKeyPairs(user);
	const keyId = body.keyId ? new URL(body.keyId) : rsa.keyId;
	if (!body.unsigned)
		request = await signRequest(request, rsa.privateKey, keyId, {
			spec: body.spec ?? CAVAGE,
			currentTime: body.signedAt ? instantAt(body.signedAt) : undefined,
		});
	let sentBody = bytes;
	const sentHeaders = new Headers(request.headers);
	if (body.tamper === "body") sentBody = bytes.replace(/}\s*$/, ', "tampered": true}');
	else if (body.tamper === "signature") {
		const sig = sentHeaders.get("signature");
		if (sig) sentHeaders.set("Signature", sig.replace(/signature="([A-Za-z0-9+/])/, (_, c) => `signature="${c === "A" ? "B" : "A"}`)
			.replace(/=:([A-Za-z0-9+/])/, (_, c) => `=:${c === "A" ? "B" : "A"}`));
	} else if (body.tamper != null) throw new HttpError(400, `unknown tamper: ${body.tamper}`);
	let res;
	try {
		res = await fetch(inbox, { method: "POST", headers: sentHeaders, body: sentBody, redirect: "manual" });
	} catch (e) {
		return { ok: false, status: null, error: `${e?.cause?.message ?? e.message}`, request: { url: inbox.href, headers: Object.fromEntries(sentHeaders), body: sentBody } };
	}
	const text = await res.text();
	return {
		ok: res.ok,
		status: res.status,
		response: text.slice(0, 2000),
		request: { url: inbox.href, headers: Object.fromEntries(sentHeaders), body: sentBody },
	};
}

async function clearKv() {
	const keys = [];
	for await (const { key } of kv.list()) keys.push(key);
	for (const k of keys) await kv.delete(k);
}

function listing(list, url) {
	const since = Number(url.searchParams.get("since") ?? 0);
	const type = url.searchParams.get("type");
	return list.filter((r) => r.seq > since && (type == null || r.type === type));
}

async function control(req, url, raw) {
	const route = `${req.method} ${url.pathname}`;
	let body = {};
	if (req.method === "POST" && raw.length > 0) {
		try {
			body = JSON.parse(raw.toString("utf8"));
		} catch {
			throw new HttpError(400, "body is not JSON");
		}
	}
	switch (route) {
	case "GET /_control/health":
		return {
			ok: true,
			origin,
			sharedInbox: `${origin}/inbox`,
			users: users.map((u) => ({ handle: `${u}@${domain}`, id: `${origin}/users/${u}`, inbox: `${origin}/users/${u}/inbox` })),
			config,
		};
	case "GET /_control/inbox":
		return listing(records.inbox, url);
	case "GET /_control/rejected":
		return listing(records.rejected, url);
	case "GET /_control/outgoing":
		return listing(records.outgoing, url);
	case "GET /_control/state":
		return { followers: social.followers, following: social.following, config };
	case "POST /_control/reset":
		records.inbox.length = 0;
		records.rejected.length = 0;
		records.outgoing.length = 0;
		await clearKv(); // Fedify's caches: remote keys (also failed fetches), dedup, spec memory
		if (body.all) {
			for (const u of users) {
				social.followers[u] = {};
				social.following[u] = {};
			}
			saveSocial();
		}
		return { ok: true };
	case "POST /_control/config":
		if (body.autoAccept !== undefined) {
			if (!["accept", "reject", "none"].includes(body.autoAccept)) throw new HttpError(400, "autoAccept: accept, reject or none");
			config.autoAccept = body.autoAccept;
		}
		if (body.acceptDelayMs !== undefined) config.acceptDelayMs = Number(body.acceptDelayMs) || 0;
		return { ok: true, config };
	case "POST /_control/follow":
		return await ctlFollow(body);
	case "POST /_control/unfollow":
		return await ctlUnfollow(body);
	case "POST /_control/send":
		return await ctlSend(body);
	case "GET /_control/lookup": {
		const user = pickUser(url.searchParams.get("as") ?? undefined);
		const { result } = await lookup(user, { acct: url.searchParams.get("acct"), uri: url.searchParams.get("uri") });
		return { ok: true, ...result };
	}
	default:
		throw new HttpError(404, `no control route ${route}`);
	}
}

// ---------------------------------------------------------------- HTTP

function isInboxPath(p) {
	return p === "/inbox" || /^\/users\/[^/]+\/inbox$/.test(p);
}

function toRequest(req, url, raw) {
	const headers = new Headers();
	for (let i = 0; i < req.rawHeaders.length; i += 2) headers.append(req.rawHeaders[i], req.rawHeaders[i + 1]);
	const hasBody = req.method !== "GET" && req.method !== "HEAD";
	return new Request(url, { method: req.method, headers, body: hasBody ? raw : undefined, duplex: "half" });
}

function json(status, value) {
	return new Response(JSON.stringify(value, null, 1) + "\n", {
		status,
		headers: { "Content-Type": "application/json; charset=utf-8" },
	});
}

async function respond(req, url, raw, store) {
	if (url.pathname.startsWith("/_control/")) {
		try {
			return json(200, await control(req, url, raw));
		} catch (e) {
			if (!(e instanceof HttpError)) say(`control ${url.pathname}: ${e?.stack ?? e}`);
			const status = e instanceof HttpError ? e.status : 500;
			return json(status, {
				ok: false,
				error: e instanceof HttpError ? e.message : `${e?.name}: ${e?.message}`,
				...(e.extra ?? {}),
				attempts: store.outgoing,
				log: store.log,
			});
		}
	}
	if (req.method === "GET" && sentActivities.has(url.pathname))
		return new Response(JSON.stringify(sentActivities.get(url.pathname)), {
			headers: { "Content-Type": "application/activity+json" },
		});
	const inbox = req.method === "POST" && isInboxPath(url.pathname);
	if (inbox) {
		try {
			store.json = JSON.parse(raw.toString("utf8"));
		} catch {
			store.json = null;
		}
	}
	const res = await federation.fetch(toRequest(req, url, raw), {
		contextData: undefined,
		onNotFound: () => new Response("Not found\n", { status: 404, headers: { "Content-Type": "text/plain" } }),
		onNotAcceptable: () => new Response("Not acceptable\n", { status: 406, headers: { "Content-Type": "text/plain" } }),
	});
	if (inbox && res.status >= 400) {
		const text = await res.clone().text();
		const j = store.json && typeof store.json === "object" ? store.json : {};
		records.rejected.push({
			seq: ++seq,
			received: new Date().toISOString(),
			inbox: url.pathname,
			status: res.status,
			response: text.slice(0, 500),
			reason: store.reason ?? null,
			error: store.error ?? null,
			type: j.type ?? null,
			id: idOf(j.id) ?? null,
			actor: idOf(j.actor) ?? null,
			object: summarizeObject(j.object),
			signature: store.sig,
			headers: Object.fromEntries(toRequest(req, url, Buffer.alloc(0)).headers),
			body: raw.toString("utf8").slice(0, 4000),
			log: store.log.filter((l) => !/Using preloaded context|are not verified\.$/.test(l)),
		});
	}
	return res;
}

const server = http.createServer(async (req, res) => {
	const t0 = Date.now();
	const chunks = [];
	for await (const c of req) chunks.push(c);
	const raw = Buffer.concat(chunks);
	const url = new URL(req.url, origin);
	const store = { log: [], outgoing: [], sig: signatureInfo(req.headers), reason: null, error: null, recorded: null, after: [] };
	let response;
	try {
		response = await als.run(store, () => respond(req, url, raw, store));
	} catch (e) {
		say(`${req.method} ${req.url}: ${e?.stack ?? e}`);
		response = new Response(`Internal error: ${e?.message}\n`, { status: 500 });
	}
	const headers = {};
	response.headers.forEach((v, k) => (headers[k] = v));
	const out = Buffer.from(await response.arrayBuffer());
	if (store.after.length > 0) res.once("close", () => store.after.forEach((f) => f()));
	res.writeHead(response.status, headers);
	res.end(req.method === "HEAD" ? undefined : out);
	let extra = "";
	if (store.sig.spec) extra += ` sig=${store.sig.spec === CAVAGE ? "cavage" : store.sig.spec} keyId=${store.sig.keyId}`;
	if (store.recorded) extra += ` recorded=${store.recorded.type}#${store.recorded.seq}`;
	else if (store.reason) extra += ` refused=${store.reason.type}`;
	else if (response.status >= 400 && isInboxPath(url.pathname)) extra += ` refused`;
	if (!url.pathname.startsWith("/_control/") || opt.verbose || response.status >= 400)
		say(`${req.socket.remoteAddress} ${req.method} ${req.url} ${response.status} ${Date.now() - t0}ms${extra}`);
});

server.on("error", (e) => {
	say(`cannot listen on ${opt.host}:${port}: ${e.message}`);
	process.exit(1);
});
server.listen(port, opt.host, () => {
	say(`listening on ${origin} as ${users.map((u) => `${u}@${domain}`).join(", ")}; state in ${stateDir}`);
	process.stdout.write(JSON.stringify({ ready: true, origin, users: users.map((u) => `${u}@${domain}`) }) + "\n");
});
for (const sig of ["SIGTERM", "SIGINT"])
	process.on(sig, () => {
		server.close();
		process.exit(0);
	});
