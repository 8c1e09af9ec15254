/* cupid clone: reads a live CUPI server's telephony inventory (VMS servers, SIP security
 * profiles, phone systems and their AXL servers, port groups and their servers and codecs, ports)
 * through its own API, as a careful client would, into a fixture document (SPEC §5.16.3). */
#pragma once
#include <stdbool.h>
#include <stddef.h>

struct app;

struct clone_opts {
	const char *from; /* https://host:8443 */
	const char *user;
	const char *out;    /* NULL: stdout */
	const char *cacert; /* PEM file of the CA (or self-signed certificate) to trust */
	bool insecure;	    /* no certificate verification */
	bool load;	    /* load into the configured database instead of writing */
	long page_size;	    /* rowsPerPage, 1-2000; 0 = 2000 */
	long parallel;	    /* most requests at once, 1-8; 0 = 4 */
};

/* The options of `cupid clone`: when argv[i] is one (--from, --user, --out, --cacert,
 * --page-size, --parallel as --opt=value or --opt value; --insecure, --load), stores it in *o
 * and returns how many words it took (1 or 2). Returns 0 when argv[i] is no clone option, or
 * -1 with a message in err for a bad or missing value. With o NULL it only counts. */
int clone_arg(struct clone_opts *o, int argc, char **argv, int i, char *err, size_t errlen);

/* Runs the clone: the password is read from stdin or a prompt (never argv). With app NULL
 * the fixture document goes to o->out (or stdout); otherwise it replaces app's inventory in
 * one transaction (--load). Codecs that match no local definition and servers that their
 * group's type refuses are left out, with a count on stderr; no AXL password is ever copied.
 * Returns the exit code: 0, 1 (failed, message on stderr) or 2 (bad usage). */
int clone_run(const struct clone_opts *o, struct app *app);
