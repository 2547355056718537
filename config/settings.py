"""Reply Desk settings: one module, read from environment variables.

Development defaults are safe and need nothing installed: SQLite under var/,
the console email backend, the immediate task backend, an in-process cache.
Production sets DEBUG=0, SECRET_KEY, ALLOWED_HOSTS, DATABASE_URL and the
email variables (see README.md).
"""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from pythonjsonlogger.core import RESERVED_ATTRS

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value not in (None, "") else default


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def require_in_production(name: str, why: str) -> None:
    """With DEBUG off the app refuses to start without `name`: the message names it and says why."""
    if not DEBUG and not os.environ.get(name, "").strip():
        raise ImproperlyConfigured(f"{name} must be set when DEBUG is off: {why}")


DEBUG = env_bool("DEBUG", True)
require_in_production("SECRET_KEY", "it signs sessions, CSRF tokens and the public form's tokens.")
require_in_production("ALLOWED_HOSTS", "a comma-separated list of the host names the site answers to.")
# Rate limits and login lockouts count in the cache. A per-process cache would let each
# gunicorn worker keep its own count (4 workers: 4 times the limit), and the database cache
# cannot increment atomically, so production needs Redis; there is no silent fallback.
require_in_production("REDIS_URL", "the rate limits and login lockouts need a cache shared by all processes.")
SECRET_KEY = os.environ.get("SECRET_KEY") or "django-insecure-development-only"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1],testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_filters",
    "django_htmx",
    "simple_history",
    "axes",
    "csp",
    "django_tasks",
    "django_tasks_db",
    "django_guid",
    "library",
    "inquiries",
    "replies",
    "backups",
]

MIDDLEWARE = [
    "django_guid.middleware.guid_middleware",
    "lib.tracing.request_log",
    "lib.proxy.ForwardedForMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

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
                "django.template.context_processors.i18n",
                "lib.roles.nav_roles",
                "inquiries.context_processors.desk_counts",
            ],
            "builtins": ["lib.jinja"],
        },
    },
    {
        # Only the partials a page repeats many times (config/jinja2.py says why).
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "APP_DIRS": True,
        "OPTIONS": {"environment": "config.jinja2.environment"},
    },
]

# --- Database -----------------------------------------------------------------
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'replydesk.sqlite3'}"),
        # Production keeps each worker's connection (a new PostgreSQL connection per request
        # costs a server process); runserver's thread per request would only leak them.
        conn_max_age=env_int("DB_CONN_MAX_AGE", 0 if DEBUG else 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers work while one request writes; the busy timeout makes a
    # second writer wait instead of failing with "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # psycopg sends the parameters apart from the statement and PostgreSQL binds them, instead
    # of psycopg quoting them into the SQL in Python (bench/serve.py: a sixth more composer views
    # a second, the same queue). DB_SERVER_SIDE_BINDING=0 goes back to quoting in Python.
    DATABASES["default"]["OPTIONS"] = {"server_side_binding": env_bool("DB_SERVER_SIDE_BINDING", True)}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache (rate limits, axes); Redis in production ------------------------------
if os.environ.get("REDIS_URL"):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": os.environ["REDIS_URL"],
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Tasks ---------------------------------------------------------------------
TASKS = {
    "default": {
        "BACKEND": os.environ.get("TASK_BACKEND", "django_tasks.backends.immediate.ImmediateBackend"),
    }
}

# --- Auth ----------------------------------------------------------------------
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
# The home view sends each role to its own start page (a library editor to the library).
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 8 * 60 * 60)
# Read on every request: from the cache, written through to the database (so a cache that
# restarts logs no one out).
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = 1  # hours
# The combination: a stranger's wrong passwords lock only that username from that address, so
# nobody can lock a colleague out from elsewhere, and one NAT does not lock a whole office.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True

# --- Security headers ------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("SECURE_COOKIES", not DEBUG)
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # load balancers probe over plain HTTP
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", not DEBUG)
if env_bool("USE_X_FORWARDED_PROTO", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
USE_X_FORWARDED_HOST = env_bool("USE_X_FORWARDED_HOST", False)
# Behind a proxy REMOTE_ADDR is the proxy's; the login lockout and the public rate limit need the
# client's. On: REMOTE_ADDR becomes the last X-Forwarded-For address (the one our proxy added).
USE_X_FORWARDED_FOR = env_bool("USE_X_FORWARDED_FOR", False)
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

# --- Internationalisation ---------------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("es", "Español")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = os.environ.get("TIME_ZONE", "America/New_York")
USE_I18N = True
USE_TZ = True

# --- Static files -------------------------------------------------------------------
STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", VAR_DIR / "staticfiles"))
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
MEDIA_URL = "/media/"
# WhiteNoise serves static files from the app (`collectstatic` first): compressed copies and
# hashed names, which it sends with far-future cache headers. Development serves the source
# files unhashed, so nothing needs collecting before `runserver` or the tests.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
# Staff attachments: checked while the upload streams in (lib.uploads); the proxy in front
# should refuse bigger bodies before they reach us (nginx: client_max_body_size 21m).
FILE_UPLOAD_MAX_BYTES = env_int("FILE_UPLOAD_MAX_BYTES", 20 * 1024 * 1024)
FILE_UPLOAD_HANDLERS = [
    "lib.uploads.SizeLimitUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# --- Email ----------------------------------------------------------------------------
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG and not os.environ.get("EMAIL_HOST")
    # Django's SMTP backend, noting when a message was handed to the server ("outcome unknown").
    else "lib.smtp.EmailBackend",
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 20)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Reply Desk <replies@replydesk.example.org>")
# The desk's address in links of emails to staff (notifications).
DESK_BASE_URL = os.environ.get("DESK_BASE_URL", "http://127.0.0.1:8000").rstrip("/")
REPLY_TO_EMAIL = os.environ.get("REPLY_TO_EMAIL", "info@replydesk.example.org")
REPLY_EMAIL_SUBJECT = os.environ.get(
    "REPLY_EMAIL_SUBJECT", "Your question to the information center [{reference}]"
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Incoming mail: import_mail and fetch_mail -----------------------------------------------
# Larger messages are ignored, with the reason. An attachment at the 20 MB upload limit is ~27 MB in base64.
MAIL_MAX_BYTES = env_int("MAIL_MAX_MB", 28) * 1024 * 1024
MAIL_IMAP_HOST = os.environ.get("MAIL_IMAP_HOST", "")
MAIL_IMAP_PORT = env_int("MAIL_IMAP_PORT", 993)
MAIL_IMAP_USER = os.environ.get("MAIL_IMAP_USER", "")
MAIL_IMAP_PASSWORD = os.environ.get("MAIL_IMAP_PASSWORD", "")
MAIL_IMAP_FOLDER = os.environ.get("MAIL_IMAP_FOLDER", "INBOX")
MAIL_IMAP_DONE_FOLDER = os.environ.get("MAIL_IMAP_DONE_FOLDER", "Processed")
MAIL_IMAP_FAILED_FOLDER = os.environ.get("MAIL_IMAP_FAILED_FOLDER", "Failed")
# "ssl" (port 993) or "starttls"; "plain" only to a server on this machine (127.0.0.1, ::1, localhost).
MAIL_IMAP_SECURITY = os.environ.get("MAIL_IMAP_SECURITY", "ssl")
MAIL_IMAP_TIMEOUT = env_int("MAIL_IMAP_TIMEOUT", 60)

# --- Reply Desk rules ----------------------------------------------------------------------
LIBRARY_STALE_AFTER_DAYS = env_int("LIBRARY_STALE_AFTER_DAYS", 1095)
INQUIRY_DUE_BUSINESS_DAYS = env_int("INQUIRY_DUE_BUSINESS_DAYS", 10)
# Deadlines that act (manage.py desk_tick): the assignee is warned this many business days before
# the due date; the requester is reminded after this many days of waiting, and the inquiry is
# closed ("no answer from requester") after that many.
INQUIRY_DUE_WARNING_BUSINESS_DAYS = env_int("INQUIRY_DUE_WARNING_BUSINESS_DAYS", 2)
INQUIRY_WAITING_REMINDER_DAYS = env_int("INQUIRY_WAITING_REMINDER_DAYS", 7)
INQUIRY_WAITING_CLOSE_DAYS = env_int("INQUIRY_WAITING_CLOSE_DAYS", 21)
INQUIRY_RATE_LIMIT_PER_HOUR = env_int("INQUIRY_RATE_LIMIT_PER_HOUR", 5)
INQUIRY_MIN_FILL_SECONDS = env_int("INQUIRY_MIN_FILL_SECONDS", 3)
REPLY_REVIEW_REQUIRED = env_bool("REPLY_REVIEW_REQUIRED", True)
LETTER_PAGE_SIZE = os.environ.get("LETTER_PAGE_SIZE", "Letter")  # "Letter" or "A4"
# The center's disclaimer page: linked from every letter's disclaimer ("" prints the text alone).
LETTER_DISCLAIMER_URL = os.environ.get("LETTER_DISCLAIMER_URL", "")
PDF_TIME_LIMIT = env_int("PDF_TIME_LIMIT", 60)  # seconds one PDF may take to render

# One line per request and per task (lib/tracing.py); JSON in production, LOG_FORMAT=text to read.
LOG_FORMAT = os.environ.get("LOG_FORMAT", "json")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request": {"()": "lib.tracing.RequestLogFilter"}},
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": ["levelname", "name", "message", "request_id", "user_id"],
            "rename_fields": {"levelname": "level", "name": "logger"},
            "timestamp": "time",
            # django.request adds the request object, whose text holds the query string.
            "reserved_attrs": [*RESERVED_ATTRS, "request"],
        },
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s user=%(user_id)s] %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request"],
            "formatter": "text" if LOG_FORMAT == "text" else "json",
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
    "loggers": {
        "replydesk": {"level": os.environ.get("REQUEST_LOG_LEVEL", "INFO")},
        # The request line says it already ("Not Found: /path" would be a second line).
        "django.request": {"level": "ERROR"},
        "django.server": {"level": "ERROR"},
        "django_guid": {"level": "WARNING"},
        "weasyprint": {"level": "ERROR"},
        "fontTools": {"level": "ERROR"},
    },
}
DJANGO_GUID = {"GUID_HEADER_NAME": "X-Request-ID", "EXPOSE_HEADER": False}
