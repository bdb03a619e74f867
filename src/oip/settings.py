"""Django settings for OIP, read from the environment through small typed helpers.

Production mode (`OIP_ENV=production`) refuses unsafe values: a secret key weaker than
Django's own rule (W009), DEBUG, missing or wildcard ALLOWED_HOSTS; and it warns on stderr
(`oip serve`) when it runs without TLS. In every mode a malformed value (a number, a boolean,
`OIP_PUBLIC_URL`, `OIP_TRUSTED_PROXIES`) is refused with an ImproperlyConfigured naming the
variable (see oip.site.env). Development (the default) runs on the embedded SQLite database
in `var/` with nothing to configure.
"""

from __future__ import annotations

import contextlib
import ipaddress
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from django.core.checks.security.base import (
    SECRET_KEY_INSECURE_PREFIX,
    SECRET_KEY_MIN_LENGTH,
    SECRET_KEY_MIN_UNIQUE_CHARACTERS,
)
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.core.validators import validate_email

from oip.site import headers
from oip.site.env import env_bool, env_float, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = Path(env_str("OIP_HOME") or Path.cwd())
VAR_DIR = Path(env_str("OIP_VAR") or PROJECT_DIR / "var")


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


def strong_secret(key: str) -> bool:
    """Django's own rule for a secret key (the W009 deployment check), applied at start-up."""
    return (
        len(set(key)) >= SECRET_KEY_MIN_UNIQUE_CHARACTERS
        and len(key) >= SECRET_KEY_MIN_LENGTH
        and not key.startswith(SECRET_KEY_INSECURE_PREFIX)
    )


if PRODUCTION:
    if not SECRET_KEY:
        raise ImproperlyConfigured("OIP_SECRET_KEY must be set in production")
    if SECRET_KEY == _DEV_SECRET or not strong_secret(SECRET_KEY):
        raise ImproperlyConfigured(
            f"OIP_SECRET_KEY is too weak for production: it must be a random value of at least "
            f"{SECRET_KEY_MIN_LENGTH} characters with at least {SECRET_KEY_MIN_UNIQUE_CHARACTERS} "
            f"different ones, not starting with {SECRET_KEY_INSECURE_PREFIX!r} (Django's "
            "security.W009 rule); e.g. python -c 'import secrets; print(secrets.token_urlsafe(50))'"
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
    "oip.exchange",
    # Second factor for people on the exchange (TOTP and backup codes).
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    # Django's Tasks API (the backport) with the database queue: the exchange's worker.
    "django_tasks",
    "django_tasks_db",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
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
# How long a writer waits for another to finish (SQLite's busy timeout; an import's turn on
# PostgreSQL) before it gives up with a clear message: writers wait their turn.
OIP_DB_WAIT = env_float("OIP_DB_WAIT", 30.0, minimum=0.1, maximum=3600)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets the public pages read while an import writes; IMMEDIATE takes the write
        # lock at BEGIN so a long import fails fast instead of deadlocking a reader's upgrade.
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": OIP_DB_WAIT,
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
# Static files are answered before the header middlewares run: WhiteNoise adds them itself.
WHITENOISE_ADD_HEADERS_FUNCTION = headers.static_headers
WHITENOISE_AUTOREFRESH = DEBUG

LOGIN_URL = "/admin/login/"

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = headers.X_FRAME_OPTIONS
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

# Production without TLS is allowed (a private network, a test deployment) but never silent:
# `oip serve` prints this on stderr. The signal is OIP_TLS (set it when TLS is terminated by
# OIP's proxy); an https OIP_PUBLIC_URL without it is the likeliest misconfiguration of all.
OIP_TLS_WARNING = (
    "WARNING: OIP runs in production without TLS (OIP_TLS is off): passwords and session "
    "cookies travel in clear text and cookies are not marked Secure. Serve it behind an HTTPS "
    "proxy and set OIP_TLS=1."
    if PRODUCTION and not OIP_TLS
    else None
)

# How long a process may reuse the data version before asking the database again (seconds).
OIP_DATA_VERSION_TTL = env_float("OIP_DATA_VERSION_TTL", 2.0, minimum=0, maximum=3600)


def public_url(name: str, value: str) -> str:
    """`value` without its trailing slash if it is an absolute http(s) URL with a host, else
    ImproperlyConfigured naming `name` (a `javascript:` or host-less URL would end up in every
    citation line and permalink)."""
    if any(ch.isspace() or ord(ch) < 32 or ord(ch) == 127 for ch in value):
        raise ImproperlyConfigured(f"{name} must not contain spaces or control characters")
    try:
        parts = urlsplit(value)
        host = parts.hostname
        parts.port  # noqa: B018 - raises ValueError on a port out of range
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} is not a valid URL ({exc}): {value[:80]!r}") from None
    if parts.scheme not in {"http", "https"} or not host:
        raise ImproperlyConfigured(
            f"{name} must be an absolute http:// or https:// URL with a host name, "
            f"e.g. https://oip.example.eu; got {value[:80]!r}"
        )
    if parts.query or parts.fragment or parts.username or parts.password:
        raise ImproperlyConfigured(
            f"{name} must not carry a query, a fragment or credentials; got {value[:80]!r}"
        )
    return value.rstrip("/")


# The public URL, used in citation lines and permalinks. When it is not set, the monitor's
# pages cite the host the request came to (OIP_PUBLIC_URL_SET is False) and commands, which
# have no request, use the development address.
OIP_PUBLIC_URL = public_url("OIP_PUBLIC_URL", env_str("OIP_PUBLIC_URL", "http://127.0.0.1:8000"))
OIP_PUBLIC_URL_SET = env_str("OIP_PUBLIC_URL") is not None


def contact_email(name: str, value: str | None) -> str | None:
    """`value` if it is an e-mail address (or None when unset), else ImproperlyConfigured
    naming `name`: it is shown on the About page as a mailto link for corrections."""
    if value is None:
        return None
    try:
        validate_email(value)
    except ValidationError:
        raise ImproperlyConfigured(
            f"{name} must be an e-mail address, e.g. corrections@oip.example.eu; got {value[:80]!r}"
        ) from None
    return value


# Where readers send corrections (the About page); unset: the page says how else to reach us.
OIP_CONTACT_EMAIL = contact_email("OIP_CONTACT_EMAIL", env_str("OIP_CONTACT_EMAIL"))


def trusted_proxies(name: str, items: list[str]) -> list[str]:
    """The addresses/networks of `items` in canonical form, else ImproperlyConfigured."""
    networks = []
    for item in items:
        try:
            networks.append(str(ipaddress.ip_network(item, strict=False)))
        except ValueError:
            raise ImproperlyConfigured(
                f"{name} must list IP addresses or networks (e.g. 10.0.0.1, 10.0.0.0/8), "
                f"got {item!r}"
            ) from None
    return networks


# The reverse proxies whose X-Forwarded-For the login throttle believes (addresses or CIDR
# networks, comma-separated). Empty: the peer's address is the client's.
OIP_TRUSTED_PROXIES = trusted_proxies("OIP_TRUSTED_PROXIES", env_list("OIP_TRUSTED_PROXIES", []))

# Reports for arbitrary dates are rendered one at a time per process; at most this many
# requests wait for their turn (the rest get 503 with Retry-After), each at most
# OIP_REPORT_WAIT seconds.
OIP_REPORT_QUEUE = env_int("OIP_REPORT_QUEUE", 2, minimum=0, maximum=64)
OIP_REPORT_WAIT = env_float("OIP_REPORT_WAIT", 20.0, minimum=0, maximum=600)
# Where rendered reports are kept, shared by every process (see oip.reports.store).
OIP_REPORT_STORE = VAR_DIR / "reports"
# Render them in a helper process beside each server process (oip.reports.isolation), so a
# render never stalls the server's other threads; `oip serve` turns it on.
OIP_REPORT_PROCESS = env_bool("OIP_REPORT_PROCESS", default=False)
# Render the current reports in the background after every write (an import, a catalogue
# load, an admin change): on in production; elsewhere they are rendered on first request
# (tests write thousands of times and must not start a renderer each time).
OIP_PRERENDER = env_bool("OIP_PRERENDER", default=PRODUCTION)
OIP_PRERENDER_FORMATS = tuple(env_list("OIP_PRERENDER_FORMATS", ["pdf", "html"]))
if not OIP_PRERENDER_FORMATS or not set(OIP_PRERENDER_FORMATS) <= {"pdf", "html"}:
    raise ImproperlyConfigured(
        f"OIP_PRERENDER_FORMATS must list pdf and/or html, got {','.join(OIP_PRERENDER_FORMATS)!r}"
    )

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("OIP_LOG_LEVEL", "WARNING")},
}

# --- The liaison exchange (docs/exchange.md) -------------------------------------------------
# The key-encryption key that wraps every payload's data key. Production refuses to start
# without a readable key file; development generates one under var/ with mode 0600 on first use.
OIP_EXCHANGE_KEK_FILE = Path(env_str("OIP_EXCHANGE_KEK_FILE") or VAR_DIR / "exchange" / "kek.key")
if PRODUCTION and not (env_str("OIP_EXCHANGE_KEK_FILE") and OIP_EXCHANGE_KEK_FILE.is_file()):
    raise ImproperlyConfigured(
        "OIP_EXCHANGE_KEK_FILE must name an existing key-encryption key file in production "
        "(`oip exchange keys generate FILE` writes one)"
    )
OIP_EXCHANGE_BLOBS = VAR_DIR / "exchange" / "blobs"
# `oip serve` embeds one exchange worker unless this is "external" (workers run apart).
OIP_EXCHANGE_WORKER = env_str("OIP_EXCHANGE_WORKER", "embedded")
if OIP_EXCHANGE_WORKER not in {"embedded", "external"}:
    raise ImproperlyConfigured(
        f"OIP_EXCHANGE_WORKER must be embedded or external, got {OIP_EXCHANGE_WORKER!r}"
    )
# Seconds between two ticks of a worker (reminders, withdrawals): EXCHANGE.md §6.6.5.
OIP_EXCHANGE_TICK = env_float("OIP_EXCHANGE_TICK", 30.0, minimum=1, maximum=3600)
# Django's Tasks API through the backport, on the database queue: SQLite for `make run`,
# PostgreSQL (workers claim with SKIP LOCKED) when DATABASE_URL points there.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# Reminders carry links only; the console backend prints them in development.
EMAIL_BACKEND = env_str("OIP_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env_str("OIP_EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("OIP_EMAIL_PORT", 25, minimum=1, maximum=65535)
DEFAULT_FROM_EMAIL = env_str("OIP_EMAIL_FROM", "oip-exchange@localhost")
# Where links in reminders point (the public address of this deployment).
OIP_EXCHANGE_SESSION_IDLE = env_int("OIP_EXCHANGE_SESSION_IDLE", 1800, minimum=60, maximum=86400)
