/* The one table that maps an internal error to its HTTP status and CUPI code (SPEC §4.1), and
 * the one function that writes an ErrorDetails body. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "api/api.h"
#include "codec/codec.h"
#include "err.h"

static const struct {
	int status;
	const char *code;
} errors[ERR_COUNT + 1] = {
	[-ERR_INVALID] = {400, "INVALID_PARAMETER"},
	[-ERR_LICENSE] = {400, "LICENSE_EXCEEDED"},
	[-ERR_DUPLICATE] = {400, "DUPLICATE_NAME"},
	[-ERR_AUTH] = {401, "AUTHENTICATION_FAILED"},
	[-ERR_FORBIDDEN] = {403, "FORBIDDEN"},
	[-ERR_NOT_FOUND] = {404, "NOT_FOUND"},
	[-ERR_METHOD] = {405, "METHOD_NOT_ALLOWED"},
	[-ERR_NOT_ACCEPTABLE] = {406, "NOT_ACCEPTABLE"},
	[-ERR_TOO_LARGE] = {413, "PAYLOAD_TOO_LARGE"},
	[-ERR_MEDIA_TYPE] = {415, "UNSUPPORTED_MEDIA_TYPE"},
	[-ERR_INTERNAL] = {500, "INTERNAL_ERROR"},
	[-ERR_BUSY] = {503, "SERVER_BUSY"},
	[-ERR_TOO_MANY] = {429, "TOO_MANY_REQUESTS"},
};

static int index_of(int err)
{
	return err < 0 && err >= -ERR_COUNT ? -err : -ERR_INTERNAL;
}

int api_err_status(int err)
{
	return errors[index_of(err)].status;
}

const char *api_err_code(int err)
{
	return errors[index_of(err)].code;
}

int api_error(struct req *rq, struct resp *rs, int err, const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (index_of(err) == -ERR_INTERNAL) {
		/* The message carries the request id so that the log line can be found. */
		size_t n = strlen(msg);
		snprintf(msg + n, sizeof(msg) - n, " (request %s)", rq->request_id);
		fprintf(stderr, "cupid: internal error: %s\n", msg);
	}
	bool cupid = !strncmp(rq->path, "/cupid/", 7);
	rs->body.len = 0;
	codec_error(&rs->body, cupid ? FMT_JSON : rq->out, api_err_code(err), msg);
	rs->ctype = cupid || rq->out == FMT_JSON ? "application/json" : "application/xml";
	rs->status = api_err_status(err);
	rs->www_auth = err == ERR_AUTH;
	return rs->status;
}
