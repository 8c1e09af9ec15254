/* libFuzzer target: the request-head parser, body framing and the chunked decoder (http/parse)
 * on arbitrary bytes, as they would arrive on a connection: the head is cut where
 * http_head_end says, what follows is decoded as a chunked body fed in two pieces. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "http/parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf = malloc(size + 1);
	if (!buf)
		return 0;
	memcpy(buf, data, size);
	size_t skip = 0, pos = 0;
	size_t end = http_head_end(buf, size, &skip, &pos);
	if (end > size || skip > size)
		abort();
	struct http_head hd = {0};
	const char *why = NULL;
	if (end && end <= HTTP_HEAD_MAX) {
		int st = http_parse_head(buf + skip, end - skip, &hd, &why);
		if (st && st != 400 && st != 505 && st != 500)
			abort();
		if (!st) {
			/* every name and value is NUL-terminated inside the head, with no CTL */
			for (size_t i = 0; i < hd.nh; i++) {
				const char *v = hd.h[i].value;
				if (v < buf || v >= buf + end || !hd.h[i].name[0])
					abort();
				for (; *v; v++)
					if ((unsigned char)*v < 0x20 && *v != '\t')
						abort();
			}
			bool chunked;
			unsigned long long len;
			st = http_framing(&hd, &chunked, &len, &why);
			if (st && st != 400)
				abort();
		}
	}
	/* the rest as a chunked body, in two pieces */
	size_t from = end ? end : 0, dec = from, scan = from, half = from + (size - from) / 2;
	struct http_chunked ch = {0};
	int rc = http_chunked_step(&ch, buf, &dec, &scan, half, 4096, &why);
	if (!rc)
		rc = http_chunked_step(&ch, buf, &dec, &scan, size, 4096, &why);
	if (rc < 0 || (rc > 1 && rc != 400 && rc != 413) || dec > scan || scan > size ||
	    ch.total > 4096)
		abort();
	free(hd.h);
	free(buf);
	return 0;
}
