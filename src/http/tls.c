/* TLS material for the HTTPS listener: the configured PEM pair, or a self-signed ECDSA P-256
 * certificate generated once into data_dir and reused afterwards (SPEC §2.1). */
#include "http/tls.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <gnutls/abstract.h>
#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define MAX_PEM	   (1024 * 1024) /* larger "PEM files" are refused rather than read */
#define WAIT_STEPS 50		 /* 50 x 100 ms for another process to finish writing the pair */

static void fail(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

/* Reads a whole file into *out (malloc'd, NUL-terminated). Returns 0, or -errno (-EFBIG when
 * over MAX_PEM, -EINVAL when it holds a NUL byte). */
static int read_all(const char *path, char **out)
{
	int rc = -EIO;
	char *data = NULL;
	size_t len = 0;
	FILE *f = fopen(path, "re");
	if (!f)
		return -errno;
	data = malloc(MAX_PEM + 1);
	if (!data) {
		rc = -ENOMEM;
		goto out;
	}
	len = fread(data, 1, MAX_PEM + 1, f);
	if (ferror(f)) {
		rc = errno ? -errno : -EIO;
		goto out;
	}
	if (len > MAX_PEM) {
		rc = -EFBIG;
		goto out;
	}
	data[len] = 0;
	if (strlen(data) != len) {
		rc = -EINVAL;
		goto out;
	}
	/* Give back the unused part of the 1 MiB read buffer: the PEM lives as long as the
	 * server does. */
	char *small = realloc(data, len + 1);
	*out = small ? small : data;
	data = NULL;
	rc = 0;
out:
	free(data);
	fclose(f);
	return rc;
}

static const char *read_error(int rc)
{
	if (rc == -EFBIG)
		return "file too large";
	if (rc == -EINVAL)
		return "file contains a NUL byte";
	return strerror(-rc);
}

/* Writes data to fd completely. Returns 0 or -1 (errno set). */
static int write_all(int fd, const void *data, size_t n)
{
	const char *p = data;
	while (n) {
		ssize_t w = write(fd, p, n);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* Checks that the PEM pair loads as GnuTLS credentials, so a bad file is reported at start-up
 * with its name rather than on the first handshake. */
static int check_pair(const char *cert, const char *key, const char *what, char *err, size_t errlen)
{
	gnutls_certificate_credentials_t cred;
	if (gnutls_certificate_allocate_credentials(&cred) < 0) {
		fail(err, errlen, "tls: out of memory");
		return -1;
	}
	gnutls_datum_t c = {(unsigned char *)cert, (unsigned)strlen(cert)};
	gnutls_datum_t k = {(unsigned char *)key, (unsigned)strlen(key)};
	int r = gnutls_certificate_set_x509_key_mem2(cred, &c, &k, GNUTLS_X509_FMT_PEM, NULL, 0);
	gnutls_certificate_free_credentials(cred);
	if (r < 0) {
		fail(err, errlen, "tls: %s: %s", what, gnutls_strerror(r));
		return -1;
	}
	return 0;
}

/* The host name for CN and SAN; "localhost" when it cannot be had. */
static void host_name(char *out, size_t n)
{
	if (gethostname(out, n) < 0 || !out[0])
		snprintf(out, n, "localhost");
	out[n - 1] = 0;
}

/* Builds and signs the certificate for key; *pem gets it (gnutls_free). Returns a GnuTLS
 * error code (0 on success). */
static int make_cert(gnutls_x509_privkey_t key, gnutls_datum_t *pem)
{
	gnutls_x509_crt_t crt = NULL;
	char host[HOST_NAME_MAX + 1];
	unsigned char serial[16], ip4[4], ip6[16], keyid[64];
	size_t keyid_len = sizeof(keyid);
	int r;

	host_name(host, sizeof(host));
	if ((r = gnutls_x509_crt_init(&crt)) < 0)
		return r;
	if ((r = gnutls_x509_crt_set_version(crt, 3)) < 0)
		goto out;
	if ((r = gnutls_rnd(GNUTLS_RND_NONCE, serial, sizeof(serial))) < 0)
		goto out;
	/* A positive number with a non-zero leading byte encodes as exactly 16 DER octets. */
	serial[0] = (unsigned char)((serial[0] & 0x7f) | 0x40);
	if ((r = gnutls_x509_crt_set_serial(crt, serial, sizeof(serial))) < 0)
		goto out;

	time_t start = time(NULL) - 3600;
	struct tm tm;
	gmtime_r(&start, &tm);
	tm.tm_year += 10;
	time_t end = timegm(&tm);
	if ((r = gnutls_x509_crt_set_activation_time(crt, start)) < 0 ||
	    (r = gnutls_x509_crt_set_expiration_time(crt, end)) < 0)
		goto out;

	if ((r = gnutls_x509_crt_set_dn_by_oid(crt, GNUTLS_OID_X520_COMMON_NAME, 0, host,
					       (unsigned)strlen(host))) < 0)
		goto out;
	if ((r = gnutls_x509_crt_set_subject_alt_name(crt, GNUTLS_SAN_DNSNAME, "localhost", 9,
						      GNUTLS_FSAN_SET)) < 0)
		goto out;
	if (strcmp(host, "localhost") &&
	    (r = gnutls_x509_crt_set_subject_alt_name(
		 crt, GNUTLS_SAN_DNSNAME, host, (unsigned)strlen(host), GNUTLS_FSAN_APPEND)) < 0)
		goto out;
	inet_pton(AF_INET, "127.0.0.1", ip4);
	inet_pton(AF_INET6, "::1", ip6);
	if ((r = gnutls_x509_crt_set_subject_alt_name(crt, GNUTLS_SAN_IPADDRESS, ip4, sizeof(ip4),
						      GNUTLS_FSAN_APPEND)) < 0 ||
	    (r = gnutls_x509_crt_set_subject_alt_name(crt, GNUTLS_SAN_IPADDRESS, ip6, sizeof(ip6),
						      GNUTLS_FSAN_APPEND)) < 0)
		goto out;

	if ((r = gnutls_x509_crt_set_basic_constraints(crt, 0, -1)) < 0 ||
	    (r = gnutls_x509_crt_set_key_usage(crt, GNUTLS_KEY_DIGITAL_SIGNATURE)) < 0 ||
	    (r = gnutls_x509_crt_set_key_purpose_oid(crt, GNUTLS_KP_TLS_WWW_SERVER, 0)) < 0)
		goto out;
	if ((r = gnutls_x509_crt_set_key(crt, key)) < 0)
		goto out;
	if ((r = gnutls_x509_crt_get_key_id(crt, 0, keyid, &keyid_len)) < 0 ||
	    (r = gnutls_x509_crt_set_subject_key_id(crt, keyid, keyid_len)) < 0)
		goto out;
	if ((r = gnutls_x509_crt_sign2(crt, crt, key, GNUTLS_DIG_SHA256, 0)) < 0)
		goto out;
	r = gnutls_x509_crt_export2(crt, GNUTLS_X509_FMT_PEM, pem);
out:
	gnutls_x509_crt_deinit(crt);
	return r;
}

/* Writes the certificate through a temporary file and rename(2), so that a reader never
 * sees half of it. Returns 0 or -1 with err set. */
static int write_cert(const char *path, const gnutls_datum_t *pem, char *err, size_t errlen)
{
	char tmp[PATH_MAX];
	if (snprintf(tmp, sizeof(tmp), "%s.%ld.tmp", path, (long)getpid()) >= (int)sizeof(tmp)) {
		fail(err, errlen, "tls: path too long: %s", path);
		return -1;
	}
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0) {
		fail(err, errlen, "tls: cannot create %s: %s", tmp, strerror(errno));
		return -1;
	}
	if (write_all(fd, pem->data, pem->size) || fsync(fd) || close(fd)) {
		fail(err, errlen, "tls: cannot write %s: %s", tmp, strerror(errno));
		close(fd);
		unlink(tmp);
		return -1;
	}
	if (rename(tmp, path)) {
		fail(err, errlen, "tls: cannot rename %s to %s: %s", tmp, path, strerror(errno));
		unlink(tmp);
		return -1;
	}
	return 0;
}

/* Creates the key (O_EXCL, mode 0600) and then the certificate. Returns 0, 1 when another
 * process created the key first (the caller waits for its pair), or -1 with err set. */
static int generate(const char *cert_path, const char *key_path, char *err, size_t errlen)
{
	gnutls_x509_privkey_t key = NULL;
	gnutls_datum_t key_pem = {NULL, 0}, cert_pem = {NULL, 0};
	int fd = -1, rc = -1, r;

	if ((r = gnutls_x509_privkey_init(&key)) < 0 ||
	    (r = gnutls_x509_privkey_generate(
		 key, GNUTLS_PK_ECDSA, GNUTLS_CURVE_TO_BITS(GNUTLS_ECC_CURVE_SECP256R1), 0)) < 0 ||
	    (r = gnutls_x509_privkey_export2_pkcs8(key, GNUTLS_X509_FMT_PEM, NULL,
						   GNUTLS_PKCS_PLAIN, &key_pem)) < 0) {
		fail(err, errlen, "tls: cannot generate key: %s", gnutls_strerror(r));
		goto out;
	}
	if ((r = make_cert(key, &cert_pem)) < 0) {
		fail(err, errlen, "tls: cannot create certificate: %s", gnutls_strerror(r));
		goto out;
	}
	/* Created with its final mode: a chmod afterwards would leave a window. */
	fd = open(key_path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0) {
		if (errno == EEXIST) {
			rc = 1;
			goto out;
		}
		fail(err, errlen, "tls: cannot create %s: %s", key_path, strerror(errno));
		goto out;
	}
	if (write_all(fd, key_pem.data, key_pem.size) || fsync(fd)) {
		fail(err, errlen, "tls: cannot write %s: %s", key_path, strerror(errno));
		unlink(key_path);
		goto out;
	}
	if (write_cert(cert_path, &cert_pem, err, errlen)) {
		unlink(key_path);
		goto out;
	}
	rc = 0;
out:
	if (fd >= 0)
		close(fd);
	if (key_pem.data) {
		gnutls_memset(key_pem.data, 0, key_pem.size);
		gnutls_free(key_pem.data);
	}
	gnutls_free(cert_pem.data);
	gnutls_x509_privkey_deinit(key);
	return rc;
}

int tls_load(const char *cert_file, const char *key_file, const char *data_dir, char **cert_pem,
	     char **key_pem, char *err, size_t errlen)
{
	char cert_path[PATH_MAX], key_path[PATH_MAX];
	char *cert = NULL, *key = NULL;
	int rc = -1, r;

	*cert_pem = *key_pem = NULL;
	cert_file = cert_file ? cert_file : "";
	key_file = key_file ? key_file : "";
	if (!cert_file[0] != !key_file[0]) {
		fail(err, errlen,
		     "tls.cert_file and tls.key_file must be set together (or both "
		     "left empty for a generated certificate)");
		goto out;
	}

	if (cert_file[0]) {
		if ((r = read_all(cert_file, &cert)) < 0) {
			fail(err, errlen, "tls.cert_file %s: %s", cert_file, read_error(r));
			goto out;
		}
		if ((r = read_all(key_file, &key)) < 0) {
			fail(err, errlen, "tls.key_file %s: %s", key_file, read_error(r));
			goto out;
		}
		if (check_pair(cert, key, "tls.cert_file/tls.key_file", err, errlen))
			goto out;
		goto done;
	}

	if (snprintf(cert_path, sizeof(cert_path), "%s/%s", data_dir, TLS_CERT_NAME) >=
		(int)sizeof(cert_path) ||
	    snprintf(key_path, sizeof(key_path), "%s/%s", data_dir, TLS_KEY_NAME) >=
		(int)sizeof(key_path)) {
		fail(err, errlen, "tls: data_dir path too long");
		goto out;
	}
	/* The key is written before the certificate appears (by rename), so "both present"
	 * means "both complete". A key without a certificate is another process mid-way, or
	 * the remains of a crash: wait a little, then report it. */
	for (int step = 0;; step++) {
		int rkey = read_all(key_path, &key);
		int rcert = read_all(cert_path, &cert);
		if (rkey == 0 && rcert == 0)
			break;
		free(key);
		free(cert);
		key = cert = NULL;
		if (rkey < 0 && rkey != -ENOENT) {
			fail(err, errlen, "tls: %s: %s", key_path, read_error(rkey));
			goto out;
		}
		if (rcert < 0 && rcert != -ENOENT) {
			fail(err, errlen, "tls: %s: %s", cert_path, read_error(rcert));
			goto out;
		}
		if (rkey == -ENOENT && rcert == 0) {
			fail(err, errlen,
			     "tls: found %s without %s; remove it to generate a new pair",
			     cert_path, key_path);
			goto out;
		}
		if (step >= WAIT_STEPS) {
			if (rkey == 0)
				fail(err, errlen,
				     "tls: found %s without %s; remove it to generate a new pair",
				     key_path, cert_path);
			else
				fail(err, errlen, "tls: %s keeps disappearing", key_path);
			goto out;
		}
		if (rkey == -ENOENT) {
			/* Then read back what is on disk: ours, or a faster process's. */
			if (generate(cert_path, key_path, err, errlen) < 0)
				goto out;
			continue;
		}
		struct timespec ts = {0, 100 * 1000 * 1000};
		nanosleep(&ts, NULL);
	}
	if (check_pair(cert, key, cert_path, err, errlen))
		goto out;
done:
	*cert_pem = cert;
	*key_pem = key;
	cert = key = NULL;
	rc = 0;
out:
	free(cert);
	free(key);
	return rc;
}
