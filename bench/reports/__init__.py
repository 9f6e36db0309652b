"""Times the administrators' reports and exports on the generated data set (10,000 learners,
60,000 enrollments, 100,000 attempts, 5,000 certificates) in PostgreSQL, with DEBUG off as
in production. Results go in docs/benchmarks.md, "## Reports".

    .venv/bin/python -m bench.generate_dataset     # once: creates docere_bench_reports
    .venv/bin/python -m bench.reports              # pages: median of 5 after a warm-up; every export
    .venv/bin/python -m bench.generate_dataset --drop
    .venv/bin/python -m bench.reports --smoke          # CI: builds 200 learners, one fetch each, drops them

Each page is fetched through Django's test client, so a time covers the view, its queries
and the template, not the network. Memory: the attempts CSV is streamed in a fresh process
for a tenth of the attempts (about 10,000 rows) and for all of them, and the process's
peak RSS is compared.

The administrator signs in as a real one does: the reports open only to staff with a
second factor, so each run enrols a fresh TOTP authenticator through allauth's pages and
then signs in with the password and a code. The run exits non-zero if any page or export
fails or a figure is missing; with --smoke it checks only that, not the figures' size.
"""
