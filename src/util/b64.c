/* Base64 (RFC 4648 §4): standard alphabet, padded. Decoding rejects whitespace and missing
 * padding but, like most decoders, ignores non-zero bits after the last full byte. */
#include "util/b64.h"

static const char ALPHABET[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* 0..63 for an alphabet character, -1 for anything else (including '=' and NUL). */
static int value_of(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

long b64_decode(const char *src, size_t n, unsigned char *out)
{
	if (n % 4)
		return -1;
	long len = 0;
	for (size_t i = 0; i < n; i += 4) {
		int last = i + 4 == n;
		/* Padding may only close the final quantum: "xx==" or "xxx=". */
		int pad = 0;
		if (last && src[i + 3] == '=') {
			pad = 1;
			if (src[i + 2] == '=')
				pad = 2;
		}
		int v[4] = {0, 0, 0, 0};
		for (int k = 0; k < 4 - pad; k++) {
			v[k] = value_of((unsigned char)src[i + k]);
			if (v[k] < 0)
				return -1;
		}
		unsigned long q = (unsigned long)v[0] << 18 | (unsigned long)v[1] << 12 |
				  (unsigned long)v[2] << 6 | (unsigned long)v[3];
		out[len++] = (unsigned char)(q >> 16);
		if (pad < 2)
			out[len++] = (unsigned char)(q >> 8);
		if (pad < 1)
			out[len++] = (unsigned char)q;
	}
	return len;
}

size_t b64_encode(const unsigned char *src, size_t n, char *out)
{
	size_t o = 0, i = 0;
	for (; i + 3 <= n; i += 3) {
		unsigned long q =
		    (unsigned long)src[i] << 16 | (unsigned long)src[i + 1] << 8 | src[i + 2];
		out[o++] = ALPHABET[q >> 18 & 63];
		out[o++] = ALPHABET[q >> 12 & 63];
		out[o++] = ALPHABET[q >> 6 & 63];
		out[o++] = ALPHABET[q & 63];
	}
	if (n - i == 1) {
		unsigned long q = (unsigned long)src[i] << 16;
		out[o++] = ALPHABET[q >> 18 & 63];
		out[o++] = ALPHABET[q >> 12 & 63];
		out[o++] = '=';
		out[o++] = '=';
	} else if (n - i == 2) {
		unsigned long q = (unsigned long)src[i] << 16 | (unsigned long)src[i + 1] << 8;
		out[o++] = ALPHABET[q >> 18 & 63];
		out[o++] = ALPHABET[q >> 12 & 63];
		out[o++] = ALPHABET[q >> 6 & 63];
		out[o++] = '=';
	}
	out[o] = 0;
	return o;
}
