/*
 * nodeinfo.c: NodeInfo (nodeinfo.diaspora.software) on the internal
 * listener, which apps read to learn which server they talk to: the
 * discovery document at /.well-known/nodeinfo and the 2.0 and 2.1
 * documents it links. The software is "hearth" at its version; the counts
 * are the whole company's, as /api/v2/instance reports them. The bridge
 * module serves its own NodeInfo on its public listener, with the same
 * software and shape but counting only what is visible outside
 * (docs/bridge.md): the two listeners answer different audiences.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <event2/buffer.h>

#include "handlers.h"

#define NODEINFO_NS "http://nodeinfo.diaspora.software/ns/schema/"
#define NODEINFO_SOFTWARE "hearth"

/* GET /.well-known/nodeinfo: the documents hearth serves, newest last. */
enum handled
api_nodeinfo_links(struct req *r)
{
	const char	*base = req_config(r)->base_url;

	req_json(r, 200, json_pack("{s:[{s:s, s:s+}, {s:s, s:s+}]}", "links",
	    "rel", NODEINFO_NS "2.0", "href", base, "/nodeinfo/2.0",
	    "rel", NODEINFO_NS "2.1", "href", base, "/nodeinfo/2.1"));
	return HANDLED;
}

/* One NodeInfo document, version "2.0" or "2.1" (2.1's optional
 * software.repository and homepage: hearth has no public ones). Its protocols: ActivityPub while the bridge is loaded, else
 * none (the schema asks for at least one, but claiming a protocol nobody
 * can reach here would mislead the apps that read it). */
static enum handled
nodeinfo_answer(struct req *r, const char *version)
{
	struct instance_stats	 s;
	struct evbuffer		*b;
	json_t			*doc, *protocols = json_array();

	if (instance_stats(req_db(r), time(NULL), &s) != 0) {
		json_decref(protocols);
		req_error(r, 500, "Internal error");
		return HANDLED;
	}
	if (req_module_loaded("bridge"))
		json_array_append_new(protocols, json_string("activitypub"));
	doc = json_pack("{s:s, s:{s:s, s:s}, s:o, s:{s:[], s:[]}, s:b, "
	    "s:{s:{s:I, s:I, s:I}, s:I}, s:{s:s}}",
	    "version", version,
	    "software", "name", NODEINFO_SOFTWARE, "version", PACKAGE_VERSION,
	    "protocols", protocols,
	    "services", "inbound", "outbound",
	    "openRegistrations", 0,
	    "usage", "users", "total", (json_int_t)s.users,
	    "activeMonth", (json_int_t)s.active_month,
	    "activeHalfyear", (json_int_t)s.active_halfyear,
	    "localPosts", (json_int_t)s.posts,
	    "metadata", "nodeName", req_config(r)->instance_title != NULL &&
	    *req_config(r)->instance_title != '\0' ?
	    req_config(r)->instance_title : HEARTH_NAME);
	b = evbuffer_new();
	jsonw_value(b, doc);
	json_decref(doc);
	req_reply(r, 200, strcmp(version, "2.1") == 0 ?
	    "application/json; profile=\"" NODEINFO_NS "2.1#\"" :
	    "application/json; profile=\"" NODEINFO_NS "2.0#\"", b);
	evbuffer_free(b);
	return HANDLED;
}

/* GET /nodeinfo/2.0 */
enum handled
api_nodeinfo_20(struct req *r)
{
	return nodeinfo_answer(r, "2.0");
}

/* GET /nodeinfo/2.1 */
enum handled
api_nodeinfo_21(struct req *r)
{
	return nodeinfo_answer(r, "2.1");
}
