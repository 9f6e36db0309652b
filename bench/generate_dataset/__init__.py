"""A realistic data set for the reports benchmark: 10,000 learners, 20 courses, 100,000
post-test attempts (a million answers) and 5,000 certificates, written with bulk_create
into a scratch PostgreSQL database that this script creates, dropping any earlier copy.

    .venv/bin/python -m bench.generate_dataset            # create and fill docere_bench_reports
    .venv/bin/python -m bench.generate_dataset --drop     # remove it again
    .venv/bin/python -m bench.reports                     # then time the reports against it
    .venv/bin/python -m bench.generate_dataset --smoke    # 200 learners in docere_bench_reports_smoke

The server is --server (default: the server DATABASE_URL names, if it is PostgreSQL, else
postgres://postgres@127.0.0.1:5432). The two database names are fixed and checked before
anything is dropped, so the script can never touch `test` or the site's own database, and
the small data set of `--smoke` never replaces the full one.

Answers follow a two-parameter item-response model, so the item analysis has something to
find: most questions discriminate, one in each course is keyed so that stronger learners
miss it, one is too easy and one too hard.
"""
