/* Unit tests for http/tls: the generated self-signed pair (files, modes, reuse, contents) and
 * the rules for configured PEM files. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "http/tls.h"

struct dir {
	char path[64], cert[128], key[128];
};

static int setup(void **state)
{
	struct dir *d = calloc(1, sizeof(*d));
	if (!d)
		return -1;
	snprintf(d->path, sizeof(d->path), "/tmp/cupid-test-tls-XXXXXX");
	if (!mkdtemp(d->path)) {
		free(d);
		return -1;
	}
	snprintf(d->cert, sizeof(d->cert), "%s/cupid-cert.pem", d->path);
	snprintf(d->key, sizeof(d->key), "%s/cupid-key.pem", d->path);
	*state = d;
	return 0;
}

static int teardown(void **state)
{
	struct dir *d = *state;
	unlink(d->cert);
	unlink(d->key);
	rmdir(d->path);
	free(d);
	return 0;
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void test_generates_pair(void **state)
{
	struct dir *d = *state;
	char *cert = NULL, *key = NULL, err[256] = "";
	struct stat st;

	assert_int_equal(tls_load("", "", d->path, &cert, &key, err, sizeof(err)), 0);
	assert_non_null(strstr(cert, "-----BEGIN CERTIFICATE-----"));
	assert_non_null(strstr(key, "PRIVATE KEY-----"));
	assert_int_equal(stat(d->key, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	assert_int_equal(stat(d->cert, &st), 0);
	assert_true(S_ISREG(st.st_mode));
	/* No temporary file is left behind. */
	char tmp[160];
	snprintf(tmp, sizeof(tmp), "%s/cupid-cert.pem.%ld.tmp", d->path, (long)getpid());
	assert_int_not_equal(access(tmp, F_OK), 0);
	free(cert);
	free(key);
}

static void test_reuses_pair(void **state)
{
	struct dir *d = *state;
	char *c1, *k1, *c2, *k2, err[256];

	assert_int_equal(tls_load("", "", d->path, &c1, &k1, err, sizeof(err)), 0);
	assert_int_equal(tls_load(NULL, NULL, d->path, &c2, &k2, err, sizeof(err)), 0);
	assert_string_equal(c1, c2);
	assert_string_equal(k1, k2);
	free(c1);
	free(k1);
	free(c2);
	free(k2);
}

/* Finds SAN entry of the given type and content. */
static int has_san(gnutls_x509_crt_t crt, int type, const void *data, size_t len)
{
	for (unsigned seq = 0;; seq++) {
		unsigned char buf[256];
		size_t size = sizeof(buf);
		int t = gnutls_x509_crt_get_subject_alt_name(crt, seq, buf, &size, NULL);
		if (t == GNUTLS_E_REQUESTED_DATA_NOT_AVAILABLE)
			return 0;
		if (t < 0)
			return 0;
		if (t == type && size == len && !memcmp(buf, data, len))
			return 1;
	}
}

static void test_certificate_contents(void **state)
{
	struct dir *d = *state;
	char *cert, *key, err[256], host[HOST_NAME_MAX + 1] = "";
	gnutls_x509_crt_t crt;
	gnutls_x509_privkey_t pk;
	unsigned bits = 0, critical = 0, usage = 0, ca = 1;

	assert_int_equal(tls_load("", "", d->path, &cert, &key, err, sizeof(err)), 0);
	assert_int_equal(gethostname(host, sizeof(host) - 1), 0);
	if (!host[0])
		strcpy(host, "localhost");

	assert_int_equal(gnutls_x509_crt_init(&crt), 0);
	gnutls_datum_t cd = {(unsigned char *)cert, (unsigned)strlen(cert)};
	assert_int_equal(gnutls_x509_crt_import(crt, &cd, GNUTLS_X509_FMT_PEM), 0);

	assert_int_equal(gnutls_x509_crt_get_version(crt), 3);
	assert_int_equal(gnutls_x509_crt_get_pk_algorithm(crt, &bits), GNUTLS_PK_ECDSA);
	assert_int_equal(bits, 256);
	assert_int_equal(gnutls_x509_crt_get_signature_algorithm(crt), GNUTLS_SIGN_ECDSA_SHA256);

	char cn[256];
	size_t cnlen = sizeof(cn);
	assert_int_equal(
	    gnutls_x509_crt_get_dn_by_oid(crt, GNUTLS_OID_X520_COMMON_NAME, 0, 0, cn, &cnlen), 0);
	assert_string_equal(cn, host);

	const unsigned char ip4[4] = {127, 0, 0, 1};
	const unsigned char ip6[16] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
	assert_true(has_san(crt, GNUTLS_SAN_DNSNAME, "localhost", 9));
	assert_true(has_san(crt, GNUTLS_SAN_DNSNAME, host, strlen(host)));
	assert_true(has_san(crt, GNUTLS_SAN_IPADDRESS, ip4, sizeof(ip4)));
	assert_true(has_san(crt, GNUTLS_SAN_IPADDRESS, ip6, sizeof(ip6)));

	assert_int_equal(gnutls_x509_crt_get_basic_constraints(crt, &critical, &ca, NULL), 0);
	assert_int_equal(ca, 0);
	assert_true(gnutls_x509_crt_get_key_usage(crt, &usage, &critical) >= 0);
	assert_int_equal(usage, GNUTLS_KEY_DIGITAL_SIGNATURE);
	char oid[128];
	size_t oidlen = sizeof(oid);
	assert_int_equal(gnutls_x509_crt_get_key_purpose_oid(crt, 0, oid, &oidlen, NULL), 0);
	assert_string_equal(oid, GNUTLS_KP_TLS_WWW_SERVER);

	/* Valid from about an hour ago for ten years. */
	time_t now = time(NULL), from = gnutls_x509_crt_get_activation_time(crt);
	time_t until = gnutls_x509_crt_get_expiration_time(crt);
	assert_true(from <= now - 3500 && from >= now - 3700);
	assert_true(until - from >= (time_t)3652 * 86400 && until - from <= (time_t)3653 * 86400);

	/* Self-signed, and the signature checks out against itself. */
	unsigned status = 1;
	assert_int_equal(gnutls_x509_crt_check_issuer(crt, crt), 1);
	assert_int_equal(gnutls_x509_crt_verify(crt, &crt, 1, 0, &status), 0);
	assert_int_equal(status, 0);

	/* The key is ECDSA P-256 and belongs to the certificate. */
	assert_int_equal(gnutls_x509_privkey_init(&pk), 0);
	gnutls_datum_t kd = {(unsigned char *)key, (unsigned)strlen(key)};
	assert_int_equal(gnutls_x509_privkey_import(pk, &kd, GNUTLS_X509_FMT_PEM), 0);
	assert_int_equal(gnutls_x509_privkey_get_pk_algorithm2(pk, &bits), GNUTLS_PK_ECDSA);
	assert_int_equal(bits, 256);
	unsigned char id1[64], id2[64];
	size_t l1 = sizeof(id1), l2 = sizeof(id2);
	assert_int_equal(gnutls_x509_privkey_get_key_id(pk, 0, id1, &l1), 0);
	assert_int_equal(gnutls_x509_crt_get_key_id(crt, 0, id2, &l2), 0);
	assert_int_equal(l1, l2);
	assert_memory_equal(id1, id2, l1);

	gnutls_x509_privkey_deinit(pk);
	gnutls_x509_crt_deinit(crt);
	free(cert);
	free(key);
}

static void test_serials_are_random(void **state)
{
	struct dir *d = *state;
	char *c1, *k1, *c2, *k2, err[256];

	assert_int_equal(tls_load("", "", d->path, &c1, &k1, err, sizeof(err)), 0);
	unlink(d->cert);
	unlink(d->key);
	assert_int_equal(tls_load("", "", d->path, &c2, &k2, err, sizeof(err)), 0);
	assert_string_not_equal(c1, c2);
	assert_string_not_equal(k1, k2);
	free(c1);
	free(k1);
	free(c2);
	free(k2);
}

static void test_one_of_two_is_error(void **state)
{
	struct dir *d = *state;
	char *cert = (char *)"x", *key = (char *)"x", err[256] = "";

	assert_int_equal(tls_load("/some/cert.pem", "", d->path, &cert, &key, err, sizeof(err)),
			 -1);
	assert_null(cert);
	assert_null(key);
	assert_non_null(strstr(err, "tls.cert_file"));
	err[0] = 0;
	assert_int_equal(tls_load(NULL, "/some/key.pem", d->path, &cert, &key, err, sizeof(err)),
			 -1);
	assert_non_null(strstr(err, "tls.key_file"));
	/* Nothing was generated. */
	assert_int_not_equal(access(d->key, F_OK), 0);
	assert_int_not_equal(access(d->cert, F_OK), 0);
}

static void test_configured_files(void **state)
{
	struct dir *d = *state;
	char *c1, *k1, *c2, *k2, err[256] = "", cfile[160], kfile[160];

	/* Generate a pair, then move it where a user's own files would be. */
	assert_int_equal(tls_load("", "", d->path, &c1, &k1, err, sizeof(err)), 0);
	snprintf(cfile, sizeof(cfile), "%s/mine.crt", d->path);
	snprintf(kfile, sizeof(kfile), "%s/mine.key", d->path);
	assert_int_equal(rename(d->cert, cfile), 0);
	assert_int_equal(rename(d->key, kfile), 0);

	assert_int_equal(tls_load(cfile, kfile, d->path, &c2, &k2, err, sizeof(err)), 0);
	assert_string_equal(c1, c2);
	assert_string_equal(k1, k2);
	/* Configured files never cause a generated pair. */
	assert_int_not_equal(access(d->key, F_OK), 0);
	free(c2);
	free(k2);

	/* A missing file is named in the message. */
	assert_int_equal(tls_load("/nonexistent/x.crt", kfile, d->path, &c2, &k2, err, sizeof(err)),
			 -1);
	assert_non_null(strstr(err, "/nonexistent/x.crt"));
	/* A file that is not PEM is refused at load time. */
	write_file(cfile, "not a certificate\n");
	assert_int_equal(tls_load(cfile, kfile, d->path, &c2, &k2, err, sizeof(err)), -1);
	/* Certificate and key that do not belong together are refused. */
	write_file(cfile, c1);
	assert_int_equal(tls_load("", "", d->path, &c2, &k2, err, sizeof(err)), 0);
	free(c2);
	free(k2);
	assert_int_equal(tls_load(cfile, d->key, d->path, &c2, &k2, err, sizeof(err)), -1);

	unlink(cfile);
	unlink(kfile);
	free(c1);
	free(k1);
}

static void test_half_pair_in_data_dir(void **state)
{
	struct dir *d = *state;
	char *c, *k, err[256] = "";

	/* A certificate without its key cannot be completed: report, do not overwrite. */
	write_file(d->cert, "-----BEGIN CERTIFICATE-----\n");
	assert_int_equal(tls_load("", "", d->path, &c, &k, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "cupid-cert.pem"));
	assert_int_not_equal(access(d->key, F_OK), 0);
}

static void test_data_dir_missing(void **state)
{
	struct dir *d = *state;
	char *c, *k, err[256] = "", sub[128];

	/* data_dir is the caller's to create. */
	snprintf(sub, sizeof(sub), "%s/nope", d->path);
	assert_int_equal(tls_load("", "", sub, &c, &k, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "nope"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_generates_pair, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_reuses_pair, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_certificate_contents, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_serials_are_random, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_one_of_two_is_error, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_configured_files, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_half_pair_in_data_dir, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_data_dir_missing, setup, teardown),
	};
	return cmocka_run_group_tests_name("tls", tests, NULL, NULL);
}
