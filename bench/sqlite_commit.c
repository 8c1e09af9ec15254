/* The floor for cupid's POST: one small row committed per transaction, in a loop, for a fixed
 * time, on a WAL database with the given synchronous setting. Prints commits/s.
 * usage: sqlite_commit DB_PATH full|normal SECONDS */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int run(sqlite3 *db, const char *sql)
{
	char *err = NULL;
	if (sqlite3_exec(db, sql, NULL, NULL, &err) != SQLITE_OK) {
		fprintf(stderr, "sqlite_commit: %s: %s\n", sql, err ? err : "?");
		sqlite3_free(err);
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *ins = NULL;
	if (argc != 4 || (strcmp(argv[2], "full") && strcmp(argv[2], "normal"))) {
		fprintf(stderr, "usage: %s DB_PATH full|normal SECONDS\n", argv[0]);
		return 2;
	}
	double secs = atof(argv[3]);
	if (sqlite3_open(argv[1], &db) != SQLITE_OK) {
		fprintf(stderr, "sqlite_commit: cannot open %s\n", argv[1]);
		return 1;
	}
	if (run(db, "PRAGMA journal_mode = WAL") ||
	    run(db, strcmp(argv[2], "full") ? "PRAGMA synchronous = NORMAL" : "PRAGMA synchronous = FULL") ||
	    run(db, "CREATE TABLE IF NOT EXISTS t (id INTEGER PRIMARY KEY, name TEXT, v INTEGER)") ||
	    sqlite3_prepare_v2(db, "INSERT INTO t (name, v) VALUES ('port-0000001', ?)", -1, &ins, NULL) != SQLITE_OK) {
		sqlite3_close(db);
		return 1;
	}
	long n = 0;
	double t0 = now(), t = t0;
	while (t - t0 < secs) {
		if (run(db, "BEGIN IMMEDIATE"))
			return 1;
		sqlite3_bind_int64(ins, 1, n);
		if (sqlite3_step(ins) != SQLITE_DONE) {
			fprintf(stderr, "sqlite_commit: insert: %s\n", sqlite3_errmsg(db));
			return 1;
		}
		sqlite3_reset(ins);
		if (run(db, "COMMIT"))
			return 1;
		n++;
		if ((n & 15) == 0)
			t = now();
	}
	t = now();
	printf("%.0f commits/s (%ld in %.2f s, synchronous=%s, WAL)\n", n / (t - t0), n, t - t0, argv[2]);
	sqlite3_finalize(ins);
	sqlite3_close(db);
	return 0;
}
