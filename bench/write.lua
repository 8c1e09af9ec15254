-- wrk script for bench/run.sh: sends $BENCH_METHOD (default POST) with the JSON body in
-- $BENCH_BODY.
wrk.method = os.getenv("BENCH_METHOD") or "POST"
wrk.body = os.getenv("BENCH_BODY")
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Accept"] = "application/json"
