// Proves the peer works without hearth: two peers follow, answer, deliver
// and refuse a forged signature.
//   node_modules/node/bin/node selftest.mjs
// Uses 127.0.0.2 and 127.0.0.3 on port 80 when root (PEER_PORT overrides;
// PEER_HOST_A / PEER_HOST_B override the addresses). Exits non-zero on
// any failure; ends with "N passed, N failed".
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const hostA = process.env.PEER_HOST_A ?? "127.0.0.2";
const hostB = process.env.PEER_HOST_B ?? "127.0.0.3";
const port = Number(process.env.PEER_PORT ?? (process.getuid?.() === 0 ? 80 : 18080));
const hp = (h) => (port === 80 ? h : `${h}:${port}`);
const A = `http://${hp(hostA)}`, B = `http://${hp(hostB)}`;
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "bridge-peer-selftest-"));

let passed = 0, failed = 0;
function check(name, cond, detail) {
	if (cond) {
		passed++;
		console.log(`ok - ${name}`);
	} else {
		failed++;
		console.log(`not ok - ${name}`);
		if (detail !== undefined) console.log(`  # ${JSON.stringify(detail).slice(0, 1500)}`);
	}
}

const children = [];
function start(host, user) {
	const dir = path.join(tmp, user);
	const child = spawn(process.execPath, [path.join(here, "peer.mjs"), "--host", host, "--port", String(port), "--state", dir, "--user", user],
		{ stdio: ["ignore", "pipe", "pipe"] });
	const log = fs.createWriteStream(path.join(tmp, `${user}.log`));
	child.stderr.pipe(log);
	children.push(child);
	return new Promise((resolve, reject) => {
		let out = "";
		child.stdout.on("data", (d) => {
			out += d;
			if (out.includes("\n")) resolve(JSON.parse(out.split("\n")[0]));
		});
		child.on("exit", (code) => reject(new Error(`peer ${user} exited with ${code}; see ${tmp}/${user}.log`)));
	});
}

async function call(base, method, p, body) {
	const res = await fetch(base + p, {
		method,
		headers: body ? { "Content-Type": "application/json" } : {},
		body: body ? JSON.stringify(body) : undefined,
	});
	const text = await res.text();
	let json = null;
	try {
		json = JSON.parse(text);
	} catch { /* not JSON */ }
	return { status: res.status, json, text };
}

async function until(what, f, ms = 5000) {
	const end = Date.now() + ms;
	for (;;) {
		const v = await f();
		if (v) return v;
		if (Date.now() > end) return v;
		await new Promise((r) => setTimeout(r, 50));
	}
}

let code = 1;
try {
	await Promise.all([start(hostA, "alice"), start(hostB, "bob")]);

	const wf = await call(A, "GET", `/.well-known/webfinger?resource=acct:alice@${hp(hostA)}`);
	check("WebFinger answers for alice", wf.status === 200 && wf.json?.links?.some((l) => l.rel === "self" && l.href === `${A}/users/alice`), wf);

	const actor = await fetch(`${A}/users/alice`, { headers: { Accept: "application/activity+json" } }).then((r) => r.json());
	check("the actor is a Person with a key, an inbox and a shared inbox",
		actor.type === "Person" && actor.publicKey?.owner === `${A}/users/alice` && actor.inbox === `${A}/users/alice/inbox` &&
		actor.endpoints?.sharedInbox === `${A}/inbox`, actor);

	const lk = await call(A, "GET", `/_control/lookup?acct=bob@${hp(hostB)}`);
	check("alice looks bob up through Fedify", lk.status === 200 && lk.json.id === `${B}/users/bob` && lk.json.problems.length === 0, lk.json);

	const fo = await call(A, "POST", "/_control/follow", { acct: `bob@${hp(hostB)}` });
	check("alice's Follow is delivered (202)", fo.json?.ok === true && fo.json.delivery.status === 202, fo.json);
	check("it was signed draft-cavage on the first knock",
		fo.json?.delivery?.attempts?.[0]?.spec === "draft-cavage-http-signatures-12" && fo.json.delivery.attempts.length === 1, fo.json?.delivery);

	const bobInbox = await call(B, "GET", "/_control/inbox");
	const f = bobInbox.json.find((r) => r.type === "Follow");
	check("bob recorded the verified Follow", f && f.actor === `${A}/users/alice` && f.object.id === `${B}/users/bob` && f.id === fo.json.activity.id, bobInbox.json);

	const accept = await until("Accept", async () => (await call(A, "GET", "/_control/inbox?type=Accept")).json[0]);
	check("alice recorded bob's Accept of that Follow", accept && accept.actor === `${B}/users/bob` && accept.object.id === fo.json.activity.id, accept);
	const st = await call(A, "GET", "/_control/state");
	check("alice now follows bob (accepted)", st.json.following.alice[`${B}/users/bob`]?.state === "accepted", st.json);
	const bst = await call(B, "GET", "/_control/state");
	check("bob lists alice as a follower", bst.json.followers.bob[`${A}/users/alice`] != null, bst.json);

	const note = {
		type: "Create",
		to: ["https://www.w3.org/ns/activitystreams#Public"],
		object: { id: `${B}/notes/1`, type: "Note", attributedTo: `${B}/users/bob`, content: "<p>hello alice</p>", to: ["https://www.w3.org/ns/activitystreams#Public"] },
	};
	const se = await call(B, "POST", "/_control/send", { inbox: `${A}/inbox`, activity: note });
	check("bob's Create(Note) is delivered to alice's shared inbox", se.json?.ok === true && se.json.delivery.status === 202, se.json);
	const cr = (await call(A, "GET", "/_control/inbox?type=Create")).json;
	check("alice recorded it", cr.length === 1 && cr[0].object.content === "<p>hello alice</p>" && cr[0].inbox === "shared", cr);

	const raw = await call(B, "POST", "/_control/send", {
		raw: true, inbox: `${A}/users/alice/inbox`,
		activity: { "@context": "https://www.w3.org/ns/activitystreams", id: `${B}/activities/raw-1`, type: "Create", actor: `${B}/users/bob`,
			object: { id: `${B}/notes/2`, type: "Note", attributedTo: `${B}/users/bob`, content: "raw" } },
	});
	check("a raw, cavage-signed POST is accepted", raw.json?.status === 202, raw.json);

	const forged = JSON.stringify({
		"@context": "https://www.w3.org/ns/activitystreams", id: `${B}/activities/forged`, type: "Create", actor: `${B}/users/bob`,
		object: { id: `${B}/notes/forged`, type: "Note", attributedTo: `${B}/users/bob`, content: "forged" },
	});
	const bad = await fetch(`${A}/users/alice/inbox`, {
		method: "POST",
		headers: {
			"Content-Type": "application/activity+json",
			Date: new Date().toUTCString(),
			Digest: "SHA-256=AAAA",
			Signature: `keyId="${B}/users/bob#main-key",algorithm="rsa-sha256",headers="(request-target) host date digest",signature="Z2FyYmFnZQ=="`,
		},
		body: forged,
	});
	check("a garbage Signature is refused with 401", bad.status === 401, bad.status);
	const tam = await call(B, "POST", "/_control/send", {
		raw: true, tamper: "signature", inbox: `${A}/users/alice/inbox`,
		activity: { "@context": "https://www.w3.org/ns/activitystreams", id: `${B}/activities/raw-2`, type: "Create", actor: `${B}/users/bob`,
			object: { id: `${B}/notes/3`, type: "Note", attributedTo: `${B}/users/bob`, content: "tampered" } },
	});
	check("a correctly formed but wrong signature is refused with 401", tam.json?.status === 401, tam.json);
	const old = await call(B, "POST", "/_control/send", {
		raw: true, signedAt: new Date(Date.now() - 2 * 3600e3).toISOString(), inbox: `${A}/users/alice/inbox`,
		activity: { "@context": "https://www.w3.org/ns/activitystreams", id: `${B}/activities/raw-3`, type: "Create", actor: `${B}/users/bob`,
			object: { id: `${B}/notes/4`, type: "Note", attributedTo: `${B}/users/bob`, content: "stale" } },
	});
	check("a signature dated two hours ago is refused with 401", old.json?.status === 401, old.json);

	const inbox = (await call(A, "GET", "/_control/inbox")).json;
	check("none of the refused activities were recorded",
		!inbox.some((r) => ["forged", "tampered", "stale"].includes(r.object?.content)), inbox.map((r) => r.object));
	const rej = (await call(A, "GET", "/_control/rejected")).json;
	check("all three are listed as rejected, with Fedify's reason",
		rej.length === 3 && rej.every((r) => r.status === 401 && r.reason?.type === "invalidSignature") &&
		rej[0].log.some((l) => l.includes("digest mismatch")) && rej[2].log.some((l) => l.includes("too far in the past")), rej);

	const un = await call(A, "POST", "/_control/unfollow", { acct: `bob@${hp(hostB)}` });
	check("alice's Undo(Follow) is delivered", un.json?.ok === true && un.json.delivery.status === 202, un.json);
	const bst2 = await call(B, "GET", "/_control/state");
	check("bob no longer lists alice", bst2.json.followers.bob[`${A}/users/alice`] == null, bst2.json);

	const rs = await call(A, "POST", "/_control/reset", {});
	const after = await call(A, "GET", "/_control/inbox");
	check("reset clears the records", rs.json?.ok === true && after.json.length === 0, after.json);

	code = failed === 0 ? 0 : 1;
} catch (e) {
	console.log(`not ok - ${e.stack ?? e}`);
	failed++;
} finally {
	for (const c of children) {
		c.removeAllListeners("exit");
		c.kill("SIGTERM");
	}
	if (failed > 0) {
		for (const u of ["alice", "bob"]) {
			const p = path.join(tmp, `${u}.log`);
			if (fs.existsSync(p)) console.log(`--- ${u}.log\n` + fs.readFileSync(p, "utf8").split("\n").slice(-40).join("\n"));
		}
	} else fs.rmSync(tmp, { recursive: true, force: true });
	console.log(`${passed} passed, ${failed} failed`);
	process.exit(code);
}
