"""Settings for Một Cửa, read from the environment.

DATABASE_URL   default: SQLite in var/motcua.sqlite3 (WAL)
SECRET_KEY     default: generated once into var/secret_key (never committed)
MOTCUA_ENV     "development" (what `make run` sets) or "production" (the default):
               only development turns on DEBUG, the payment sandbox and `motcua demo`
DEBUG          in development only: default on ("0" to turn off); never on in production
MOTCUA_HTTPS   production default "1": HTTPS only (SSL redirect, HSTS, secure cookies);
               "0" for a plain-HTTP site (tests, a closed network)
MOTCUA_SECURE_PROXY_SSL_HEADER  the header a TLS-terminating proxy sets, e.g.
               "X-Forwarded-Proto: https" (default none: Django sees the scheme itself)
MOTCUA_HSTS_SECONDS (default one year), MOTCUA_HSTS_PRELOAD (default "1")
MOTCUA_VAR_DIR default: var/ beside the checkout
MOTCUA_TRUSTED_PROXIES  reverse proxies whose X-Forwarded-For is believed (addresses or
               networks, comma-separated; default none: REMOTE_ADDR is the client)
"""

import os
import secrets
from pathlib import Path

import dj_database_url
from whitenoise.compress import Compressor

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent.parent
VAR_DIR = Path(os.environ.get("MOTCUA_VAR_DIR", PROJECT_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)


def _secret_key() -> str:
    if key := os.environ.get("SECRET_KEY"):
        return key
    path = VAR_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
# --- sec-input (issue 11 item 5): development is an explicit choice -------------------
MOTCUA_ENV = "development" if os.environ.get("MOTCUA_ENV") == "development" else "production"
DEBUG = MOTCUA_ENV == "development" and os.environ.get("DEBUG", "1") == "1"
# --- end sec-input ------------------------------------------------------------------------
#: Ed25519 key signing the ledger's checkpoints: 32-byte seed, base64, generated on first use.
LEDGER_SIGNING_KEY_FILE = Path(
    os.environ.get("MOTCUA_LEDGER_SIGNING_KEY_FILE", VAR_DIR / "ledger_signing_key")
)
#: Checkpoint origin line and signature key name (C2SP tlog-checkpoint): unique per log.
LEDGER_ORIGIN = os.environ.get("MOTCUA_LEDGER_ORIGIN", "motcua.gov.vn/so-cai")
ALLOWED_HOSTS = os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",")
CSRF_TRUSTED_ORIGINS = [
    o for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_tasks",
    "django_tasks_db",
    "django_rq",  # the Redis queue (MOTCUA_TASKS_BACKEND=rq); nothing of it runs otherwise
    "ninja",  # serves Swagger UI from its own static files (no CDN)
    "motcua.core",
    "motcua.ledger",
    "motcua.organization",
    "motcua.workcalendar",
    "motcua.catalog",
    "motcua.dossiers",
    "motcua.audit",
    "motcua.imports",
    "motcua.reform",
    "motcua.payments",
    "motcua.surveys",
    "motcua.feedback",
    "motcua.reporting",
    "motcua.insights",
    "motcua.portal",
    "motcua.interop",
    "motcua.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "motcua.core.middleware.RejectNulBytesMiddleware",  # sec-input: before anything reads input
    "motcua.core.files.OrphanFilesMiddleware",  # sec-input: files of rolled-back requests
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "motcua.core.middleware.DomainErrorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "motcua.urls"
WSGI_APPLICATION = "motcua.wsgi.application"

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
                "motcua.core.context.site",
                "motcua.organization.context.roles",
                "motcua.demo.progress.loading",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{VAR_DIR / 'motcua.sqlite3'}", conn_max_age=0
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }


DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# sec-input: the validators' messages are Django's own Vietnamese translations (LANGUAGE_CODE)
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "motcua.core.passwords.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

LANGUAGE_CODE = "vi"
# One language: a browser set to English still gets Vietnamese texts, Django's own messages
# (form validation) in Vietnamese and Vietnamese formats (a year is 2020, not "2,020")
LANGUAGES = [("vi", "Tiếng Việt")]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
USE_THOUSAND_SEPARATOR = True
LOCALE_PATHS = [BASE_DIR / "locale"]

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)  # sec-input: served from the finders until collectstatic
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = VAR_DIR / "media"
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG
# --- deployment: only hashed copies are kept; source maps are not worth compressing ---
WHITENOISE_KEEP_ONLY_HASHED_FILES = True
WHITENOISE_SKIP_COMPRESS_EXTENSIONS = (*Compressor.SKIP_COMPRESS_EXTENSIONS, "map")
STORAGES = {
    # sec-input: uploads are checked by content on save (motcua.core.files)
    "default": {"BACKEND": "motcua.core.files.CheckedStorage"},
    # --- deployment: hashed, compressed static files (collectstatic runs in `motcua serve`) ---
    "staticfiles": {"BACKEND": "motcua.core.storage.StaticFilesStorage"},
}

LOGIN_URL = "/dang-nhap/"
LOGIN_REDIRECT_URL = "/can-bo/"
LOGOUT_REDIRECT_URL = "/"

# Task queue: the database (embedded default, one worker machine is enough) or Redis with RQ
# (MOTCUA_TASKS_BACKEND=rq: workers on several machines; docs/operations.md). A full dotted
# backend path is accepted as well.
TASKS_BACKENDS = {"db": "django_tasks_db.DatabaseBackend", "rq": "django_tasks_rq.RQBackend"}
_tasks_backend = os.environ.get("MOTCUA_TASKS_BACKEND", "db")
TASKS = {
    "default": {
        "BACKEND": TASKS_BACKENDS.get(_tasks_backend, _tasks_backend),
        "QUEUES": ["default"],
    }
}
#: a worker writes its heartbeat this often (seconds); one that missed two and a half is
#: looked at as possibly gone (core.schedule.heal)
MOTCUA_WORKER_BEAT_SECONDS = max(1, int(os.environ.get("MOTCUA_WORKER_BEAT_SECONDS", "10")))

# sec-input: the console backend masks one-time codes (motcua.core.redact)
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "motcua.core.redact.ConsoleEmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "127.0.0.1")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Một Cửa <no-reply@motcua.local>")
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "10"))
MOTCUA_TRUSTED_PROXIES = os.environ.get("MOTCUA_TRUSTED_PROXIES", "")
MOTCUA_SITE_URL = os.environ.get("MOTCUA_SITE_URL", "http://127.0.0.1:8000")  # links in emails
MOTCUA_SMS_BACKEND = os.environ.get("MOTCUA_SMS_BACKEND", "motcua.portal.sms.LoggingSmsGateway")
MOTCUA_IDENTITY_PROVIDERS: dict = {}
if os.environ.get("MOTCUA_OIDC_ISSUER"):
    MOTCUA_IDENTITY_PROVIDERS["vneid"] = {
        "label": "Tài khoản định danh điện tử (VNeID)",
        "issuer": os.environ["MOTCUA_OIDC_ISSUER"],
        "client_id": os.environ.get("MOTCUA_OIDC_CLIENT_ID", ""),
        "client_secret": os.environ.get("MOTCUA_OIDC_CLIENT_SECRET", ""),
    }

MOTCUA = {
    "PROVINCE_NAME": os.environ.get("MOTCUA_PROVINCE_NAME", "Tỉnh Demo"),
    "PAGE_SIZE": 20,
}

# sec-input: every handler masks one-time codes and look-up digits (motcua.core.redact)
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact": {"()": "motcua.core.redact.RedactSecretsFilter"}},
    "formatters": {
        "django.server": {
            "()": "django.utils.log.ServerFormatter",
            "format": "[{server_time}] {message}",
            "style": "{",
        }
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["redact"]},
        "django.server": {  # the access log: query strings may carry look-up digits
            "level": "INFO",
            "class": "logging.StreamHandler",
            "formatter": "django.server",
            "filters": ["redact"],
        },
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
    "loggers": {
        "motcua.sms": {"level": "INFO"},
        "django.server": {"handlers": ["django.server"], "level": "INFO", "propagate": False},
    },
}

# --- sec-input (issue 11 items 5, 10): HTTPS, cookies, error views ------------------------
_HTTPS = MOTCUA_ENV == "production" and os.environ.get("MOTCUA_HTTPS", "1") == "1"
SECURE_SSL_REDIRECT = _HTTPS
SESSION_COOKIE_SECURE = _HTTPS
CSRF_COOKIE_SECURE = _HTTPS
SECURE_HSTS_SECONDS = int(os.environ.get("MOTCUA_HSTS_SECONDS", "31536000")) if _HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = _HTTPS
SECURE_HSTS_PRELOAD = _HTTPS and os.environ.get("MOTCUA_HSTS_PRELOAD", "1") == "1"
if _proxy_header := os.environ.get("MOTCUA_SECURE_PROXY_SSL_HEADER", "").strip():
    # "X-Forwarded-Proto: https" -> ("HTTP_X_FORWARDED_PROTO", "https")
    _name, _, _value = _proxy_header.partition(":")
    SECURE_PROXY_SSL_HEADER = (
        "HTTP_" + _name.strip().upper().replace("-", "_"),
        _value.strip() or "https",
    )
SESSION_COOKIE_HTTPONLY = True
CSRF_FAILURE_VIEW = "motcua.core.views.csrf_failure"
PAYMENTS = {"SANDBOX": MOTCUA_ENV == "development"}  # the sandbox can mark fees paid
# --- end sec-input ------------------------------------------------------------------------

if test_db_name := os.environ.get("MOTCUA_TEST_DB_NAME"):
    DATABASES["default"]["TEST"] = {"NAME": test_db_name}

# Rows that post_migrate re-creates after a test flush; not part of the seeded snapshot.
TEST_NON_SERIALIZED_APPS = ["django.contrib.contenttypes", "django.contrib.auth"]

# --- Login throttle (django-axes) and second factor (django-otp) --------------------------
# One throttle for every password login (/dang-nhap/, /admin/login/, the citizen portal and
# citizen API tokens): failures counted per account and per client address; a locked
# account or client waits AXES_COOLOFF_TIME after its last counted failure (tries during the
# lock-out do not extend it, so nobody can be locked out for good). A TOTP second factor for
# the admin and for officers with an administrative role (motcua.organization.twofactor);
# MOTCUA_REQUIRE_OTP=0 switches it off for local development only (`make run` does).
import datetime as _dt  # noqa: E402

INSTALLED_APPS += ["axes", "django_otp", "django_otp.plugins.otp_totp"]
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.contrib.auth.middleware.AuthenticationMiddleware") + 1,
    "django_otp.middleware.OTPMiddleware",
)
MIDDLEWARE.insert(
    MIDDLEWARE.index("django_otp.middleware.OTPMiddleware") + 1,
    "motcua.organization.twofactor.SecondFactorMiddleware",
)
MIDDLEWARE.append("axes.middleware.AxesMiddleware")
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = int(os.environ.get("MOTCUA_LOGIN_FAILURE_LIMIT", "10"))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_COOLOFF_TIME = _dt.timedelta(minutes=int(os.environ.get("MOTCUA_LOGIN_COOLOFF_MINUTES", "15")))
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "motcua.core.client.client_address"
AXES_LOCKOUT_CALLABLE = "motcua.organization.twofactor.lockout_response"
AXES_USERNAME_CALLABLE = "motcua.organization.twofactor.login_username"
AXES_VERBOSE = False
AXES_DISABLE_ACCESS_LOG = True  # successful logins need no row each
OTP_TOTP_ISSUER = "Một Cửa"
MOTCUA_REQUIRE_OTP = os.environ.get("MOTCUA_REQUIRE_OTP", "1") != "0"
# --- end of the login throttle and second factor block ------------------------------------

# --- deployment: cache/storage/replica/logging ---
# Documented in docs/operations.md. Everything here is optional: without these variables
# the platform runs on one machine with SQLite, the local disk and an in-process cache.
from motcua.core import observability  # noqa: E402

MIDDLEWARE.insert(  # after WhiteNoise: static files are not logged one by one
    MIDDLEWARE.index("whitenoise.middleware.WhiteNoiseMiddleware") + 1,
    "motcua.core.observability.RequestIdMiddleware",
)
# kept public pages are answered here, below the request id and its log line and above the
# session, locale, CSRF and authentication layers (core.public_cache)
MIDDLEWARE.insert(
    MIDDLEWARE.index("motcua.core.observability.RequestIdMiddleware") + 1,
    "motcua.core.public_cache.PublicPageMiddleware",
)
LOGGING = observability.structured_logging(
    LOGGING,
    fmt=os.environ.get("MOTCUA_LOG_FORMAT", "plain"),  # "json" in production
    request_level=os.environ.get("MOTCUA_REQUEST_LOG_LEVEL", "INFO"),
)
observability.init_error_reporting(
    dsn=os.environ.get("SENTRY_DSN", ""),
    environment=os.environ.get("SENTRY_ENVIRONMENT", "production"),
    traces=float(os.environ.get("SENTRY_TRACES_SAMPLE_RATE", "0")),
)

# Cache: Redis shared by every process when MOTCUA_REDIS_URL is set (sessions then read from
# it first, written to both); otherwise a per-process memory cache.
MOTCUA_REDIS_URL = os.environ.get("MOTCUA_REDIS_URL", "")
if MOTCUA_REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "motcua.core.cache.RedisCache",  # Django's, one client per pool
            "LOCATION": MOTCUA_REDIS_URL,
            "KEY_PREFIX": os.environ.get("MOTCUA_CACHE_PREFIX", "motcua"),
            "TIMEOUT": 300,
        }
    }
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Public answers (procedure pages, tracking) from the cache: only a cache shared by every
# process can drop them everywhere when the data changes (core.public_cache).
MOTCUA_PUBLIC_CACHE = os.environ.get("MOTCUA_PUBLIC_CACHE", "1" if MOTCUA_REDIS_URL else "0") == "1"

# The RQ queue's Redis (MOTCUA_TASKS_BACKEND=rq): MOTCUA_TASKS_REDIS_URL, else the cache's.
# A job may run for MOTCUA_TASKS_TIMEOUT seconds (RQ's own default, 3 minutes, would cut the
# nightly ledger check and the large imports short).
RQ_QUEUES = {
    "default": {
        "URL": os.environ.get("MOTCUA_TASKS_REDIS_URL")
        or MOTCUA_REDIS_URL
        or "redis://127.0.0.1:6379/0",
        "DEFAULT_TIMEOUT": int(os.environ.get("MOTCUA_TASKS_TIMEOUT", str(6 * 3600))),
    }
}
# no RQ dashboard in the admin: the operations page (/van-hanh/) shows the queue
RQ_SHOW_ADMIN_LINK = False

# Object storage: dossier files, results, evidence and exports in an S3-compatible bucket
# (AWS, MinIO, Ceph, Viettel/VNPT/FPT object storage). Objects stay private: no public ACL,
# each is read by the application and streamed through the view that checked the reader.
if MOTCUA_S3_BUCKET := os.environ.get("MOTCUA_S3_BUCKET", ""):
    STORAGES["default"] = {
        # sec-input: S3Storage with the upload content check (motcua.core.files)
        "BACKEND": "motcua.core.checked_s3.CheckedS3Storage",
        "OPTIONS": {
            "bucket_name": MOTCUA_S3_BUCKET,
            "endpoint_url": os.environ.get("MOTCUA_S3_ENDPOINT_URL") or None,
            "region_name": os.environ.get("MOTCUA_S3_REGION") or None,
            "access_key": os.environ.get("MOTCUA_S3_ACCESS_KEY") or None,
            "secret_key": os.environ.get("MOTCUA_S3_SECRET_KEY") or None,
            "location": os.environ.get("MOTCUA_S3_PREFIX", ""),
            "default_acl": "private",
            "querystring_auth": True,  # any URL handed out is signed ...
            "querystring_expire": 300,  # ... and short-lived
            "signature_version": "s3v4",
            "addressing_style": os.environ.get("MOTCUA_S3_ADDRESSING_STYLE")
            or None,  # "path": MinIO
            "file_overwrite": False,
        },
    }

# Read replica: statistics, dashboards and exports read from it inside
# motcua.core.db.using_replica(); everything else (and every write) uses the primary.
DATABASE_ROUTERS = ["motcua.core.db.ReplicaRouter"]
MOTCUA_REPLICA_ALIAS = None
if MOTCUA_REPLICA_URL := os.environ.get("MOTCUA_REPLICA_URL", ""):
    DATABASES["replica"] = dj_database_url.parse(MOTCUA_REPLICA_URL, conn_max_age=0)
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    MOTCUA_REPLICA_ALIAS = "replica"
# Persistent connections on PostgreSQL (each gunicorn worker keeps one, checked before reuse).
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"]["CONN_MAX_AGE"] = int(os.environ.get("MOTCUA_DB_CONN_MAX_AGE", "60"))
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# --- end deployment block ---

# interop: the National Public Service Portal adapter (docs/interop.md). The default is the
# in-process fake; set MOTCUA_INTEROP_PORTAL=motcua.interop.portal_http.HttpNationalPortal and
# the URL/token (from the environment, never from code) to talk HTTP to a real or fake endpoint.
# MOTCUA_INTEROP_FAKE=1 (demo: `MOTCUA_INTEROP_FAKE=1 make run` starts the fake over HTTP on
# MOTCUA_INTEROP_FAKE_PORT): every process (server, worker) talks HTTP to that one fake.
INTEROP_FAKE = os.environ.get("MOTCUA_INTEROP_FAKE", "0") == "1"
INTEROP_PORTAL = os.environ.get(
    "MOTCUA_INTEROP_PORTAL",
    "motcua.interop.portal_http.HttpNationalPortal"
    if INTEROP_FAKE
    else "motcua.interop.adapters.FakeNationalPortal",
)
INTEROP_PORTAL_URL = os.environ.get(
    "MOTCUA_INTEROP_PORTAL_URL",
    f"http://127.0.0.1:{os.environ.get('MOTCUA_INTEROP_FAKE_PORT', '8765')}"
    if INTEROP_FAKE
    else "",
)
# The national procedure database's export (docs/interop.md §8): the in-process fake, or over
# HTTP at the portal URL (GET /thu-tuc).
INTEROP_PROCEDURE_DB = os.environ.get(
    "MOTCUA_INTEROP_PROCEDURE_DB",
    "motcua.interop.catalog_source.HttpProcedureDatabase"
    if INTEROP_FAKE
    else "motcua.interop.catalog_source.FakeProcedureDatabase",
)
INTEROP_PORTAL_TOKEN = os.environ.get("MOTCUA_INTEROP_PORTAL_TOKEN", "")
# The token the national portal presents when it pushes a dossier (POST /api/interop/inbound);
# empty: pushes are refused (the pull job still runs).
INTEROP_INBOUND_TOKEN = os.environ.get("MOTCUA_INTEROP_INBOUND_TOKEN", "")
