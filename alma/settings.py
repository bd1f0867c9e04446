"""Alma's one settings module: every choice comes from the environment, SQLite in var/ by default."""

import json
import os
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from alma.lib.keyfile import var_dir

BASE_DIR = Path(__file__).resolve().parent
VAR_DIR = var_dir()


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("ALMA_DEBUG", False)
# The key signs sessions, password resets and every signed link (QR codes, destination forms):
# anyone who knows it can forge them. The development key below is published with the source,
# so it is used only with ALMA_DEBUG=1; otherwise the site refuses to start without a key of
# its own (`alma demo` makes one and keeps it in var/, see alma.cli).
SECRET_KEY = os.environ.get("ALMA_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "Set ALMA_SECRET_KEY to a long random string (for example the output of "
            "`python3 -c 'import secrets; print(secrets.token_urlsafe(50))'`), "
            "or ALMA_DEBUG=1 for development."
        )
    SECRET_KEY = "django-insecure-alma-development-key-do-not-deploy"  # noqa: S105 - debug only
ALLOWED_HOSTS = env_list("ALMA_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list("ALMA_CSRF_TRUSTED_ORIGINS", "")
SITE_URL = os.environ.get("ALMA_SITE_URL", "http://127.0.0.1:8000")

INSTALLED_APPS = [
    "alma.admin_site.AlmaAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "csp",
    "ninja",  # serves the API docs' Swagger UI locally instead of from a CDN
    "template_partials",
    "simple_history",
    "axes",
    "django_tasks",
    "django_tasks_db",
    "alma.core",
    "alma.accounts",
    "alma.people",
    "alma.activity",
    "alma.matching",
    "alma.directory",
    "alma.events",
    "alma.lifecycle",
    "alma.mentoring",
    "alma.imports",
    "alma.giving",
    "alma.comms",
    "alma.insights",
    "alma.api",
    "alma.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Before any view reads a parameter: text the database cannot store is a clear 422 or message.
    "alma.lib.text.StorableInputMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "alma.lib.errors.ApplicationErrorMiddleware",
    # Axes must be last: it turns repeated failed sign-ins into a lockout response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "alma.urls"
WSGI_APPLICATION = "alma.wsgi.application"
ASGI_APPLICATION = "alma.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "alma.accounts.context_processors.roles",
            ],
        },
    }
]

DATABASE_URL = os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'alma.sqlite3'}")
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web process read while a worker writes; IMMEDIATE avoids lock-upgrade deadlocks.
    # A page cache of up to ~100 MB (the default is 2 MB), taken only as pages are read: large
    # imports and re-indexing write many index pages at once (bench/ measures it).
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000; "
            "PRAGMA cache_size=-100000;"
        ),
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Alma's queries are short; compiling one with LLVM takes longer than running it. No JIT.
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "alma.accounts.backends.AlumniOfficeBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Login throttling (django-axes): lock a username+IP pair out after repeated failures.
AXES_FAILURE_LIMIT = int(os.environ.get("ALMA_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = float(os.environ.get("ALMA_LOGIN_COOLOFF_HOURS", "0.25"))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_FORM_FIELD = "username"
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_RESET_ON_SUCCESS = True

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("zh-hans", _("Simplified Chinese"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = os.environ.get("ALMA_TIME_ZONE", "Asia/Shanghai")
# The largest spreadsheet the import accepts (a million rows of CSV is about 100 MB).
ALMA_IMPORT_MAX_BYTES = int(float(os.environ.get("ALMA_IMPORT_MAX_MB", "50")) * 1024 * 1024)
# The currency the school keeps its books in (ISO 4217; alma/lib/money.py lists those accepted).
ALMA_CURRENCY = os.environ.get("ALMA_CURRENCY", "CNY").strip().upper()
# The largest document a student may attach to an award application.
ALMA_UPLOAD_MAX_BYTES = int(float(os.environ.get("ALMA_UPLOAD_MAX_MB", "10")) * 1024 * 1024)
# Insights (CASE Alumni Engagement Metrics): the month the fiscal year starts (a fiscal year is
# named by the calendar year it ends in), the alumni-relations staff in full-time equivalents, and
# how old the rollups may grow before a page asks the worker to refresh them.
ALMA_FISCAL_YEAR_START_MONTH = int(os.environ.get("ALMA_FISCAL_YEAR_START_MONTH", "9"))
ALMA_ALUMNI_STAFF_FTE = float(os.environ.get("ALMA_ALUMNI_STAFF_FTE", "6"))
ALMA_INSIGHTS_MAX_AGE_MINUTES = int(os.environ.get("ALMA_INSIGHTS_MAX_AGE_MINUTES", "60"))
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("ALMA_STATIC_ROOT", VAR_DIR / "static"))
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
MEDIA_ROOT = Path(os.environ.get("ALMA_MEDIA_ROOT", VAR_DIR / "media"))
MEDIA_URL = "/media/"
WHITENOISE_USE_FINDERS = DEBUG

TASKS = {
    "default": {
        "BACKEND": os.environ.get("ALMA_TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}

EMAIL_BACKEND = os.environ.get(
    "ALMA_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend"
)
EMAIL_HOST = os.environ.get("ALMA_EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("ALMA_EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("ALMA_EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("ALMA_EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("ALMA_EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get("ALMA_DEFAULT_FROM_EMAIL", "alma@localhost")
# The file backend (ALMA_EMAIL_BACKEND=django.core.mail.backends.filebased.EmailBackend) writes here.
EMAIL_FILE_PATH = os.environ.get("ALMA_EMAIL_FILE_PATH", str(VAR_DIR / "mail"))
# With an ESP through django-anymail (ALMA_EMAIL_BACKEND=anymail.backends.<esp>.EmailBackend),
# its settings come as JSON, e.g. {"MAILGUN_API_KEY": "...", "WEBHOOK_SECRET": "user:pass"};
# ALMA_ANYMAIL_WEBHOOKS=1 serves the ESP's tracking webhook under /anymail/ (bounces recorded).
ANYMAIL = json.loads(os.environ.get("ALMA_ANYMAIL", "{}"))
ANYMAIL_WEBHOOKS = env_bool("ALMA_ANYMAIL_WEBHOOKS", False)

# The school's WeChat Official Account (optional): articles are published through its HTTP API
# when an app id and secret are set; ALMA_WECHAT_API is the API's address (a test server in tests).
WECHAT_APP_ID = os.environ.get("ALMA_WECHAT_APP_ID", "")
WECHAT_APP_SECRET = os.environ.get("ALMA_WECHAT_APP_SECRET", "")
WECHAT_THUMB_MEDIA_ID = os.environ.get("ALMA_WECHAT_THUMB_MEDIA_ID", "")
WECHAT_API = os.environ.get("ALMA_WECHAT_API", "https://api.weixin.qq.com")

SECURE = env_bool("ALMA_SECURE", False)
SESSION_COOKIE_SECURE = SECURE
CSRF_COOKIE_SECURE = SECURE
SECURE_SSL_REDIRECT = SECURE
SECURE_HSTS_SECONDS = 31536000 if SECURE else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE
SECURE_HSTS_PRELOAD = SECURE
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if SECURE else None
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"

# Content-Security-Policy (django-csp): scripts, styles and fonts only from Alma itself, no inline
# script or style, no eval (htmx runs with allowEval off), nothing framed or framing. Every page's
# behaviour lives in static files (alma/static/alma/alma.js); tests check each page complies.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {
        "alma": {"handlers": ["console"], "level": os.environ.get("ALMA_LOG_LEVEL", "INFO")},
        "alma.audit": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}

# django-simple-history records who changed what; keep history rows when a record goes.
SIMPLE_HISTORY_HISTORY_ID_USE_UUID = False
# History is read per record (by its id), never by date across records: no index on the date,
# which every bulk write (imports, graduations) would otherwise pay for per row.
SIMPLE_HISTORY_DATE_INDEX = False
