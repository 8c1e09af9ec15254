/* Accept negotiation, body Content-Type and X-Request-Id (SPEC §2.3, §2.8). */
#include "http/negotiate.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>

#include "util/arena.h"

static bool lws(char c)
{
	return c == ' ' || c == '\t';
}

/* Copies s[0..n) without surrounding whitespace into out (lower-cased). */
static void token(const char *s, size_t n, char *out, size_t outlen)
{
	while (n && lws(*s))
		s++, n--;
	while (n && lws(s[n - 1]))
		n--;
	if (n >= outlen)
		n = outlen - 1;
	for (size_t i = 0; i < n; i++)
		out[i] = (char)((s[i] >= 'A' && s[i] <= 'Z') ? s[i] + 32 : s[i]);
	out[n] = 0;
}

bool http_negotiate(const char *accept, enum fmt *out)
{
	*out = FMT_XML;
	if (!accept || !accept[strspn(accept, " \t")])
		return true;
	bool json = false, xml = false, any = false;
	for (const char *p = accept; *p;) {
		size_t len = strcspn(p, ",");
		size_t tlen = strcspn(p, ";,");
		char type[128];
		token(p, tlen, type, sizeof(type));
		bool dropped = false;
		for (const char *q = p + tlen; q < p + len && *q == ';';) {
			size_t plen = strcspn(q + 1, ";,");
			char param[64];
			token(q + 1, plen, param, sizeof(param));
			if (!strcmp(param, "q=0") || !strcmp(param, "q=0.0") ||
			    !strcmp(param, "q=0.00") || !strcmp(param, "q=0.000"))
				dropped = true;
			q += 1 + plen;
		}
		if (*type && !dropped) {
			any = true;
			json |= !strcmp(type, "application/json");
			xml |= !strcmp(type, "application/xml") || !strcmp(type, "text/xml") ||
			       !strcmp(type, "application/*") || !strcmp(type, "*/*");
		}
		p += len + (p[len] ? 1 : 0);
	}
	if (json)
		*out = FMT_JSON;
	return any && (json || xml);
}

enum fmt http_body_format(const char *ctype)
{
	if (!ctype)
		return 0;
	char type[128];
	token(ctype, strcspn(ctype, ";"), type, sizeof(type));
	if (!strcmp(type, "application/xml") || !strcmp(type, "text/xml"))
		return FMT_XML;
	return strcmp(type, "application/json") ? 0 : FMT_JSON;
}

const char *http_request_id(const char *given, struct arena *a)
{
	if (given) {
		size_t n = strlen(given);
		if (n >= 1 && n <= 64 &&
		    strspn(given, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-") ==
			    n)
			return given;
	}
	/* Request ids need to be unique, not secret: a per-thread generator seeded once from
	 * getrandom(2) saves a system call per request. */
	static const char hex[] = "0123456789abcdef";
	static __thread uint64_t state;
	if (!state && (getrandom(&state, sizeof(state), 0) != (ssize_t)sizeof(state) || !state))
		state = 0x9e3779b97f4a7c15u ^ (uint64_t)(uintptr_t)&state;
	unsigned char r[16];
	for (int i = 0; i < 2; i++) {
		uint64_t z = (state += 0x9e3779b97f4a7c15u); /* splitmix64 */
		z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
		z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
		z ^= z >> 31;
		memcpy(r + 8 * i, &z, 8);
	}
	char *out = arena_alloc(a, 33);
	if (!out)
		return "00000000000000000000000000000000";
	for (int i = 0; i < 16; i++) {
		out[2 * i] = hex[r[i] >> 4];
		out[2 * i + 1] = hex[r[i] & 15];
	}
	out[32] = 0;
	return out;
}

