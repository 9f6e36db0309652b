"""Where the reports benchmark's data set lives and its two sizes: the scratch PostgreSQL
database, created and dropped only under one of two fixed names, and the VAR_DIR beside it."""

import os
import shutil
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

BASE_DIR = Path(__file__).resolve().parent.parent.parent
FALLBACK_SERVER = "postgres://postgres@127.0.0.1:5432"


@dataclass(frozen=True)
class DataSet:
    """A size of the data set and where it lives; nothing else is ever created or dropped."""

    database: str
    var_dir: Path
    learners: int
    attempts: int
    certificates: int


FULL = DataSet(
    database="docere_bench_reports",
    var_dir=BASE_DIR / "var" / "bench-reports",
    learners=10_000,
    attempts=100_000,
    certificates=5_000,
)
# Small enough to build in seconds in CI, large enough that every report has rows to show
# (several attempts per course, completions, evaluations, certificates of each status).
SMOKE = DataSet(
    database="docere_bench_reports_smoke",
    var_dir=BASE_DIR / "var" / "bench-reports-smoke",
    learners=200,
    attempts=1_500,
    certificates=100,
)


def default_server() -> str:
    """The PostgreSQL server DATABASE_URL names (as CI sets it), else the local one."""
    configured = os.environ.get("DATABASE_URL", "")
    return configured if configured.startswith(("postgres://", "postgresql://")) else FALLBACK_SERVER


def scratch_database_url(server: str, data_set: DataSet) -> str:
    parts = urlsplit(server)
    return f"{parts.scheme}://{parts.netloc}/{data_set.database}"


def use_scratch_database(server: str, data_set: DataSet) -> None:
    """Point Django at the scratch database and a scratch VAR_DIR, then start it. The
    environment is the way in: lms/env.py reads it once, when Django starts."""
    os.environ["DATABASE_URL"] = scratch_database_url(server, data_set)
    os.environ["VAR_DIR"] = str(data_set.var_dir)
    # Without REDIS_URL the cache is a folder under VAR_DIR: the configured Redis index
    # (CI's db 0, the site's own) is never written to.
    os.environ.pop("REDIS_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lms.settings")
    data_set.var_dir.mkdir(parents=True, exist_ok=True)
    import django

    django.setup()
    from django.conf import settings

    name = settings.DATABASES["default"]["NAME"]
    if name != data_set.database:
        raise SystemExit(f"Refusing to run against database {name!r}: only {data_set.database!r} is used here.")


def recreate_database(server: str, data_set: DataSet, *, create: bool) -> None:
    import psycopg
    from psycopg import sql

    parts = urlsplit(server)
    with psycopg.connect(
        host=parts.hostname,
        port=parts.port,
        user=parts.username or "postgres",
        password=parts.password,
        dbname="postgres",
        autocommit=True,
    ) as admin:
        # The name is one of two constants: this statement cannot reach any other database.
        if data_set not in (FULL, SMOKE):
            raise ValueError(f"not a benchmark data set: {data_set!r}")
        admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(data_set.database)))
        if create:
            admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(data_set.database)))


def drop(server: str, data_set: DataSet) -> None:
    recreate_database(server, data_set, create=False)
    shutil.rmtree(data_set.var_dir, ignore_errors=True)
    print(f"Dropped {data_set.database} and removed {data_set.var_dir.relative_to(BASE_DIR)}.")
