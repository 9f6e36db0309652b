"""Certificate rendering against WeasyPrint's own floor for the same document, in one process
and through the real learners' worker, and a learner's claim → ready on idle workers and during
a bulk issue. Results go in docs/benchmarks.md.

    .venv/bin/python -m bench.certificates                # SQLite + filesystem broker (`make run`'s defaults)
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/test REDIS_URL=redis://127.0.0.1:6379/0 \\
        .venv/bin/python -m bench.certificates            # PostgreSQL + Redis
    .venv/bin/python -m bench.certificates --count 200    # a quicker batch
    .venv/bin/python -m bench.certificates --smoke        # CI: a few dozen certificates, every step once

Nothing it uses is shared: a scratch VAR_DIR under var/ (SQLite database, broker folders,
stored PDFs), a `docere_bench` database on the configured PostgreSQL server (never the
configured database itself) and an empty Redis database index on the configured Redis
server. All of it is removed at the end. Every process runs with DEBUG off, as in production.
It exits non-zero when a certificate fails or a figure is missing; --smoke checks only that.
"""
