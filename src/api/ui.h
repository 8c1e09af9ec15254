/* The web page's static files (SPEC §2.2), built into the binary: tools/embed turns the files
 * under ui/ into build/gen/ui_files.c at build time. */
#pragma once
#include <stddef.h>

struct ui_file {
	const char *name;	   /* base name, e.g. "index.html" */
	const unsigned char *data; /* len bytes, followed by a NUL */
	size_t len;
};

/* The embedded files, in the order of ui/'s sorted listing, ending with a {NULL} entry. */
extern const struct ui_file ui_files[];

/* The embedded file called name (one path segment, compared exactly), or NULL. */
const struct ui_file *ui_find(const char *name);
/* The Content-Type for a file name, by its extension; "application/octet-stream" when the
 * extension is unknown. A static string. */
const char *ui_content_type(const char *name);
