"""Django settings for OIP, read from the environment through small typed helpers.

Production mode (`OIP_ENV=production`) refuses unsafe values: no default secret key, no
DEBUG, explicit ALLOWED_HOSTS. Development (the default) runs on the embedded SQLite database
in `var/` with nothing to configure.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = Path(os.environ.get("OIP_HOME", Path.cwd()))
VAR_DIR = Path(os.environ.get("OIP_VAR", PROJECT_DIR / "var"))


def env_str(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(name)
    return default if value is None or value == "" else value


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    lowered = value.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false), got {value!r}")


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


OIP_ENV = env_str("OIP_ENV", "development")
if OIP_ENV not in {"development", "production", "test"}:
    raise ImproperlyConfigured(f"OIP_ENV must be development, production or test, got {OIP_ENV!r}")
PRODUCTION = OIP_ENV == "production"

_DEV_SECRET = "dev-only-insecure-key-do-not-use-in-production"  # noqa: S105 - refused in production
SECRET_KEY = env_str("OIP_SECRET_KEY", None if PRODUCTION else _DEV_SECRET) or ""
DEBUG = env_bool("OIP_DEBUG", default=False)
ALLOWED_HOSTS = env_list(
    "OIP_ALLOWED_HOSTS", [] if PRODUCTION else ["127.0.0.1", "localhost", "testserver", "[::1]"]
)

if PRODUCTION:
    if not SECRET_KEY or SECRET_KEY == _DEV_SECRET or len(SECRET_KEY) < 32:
        raise ImproperlyConfigured(
            "OIP_SECRET_KEY must be set to a random value of at least 32 characters in production"
        )
    if DEBUG:
        raise ImproperlyConfigured("OIP_DEBUG must be off in production")
    if not ALLOWED_HOSTS or "*" in ALLOWED_HOSTS:
        raise ImproperlyConfigured(
            "OIP_ALLOWED_HOSTS must list the served host names in production"
        )

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    # Its own copy of Swagger UI: the API docs page must not load scripts from a CDN.
    "ninja",
    "oip.accounts",
    "oip.catalogue",
    "oip.evidence",
    "oip.monitor",
    "oip.reports",
    "oip.standings",
    "oip.site",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "oip.site.ratelimit.LoginThrottleMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "oip.site.middleware.SecurityHeadersMiddleware",
]

ROOT_URLCONF = "oip.urls"
WSGI_APPLICATION = "oip.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
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

_default_db = f"sqlite:///{VAR_DIR / 'oip.sqlite3'}"
DATABASE_URL = env_str("DATABASE_URL", _default_db) or _default_db
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets the public pages read while an import writes; IMMEDIATE takes the write
        # lock at BEGIN so a long import fails fast instead of deadlocking a reader's upgrade.
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    VAR_DIR.mkdir(parents=True, exist_ok=True)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# OIP's own user model (docs/decisions.md, "Identity"): swapped in before any account exists.
AUTH_USER_MODEL = "accounts.User"

CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "oip",
        "TIMEOUT": 3600,
    }
}

LANGUAGE_CODE = "en"
TIME_ZONE = "UTC"
USE_I18N = False
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
# WhiteNoise serves from the apps' static dirs (USE_FINDERS); the root only has to exist.
# A read-only deployment points OIP_VAR at a writable place.
with contextlib.suppress(OSError):
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

LOGIN_URL = "/admin/login/"

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
OIP_TLS = env_bool("OIP_TLS", default=False)
if OIP_TLS:
    SECURE_HSTS_SECONDS = 31_536_000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_SSL_REDIRECT = env_bool("OIP_SSL_REDIRECT", default=True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# How long a process may reuse the data version before asking the database again (seconds).
OIP_DATA_VERSION_TTL = float(env_str("OIP_DATA_VERSION_TTL", "2") or "2")

# The public URL, used in citation lines and permalinks.
OIP_PUBLIC_URL = (env_str("OIP_PUBLIC_URL", "http://127.0.0.1:8000") or "").rstrip("/")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("OIP_LOG_LEVEL", "WARNING")},
}
