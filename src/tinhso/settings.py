"""Django settings for tinhso: one module, driven by the environment (see config.py)."""

from __future__ import annotations

import re

from django.utils.translation import gettext_lazy as _

from tinhso import config
from tinhso.config import BASE_DIR

ENV = config.get_choice("TINHSO_ENV", ("development", "demo", "production"))
PRODUCTION = ENV == "production"
DEMO = ENV == "demo"
DEBUG = config.get_bool("DEBUG")
if PRODUCTION and DEBUG:
    raise config.ConfigError("DEBUG=true không được phép khi TINHSO_ENV=production")

VAR_DIR = config.var_dir()
SECRET_KEY = config.secret_key(production=PRODUCTION)
ALLOWED_HOSTS = config.get_list("ALLOWED_HOSTS")
if PRODUCTION and (not ALLOWED_HOSTS or "*" in ALLOWED_HOSTS):
    raise config.ConfigError("ALLOWED_HOSTS phải liệt kê tên miền thật khi TINHSO_ENV=production")
if not PRODUCTION:
    ALLOWED_HOSTS = [*ALLOWED_HOSTS, "testserver", "[::1]"]
CSRF_TRUSTED_ORIGINS = config.get_list("CSRF_TRUSTED_ORIGINS")

PROVINCE_CODE = config.raw("TINHSO_PROVINCE_CODE").strip()
if not PROVINCE_CODE.isdigit() or len(PROVINCE_CODE) != 2:
    raise config.ConfigError(
        f"TINHSO_PROVINCE_CODE={PROVINCE_CODE!r} không hợp lệ: cần mã tỉnh 2 chữ số"
    )
SITE_NAME = config.raw("TINHSO_SITE_NAME")
PUBLIC_BASE_URL = config.raw("PUBLIC_BASE_URL").strip().rstrip("/")
if PUBLIC_BASE_URL and not re.match(r"^https?://[^/\s]+$", PUBLIC_BASE_URL):
    raise config.ConfigError(
        f"PUBLIC_BASE_URL={PUBLIC_BASE_URL!r} không hợp lệ: cần dạng https://ten-mien (không có đường dẫn)"
    )

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.humanize",
    "django_tasks",
    "django_tasks_db",
    "django_rq",
    "ninja",
    "tinhso.core",
    "tinhso.catalog",
    "tinhso.procedures",
    "tinhso.dossiers",
    "tinhso.datastore",
    "tinhso.assessment",
    "tinhso.indicators",
    "tinhso.identity",
    "tinhso.payments",
    "tinhso.demo",
]

MIDDLEWARE = [
    "tinhso.core.middleware.RequestSizeLimitMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "tinhso.core.middleware.ApiLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "tinhso.core.middleware.AuditContextMiddleware",
]

ROOT_URLCONF = "tinhso.urls"
WSGI_APPLICATION = "tinhso.wsgi.application"
ASGI_APPLICATION = "tinhso.asgi.application"

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
                "tinhso.core.context_processors.site",
            ],
        },
    }
]

DATABASES = {"default": config.database_config()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "core.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "core:home"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Internationalisation: Vietnamese first (no URL prefix), English under /en/.
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Tiếng Việt")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
LANGUAGE_COOKIE_NAME = "tinhso_language"

STATIC_URL = "/static/"
STATIC_ROOT = config.get_path("STATIC_ROOT")
if not PRODUCTION:
    # Outside production WhiteNoise serves from the finders; an existing (empty)
    # STATIC_ROOT keeps it from warning on every start.
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)
MEDIA_URL = "/media/"
MEDIA_ROOT = config.get_path("MEDIA_ROOT")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = not PRODUCTION
WHITENOISE_AUTOREFRESH = DEBUG

MAX_REQUEST_BYTES = config.get_int("MAX_REQUEST_BYTES", minimum=1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = min(MAX_REQUEST_BYTES, 10 * 1024 * 1024)
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
CATALOG_MAX_UPLOAD_BYTES = config.get_int("CATALOG_MAX_UPLOAD_BYTES", minimum=1)

REDIS_URL = config.get_url("REDIS_URL", ("redis", "rediss", "unix"))
TASK_BACKEND = config.get_choice("TASK_BACKEND", ("database", "redis", "immediate"))
RQ_QUEUES = {"default": {"URL": REDIS_URL, "DEFAULT_TIMEOUT": 600}}
_TASK_BACKENDS = {
    "database": {"BACKEND": "django_tasks_db.DatabaseBackend"},
    "redis": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]},
    "immediate": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"},
}
TASKS = {"default": _TASK_BACKENDS[TASK_BACKEND]}

locals().update(config.email_config())
DEFAULT_FROM_EMAIL = config.raw("DEFAULT_FROM_EMAIL")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

SESSION_COOKIE_AGE = 8 * 3600
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
CSRF_FAILURE_VIEW = "tinhso.core.views.csrf_failure"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = True
    SECURE_HSTS_SECONDS = 31536000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_REDIRECT_EXEMPT = [r"^api/v1/health$"]
if config.get_bool("TINHSO_SECURE_PROXY"):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LOG_LEVEL = config.raw("LOG_LEVEL").upper()
if LOG_LEVEL not in {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}:
    raise config.ConfigError(f"LOG_LEVEL={LOG_LEVEL!r} không hợp lệ: DEBUG, INFO, WARNING, ERROR")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "loggers": {
        "tinhso": {"handlers": ["console"], "level": LOG_LEVEL},
        "django.request": {"handlers": ["console"], "level": "ERROR"},
    },
}

NINJA_PAGINATION_PER_PAGE = 50

HARVEST_MAX_BYTES = config.get_int("HARVEST_MAX_BYTES", minimum=1024)
HARVEST_TIMEOUT_SECONDS = config.get_int("HARVEST_TIMEOUT_SECONDS", minimum=1)

# Failure counters of the login and API-key limits (tinhso.core.throttle) live in the cache.
CACHE_URL = config.raw("CACHE_URL").strip()
if CACHE_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": config.get_url("CACHE_URL", ("redis", "rediss", "unix")),
        }
    }
LOGIN_THROTTLE_FAILURES = config.get_int("LOGIN_THROTTLE_FAILURES", minimum=1)
LOGIN_THROTTLE_IP_FAILURES = config.get_int("LOGIN_THROTTLE_IP_FAILURES", minimum=1)
LOGIN_THROTTLE_WINDOW_SECONDS = config.get_int("LOGIN_THROTTLE_WINDOW_SECONDS", minimum=1)
API_TOKEN_THROTTLE_FAILURES = config.get_int("API_TOKEN_THROTTLE_FAILURES", minimum=1)

POPULATION_REGISTRY = config.get_choice("POPULATION_REGISTRY", ("simulator", "http"))
POPULATION_REGISTRY_URL = config.raw("POPULATION_REGISTRY_URL").strip()
if POPULATION_REGISTRY == "http" or POPULATION_REGISTRY_URL:
    POPULATION_REGISTRY_URL = config.get_url("POPULATION_REGISTRY_URL", ("https", "http"))
POPULATION_REGISTRY_TOKEN = config.raw("POPULATION_REGISTRY_TOKEN").strip()
POPULATION_REGISTRY_TIMEOUT = config.get_int("POPULATION_REGISTRY_TIMEOUT_SECONDS", minimum=1)

PAYMENT_GATEWAY = config.get_choice("PAYMENT_GATEWAY", ("simulator", "vnpay"))
PAYMENT_HMAC_SECRET = config.payment_secret(
    secret_key=SECRET_KEY, required=PRODUCTION and PAYMENT_GATEWAY != "simulator"
)
PAYMENT_CALLBACK_MAX_AGE = config.get_int("PAYMENT_CALLBACK_MAX_AGE_SECONDS", minimum=10)
PAYMENT_GATEWAY_URL = config.raw("PAYMENT_GATEWAY_URL").strip()
if PAYMENT_GATEWAY == "vnpay" or PAYMENT_GATEWAY_URL:
    PAYMENT_GATEWAY_URL = config.get_url("PAYMENT_GATEWAY_URL", ("https", "http"))
PAYMENT_MERCHANT_CODE = config.raw("PAYMENT_MERCHANT_CODE").strip()

# National e-ID (VNeID) sign-in: OpenID Connect, or the local simulator outside production.
EID_OIDC_ISSUER = config.raw("EID_OIDC_ISSUER").strip().rstrip("/")
EID_PROVIDER = config.get_choice("EID_PROVIDER", ("auto", "oidc", "simulator", "off"))
if EID_PROVIDER == "auto":
    EID_PROVIDER = "oidc" if EID_OIDC_ISSUER else ("off" if PRODUCTION else "simulator")
if EID_PROVIDER == "simulator" and PRODUCTION:
    raise config.ConfigError(
        "EID_PROVIDER=simulator không được phép khi TINHSO_ENV=production "
        "(ai cũng đăng nhập được bằng danh tính giả)"
    )
EID_OIDC_CLIENT_ID = config.raw("EID_OIDC_CLIENT_ID").strip()
EID_OIDC_CLIENT_SECRET = config.raw("EID_OIDC_CLIENT_SECRET").strip()
EID_OIDC_REDIRECT_URI = config.raw("EID_OIDC_REDIRECT_URI").strip()
if EID_PROVIDER == "oidc":
    EID_OIDC_ISSUER = config.get_url("EID_OIDC_ISSUER", ("https", "http")).rstrip("/")
    if not EID_OIDC_CLIENT_ID:
        raise config.ConfigError("EID_OIDC_CLIENT_ID chưa được đặt: bắt buộc khi EID_PROVIDER=oidc")
    if EID_OIDC_REDIRECT_URI:
        EID_OIDC_REDIRECT_URI = config.get_url("EID_OIDC_REDIRECT_URI", ("https", "http"))
EID_OIDC_SCOPES = config.raw("EID_OIDC_SCOPES").split() or ["openid"]
if "openid" not in EID_OIDC_SCOPES:
    EID_OIDC_SCOPES.insert(0, "openid")
EID_OIDC_CITIZEN_ID_CLAIM = config.raw("EID_OIDC_CITIZEN_ID_CLAIM").strip() or "citizen_id"
EID_OIDC_TIMEOUT = config.get_int("EID_OIDC_TIMEOUT_SECONDS", minimum=1)
