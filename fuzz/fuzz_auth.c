/* libFuzzer target: decoding of the Authorization header (auth_decode, SPEC §2.2): the Basic
 * scheme, base64, and the split into user name and password. */
#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "api/auth.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *hdr = malloc(size + 1);
	if (!hdr)
		return 0;
	memcpy(hdr, data, size);
	hdr[size] = 0;
	char user[AUTH_USER_MAX + 1];
	unsigned char dec[AUTH_DEC_MAX];
	const char *pw = NULL;
	size_t pwlen = 0;
	if (auth_decode(hdr, user, dec, &pw, &pwlen) == 0) {
		size_t ulen = strlen(user);
		if (ulen < 1 || ulen > AUTH_USER_MAX)
			abort();
		for (size_t i = 0; i < ulen; i++)
			if (isupper((unsigned char)user[i]))
				abort();
		if (pw < (const char *)dec || pw + pwlen > (const char *)dec + AUTH_DEC_MAX)
			abort();
	}
	free(hdr);
	return 0;
}
