/* FNV-1a, 32 bits: the hash of the small fixed tables (credentials cache, failed logins,
 * connections per address). Not for anything an attacker must not predict. */
#pragma once
#include <stddef.h>
#include <stdint.h>

#define FNV_SEED 2166136261u

/* Hashes n bytes of p on from h (FNV_SEED to start). */
static inline uint32_t fnv1a(const void *p, size_t n, uint32_t h)
{
	const unsigned char *b = p;
	for (size_t i = 0; i < n; i++)
		h = (h ^ b[i]) * 16777619u;
	return h;
}
