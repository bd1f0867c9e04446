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
    "django.contrib.humanize",
    "django_htmx",
    "csp",
    "ninja",  # serves the API docs' Swagger UI locally instead of from a CDN
    "template_partials",
    "simple_history",
    "axes",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "allauth.socialaccount.providers.saml",
    "allauth.usersessions",
    "django_tasks",
    "django_tasks_db",
    "alma.core",
    "alma.accounts",
    "alma.people",
    "alma.activity",
    "alma.matching",
    "alma.search",
    "alma.directory",
    "alma.events",
    "alma.lifecycle",
    "alma.mentoring",
    "alma.imports",
    "alma.giving",
    "alma.comms",
    "alma.forum",
    "alma.support",
    "alma.insights",
    "alma.careers",
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
    "allauth.account.middleware.AccountMiddleware",
    "allauth.usersessions.middleware.UserSessionsMiddleware",
    # After authentication: the alumni office must set up two-factor before anything else.
    "alma.accounts.middleware.OfficeTwoFactorMiddleware",
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
# Web processes keep their connection for a minute, checked before reuse (a restarted database
# does not fail the next request).
DATABASES = {
    "default": dj_database_url.parse(DATABASE_URL, conn_max_age=60, conn_health_checks=True)
}
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
    # django-allauth signs in by email (its login, sign-up, SSO and two-factor flows); Django's
    # own backend remains for `authenticate(username=email, ...)` callers.
    "allauth.account.auth_backends.AuthenticationBackend",
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
AXES_USERNAME_FORM_FIELD = "login"
# allauth passes the address as `email`; one lower-case key per account, whatever the case typed.
AXES_USERNAME_CALLABLE = "alma.accounts.throttle.username_of"
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_RESET_ON_SUCCESS = True

# Accounts (django-allauth): email and password, sign-up only by invitation or by claiming a
# record (alma.accounts.adapters), password reset by email, TOTP two-factor with recovery codes,
# single sign-on through OpenID Connect and SAML 2, and a list of one's signed-in sessions.
ACCOUNT_ADAPTER = "alma.accounts.adapters.AccountAdapter"
SOCIALACCOUNT_ADAPTER = "alma.accounts.adapters.SocialAccountAdapter"
ACCOUNT_FORMS = {
    "login": "alma.accounts.forms.LoginForm",
    "signup": "alma.accounts.forms.SignupForm",
}
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_UNIQUE_EMAIL = True
# Invitations and claims prove the address before sign-up; other addresses are confirmed by mail.
ACCOUNT_EMAIL_VERIFICATION = "optional"
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_LOGOUT_REDIRECT_URL = "/accounts/login/"
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_PASSWORD_RESET_BY_CODE_ENABLED = False
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_SESSION_REMEMBER = True
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Alma] "
# Failed sign-ins are throttled by django-axes (per account and address, shown above); allauth's
# own per-address limit would only add a second, different lock. The rest are allauth's limits:
# password reset mails at most 5 a minute per address and 20 per client, changes 5 a minute.
ACCOUNT_RATE_LIMITS = {
    "login_failed": None,
    "login": None,
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
    "change_password": "5/m/user",
    "signup": "20/m/ip",
    "reauthenticate": "10/m/user",
    "manage_email": "10/m/user",
    # Claims of a record (alma.accounts.views.claim): mail to an address on record.
    "claim_record": "10/h/ip,3/h/key",
}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
# Sign-up proves the address (invitation or claim) and the office makes the other logins, so an
# address allauth has not itself confirmed is no reason to refuse two-factor.
MFA_ALLOW_UNVERIFIED_EMAIL = True
MFA_TOTP_ISSUER = os.environ.get("ALMA_TOTP_ISSUER", "Alma")
# A code typed as the phone turns to the next one still counts (RFC 6238 5.2: one step back
# for the time it takes to type and send); each code is still accepted only once.
MFA_TOTP_TOLERANCE = 1
MFA_RECOVERY_CODE_COUNT = 10
SOCIALACCOUNT_LOGIN_ON_GET = False
SOCIALACCOUNT_AUTO_SIGNUP = True
SOCIALACCOUNT_EMAIL_AUTHENTICATION = True
SOCIALACCOUNT_EMAIL_AUTHENTICATION_AUTO_CONNECT = True
SOCIALACCOUNT_EMAIL_VERIFICATION = "none"
SOCIALACCOUNT_STORE_TOKENS = False
USERSESSIONS_TRACK_ACTIVITY = False


def _sso_providers() -> dict[str, dict[str, object]]:
    """The university's identity providers, from the environment (README: Single sign-on)."""
    providers: dict[str, dict[str, object]] = {}
    if os.environ.get("ALMA_OIDC_SERVER_URL"):
        providers["openid_connect"] = {
            "OAUTH_PKCE_ENABLED": True,
            "APPS": [
                {
                    "provider_id": os.environ.get("ALMA_OIDC_ID", "university"),
                    "name": os.environ.get("ALMA_OIDC_NAME", "University sign-in"),
                    "client_id": os.environ.get("ALMA_OIDC_CLIENT_ID", ""),
                    "secret": os.environ.get("ALMA_OIDC_CLIENT_SECRET", ""),
                    # The university's provider vouches for its own addresses.
                    "settings": {
                        "server_url": os.environ["ALMA_OIDC_SERVER_URL"],
                        "verified_email": True,
                    },
                }
            ],
        }
    if os.environ.get("ALMA_SAML_IDP_SSO_URL"):
        providers["saml"] = {
            "APPS": [
                {
                    "provider_id": os.environ.get("ALMA_SAML_IDP_ENTITY_ID", ""),
                    "name": os.environ.get("ALMA_SAML_NAME", "University SAML sign-in"),
                    "client_id": os.environ.get("ALMA_SAML_ID", "university"),
                    "settings": {
                        "verified_email": True,
                        "attribute_mapping": {
                            "uid": os.environ.get("ALMA_SAML_ATTRIBUTE_UID", "uid"),
                            "email": os.environ.get("ALMA_SAML_ATTRIBUTE_EMAIL", "email"),
                        },
                        "idp": {
                            "entity_id": os.environ.get("ALMA_SAML_IDP_ENTITY_ID", ""),
                            "sso_url": os.environ["ALMA_SAML_IDP_SSO_URL"],
                            "x509cert": os.environ.get("ALMA_SAML_IDP_X509CERT", ""),
                        },
                    },
                }
            ],
        }
    return providers


SOCIALACCOUNT_PROVIDERS = _sso_providers()

# One cache shared by every web process (rate limits, used two-factor codes): a table in the
# database, created by the accounts migrations.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "alma_cache",
    }
}

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
# Support cases: Fernet keys (the first encrypts, all decrypt; see README "Support") and how
# long a closed case keeps its narrative, notes and files before they are purged.
ALMA_SUPPORT_KEYS = env_list("ALMA_SUPPORT_KEYS", "")
ALMA_SUPPORT_RETENTION_DAYS = int(os.environ.get("ALMA_SUPPORT_RETENTION_DAYS", "365"))
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

# Logs go to standard error, one JSON object a line (ALMA_LOG_FORMAT=json, the default: what log
# collectors read) or plain text (ALMA_LOG_FORMAT=text, for a terminal). Django's request errors
# and the audit trail (alma.audit) are included; gunicorn's access log uses the same format
# (alma/gunicorn_conf.py).
LOG_FORMAT = os.environ.get("ALMA_LOG_FORMAT", "json")
LOG_LEVEL = os.environ.get("ALMA_LOG_LEVEL", "INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s %(message)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
        "text": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "json" if LOG_FORMAT == "json" else "text",
        }
    },
    "loggers": {
        "alma": {"handlers": ["console"], "level": LOG_LEVEL, "propagate": False},
        "alma.audit": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "django": {"handlers": ["console"], "level": "WARNING", "propagate": False},
        "axes": {"handlers": ["console"], "level": "WARNING", "propagate": False},
    },
}

# django-simple-history records who changed what; keep history rows when a record goes.
SIMPLE_HISTORY_HISTORY_ID_USE_UUID = False
# History is read per record (by its id), never by date across records: no index on the date,
# which every bulk write (imports, graduations) would otherwise pay for per row.
SIMPLE_HISTORY_DATE_INDEX = False
