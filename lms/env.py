"""Every environment variable Docere reads, read once, typed, in one place.

With nothing set, Docere runs as production does (DEBUG off) and must then be given
SECRET_KEY, ALLOWED_HOSTS, SITE_URL and OPEN_BADGES_SIGNING_KEY_FILES. `make run` (and the test
suite) set DEBUG=1, which supplies development values for those; either way the rest defaults
to what suits a fresh clone: SQLite under `var/`, Celery's filesystem broker under `var/broker/`,
email printed to the console.
"""

import os
from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent

_env = environ.Env()

# Off unless asked for: a deployment that forgets to set it must not show tracebacks,
# skip HTTPS or sign with the development key. `make run` turns it on.
DEBUG: bool = _env.bool("DEBUG", default=False)

# VAR_DIR holds everything the running site writes: the SQLite database, the
# filesystem broker, the file cache and private media. `make test` points it at its
# own folder so a running `make run` and a test run never share a queue or a database.
VAR_DIR: Path = Path(_env.str("VAR_DIR", default=str(BASE_DIR / "var"))).resolve()

_DEVELOPMENT_SECRET_KEY = "django-insecure-development-only-never-used-in-production"  # noqa: S105 — refused below when DEBUG is off
SECRET_KEY: str = _env.str("SECRET_KEY", default=_DEVELOPMENT_SECRET_KEY if DEBUG else "")
if not SECRET_KEY or (not DEBUG and SECRET_KEY == _DEVELOPMENT_SECRET_KEY):
    raise environ.ImproperlyConfigured(
        "SECRET_KEY must be set when DEBUG is off (production). "
        "Generate one with: python -c 'import secrets; print(secrets.token_urlsafe(50))'"
    )

# Rotation: put the old key here while sessions and reset links signed with it expire.
SECRET_KEY_FALLBACKS: list[str] = _env.list("SECRET_KEY_FALLBACKS", default=[])

ALLOWED_HOSTS: list[str] = _env.list(
    "ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]", "testserver"] if DEBUG else []
)
SITE_URL: str = _env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

DATABASE_URL: str = _env.str("DATABASE_URL", default="")
DATABASE_CONN_MAX_AGE: int = _env.int("DATABASE_CONN_MAX_AGE", default=600)

REDIS_URL: str = _env.str("REDIS_URL", default="")

EMAIL_URL: str = _env.str("EMAIL_URL", default="consolemail://")
DEFAULT_FROM_EMAIL: str = _env.str("DEFAULT_FROM_EMAIL", default="Docere <no-reply@docere.local>")

MEDIA_ROOT: Path = Path(_env.str("MEDIA_ROOT", default=str(VAR_DIR / "media"))).resolve()
STATIC_ROOT: Path = Path(_env.str("STATIC_ROOT", default=str(BASE_DIR / "staticfiles"))).resolve()

# Where private files (certificate PDFs, exports, library resources, certificate looks) are
# kept. "filesystem": under MEDIA_ROOT, for one machine (`make run`, a single host).
# "s3": a bucket of any S3-compatible store, needed once web and workers run on different
# hosts; the AWS_* names are those of django-storages and boto3 (docs/operations.md).
STORAGE_BACKEND: str = _env.str("STORAGE_BACKEND", default="filesystem")
if STORAGE_BACKEND not in ("filesystem", "s3"):
    raise environ.ImproperlyConfigured(f"STORAGE_BACKEND must be 'filesystem' or 's3' (got {STORAGE_BACKEND!r}).")
AWS_STORAGE_BUCKET_NAME: str = _env.str("AWS_STORAGE_BUCKET_NAME", default="")
if STORAGE_BACKEND == "s3" and not AWS_STORAGE_BUCKET_NAME:
    raise environ.ImproperlyConfigured("STORAGE_BACKEND=s3 needs AWS_STORAGE_BUCKET_NAME, the bucket to keep files in.")
# Empty for AWS itself; the store's address for MinIO, Ceph, Garage and the like.
AWS_S3_ENDPOINT_URL: str = _env.str("AWS_S3_ENDPOINT_URL", default="")
AWS_S3_REGION_NAME: str = _env.str("AWS_S3_REGION_NAME", default="")
# Empty: boto3 finds credentials itself (an instance or task role).
AWS_ACCESS_KEY_ID: str = _env.str("AWS_ACCESS_KEY_ID", default="")
AWS_SECRET_ACCESS_KEY: str = _env.str("AWS_SECRET_ACCESS_KEY", default="")
# A key prefix inside the bucket, so one bucket can hold several sites.
AWS_LOCATION: str = _env.str("AWS_LOCATION", default="").strip("/")
# Files being written before they go to the store: this host's own, never shared.
FILE_STAGING_DIR: Path = Path(_env.str("FILE_STAGING_DIR", default=str(VAR_DIR / "staging"))).resolve()

# Behind a TLS-terminating proxy (the compose stack), trust its X-Forwarded-Proto.
BEHIND_TLS_PROXY: bool = _env.bool("BEHIND_TLS_PROXY", default=not DEBUG)
# How many proxies in front of Docere append the address they saw to X-Forwarded-For
# (the compose stack's nginx: 1). Every rate limit, Docere's and allauth's, counts the
# address the outermost of them saw; 0 (`make run`, nothing in front) counts the socket's peer.
TRUSTED_PROXY_COUNT: int = _env.int("TRUSTED_PROXY_COUNT", default=0)
if TRUSTED_PROXY_COUNT < 0:
    raise environ.ImproperlyConfigured("TRUSTED_PROXY_COUNT must be 0 (no proxy) or the number of proxies in front.")
SECURE_SSL_REDIRECT: bool = _env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_HSTS_SECONDS: int = _env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31_536_000)

CELERY_WORKER_CONCURRENCY: int = _env.int("CELERY_WORKER_CONCURRENCY", default=2)
CERTIFICATE_PENDING_STUCK_AFTER_SECONDS: int = _env.int("CERTIFICATE_PENDING_STUCK_AFTER_SECONDS", default=60)
# Just above the render task's hard time limit (45 s): a render still marked "rendering" after
# this long has lost its worker, so the sweeper hands it to another.
CERTIFICATE_RENDERING_STUCK_AFTER_SECONDS: int = _env.int("CERTIFICATE_RENDERING_STUCK_AFTER_SECONDS", default=60)
# A "certificate ready" email still unsent this long after the certificate became ready (the
# task's own retries span about a minute) is queued again by the sweeper.
CERTIFICATE_EMAIL_STUCK_AFTER_SECONDS: int = _env.int("CERTIFICATE_EMAIL_STUCK_AFTER_SECONDS", default=300)
CERTIFICATE_RETRY_BASE_SECONDS: int = _env.int("CERTIFICATE_RETRY_BASE_SECONDS", default=2)
# Who signs certificates for the provider (usually its CME director), unless a course's
# certificate look names someone else. A course cannot be published while neither gives a
# name, so production (DEBUG off) must set it or name a signatory on each course; `make run`
# signs its demo certificates with the demo provider's fictitious director.
_DEMO_SIGNATORY_NAME = "Dr. Helena Marsh-Okafor"
CERTIFICATE_SIGNATORY_NAME: str = _env.str(
    "CERTIFICATE_SIGNATORY_NAME", default=_DEMO_SIGNATORY_NAME if DEBUG else ""
).strip()
CERTIFICATE_SIGNATORY_TITLE: str = _env.str(
    "CERTIFICATE_SIGNATORY_TITLE", default="Director of Continuing Medical Education"
).strip()
LOG_LEVEL: str = _env.str("LOG_LEVEL", default="INFO")

# A staff session (the admin, the reports: every learner's personal data) ends after this
# many minutes without a request; learners' sessions keep SESSION_COOKIE_AGE.
STAFF_SESSION_IDLE_MINUTES: int = _env.int("STAFF_SESSION_IDLE_MINUTES", default=30)
if STAFF_SESSION_IDLE_MINUTES < 1:
    raise environ.ImproperlyConfigured(
        f"STAFF_SESSION_IDLE_MINUTES must be at least 1 (got {STAFF_SESSION_IDLE_MINUTES})."
    )


SQLITE_ENGINE = "django.db.backends.sqlite3"


def _sqlite_options() -> dict:
    """How every SQLite database is opened, the embedded one or one named by DATABASE_URL."""
    return {
        # WAL lets the web process read while the worker writes; IMMEDIATE takes the
        # write lock up front so two writers queue instead of failing to upgrade.
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }


def database_config() -> dict:
    """The default database: the one DATABASE_URL names (PostgreSQL in production), else
    SQLite in WAL mode under VAR_DIR."""
    if DATABASE_URL:
        config = environ.Env.db_url_config(DATABASE_URL)
        # Persistent connections: a one-query view went from ~270 to ~1,900 req/s here.
        config["CONN_MAX_AGE"] = DATABASE_CONN_MAX_AGE
        config["CONN_HEALTH_CHECKS"] = True
        if config["ENGINE"] == SQLITE_ENGINE:
            # Without these, two learners submitting at once got "database is locked".
            # Options written in the URL's query string still win.
            config["OPTIONS"] = {**_sqlite_options(), **config.get("OPTIONS", {})}
        return config
    return {
        "ENGINE": SQLITE_ENGINE,
        "NAME": str(VAR_DIR / "db.sqlite3"),
        "OPTIONS": _sqlite_options(),
        "TEST": {"NAME": str(VAR_DIR / "test-db.sqlite3")},
    }


def cache_config() -> dict:
    """Two caches. "default" is one cache for every process: allauth's rate limits live
    there, so a per-process memory cache would let each gunicorn worker count failures on its
    own. It is the Redis that REDIS_URL names, degrading to each process's memory while Redis
    is away instead of failing the page (lms/cache.py); else files under VAR_DIR.
    "local" is each process's own copy of shared entries that never change under their key
    (module content, keyed by the course's revision: courses/module_content.py)."""
    if REDIS_URL:
        default = {
            "BACKEND": "lms.cache.DegradingRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "docere",
            # A Redis that stopped answering costs a page at most this, then is skipped for a while.
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    else:
        default = {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
            "KEY_PREFIX": "docere",
            # Django's default of 300 entries makes the cache delete a third of them at random
            # when full: an LTI launch's state or a sign-in rate count could vanish mid-flow.
            # Each write lists the folder, so the ceiling stays in the thousands.
            "OPTIONS": {"MAX_ENTRIES": 5000},
        }
    # A few kilobytes an entry.
    local = {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "docere-local",
        "OPTIONS": {"MAX_ENTRIES": 500},
    }
    return {"default": default, "local": local}


def private_storage_config() -> dict:
    """The STORAGES entry for private files, as STORAGE_BACKEND asks."""
    if STORAGE_BACKEND == "filesystem":
        return {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    return s3_storage_config(
        bucket_name=AWS_STORAGE_BUCKET_NAME,
        endpoint_url=AWS_S3_ENDPOINT_URL,
        region_name=AWS_S3_REGION_NAME,
        access_key=AWS_ACCESS_KEY_ID,
        secret_key=AWS_SECRET_ACCESS_KEY,
        location=AWS_LOCATION,
    )


def s3_storage_config(
    *,
    bucket_name: str,
    endpoint_url: str = "",
    region_name: str = "",
    access_key: str = "",
    secret_key: str = "",
    location: str = "",
) -> dict:
    return {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": bucket_name,
            "endpoint_url": endpoint_url or None,
            "region_name": region_name or None,
            "access_key": access_key or None,
            "secret_key": secret_key or None,
            "location": location,
            # Files are private: no public-read ACL, and downloads go through Docere's views.
            "default_acl": None,
            "querystring_auth": True,
            # A retried render replaces its file under the same name, as on a filesystem.
            "file_overwrite": True,
            # Stores other than AWS rarely resolve bucket-name subdomains.
            "addressing_style": "path" if endpoint_url else None,
            "signature_version": "s3v4",
        },
    }


def email_config() -> dict:
    return environ.Env.email_url_config(EMAIL_URL)


# --- Interoperability (API, LTI 1.3 tool, Open Badges credentials).

# Open Badges credentials are signed with these private keys (PEM files, RSA or P-256).
# The first signs new credentials; the rest stay published at their `kid` URL so
# credentials signed before a rotation keep verifying. Unset (`make run`), Docere keeps
# generated keys under VAR_DIR/keys/open-badges/: the newest signs, and
# `manage.py badges_rotate_key` adds a new one.
OPEN_BADGES_SIGNING_KEY_FILES: list[Path] = [
    Path(path).resolve() for path in _env.list("OPEN_BADGES_SIGNING_KEY_FILES", default=[])
]
# Production must not generate keys: a container's VAR_DIR is lost at every redeploy (and
# web, worker and beat would each make their own), and every credential issued until then
# would stop verifying. So every process refuses to start without a key file it can read.
if not DEBUG and not OPEN_BADGES_SIGNING_KEY_FILES:
    raise environ.ImproperlyConfigured(
        "OPEN_BADGES_SIGNING_KEY_FILES must be set when DEBUG is off (production): the path of a private key "
        "kept across redeploys and shared by web, worker and beat. Create one once with: "
        "python -m badges.keygen /var/lib/docere/keys/open-badges.pem"
    )
if not DEBUG:
    for _key_file in OPEN_BADGES_SIGNING_KEY_FILES:
        if not _key_file.is_file() or not os.access(_key_file, os.R_OK):
            raise environ.ImproperlyConfigured(
                f"OPEN_BADGES_SIGNING_KEY_FILES names {_key_file}, which is not a file this process can read. "
                "Mount the volume or secret that holds it (the compose stack's `keys` volume), or create it "
                f"once with: python -m badges.keygen {_key_file}"
            )
OPEN_BADGES_GENERATED_KEY_DIR: Path = VAR_DIR / "keys" / "open-badges"
OPEN_BADGES_ISSUER_NAME: str = _env.str("OPEN_BADGES_ISSUER_NAME", default="Docere Faculty Development")

# Calls Docere makes to an LTI platform (JWKS, OAuth2 token, scores) give up after this.
LTI_HTTP_TIMEOUT_SECONDS: int = _env.int("LTI_HTTP_TIMEOUT_SECONDS", default=10)
LTI_SCORE_RETRY_BASE_SECONDS: int = _env.int("LTI_SCORE_RETRY_BASE_SECONDS", default=10)
# A launch naming a deployment Docere does not know records it inactive for an administrator
# to review; past this many waiting per platform, such launches are refused without a row.
LTI_UNKNOWN_DEPLOYMENTS_MAX: int = _env.int("LTI_UNKNOWN_DEPLOYMENTS_MAX", default=20)
