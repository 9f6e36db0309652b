"""Django settings for Docere. Every value that varies comes from `lms.env`."""

from datetime import timedelta

from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from kombu import Queue

from lms import env

BASE_DIR = env.BASE_DIR
DEBUG = env.DEBUG
SECRET_KEY = env.SECRET_KEY
SECRET_KEY_FALLBACKS = env.SECRET_KEY_FALLBACKS
ALLOWED_HOSTS = env.ALLOWED_HOSTS
SITE_URL = env.SITE_URL
VAR_DIR = env.VAR_DIR
# Everything the site writes lives here (SQLite, broker folders, file cache, private media);
# SQLite cannot create its file in a folder that does not exist yet, as on a fresh clone.
VAR_DIR.mkdir(parents=True, exist_ok=True)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "csp",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "accounts",
    "courses",
    "certificates",
    "reports",
    "library",
    "api",
    "lti",
    "badges",
    "programs",
    "mentoring",
    "projects",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "lms.middleware.DropNulCookiesMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "lms.middleware.SignedInResponsesNotStoredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "accounts.middleware.StaffSessionIdleTimeoutMiddleware",
    "accounts.middleware.StaffMfaRequiredMiddleware",
    "lms.middleware.RejectNulAddressesMiddleware",
]

ROOT_URLCONF = "lms.urls"
WSGI_APPLICATION = "lms.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {"default": env.database_config()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

CACHES = env.cache_config()

AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- django-allauth: email is the login, verification is mandatory, MFA available.
ACCOUNT_ADAPTER = "accounts.adapter.DocereAccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Docere] "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "http" if DEBUG else "https"
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    # Five wrong passwords for one email lock it for a while, whichever browser tries.
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "20/m/ip",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
    "confirm_email": "1/3m/key",
}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Docere"
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
ACCOUNT_LOGOUT_REDIRECT_URL = "home"

# --- Email
_email = env.email_config()
EMAIL_BACKEND = _email["EMAIL_BACKEND"]
for _key in ("EMAIL_HOST", "EMAIL_PORT", "EMAIL_HOST_USER", "EMAIL_HOST_PASSWORD", "EMAIL_USE_TLS", "EMAIL_USE_SSL"):
    if _key in _email:
        globals()[_key] = _email[_key]
DEFAULT_FROM_EMAIL = env.DEFAULT_FROM_EMAIL
SERVER_EMAIL = env.DEFAULT_FROM_EMAIL

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = env.STATIC_ROOT
# Private media (certificate PDFs, exports, resources, looks): stored outside STATIC_ROOT,
# under MEDIA_ROOT or in a bucket (STORAGES below), and never given a URL route of its own;
# files are streamed only by views that check ownership. See lms/files.py.
MEDIA_ROOT = env.MEDIA_ROOT
FILE_STAGING_DIR = env.FILE_STAGING_DIR
# No URL route serves this prefix (and WhiteNoise serves only STATIC_ROOT): the value only
# keeps Django's file widgets and test servers working. Private files go through views.
MEDIA_URL = "/media/"
# Uploads: a request's form fields are parsed in memory up to this size, and so are files up
# to this size, so a verification upload (refused over 2 MB before it is read, see
# certificates/views.py) never touches the disk. Larger staff uploads spill to a temp file.
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
STORAGES = {
    "default": env.private_storage_config(),
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# --- Security headers. Production is checked by `manage.py check --deploy`.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SECURE_SSL_REDIRECT = env.SECURE_SSL_REDIRECT
SECURE_HSTS_SECONDS = env.SECURE_HSTS_SECONDS
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
if env.BEHIND_TLS_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# One number for every rate limit: allauth reads its own setting, and its adapter and
# Docere's limiter both take the client's address from lms.ratelimit.client_ip.
TRUSTED_PROXY_COUNT = env.TRUSTED_PROXY_COUNT
ALLAUTH_TRUSTED_PROXY_COUNT = env.TRUSTED_PROXY_COUNT
# Health probes come from the orchestrator over plain HTTP inside the stack.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
CSRF_TRUSTED_ORIGINS = [SITE_URL] if SITE_URL.startswith("https://") else []

# No inline script and no third-party origin anywhere: htmx and our stylesheet are
# served from our own static files.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}

# --- Celery. The database row of the thing being worked on is the source of truth,
# so results are not stored; acks_late + reject_on_worker_lost redeliver a task whose
# worker died mid-run.
if env.REDIS_URL:
    CELERY_BROKER_URL = env.REDIS_URL
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        # Must exceed the longest task, or Redis redelivers a task still running.
        "visibility_timeout": 3600,
        "socket_connect_timeout": 2,
        "socket_timeout": 5,
    }
else:
    BROKER_DIR = VAR_DIR / "broker"
    # The filesystem transport ignores the host, but kombu warns on every connection when
    # the URL names none; "localhost" is what it would fall back to.
    CELERY_BROKER_URL = "filesystem://localhost/"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        # One folder for in and out, so producer and consumer see the same messages.
        "data_folder_in": str(BROKER_DIR / "queue"),
        "data_folder_out": str(BROKER_DIR / "queue"),
        "control_folder": str(BROKER_DIR / "control"),
        "store_processed": False,
        # The 1 s default added ~0.9 s to every task; 0.1 s keeps it near 60 ms.
        "polling_interval": 0.1,
    }
# Named queues, so a slow kind of work never waits in front of a quick one: a learner's
# certificate (or transcript) is rendered from `certificates`, never behind a bulk issue of
# hundreds on `bulk`. Each worker process consumes a set of them (Procfile, docker-compose.yml,
# docs/operations.md); a worker started without -Q consumes them all. A task without a route
# goes to `default`.
CELERY_TASK_DEFAULT_QUEUE = "default"
WORKER_QUEUES = ("certificates", "email", "lti", "bulk", "exports", "maintenance", "default")
CELERY_TASK_QUEUES = [Queue(name, routing_key=name) for name in WORKER_QUEUES]
CELERY_TASK_ROUTES = {
    "certificates.render_certificate": {"queue": "certificates"},
    "certificates.render_transcript": {"queue": "certificates"},
    "certificates.email_certificate_ready": {"queue": "email"},
    "certificates.send_ready_emails": {"queue": "email"},
    "certificates.issue_for_course": {"queue": "bulk"},
    "certificates.build_certificate_export": {"queue": "exports"},
    "lti.send_score": {"queue": "lti"},
    "certificates.sweep_*": {"queue": "maintenance"},
    "lti.sweep_*": {"queue": "maintenance"},
    "accounts.tasks.*": {"queue": "maintenance"},
    # Cohort programs: decision, offer, pairing and feedback e-mails; offer expiry sweeps.
    "programs.email_*": {"queue": "email"},
    "mentoring.email_*": {"queue": "email"},
    "projects.email_*": {"queue": "email"},
    "programs.sweep_*": {"queue": "maintenance"},
}
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_IGNORE_RESULT = True
CELERY_RESULT_BACKEND = None
CELERY_TASK_TIME_LIMIT = 300
CELERY_TASK_SOFT_TIME_LIMIT = 240
CELERY_WORKER_MAX_TASKS_PER_CHILD = 500
# A pool child renders a sample certificate before it reports itself up (settle_pool_child in
# lms/celery.py): about 0.3 s here, longer on a loaded host. Past Celery's default 4 s the
# main process would kill the child and fork another, again and again.
CELERY_WORKER_PROC_ALIVE_TIMEOUT = 30
# Celery's Django fixup closes the database connection around every task unless told to
# reuse it: a new PostgreSQL connection for each render and each e-mail, ~7 ms apiece. The
# connection is kept instead and judged as a request's is, by CONN_MAX_AGE and the health
# check (lms/celery.py); the fixup's own recycling comes only every thousand tasks.
CELERY_DB_REUSE_MAX = 1000
CELERY_WORKER_CONCURRENCY = env.CELERY_WORKER_CONCURRENCY
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_CONNECTION_TIMEOUT = 2
# A request that queues a task must not hang while the broker is away: bounded retries,
# then the caller logs it and the row waits for the sweeper.
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.5}
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
CELERY_BEAT_SCHEDULE = {
    "clear-expired-sessions": {
        "task": "accounts.tasks.clear_expired_sessions",
        "schedule": crontab(hour=3, minute=17),
    },
    # Every 30 s with the 60 s "rendering" threshold: a render whose worker died is running
    # again within 90 s.
    "sweep-stuck-certificates": {
        "task": "certificates.sweep_stuck_certificates",
        "schedule": 30.0,
    },
    "sweep-unsent-certificate-emails": {
        "task": "certificates.sweep_unsent_certificate_emails",
        "schedule": 60.0,
    },
    "sweep-stuck-certificate-exports": {
        "task": "certificates.sweep_stuck_exports",
        "schedule": 300.0,
    },
    "sweep-stuck-transcript-pdfs": {
        "task": "certificates.sweep_stuck_transcripts",
        "schedule": 60.0,
    },
}

# --- Certificates. A row still pending or rendering after these ages is re-queued by the
# sweeper; rendering must outlast the render task's hard time limit, or a slow render is doubled.
# A certificate renders in well under a second, so the render task gets limits of its own,
# far below the 300 s every other task gets.
CERTIFICATE_RENDER_SOFT_TIME_LIMIT_SECONDS = 30
CERTIFICATE_RENDER_TIME_LIMIT_SECONDS = 45
CERTIFICATE_PENDING_STUCK_AFTER_SECONDS = env.CERTIFICATE_PENDING_STUCK_AFTER_SECONDS
CERTIFICATE_RENDERING_STUCK_AFTER_SECONDS = env.CERTIFICATE_RENDERING_STUCK_AFTER_SECONDS
if CERTIFICATE_RENDERING_STUCK_AFTER_SECONDS <= CERTIFICATE_RENDER_TIME_LIMIT_SECONDS:
    # A shorter threshold would hand a render still running to a second worker.
    raise ImproperlyConfigured(
        f"CERTIFICATE_RENDERING_STUCK_AFTER_SECONDS must exceed the render task's hard time limit "
        f"({CERTIFICATE_RENDER_TIME_LIMIT_SECONDS} s); it is {CERTIFICATE_RENDERING_STUCK_AFTER_SECONDS}."
    )
CERTIFICATE_EMAIL_STUCK_AFTER_SECONDS = env.CERTIFICATE_EMAIL_STUCK_AFTER_SECONDS
# Certificates ready longer ago than this are never emailed by the sweeper: the learner has
# long since found them, and rows from before the email was tracked are left alone.
CERTIFICATE_EMAIL_SWEEP_WINDOW_SECONDS = 24 * 60 * 60
CERTIFICATE_RETRY_BASE_SECONDS = env.CERTIFICATE_RETRY_BASE_SECONDS
CERTIFICATE_SIGNATORY_NAME = env.CERTIFICATE_SIGNATORY_NAME
CERTIFICATE_SIGNATORY_TITLE = env.CERTIFICATE_SIGNATORY_TITLE
CELERY_TIMEZONE = TIME_ZONE
# Temporary files of renders and exports whose worker was killed mid-write.
CELERY_BEAT_SCHEDULE["sweep-stale-certificate-temporary-files"] = {
    "task": "certificates.sweep_temporary_files",
    "schedule": 600.0,
}

# Called with enrollment=… inside the transaction that records a passed post-test.
POST_TEST_PASSED_HANDLERS = ["lti.services.post_test_passed"]

SESSION_COOKIE_AGE = int(timedelta(days=14).total_seconds())
# Staff sessions also end after this long without a request (accounts.middleware).
STAFF_SESSION_IDLE_MINUTES = env.STAFF_SESSION_IDLE_MINUTES
# Sessions live in the database alone (one primary-key read per signed-in page). Kept in
# Redis as well (`cached_db`), a sign-out or a new session key written while Redis was away
# would leave the old session in the cache, valid again once Redis returned.
SESSION_ENGINE = "django.contrib.sessions.backends.db"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.LOG_LEVEL},
    # WeasyPrint logs every layout step at INFO; only its warnings matter.
    "loggers": {"weasyprint": {"level": "WARNING"}, "fontTools": {"level": "WARNING"}},
}

# --- Interoperability: the read-only API (api/), the LTI 1.3 tool (lti/, on django-lti's
# models) and Open Badges 3.0 credentials (badges/).
INSTALLED_APPS += ["lti_tool"]
# Sessions born from an LTI launch live in the platform's iframe: their cookies need
# SameSite=None (set after SessionMiddleware writes them, so this wraps it) and their pages
# may be framed by that platform only (read by the CSP and X-Frame-Options middleware, so
# this runs inside them).
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.contrib.sessions.middleware.SessionMiddleware"),
    "lti.middleware.EmbeddedSessionCookiesMiddleware",
)
MIDDLEWARE.append("lti.middleware.EmbeddedFramingMiddleware")
OPEN_BADGES_SIGNING_KEY_FILES = env.OPEN_BADGES_SIGNING_KEY_FILES
OPEN_BADGES_GENERATED_KEY_DIR = env.OPEN_BADGES_GENERATED_KEY_DIR
OPEN_BADGES_ISSUER_NAME = env.OPEN_BADGES_ISSUER_NAME
LTI_HTTP_TIMEOUT_SECONDS = env.LTI_HTTP_TIMEOUT_SECONDS
LTI_SCORE_RETRY_BASE_SECONDS = env.LTI_SCORE_RETRY_BASE_SECONDS
LTI_UNKNOWN_DEPLOYMENTS_MAX = env.LTI_UNKNOWN_DEPLOYMENTS_MAX
# A score whose message the queue lost is sent again by the sweeper.
CELERY_BEAT_SCHEDULE["sweep-lti-scores"] = {"task": "lti.sweep_score_passbacks", "schedule": 60.0}
# Cohort programs: a place offered to a waitlisted applicant and not taken up in time passes
# to the next; a decision e-mail the queue lost is sent again.
CELERY_BEAT_SCHEDULE["sweep-expired-program-offers"] = {"task": "programs.sweep_expired_offers", "schedule": 300.0}
CELERY_BEAT_SCHEDULE["sweep-program-emails"] = {"task": "programs.sweep_unsent_decision_emails", "schedule": 600}
