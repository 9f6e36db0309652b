"""Scratch space for the certificates benchmark: nothing it uses is shared."""

import os
import secrets
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from badges.keygen import ensure_key_file

BASE_DIR = Path(__file__).resolve().parent.parent.parent
SCRATCH_DATABASE = "docere_bench"


@dataclass
class Scratch:
    var_dir: Path
    postgres_url: str = ""  # the configured server; the scratch database is made beside it
    redis_url: str = ""  # the scratch database index on the configured server

    @property
    def backend(self) -> str:
        database = f"PostgreSQL (scratch database {SCRATCH_DATABASE})" if self.postgres_url else "SQLite (WAL)"
        broker = (
            f"Redis (scratch db {urlsplit(self.redis_url).path.lstrip('/')})" if self.redis_url else "filesystem broker"
        )
        return f"{database} + {broker}"


def postgres_admin_connection(database_url: str):
    import environ
    import psycopg

    config = environ.Env.db_url_config(database_url)
    return psycopg.connect(
        host=config["HOST"] or None,
        port=config["PORT"] or None,
        user=config["USER"] or None,
        password=config["PASSWORD"] or None,
        dbname="postgres",
        autocommit=True,
    )


def recreate_scratch_database(database_url: str, *, create: bool) -> None:
    from psycopg import sql

    with postgres_admin_connection(database_url) as admin:
        admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(SCRATCH_DATABASE)))
        if create:
            admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(SCRATCH_DATABASE)))


def prepare_scratch(*, redis_db: int) -> Scratch:
    """Point this process, and the workers it starts, at scratch space. The environment is the
    way in: lms/env.py reads it once, when Django starts, which happens after this."""
    import redis

    database_url = os.environ.get("DATABASE_URL", "")
    redis_url = os.environ.get("REDIS_URL", "")
    if database_url and not database_url.startswith(("postgres://", "postgresql://")):
        raise SystemExit("DATABASE_URL must be a PostgreSQL URL (or unset, for SQLite).")
    (BASE_DIR / "var").mkdir(exist_ok=True)
    scratch = Scratch(var_dir=Path(tempfile.mkdtemp(prefix="bench-", dir=BASE_DIR / "var")))
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "lms.settings",
            "VAR_DIR": str(scratch.var_dir),
            "MEDIA_ROOT": str(scratch.var_dir / "media"),
            "DEBUG": "0",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": "localhost",
            "EMAIL_URL": "dummymail://",
            "LOG_LEVEL": "WARNING",
            # Production (DEBUG off) signs credentials only with a key file it is given.
            "OPEN_BADGES_SIGNING_KEY_FILES": str(scratch.var_dir / "keys" / "open-badges.pem"),
        }
    )
    ensure_key_file(Path(os.environ["OPEN_BADGES_SIGNING_KEY_FILES"]))
    if redis_url:
        scratch.redis_url = urlsplit(redis_url)._replace(path=f"/{redis_db}").geturl()
        if redis.Redis.from_url(scratch.redis_url).dbsize():
            shutil.rmtree(scratch.var_dir)
            raise SystemExit(f"Redis database {redis_db} is not empty; pick an unused one with --redis-db.")
        os.environ["REDIS_URL"] = scratch.redis_url
    if database_url:
        scratch.postgres_url = database_url
        recreate_scratch_database(database_url, create=True)
        os.environ["DATABASE_URL"] = urlsplit(database_url)._replace(path=f"/{SCRATCH_DATABASE}").geturl()
    return scratch


def remove_scratch(scratch: Scratch) -> None:
    import redis
    from django.db import connections

    connections.close_all()
    if scratch.postgres_url:
        recreate_scratch_database(scratch.postgres_url, create=False)
    if scratch.redis_url:
        redis.Redis.from_url(scratch.redis_url).flushdb()  # checked empty at the start: everything in it is ours
    shutil.rmtree(scratch.var_dir, ignore_errors=True)
