"""Load: learners spread over the three demo courses, at every module, about a third of
them in the post-test, for 60 s against gunicorn + PostgreSQL + Redis + a Celery worker,
with the shared cache on and then off (Django's DummyCache), beside a bare Django view
(one ORM query) on the same server as the baseline. Only 127.0.0.1 is ever contacted.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/test \\
        .venv/bin/python -m bench.load [--seconds 60] [--learners 50] [--rounds 3]
    ... .venv/bin/python -m bench.load --smoke     # CI: 6 learners, 3 s per scenario, one round

The load comes from wrk (Debian package `wrk`), a C client that leaves the two cores to
the server; bench/load.lua gives each learner its own thread and connection, so a learner
walks the post-test the way a browser does. Where each learner is comes from
`population()`: two in three are reading, each at a module of their own course (every
module has readers), and can open that module and the ones before it; one in three has
finished the modules and loops through post-test attempts (start, read, submit ten
answers, look at a module page). For each cache setting the bare view and the module page
(every learner reading the pages open to them) take turns (`--rounds`), and the ratio is
theirs over the whole time; then the learners do what their place says, all at once.

It builds a scratch database `<configured name>_bench_load` beside the configured one
(never the configured database itself) and starts a redis-server of its own, whose key
reads it counts beside the module pages served (each process keeps its own copy of the
content it read, so Redis is read about once per entry and process); it removes both at
the end. Prints req/s, p50/p95/p99 and errors per request type, those cache reads, and
checks that every answer the server accepted is in the database. It exits non-zero on any
HTTP or socket error, a lost answer, or a request type that served no request; with
--smoke it checks only that, not the figures' size.
"""
