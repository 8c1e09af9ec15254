/* Loads a fixture document (SPEC §6.4) in one transaction: every object is applied in
 * document order by the same rules as a POST. Also restores the configured VMS servers. */
#include "api/fixtures.h"

#include <jansson.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "conf.h"
#include "err.h"
#include "util/arena.h"

#define V(name) model_field(&res_vmsserver, name)

/* Host name, and the part before the first '.'. */
static void host_names(char *full, size_t n, char *shortname, size_t sn)
{
	if (gethostname(full, n) != 0 || !*full)
		snprintf(full, n, "localhost");
	full[n - 1] = 0;
	snprintf(shortname, sn, "%.*s", (int)strcspn(full, "."), full);
}

/* The VMS servers from the vms.N.* settings (SPEC §5.2); a server without a configured id
 * keeps the one generated for it when the database was new. */
static int vms_from_conf(struct domain_ctx *d, struct input *out, int *n)
{
	const struct conf *conf = d->app->conf;
	const struct store_handle *st = &d->app->store;
	char full[256], shortname[256];
	host_names(full, sizeof(full), shortname, sizeof(shortname));
	*n = 0;
	for (int k = 1; k <= 2; k++) {
		char key[64];
#define SETTING(s) (snprintf(key, sizeof(key), "vms.%d." s, k), conf_str(conf, key))
		const char *name = SETTING("server_name");
		if (k == 2 && !*name)
			break;
		struct input *in = &out[(*n)++];
		memset(in, 0, sizeof(*in));
		in->v[V("ServerName")] = *name ? name : arena_strdup(d->a, shortname);
		const char *host = SETTING("host_name");
		in->v[V("HostName")] = *host ? host : arena_strdup(d->a, full);
		in->v[V("IpAddress")] = *SETTING("ip_address") ? SETTING("ip_address") : "127.0.0.1";
		if (*SETTING("ip_address_v6"))
			in->v[V("IpAddressV6")] = SETTING("ip_address_v6");
		const char *id = SETTING("object_id");
#undef SETTING
		if (!*id) {
			char meta[80], saved[80];
			snprintf(meta, sizeof(meta), "vms.%d.object_id", k);
			int rc = store_meta_get(st, meta, saved, sizeof(saved));
			if (rc == ERR_NOT_FOUND) {
				id = api_guid(d->a);
				rc = store_meta_set(st, meta, id);
			} else if (!rc) {
				id = arena_strdup(d->a, saved);
			}
			if (rc)
				return rc;
		}
		in->v[V("ObjectId")] = id;
	}
	return 0;
}

static int vms_insert(struct domain_ctx *d, struct input *in, int n)
{
	const struct store_handle *st = &d->app->store;
	int rc = st->ops->del_all(st->s, &res_vmsserver);
	for (int i = 0; !rc && i < n; i++) {
		in[i].v[V("ClusterMemberId")] = i ? "1" : "0";
		if (!in[i].v[V("ObjectId")])
			in[i].v[V("ObjectId")] = api_guid(d->a);
		if (i == 1 && !strcasecmp(in[0].v[V("ServerName")], in[1].v[V("ServerName")])) {
			snprintf(d->err, sizeof(d->err), "vmsservers: ServerName %s is used twice",
				 in[1].v[V("ServerName")]);
			return ERR_INVALID;
		}
		if ((rc = st->ops->insert(st->s, &res_vmsserver, &in[i])) == ERR_INVALID)
			snprintf(d->err, sizeof(d->err), "vmsservers: ObjectId %s is used twice",
				 in[i].v[V("ObjectId")]);
	}
	return rc;
}

/* A set of the ObjectIds named in the document: they must be unique across it. */
struct idset {
	const char **slot;
	size_t cap;
};

static bool idset_add(struct idset *s, const char *id)
{
	unsigned long h = 5381;
	for (const char *p = id; *p; p++)
		h = h * 33 ^ (unsigned char)*p;
	for (size_t i = h % s->cap;; i = (i + 1) % s->cap) {
		if (!s->slot[i]) {
			s->slot[i] = id;
			return true;
		}
		if (!strcmp(s->slot[i], id))
			return false;
	}
}

struct section {
	const char *key;
	const struct resource *res;
	int (*create)(struct domain_ctx *d, struct input *in, const struct body *b);
};

/* In the order they are applied, whatever their order in the document (SPEC §5.16.1). */
static const struct section sections[] = {
	{"sipsecurityprofiles", &res_sipprofile, sipprofile_create},
	{"phonesystems", &res_phonesystem, phonesystem_create},
	{"axlservers", &res_axlserver, axlserver_create},
	{"portgroups", &res_portgroup, portgroup_create},
	{"portgroupservers", &res_pgserver, pgserver_create},
	{"portgroupcodecs", &res_pgcodec, pgcodec_create},
	{"ports", &res_port, ports_create},
};
#define NSECTIONS (sizeof(sections) / sizeof(sections[0]))

/* Parses and applies one object of a section with a scratch arena. */
static int apply(struct domain_ctx *d, const struct section *sec, size_t i, json_t *obj,
		 struct idset *ids)
{
	struct arena *a = arena_new(1 << 20);
	struct domain_ctx sub = {.app = d->app, .a = a, .fixture = true, .no_codecs = d->no_codecs};
	struct body b;
	struct input in;
	char err[400] = "";
	int rc = ERR_INTERNAL;
	if (!a)
		goto out;
	rc = ERR_INVALID;
	if (!json_is_object(obj)) {
		snprintf(err, sizeof(err), "must be an object");
		goto out;
	}
	if (body_json_fields(obj, a, &b, err, sizeof(err)) ||
	    model_parse(sec->res, &b, MODE_FIXTURE, a, &in, err, sizeof(err)))
		goto out;
	const char *id = in.v[model_field(sec->res, "ObjectId")];
	if (id && !idset_add(ids, arena_strdup(d->a, id))) {
		snprintf(err, sizeof(err), "ObjectId %s is used twice in the document", id);
		goto out;
	}
	rc = sec->create(&sub, &in, &b);
	snprintf(err, sizeof(err), "%s", sub.err);
out:
	if (rc)
		snprintf(d->err, sizeof(d->err), "%s[%zu]: %s", sec->key, i, err);
	arena_free(a);
	return rc;
}

struct load_arg {
	json_t *root;
	struct fixture_counts *c;
};

static int load_tx(struct domain_ctx *d, void *arg)
{
	struct load_arg *la = arg;
	const struct store_handle *st = &d->app->store;
	size_t total = 0;
	int rc = st->ops->del_all(st->s, &res_phonesystem);
	if (rc)
		return rc;
	/* VMS servers: the document's, or the configured ones. */
	struct input vms[2];
	int nvms = 0;
	json_t *jv = la->root ? json_object_get(la->root, "vmsservers") : NULL;
	if (jv) {
		if (!json_is_array(jv) || json_array_size(jv) < 1 || json_array_size(jv) > 2) {
			snprintf(d->err, sizeof(d->err), "vmsservers: must be a list of 1 or 2");
			return ERR_INVALID;
		}
		for (size_t i = 0; i < json_array_size(jv); i++) {
			struct body b;
			json_t *o = json_array_get(jv, i);
			if (!json_is_object(o) ||
			    body_json_fields(o, d->a, &b, d->err, sizeof(d->err)) ||
			    model_parse(&res_vmsserver, &b, MODE_FIXTURE, d->a, &vms[nvms], d->err,
					sizeof(d->err)) ||
			    model_required(&res_vmsserver, &vms[nvms], d->err, sizeof(d->err))) {
				if (!*d->err)
					snprintf(d->err, sizeof(d->err), "must be an object");
				char tmp[sizeof(d->err)];
				snprintf(tmp, sizeof(tmp), "vmsservers[%zu]: %s", i, d->err);
				memcpy(d->err, tmp, sizeof(tmp));
				return ERR_INVALID;
			}
			struct input *in = &vms[nvms++];
			if (!in->v[V("IpAddress")])
				in->v[V("IpAddress")] = "127.0.0.1";
			if (!in->v[V("HostName")])
				in->v[V("HostName")] = in->v[V("ServerName")];
		}
	} else if ((rc = vms_from_conf(d, vms, &nvms))) {
		return rc;
	}
	if ((rc = vms_insert(d, vms, nvms)))
		return rc;
	/* Without their keys: the built-in profiles, and the default codecs of every group. */
	if (!la->root || !json_object_get(la->root, "sipsecurityprofiles")) {
		if ((rc = sipprofile_builtin(d)))
			return rc;
	} else if ((rc = d->app->store.ops->del_all(d->app->store.s, &res_sipprofile))) {
		return rc;
	}
	d->no_codecs = la->root && json_object_get(la->root, "portgroupcodecs");
	for (size_t s = 0; s < NSECTIONS; s++) {
		json_t *arr = la->root ? json_object_get(la->root, sections[s].key) : NULL;
		if (arr && !json_is_array(arr)) {
			snprintf(d->err, sizeof(d->err), "%s: must be a list", sections[s].key);
			return ERR_INVALID;
		}
		total += arr ? json_array_size(arr) : 0;
	}
	struct idset ids = {.cap = 2 * (total + nvms) + 8};
	ids.slot = arena_alloc(d->a, ids.cap * sizeof(*ids.slot));
	if (!ids.slot)
		return ERR_INTERNAL;
	memset(ids.slot, 0, ids.cap * sizeof(*ids.slot));
	for (int i = 0; i < nvms; i++)
		idset_add(&ids, vms[i].v[V("ObjectId")]);
	for (size_t s = 0; s < NSECTIONS; s++) {
		json_t *arr = la->root ? json_object_get(la->root, sections[s].key) : NULL;
		for (size_t i = 0; arr && i < json_array_size(arr); i++)
			if ((rc = apply(d, &sections[s], i, json_array_get(arr, i), &ids)))
				return rc;
	}
	la->c->vmsservers = nvms;
	const struct resource *count[] = {&res_phonesystem, &res_portgroup, &res_port};
	long *out[] = {&la->c->phonesystems, &la->c->portgroups, &la->c->ports};
	for (int i = 0; !rc && i < 3; i++)
		rc = store_count(&d->app->store, count[i], -1, Q_IS, NULL, d->a, out[i]);
	return rc;
}

int fixture_load(struct domain_ctx *d, const char *doc, size_t len, struct fixture_counts *c)
{
	struct load_arg la = {.c = c};
	if (doc && body_json_load(doc, len, &la.root, d->err, sizeof(d->err)))
		return ERR_INVALID;
	if (la.root && !json_is_object(la.root)) {
		snprintf(d->err, sizeof(d->err), "a fixture document must be a JSON object");
		json_decref(la.root);
		return ERR_INVALID;
	}
	int rc = domain_tx(d->app, load_tx, d, &la);
	json_decref(la.root);
	return rc;
}
