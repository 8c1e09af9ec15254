/* TLS material: load the configured PEM pair, or create and reuse a self-signed
 * ECDSA P-256 certificate in data_dir (SPEC §2.1). */
#pragma once
#include <stddef.h>

#define TLS_CERT_NAME "cupid-cert.pem" /* the generated pair's names in data_dir */
#define TLS_KEY_NAME  "cupid-key.pem"

/* Sets *cert_pem and *key_pem (malloc'd, NUL-terminated; caller frees) to the certificate and
 * key. If cert_file and key_file are both empty, uses data_dir/cupid-cert.pem and
 * data_dir/cupid-key.pem, creating them first if missing (CN = host name, SAN DNS:localhost,
 * DNS:<host name>, IP:127.0.0.1, IP:::1, 10 years, key mode 0600). Either pair must load as
 * GnuTLS credentials. Exactly one of cert_file/key_file set is an error. Safe against several
 * processes starting at once on one data_dir. Returns 0, or -1 with a message in err. */
int tls_load(const char *cert_file, const char *key_file, const char *data_dir, char **cert_pem,
	     char **key_pem, char *err, size_t errlen);
