/* GET /cupid/ui/ and /cupid/ui/{file}: the web page's static files, built into the binary
 * (SPEC §2.2, §6.1). No credentials needed; the page sends the user's own with every API call. */
#include <string.h>

#include "api/routes.h"
#include "api/ui.h"
#include "err.h"

const struct ui_file *ui_find(const char *name)
{
	for (const struct ui_file *f = ui_files; f->name; f++)
		if (!strcmp(f->name, name))
			return f;
	return NULL;
}

const char *ui_content_type(const char *name)
{
	static const struct {
		const char *ext, *type;
	} types[] = {
	    {".html", "text/html; charset=utf-8"},
	    {".css", "text/css; charset=utf-8"},
	    {".js", "text/javascript; charset=utf-8"},
	    {".json", "application/json"},
	    {".svg", "image/svg+xml"},
	    {".png", "image/png"},
	    {".ico", "image/x-icon"},
	    {".txt", "text/plain; charset=utf-8"},
	};
	const char *dot = strrchr(name, '.');
	for (size_t i = 0; dot && i < sizeof(types) / sizeof(types[0]); i++)
		if (!strcmp(dot, types[i].ext))
			return types[i].type;
	return "application/octet-stream";
}

HANDLER(ui_get)
{
	if (!rq->id) {
		/* The page's relative links need the trailing slash: /cupid/ui -> /cupid/ui/. A
		 * relative Location keeps working behind a proxy that adds a path prefix. */
		size_t n = strlen(rq->path);
		if (!n || rq->path[n - 1] != '/') {
			rs->location = "ui/";
			buf_puts(&rs->body, "/cupid/ui/");
			rs->ctype = "text/plain";
			return rs->status = 301;
		}
	}
	const char *name = rq->id ? rq->id : "index.html";
	const struct ui_file *f = ui_find(name);
	if (!f)
		return api_error(rq, rs, ERR_NOT_FOUND, "the web page has no file %s", name);
	buf_put(&rs->body, f->data, f->len);
	rs->ctype = ui_content_type(f->name);
	return rs->status = 200;
}
