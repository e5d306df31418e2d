"""Django settings for NQI, read from the environment (12-factor).

Environment variables:
  DATABASE_URL       database URL (default: SQLite at var/nqi.sqlite3)
  NQI_SECRET_KEY     secret key (required when NQI_DEBUG is off)
  NQI_DEBUG          1/0 (default 0)
  NQI_ALLOWED_HOSTS  comma-separated host names (default: localhost,127.0.0.1 in debug)
  NQI_EMAIL_URL      e-mail backend: console:, smtp://user:pass@host:port, smtp+tls://…, locmem:
  NQI_DEFAULT_FROM_EMAIL, NQI_TIME_ZONE (default UTC), NQI_VAR_DIR (default ./var)
  NQI_SECURE_SSL_REDIRECT, NQI_CSRF_TRUSTED_ORIGINS
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import unquote, urlparse

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _


def _env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name, "")
    items = [item.strip() for item in value.split(",") if item.strip()]
    return items or default


PACKAGE_DIR = Path(__file__).resolve().parent
VAR_DIR = Path(os.environ.get("NQI_VAR_DIR", Path.cwd() / "var")).resolve()

DEBUG = _env_bool("NQI_DEBUG", False)
SECRET_KEY = os.environ.get("NQI_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("NQI_SECRET_KEY must be set when NQI_DEBUG is off.")
    SECRET_KEY = "nqi-development-only-key-not-for-production-use-0123456789abcdef"

ALLOWED_HOSTS = _env_list("NQI_ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = _env_list("NQI_CSRF_TRUSTED_ORIGINS", [])

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
    "ninja",
    "nqi.core",
    "nqi.organizations",
    "nqi.standards",
    "nqi.committees",
    "nqi.metrology",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "nqi.core.middleware.RejectNulMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "nqi.core.audit.AuditActorMiddleware",
]

ROOT_URLCONF = "nqi.urls"
WSGI_APPLICATION = "nqi.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "nqi.core.context_processors.nqi",
                "nqi.metrology.context_processors.metrology",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'nqi.sqlite3'}",
        conn_max_age=int(os.environ.get("NQI_DB_CONN_MAX_AGE", "0")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers proceed during writes; a busy timeout avoids "database is locked" under load.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
        "transaction_mode": "IMMEDIATE",
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

# --- Languages ---------------------------------------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", _("English")),
    ("vi", _("Vietnamese")),
    ("uz", _("Uzbek")),
    ("kk", _("Kazakh")),
    ("ru", _("Russian")),
]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = os.environ.get("NQI_TIME_ZONE", "UTC")
LANGUAGE_COOKIE_NAME = "nqi_language"

# --- Static files ------------------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if not DEBUG and _env_bool("NQI_COLLECTED_STATIC", False)
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
# Serve straight from the app folders when collectstatic has not run (development, tests).
WHITENOISE_USE_FINDERS = not _env_bool("NQI_COLLECTED_STATIC", False)
MEDIA_ROOT = VAR_DIR / "media"

# --- E-mail ------------------------------------------------------------------------------------
_email_url = os.environ.get("NQI_EMAIL_URL", "console:" if DEBUG else "smtp://localhost:25")
_email = urlparse(_email_url)
if _email.scheme == "console":
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
elif _email.scheme == "locmem":
    EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
elif _email.scheme in {"smtp", "smtp+tls", "smtps"}:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = _email.hostname or "localhost"
    EMAIL_PORT = _email.port or (465 if _email.scheme == "smtps" else 25)
    EMAIL_HOST_USER = unquote(_email.username or "")
    EMAIL_HOST_PASSWORD = unquote(_email.password or "")
    EMAIL_USE_TLS = _email.scheme == "smtp+tls"
    EMAIL_USE_SSL = _email.scheme == "smtps"
else:
    raise ImproperlyConfigured(f"NQI_EMAIL_URL has an unknown scheme: {_email.scheme!r}")
DEFAULT_FROM_EMAIL = os.environ.get("NQI_DEFAULT_FROM_EMAIL", "NQI <nqi@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Metrology -----------------------------------------------------------------------------------
# A folder with the official PTB DCC schema files (dcc.xsd and the D-SI SI_Format.xsd): when set,
# every digital calibration certificate is also validated against them before it is issued.
NQI_DCC_SCHEMA_DIR = os.environ.get("NQI_DCC_SCHEMA_DIR", "")

# --- Security (production) -----------------------------------------------------------------------
if not DEBUG:
    SECURE_SSL_REDIRECT = _env_bool("NQI_SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("NQI_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("NQI_LOG_LEVEL", "WARNING")},
}

NINJA_PAGINATION_MAX_LIMIT = 500
