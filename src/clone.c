/* cupid clone (clone.h): pages through a CUPI server's /vmrest/vmsservers, sipsecurityprofiles,
 * phonesystems (and their axlservers), portgroups (and their portgroupservers and
 * portgroupcodecs) and ports with libcurl's multi interface (a few requests at once, 503 retried
 * with exponential backoff) and keeps the fields a fixture document needs (SPEC §6.4, §5.16). */
#include "clone.h"

#include <curl/curl.h>
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>
#include <time.h>

#include "api/domain.h"
#include "api/fixtures.h"
#include "cli.h"
#include "err.h"
#include "model/model.h"
#include "util/arena.h"
#include "util/buf.h"
#include "version.h"

#define MAX_PAGE	 2000 /* the largest page CUPI serves (SPEC §3.4) */
#define DEFAULT_PARALLEL 4
#define MAX_PARALLEL	 8
#define MAX_ATTEMPTS	 12 /* per request; only 503 answers are retried */
#define BACKOFF_FIRST_MS 100
#define BACKOFF_MAX_MS	 5000
#define MAX_BODY	 (512L << 20)

/* ---- options ---- */

static const struct {
	const char *name;
	bool value;
} options[] = {{"from", true},	    {"user", true},	{"out", true},	     {"cacert", true},
	       {"page-size", true}, {"parallel", true}, {"insecure", false}, {"load", false}};

static int number(const char *v, long lo, long hi, long *out)
{
	char *end;
	errno = 0;
	long n = strtol(v, &end, 10);
	if (!*v || *end || errno || n < lo || n > hi)
		return -1;
	*out = n;
	return 0;
}

int clone_arg(struct clone_opts *o, int argc, char **argv, int i, char *err, size_t errlen)
{
	const char *a = argv[i];
	if (strncmp(a, "--", 2))
		return 0;
	a += 2;
	for (size_t k = 0; k < sizeof(options) / sizeof(options[0]); k++) {
		const char *name = options[k].name;
		size_t n = strlen(name);
		if (strncmp(a, name, n) || (a[n] && a[n] != '='))
			continue;
		const char *v = NULL;
		int used = 1;
		if (!options[k].value) {
			if (a[n]) {
				snprintf(err, errlen, "clone: --%s takes no value", name);
				return -1;
			}
		} else if (a[n] == '=') {
			v = a + n + 1;
		} else if (i + 1 < argc) {
			v = argv[i + 1];
			used = 2;
		} else {
			snprintf(err, errlen, "clone: --%s needs a value", name);
			return -1;
		}
		if (!o)
			return used;
		if (!strcmp(name, "from"))
			o->from = v;
		else if (!strcmp(name, "user"))
			o->user = v;
		else if (!strcmp(name, "out"))
			o->out = v;
		else if (!strcmp(name, "cacert"))
			o->cacert = v;
		else if (!strcmp(name, "insecure"))
			o->insecure = true;
		else if (!strcmp(name, "load"))
			o->load = true;
		else if (!strcmp(name, "page-size") ? number(v, 1, MAX_PAGE, &o->page_size)
						    : number(v, 1, MAX_PARALLEL, &o->parallel)) {
			snprintf(err, errlen, "clone: --%s must be a number from 1 to %d", name,
				 !strcmp(name, "page-size") ? MAX_PAGE : MAX_PARALLEL);
			return -1;
		}
		return used;
	}
	return 0;
}

/* ---- requests ---- */

enum state { WAITING, RUNNING, DONE };

/* One GET: the count (page 0) or one page; retried while the server answers 503. */
struct get {
	char *path;    /* the collection, owned */
	size_t parent; /* a sub-collection's: the index of its parent object */
	long page;
	bool optional; /* a 404 means the source has no such collection: missing */
	bool missing;
	int attempts;
	double not_before; /* monotonic seconds */
	enum state state;
	CURL *h;
	struct buf body;
	json_t *doc;
	char errbuf[CURL_ERROR_SIZE];
};

struct clone {
	const struct clone_opts *o;
	char base[1024]; /* --from without its trailing slashes */
	char password[256];
	CURLM *multi;
	struct curl_slist *headers;
	long rows;
	long parallel; /* lowered by one on every 503, never below 1 */
	long requests; /* sent, retries included */
	long retries;  /* 503 answers */
	unsigned long rnd;
};

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static size_t on_data(char *p, size_t size, size_t n, void *ud)
{
	struct buf *b = ud;
	if (b->len + size * n > (size_t)MAX_BODY)
		return 0;
	buf_put(b, p, size * n);
	return b->oom ? 0 : size * n;
}

static int start(struct clone *c, struct get *g)
{
	char url[1400];
	if (g->page)
		snprintf(url, sizeof(url), "%s%s?rowsPerPage=%ld&pageNumber=%ld", c->base, g->path,
			 c->rows, g->page);
	else
		snprintf(url, sizeof(url), "%s%s?pageNumber=0", c->base, g->path);
	g->body.len = 0;
	g->errbuf[0] = 0;
	CURL *h = curl_easy_init();
	if (!h)
		return -1;
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, c->headers);
	curl_easy_setopt(h, CURLOPT_HTTPAUTH, (long)CURLAUTH_BASIC);
	curl_easy_setopt(h, CURLOPT_USERNAME, c->o->user);
	curl_easy_setopt(h, CURLOPT_PASSWORD, c->password);
	curl_easy_setopt(h, CURLOPT_USERAGENT, "cupid-clone/" CUPID_VERSION);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_data);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, &g->body);
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, g->errbuf);
	curl_easy_setopt(h, CURLOPT_PRIVATE, g);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, 30L);
	/* A large page may take a while; a stalled one may not. */
	curl_easy_setopt(h, CURLOPT_LOW_SPEED_LIMIT, 1L);
	curl_easy_setopt(h, CURLOPT_LOW_SPEED_TIME, 120L);
	if (c->o->insecure) {
		curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 0L);
		curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 0L);
	}
	if (c->o->cacert)
		curl_easy_setopt(h, CURLOPT_CAINFO, c->o->cacert);
	if (curl_multi_add_handle(c->multi, h) != CURLM_OK) {
		curl_easy_cleanup(h);
		return -1;
	}
	g->h = h;
	g->state = RUNNING;
	c->requests++;
	return 0;
}

/* "CODE: message" of an ErrorDetails body (one error, or the first of a list), or "". */
static void error_text(const struct buf *b, char *out, size_t n)
{
	json_t *j = b->len ? json_loadb(b->data, b->len, 0, NULL) : NULL;
	json_t *e = json_object_get(j, "errors");
	if (json_is_array(e))
		e = json_array_get(e, 0);
	const char *code = json_string_value(json_object_get(e, "code"));
	const char *msg = json_string_value(json_object_get(e, "message"));
	snprintf(out, n, "%s%s%s", code ? code : "", code && msg ? ": " : "", msg ? msg : "");
	json_decref(j);
}

/* Judges a finished GET: 0 done (g->doc set), 1 to be retried, -1 failed (message printed). */
static int finish(struct clone *c, struct get *g, CURLcode res)
{
	const char *path = g->path;
	long status = 0;
	char detail[600] = "";
	curl_easy_getinfo(g->h, CURLINFO_RESPONSE_CODE, &status);
	if (res != CURLE_OK) {
		fprintf(stderr, "cupid: clone: GET %s%s: %s%s\n", c->base, path,
			*g->errbuf ? g->errbuf : curl_easy_strerror(res),
			res == CURLE_PEER_FAILED_VERIFICATION
			    ? " (name the certificate to trust with --cacert FILE, or skip the "
			      "check with --insecure)"
			    : "");
		return -1;
	}
	if (status == 503) {
		c->retries++;
		if (++g->attempts >= MAX_ATTEMPTS) {
			fprintf(stderr,
				"cupid: clone: GET %s%s: the server was still busy (503) after %d "
				"attempts\n",
				c->base, path, MAX_ATTEMPTS);
			return -1;
		}
		/* Exponential backoff with jitter, and one request fewer at once from now on. */
		long ms = BACKOFF_FIRST_MS << (g->attempts - 1 < 10 ? g->attempts - 1 : 10);
		if (ms > BACKOFF_MAX_MS)
			ms = BACKOFF_MAX_MS;
		c->rnd = c->rnd * 6364136223846793005UL + 1442695040888963407UL;
		ms = ms / 2 + (long)((c->rnd >> 33) % (unsigned long)(ms / 2 + 1));
		g->not_before = now_s() + (double)ms / 1000.0;
		if (c->parallel > 1)
			c->parallel--;
		return 1;
	}
	error_text(&g->body, detail, sizeof(detail));
	if (status == 401) {
		fprintf(stderr, "cupid: clone: %s refused the credentials of user %s (401%s%s)\n",
			c->base, c->o->user, *detail ? " " : "", detail);
		return -1;
	}
	if (status == 404 && g->optional) {
		g->missing = true;
		return 0;
	}
	if (status != 200) {
		fprintf(stderr, "cupid: clone: GET %s%s answered %ld%s%s\n", c->base, path, status,
			*detail ? " " : "", detail);
		return -1;
	}
	json_error_t je;
	g->doc = json_loadb(g->body.data ? g->body.data : "", g->body.len, 0, &je);
	if (!json_is_object(g->doc)) {
		fprintf(stderr, "cupid: clone: GET %s%s: the answer is not a JSON object (%s)\n",
			c->base, path, g->doc ? "another JSON value" : je.text);
		return -1;
	}
	return 0;
}

/* The elements of a listing: none when the key is missing, one as an object, more as an
 * array (SPEC §2.4). Returns the count, or -1 when the shape is wrong. */
static long elements(json_t *doc, const char *elem, json_t **one)
{
	json_t *v = json_object_get(doc, elem);
	*one = NULL;
	if (!v)
		return 0;
	if (json_is_object(v)) {
		*one = v;
		return 1;
	}
	if (!json_is_array(v))
		return -1;
	for (size_t i = 0; i < json_array_size(v); i++)
		if (!json_is_object(json_array_get(v, i)))
			return -1;
	return (long)json_array_size(v);
}

/* "@total" as a string (CUPI) or a number; -1 when missing or malformed. */
static long total_of(json_t *doc)
{
	json_t *t = json_object_get(doc, "@total");
	long n;
	if (json_is_integer(t))
		return json_integer_value(t) >= 0 ? (long)json_integer_value(t) : -1;
	if (json_is_string(t) && !number(json_string_value(t), 0, 2147483647L, &n))
		return n;
	return -1;
}

/* Runs every GET of gets[0..n), at most c->parallel at once, retrying 503s; prints progress
 * ("label got of total") as the pages (lists of elem) arrive, when quiet at most once a second.
 * Returns 0, or -1 (message printed). */
static int run(struct clone *c, const char *label, const char *elem, struct get *gets, size_t n,
	       long total, bool quiet)
{
	size_t done = 0;
	long running = 0, got = 0;
	double shown = 0;
	int rc = 0;
	while (!rc && done < n) {
		double t = now_s(), wait = 1.0;
		for (size_t i = 0; i < n && !rc; i++) {
			struct get *g = &gets[i];
			if (g->state != WAITING)
				continue;
			if (g->not_before > t) {
				wait = g->not_before - t < wait ? g->not_before - t : wait;
				continue;
			}
			if (running >= c->parallel)
				continue;
			if (start(c, g)) {
				fprintf(stderr, "cupid: clone: cannot start a request\n");
				rc = -1;
			} else {
				running++;
			}
		}
		int still;
		curl_multi_perform(c->multi, &still);
		CURLMsg *m;
		int left;
		bool finished = false;
		while ((m = curl_multi_info_read(c->multi, &left))) {
			if (m->msg != CURLMSG_DONE)
				continue;
			finished = true;
			char *priv = NULL;
			curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE, &priv);
			struct get *g = (struct get *)priv;
			int f = rc ? -1 : finish(c, g, m->data.result);
			curl_multi_remove_handle(c->multi, g->h);
			curl_easy_cleanup(g->h);
			g->h = NULL;
			running--;
			if (f < 0) {
				rc = -1;
				g->state = DONE;
			} else if (f > 0) {
				g->state = WAITING;
			} else {
				g->state = DONE;
				done++;
				json_t *one;
				long k = elements(g->doc, elem, &one);
				if (g->page && k > 0) {
					got += k;
					if (!quiet || got == total || now_s() - shown >= 1.0) {
						shown = now_s();
						fprintf(stderr, "cupid: clone: %s %ld of %ld\n",
							label, got, total);
					}
				}
			}
		}
		/* A finished request frees a slot: start the next one before waiting. */
		if (!rc && done < n && !finished)
			curl_multi_poll(c->multi, NULL, 0, (int)(wait * 1000) + 1, NULL);
	}
	for (size_t i = 0; i < n; i++)
		if (gets[i].h) {
			curl_multi_remove_handle(c->multi, gets[i].h);
			curl_easy_cleanup(gets[i].h);
			gets[i].h = NULL;
		}
	return rc;
}

static void gets_free(struct get *g, size_t n)
{
	for (size_t i = 0; g && i < n; i++) {
		free(g[i].path);
		buf_free(&g[i].body);
		json_decref(g[i].doc);
	}
	free(g);
}

/* r's collection (below parent, whose ObjectId is percent-encoded, when r is a
 * sub-collection), or NULL when out of memory. The caller frees it. */
static char *path_of(const struct resource *r, json_t *parent)
{
	const char *at = r->parent ? strstr(r->path, "{id}") : NULL;
	const char *id = json_string_value(json_object_get(parent, "ObjectId"));
	struct buf b = {0};
	if (!at)
		return strdup(r->path);
	if (!id)
		return NULL;
	buf_printf(&b, "%.*s", (int)(at - r->path), r->path);
	for (const unsigned char *p = (const unsigned char *)id; *p; p++)
		if ((*p >= '0' && *p <= '9') || ((*p | 32) >= 'a' && (*p | 32) <= 'z') ||
		    strchr("-._~", *p))
			buf_putc(&b, (char)*p);
		else
			buf_printf(&b, "%%%02X", *p);
	buf_puts(&b, at + 4);
	if (b.oom)
		buf_free(&b);
	return b.data;
}

/* Reads every object of r, below each of parents when r is a sub-collection: all the counts
 * first, then all the pages. *items gets them in the server's order, each with its parent's
 * ObjectId in r->parent (the path decides, SPEC §5.7.1). A 404 of a sub-collection counts as
 * empty; when every parent's answered 404, or /vmrest/sipsecurityprofiles did, the source has
 * no such collection and *items is NULL. Returns 0 or -1 (message printed). */
static int fetch(struct clone *c, const struct resource *r, json_t *parents, json_t **items)
{
	const char *label = strrchr(r->path, '/') + 1;
	size_t np = r->parent ? json_array_size(parents) : 1, npages = 0, nmissing = 0;
	struct get *counts = calloc(np + 1, sizeof(*counts)), *pages = NULL;
	long *totals = calloc(np + 1, sizeof(*totals)), sum = 0;
	json_t *seen = json_object();
	int rc = -1;
	*items = json_array();
	if (!counts || !totals || !seen || !*items)
		goto out;
	for (size_t i = 0; i < np; i++) {
		counts[i].optional = r->parent || r == &res_sipprofile;
		if (!(counts[i].path = path_of(r, json_array_get(parents, i))))
			goto out;
	}
	if (run(c, label, r->elem, counts, np, 0, false))
		goto out;
	for (size_t i = 0; i < np; i++) {
		if (counts[i].missing) {
			nmissing++;
			continue;
		}
		if ((totals[i] = total_of(counts[i].doc)) < 0) {
			fprintf(stderr, "cupid: clone: GET %s%s?pageNumber=0 has no @total\n",
				c->base, counts[i].path);
			goto out;
		}
		sum += totals[i];
		npages += (size_t)((totals[i] + c->rows - 1) / c->rows);
	}
	if (np && nmissing == np) {
		json_decref(*items);
		*items = NULL;
		rc = 0;
		goto out;
	}
	if (!(pages = calloc(npages + 1, sizeof(*pages))))
		goto out;
	for (size_t i = 0, k = 0; i < np; i++)
		for (long p = 1; (p - 1) * c->rows < totals[i]; p++, k++) {
			pages[k].parent = i;
			pages[k].page = p;
			if (!(pages[k].path = strdup(counts[i].path)))
				goto out;
		}
	if (run(c, label, r->elem, pages, npages, sum, r->parent != NULL))
		goto out;
	for (size_t i = 0; i < npages; i++) {
		struct get *g = &pages[i];
		json_t *one, *list = json_object_get(g->doc, r->elem);
		json_t *pid = json_object_get(json_array_get(parents, g->parent), "ObjectId");
		long k = elements(g->doc, r->elem, &one), t = total_of(g->doc);
		long want = totals[g->parent] - (g->page - 1) * c->rows;
		if (k < 0) {
			fprintf(stderr,
				"cupid: clone: page %ld of %s: \"%s\" is neither an object nor "
				"a list of objects\n",
				g->page, g->path, r->elem);
			goto out;
		}
		if (t != totals[g->parent] || k != (want < c->rows ? want : c->rows)) {
			fprintf(stderr,
				"cupid: clone: %s changed while it was read (%ld objects counted, "
				"then %ld, and %ld on page %ld); run the clone again\n",
				g->path, totals[g->parent], t, k, g->page);
			goto out;
		}
		for (long j = 0; j < k; j++) {
			json_t *e = one ? one : json_array_get(list, (size_t)j);
			const char *id = json_string_value(json_object_get(e, "ObjectId"));
			if (!id || json_object_get(seen, id)) {
				fprintf(stderr,
					"cupid: clone: %s: an object %s; run the clone again\n",
					g->path, id ? "came twice" : "has no ObjectId");
				goto out;
			}
			json_object_set_new(seen, id, json_true());
			if (r->parent)
				json_object_set(e, r->parent, pid);
			json_array_append(*items, e);
		}
	}
	rc = 0;
out:
	gets_free(counts, np);
	gets_free(pages, npages);
	free(totals);
	json_decref(seen);
	return rc;
}

/* ---- the fixture document ---- */

/* A scalar as text: CUPI writes strings, but numbers and booleans are taken too. */
static const char *text_of(json_t *v, char *num, size_t n)
{
	if (json_is_string(v))
		return json_string_value(v);
	if (json_is_integer(v)) {
		snprintf(num, n, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
		return num;
	}
	if (json_is_boolean(v))
		return json_is_true(v) ? "true" : "false";
	return NULL;
}

/* What a fixture keeps of an object of r, derived from r's field table: every field stored in
 * cupid's own table and shown by the API (ObjectIds, parents' ids, names, numbers,
 * capabilities, every W field), except a VMS server's ClusterMemberId (its place in the list).
 * CcmAXLPassword is not stored, and no CUPI server shows it: it is never copied. */
static json_t *fixture_obj(const struct resource *r, json_t *e)
{
	char num[32], tnum[32];
	json_t *o = json_object();
	const char *type =
	    text_of(json_object_get(e, "TelephonyIntegrationMethodEnum"), tnum, sizeof(tnum));
	for (size_t i = 0; o && i < r->nfields; i++) {
		const struct field *f = &r->fields[i];
		if (!f->stored || f->acc == A_IN || (f->flags & F_NOOUT) ||
		    !strcmp(f->name, "ClusterMemberId") || !strcmp(f->name, "CcmAXLPassword"))
			continue;
		const char *s = text_of(json_object_get(e, f->name), num, sizeof(num));
		/* An empty value only where cupid accepts one (MwiOnCode, SkinnyDevicePrefix). */
		if (!s || (!*s && !(f->type == T_STR && f->min == 0)))
			continue;
		/* A PIMG/TIMG port runs on no VMS server. */
		if (r == &res_port && type && !strcmp(type, "3") &&
		    !strcmp(f->name, "VmsServerObjectId"))
			continue;
		/* With the type known, the target picks its own template for it: template ids
		 * are each server's own. */
		if (r == &res_portgroup && type &&
		    !strcmp(f->name, "MediaPortGroupTemplateObjectId"))
			continue;
		json_object_set_new(o, f->name, json_string(s));
	}
	return o;
}

/* In the order of SPEC §5.16.1, which puts every parent before its children. absent says
 * what a copy gets when the source has no such collection (the key is then left out). */
enum { S_VMS, S_PROFILES, S_PS, S_AXL, S_PG, S_PGSERVERS, S_PGCODECS, S_PORTS, NSECTIONS };
static const struct {
	const char *key;
	const struct resource *r;
	const char *what, *absent;
} sections[NSECTIONS] = {
    {"vmsservers", &res_vmsserver, "VMS servers", NULL},
    {"sipsecurityprofiles", &res_sipprofile, "SIP security profiles", "cupid's built-in ones"},
    {"phonesystems", &res_phonesystem, "phone systems", NULL},
    {"axlservers", &res_axlserver, "AXL servers", "none"},
    {"portgroups", &res_portgroup, "port groups", NULL},
    {"portgroupservers", &res_pgserver, "port group servers", "none"},
    {"portgroupcodecs", &res_pgcodec, "port group codecs", "the default codecs"},
    {"ports", &res_port, "ports", NULL},
};

/* The codec definitions of every cupid (SPEC §5.10). */
static const char *const codec_defs[][2] = {
    {"0a588d98-bcd0-43f7-beed-4066b1b8bd89", "G.711 mu-law"},
    {"568914d1-6ac1-42f9-94fb-8d6beddef6cb", "G.711 a-law"},
    {"40ee229d-e585-4b01-87af-e01283c34dd4", "G.722"},
    {"07f16d07-3057-47e8-9029-9abee97dfffe", "G.729"},
    {"0f437ce5-81b5-458c-a92f-cff6dbd90163", "iLBC"},
};
#define NDEFS (sizeof(codec_defs) / sizeof(codec_defs[0]))

static bool alnum(char ch)
{
	return (ch >= '0' && ch <= '9') || ((ch | 32) >= 'a' && (ch | 32) <= 'z');
}

/* Equal with every character but ASCII letters and digits dropped, case-insensitively. */
static bool same_name(const char *a, const char *b)
{
	for (;; a++, b++) {
		while (*a && !alnum(*a))
			a++;
		while (*b && !alnum(*b))
			b++;
		if (!*a || !*b)
			return !*a && !*b;
		if ((*a | (*a > '9' ? 32 : 0)) != (*b | (*b > '9' ? 32 : 0)))
			return false;
	}
}

/* Points each codec at the local definition it names, by id or else by name (SPEC §5.16.3),
 * and leaves out those that match none, or one their group already advertises. Returns how
 * many were left out. */
static long match_codecs(json_t *codecs)
{
	json_t *have = json_object();
	long left_out = 0;
	for (size_t i = 0; i < json_array_size(codecs);) {
		json_t *e = json_array_get(codecs, i);
		const char *id = json_string_value(json_object_get(e, "RtpCodecDefObjectId"));
		const char *name = json_string_value(json_object_get(e, "RtpCodecDefDisplayName"));
		const char *group = json_string_value(json_object_get(e, "MediaPortGroupObjectId"));
		const char *def = NULL;
		for (size_t d = 0; id && !def && d < NDEFS; d++)
			if (!strcasecmp(id, codec_defs[d][0]))
				def = codec_defs[d][0];
		for (size_t d = 0; name && !def && d < NDEFS; d++)
			if (same_name(name, codec_defs[d][1]))
				def = codec_defs[d][0];
		char key[300];
		snprintf(key, sizeof(key), "%s %.200s", def ? def : "", group ? group : "");
		if (!def || json_object_get(have, key)) {
			json_array_remove(codecs, i);
			left_out++;
			continue;
		}
		json_object_set_new(have, key, json_true());
		json_object_set_new(e, "RtpCodecDefObjectId", json_string(def));
		i++;
	}
	json_decref(have);
	return left_out;
}

/* Leaves out the servers whose service their group's type does not accept here (SPEC §5.8.2;
 * by TelephonyIntegrationMethodEnum: SCCP, SIP, PIMG/TIMG). Returns how many. */
static long match_servers(json_t *servers, json_t *groups)
{
	json_t *types = json_object();
	long left_out = 0;
	for (size_t i = 0; i < json_array_size(groups); i++) {
		json_t *g = json_array_get(groups, i);
		json_object_set(types, json_string_value(json_object_get(g, "ObjectId")),
				json_object_get(g, "TelephonyIntegrationMethodEnum"));
	}
	for (size_t i = 0; i < json_array_size(servers);) {
		json_t *e = json_array_get(servers, i);
		const char *group = json_string_value(json_object_get(e, "MediaPortGroupObjectId"));
		char tnum[32], snum[32];
		const char *type =
		    text_of(json_object_get(types, group ? group : ""), tnum, sizeof(tnum));
		const char *svc =
		    text_of(json_object_get(e, "MediaRemoteServiceEnum"), snum, sizeof(snum));
		long t, n;
		/* Without a known type or service, the target's own checks decide. */
		if (type && svc && !number(type, 1, 3, &t) &&
		    (number(svc, 0, 999, &n) || !pgserver_accepts(t, n))) {
			json_array_remove(servers, i);
			left_out++;
			continue;
		}
		i++;
	}
	json_decref(types);
	return left_out;
}

/* Writes the document, one object a line; VMS servers in ClusterMemberId order (their place
 * in the list gives it back), and none at all when the source listed none. */
static void document(json_t *items[NSECTIONS], struct buf *b)
{
	json_t *v = items[S_VMS];
	if (json_array_size(v) == 2) {
		const char *m0 =
		    json_string_value(json_object_get(json_array_get(v, 0), "ClusterMemberId"));
		if (m0 && !strcmp(m0, "1")) {
			json_t *first = json_incref(json_array_get(v, 0));
			json_array_remove(v, 0);
			json_array_append_new(v, first);
		}
	}
	int n = 0;
	buf_putc(b, '{');
	for (size_t s = 0; s < NSECTIONS; s++) {
		if (!items[s] || (s == S_VMS && !json_array_size(v)))
			continue;
		buf_printf(b, "%s\"%s\":[", n++ ? ",\n" : "", sections[s].key);
		for (size_t i = 0; i < json_array_size(items[s]); i++) {
			json_t *o = fixture_obj(sections[s].r, json_array_get(items[s], i));
			char *t = o ? json_dumps(o, JSON_COMPACT) : NULL;
			if (!t) {
				b->oom = 1;
			} else {
				buf_printf(b, "%s\n  %s", i ? "," : "", t);
			}
			free(t);
			json_decref(o);
		}
		buf_putc(b, ']');
	}
	buf_puts(b, "}\n");
}

static int write_out(const char *path, const struct buf *b)
{
	FILE *f = path ? fopen(path, "w") : stdout;
	if (!f) {
		fprintf(stderr, "cupid: clone: cannot write %s: %s\n", path, strerror(errno));
		return -1;
	}
	int bad = fwrite(b->data, 1, b->len, f) != b->len || fflush(f);
	if (path && fclose(f))
		bad = 1;
	if (bad)
		fprintf(stderr, "cupid: clone: cannot write %s\n", path ? path : "the document");
	return bad ? -1 : 0;
}

static int load(struct app *app, const struct buf *b)
{
	struct arena *a = arena_new(256u << 20);
	struct domain_ctx d = {.app = app, .a = a};
	struct fixture_counts n;
	int rc = a ? fixture_load(&d, b->data, b->len, &n) : ERR_INTERNAL;
	if (rc)
		fprintf(stderr, "cupid: clone: loading into the database failed: %s\n",
			*d.err ? d.err : "out of memory");
	else
		fprintf(stderr,
			"cupid: clone: loaded %ld VMS servers, %ld phone systems, %ld port groups, "
			"%ld ports\n",
			n.vmsservers, n.phonesystems, n.portgroups, n.ports);
	arena_free(a);
	return rc ? -1 : 0;
}

int clone_run(const struct clone_opts *o, struct app *app)
{
	struct clone c = {.o = o};
	json_t *items[NSECTIONS] = {0};
	struct buf doc = {0};
	int rc = 2;
	if (!o->from || !o->user || !*o->user) {
		fprintf(stderr, "cupid: clone needs --from https://HOST:8443 and --user NAME\n");
		return 2;
	}
	if (strncmp(o->from, "https://", 8) && strncmp(o->from, "http://", 7)) {
		fprintf(stderr, "cupid: clone: --from must start with https:// (or http://)\n");
		return 2;
	}
	if (o->load && o->out) {
		fprintf(stderr, "cupid: clone: give --out FILE or --load, not both\n");
		return 2;
	}
	size_t len = strlen(o->from);
	while (len > 8 && o->from[len - 1] == '/')
		len--;
	if (len >= sizeof(c.base)) {
		fprintf(stderr, "cupid: clone: --from is too long\n");
		return 2;
	}
	memcpy(c.base, o->from, len);
	c.rows = o->page_size ? o->page_size : MAX_PAGE;
	c.parallel = o->parallel ? o->parallel : DEFAULT_PARALLEL;
	if (getrandom(&c.rnd, sizeof(c.rnd), 0) != sizeof(c.rnd))
		c.rnd = (unsigned long)time(NULL);
	char prompt[1200];
	snprintf(prompt, sizeof(prompt), "password of %s at %s: ", o->user, c.base);
	rc = 1;
	if (cli_read_password(prompt, false, c.password, sizeof(c.password)))
		return rc;
	if (curl_global_init(CURL_GLOBAL_DEFAULT) || !(c.multi = curl_multi_init()) ||
	    !(c.headers = curl_slist_append(NULL, "Accept: application/json"))) {
		fprintf(stderr, "cupid: clone: cannot start libcurl\n");
		goto out;
	}
	/* Never more than a few connections, whatever the retries do. */
	curl_multi_setopt(c.multi, CURLMOPT_MAX_HOST_CONNECTIONS, c.parallel);
	curl_multi_setopt(c.multi, CURLMOPT_MAX_TOTAL_CONNECTIONS, c.parallel);
	for (size_t s = 0; s < NSECTIONS; s++) {
		const struct resource *r = sections[s].r;
		json_t *parents = NULL;
		for (size_t p = 0; p < s; p++)
			if (sections[p].r == r->parent_res)
				parents = items[p];
		if (fetch(&c, r, parents, &items[s]))
			goto out;
		if (!items[s])
			fprintf(stderr, "cupid: clone: %s has no %s: the copy gets %s\n", c.base,
				r->path, sections[s].absent);
	}
	long codecs = match_codecs(items[S_PGCODECS]);
	long servers = match_servers(items[S_PGSERVERS], items[S_PG]);
	if (codecs)
		fprintf(stderr,
			"cupid: clone: left out %ld port group codec%s that match%s no codec "
			"definition here, or one the group already advertises\n",
			codecs, codecs == 1 ? "" : "s", codecs == 1 ? "es" : "");
	if (servers)
		fprintf(stderr,
			"cupid: clone: left out %ld port group server%s whose service the port "
			"group's type does not accept here\n",
			servers, servers == 1 ? "" : "s");
	document(items, &doc);
	if (doc.oom) {
		fprintf(stderr, "cupid: clone: out of memory\n");
		goto out;
	}
	if (app ? load(app, &doc) : write_out(o->out, &doc))
		goto out;
	fprintf(stderr, "cupid: clone: %s:", c.base);
	for (size_t s = 0; s < NSECTIONS; s++)
		fprintf(stderr, "%s %zu %s", s ? "," : "", json_array_size(items[s]),
			sections[s].what);
	fprintf(stderr, " (%ld requests, %ld answered 503 and retried)\n", c.requests, c.retries);
	rc = 0;
out:
	explicit_bzero(c.password, sizeof(c.password));
	for (size_t s = 0; s < NSECTIONS; s++)
		json_decref(items[s]);
	buf_free(&doc);
	curl_slist_free_all(c.headers);
	if (c.multi)
		curl_multi_cleanup(c.multi);
	curl_global_cleanup();
	return rc;
}
