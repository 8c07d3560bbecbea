"""Environment-driven configuration.

Every setting an operator may change is read here, from the environment only, and
is listed in ``SETTINGS`` so that tests can check that docs/deployment.md documents
each one. A bad value raises :class:`ConfigError`, whose message is one line that
names the variable; the entry points print it and stop.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

BASE_DIR = Path(__file__).resolve().parent
REPO_DIR = BASE_DIR.parent.parent


class ConfigError(Exception):
    """An environment variable holds a value tinhso cannot use."""


@dataclass(frozen=True)
class Setting:
    name: str
    default: str
    help: str


SETTINGS: dict[str, Setting] = {}


def _declare(name: str, default: str, help: str) -> Setting:
    setting = Setting(name, default, help)
    SETTINGS[name] = setting
    return setting


_declare("TINHSO_ENV", "development", "development, demo or production")
_declare("TINHSO_VAR_DIR", "var", "directory for the SQLite file, secret key, media and logs")
_declare(
    "DATABASE_URL", "sqlite:///<var>/tinhso.sqlite3", "database URL (sqlite:// or postgres://)"
)
_declare("SECRET_KEY", "", "secret key; generated under var/ outside production")
_declare("ALLOWED_HOSTS", "127.0.0.1,localhost", "comma-separated host names")
_declare("CSRF_TRUSTED_ORIGINS", "", "comma-separated origins (https://…) behind a proxy")
_declare("DEBUG", "false", "true/false; never true in production")
_declare(
    "REDIS_URL",
    "redis://127.0.0.1:6379/0",
    "Redis URL for the redis task backend (TASK_BACKEND=redis)",
)
_declare("TASK_BACKEND", "database", "database, redis or immediate")
_declare("MEDIA_ROOT", "<var>/media", "where uploaded files are stored")
_declare("STATIC_ROOT", "<var>/static", "where collectstatic writes")
_declare("MAX_REQUEST_BYTES", "52428800", "largest accepted request body in bytes (413 above)")
_declare("CATALOG_MAX_UPLOAD_BYTES", "52428800", "largest catalog resource upload, in bytes")
_declare("EMAIL_URL", "console:", "console:, or smtp://user:pass@host:port (smtp+tls:// for TLS)")
_declare("DEFAULT_FROM_EMAIL", "tinhso@localhost", "sender address of e-mails")
_declare("TINHSO_PROVINCE_CODE", "38", "province code of this deployment (38 = Thanh Hóa)")
_declare("TINHSO_SITE_NAME", "Tỉnh số", "site name shown in the header")
_declare("TINHSO_SECURE_PROXY", "false", "trust X-Forwarded-Proto from a TLS proxy")
_declare("LOG_LEVEL", "INFO", "log level of the tinhso loggers")
_declare(
    "PUBLIC_BASE_URL",
    "",
    "public address of the site (https://…), used in QR codes and links on printed forms",
)
_declare(
    "CACHE_URL",
    "",
    "cache shared by the web workers (redis://…); empty: each process's memory",
)
_declare("LOGIN_THROTTLE_FAILURES", "10", "failed logins per user name before a lock-out")
_declare("LOGIN_THROTTLE_IP_FAILURES", "30", "failed logins per client address before a lock-out")
_declare("LOGIN_THROTTLE_WINDOW_SECONDS", "900", "window (and lock-out) of the login limits (s)")
_declare("API_TOKEN_THROTTLE_FAILURES", "30", "bad API keys per client address before a lock-out")
_declare("HARVEST_MAX_BYTES", "52428800", "largest response a harvest fetches, in bytes")
_declare("HARVEST_TIMEOUT_SECONDS", "60", "time limit of one harvest HTTP request, in seconds")
_declare("POPULATION_REGISTRY", "simulator", "population-registry adapter: simulator or http")
_declare("POPULATION_REGISTRY_URL", "", "base URL of the registry gateway (http adapter)")
_declare("POPULATION_REGISTRY_TOKEN", "", "bearer token sent to the population-registry gateway")
_declare("POPULATION_REGISTRY_TIMEOUT_SECONDS", "5", "time limit of one registry look-up (s)")
_declare("PAYMENT_GATEWAY", "simulator", "payment-gateway adapter: simulator or vnpay")
_declare("PAYMENT_HMAC_SECRET", "", "shared secret signing gateway callbacks")
_declare("PAYMENT_CALLBACK_MAX_AGE_SECONDS", "300", "oldest gateway callback accepted (s)")
_declare("PAYMENT_GATEWAY_URL", "", "payment page URL of the real gateway (vnpay adapter)")
_declare("PAYMENT_MERCHANT_CODE", "", "merchant code at the real gateway (vnpay adapter)")
_declare(
    "EID_PROVIDER",
    "auto",
    "e-ID sign-in: auto, oidc, simulator or off (auto: oidc when an issuer is set, "
    "simulator outside production, else off)",
)
_declare("EID_OIDC_ISSUER", "", "issuer URL of the national e-ID (VNeID) OpenID provider")
_declare("EID_OIDC_CLIENT_ID", "", "client id registered with the e-ID provider")
_declare("EID_OIDC_CLIENT_SECRET", "", "client secret registered with the e-ID provider")
_declare(
    "EID_OIDC_REDIRECT_URI",
    "",
    "redirect URI registered with the e-ID provider (…/tai-khoan/vneid/ve/)",
)
_declare("EID_OIDC_SCOPES", "openid profile", "scopes asked of the e-ID provider")
_declare("EID_OIDC_CITIZEN_ID_CLAIM", "citizen_id", "id_token claim holding the 12-digit ID number")
_declare("EID_OIDC_TIMEOUT_SECONDS", "10", "time limit of one request to the e-ID provider (s)")

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def raw(name: str) -> str:
    if name not in SETTINGS:  # pragma: no cover - programming error
        raise KeyError(f"{name} is not a declared setting")
    return os.environ.get(name, SETTINGS[name].default)


def get_bool(name: str) -> bool:
    value = raw(name).strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ConfigError(f"{name}={raw(name)!r} không hợp lệ: dùng true hoặc false")


def get_int(name: str, *, minimum: int = 0) -> int:
    value = raw(name).strip()
    try:
        number = int(value)
    except ValueError:
        raise ConfigError(f"{name}={value!r} không hợp lệ: cần một số nguyên") from None
    if number < minimum:
        raise ConfigError(f"{name}={value!r} không hợp lệ: phải ≥ {minimum}")
    return number


def get_choice(name: str, choices: tuple[str, ...]) -> str:
    value = raw(name).strip().lower()
    if value not in choices:
        raise ConfigError(f"{name}={value!r} không hợp lệ: chọn một trong {', '.join(choices)}")
    return value


def get_list(name: str) -> list[str]:
    return [item.strip() for item in raw(name).split(",") if item.strip()]


def redact(url: str) -> str:
    """``url`` with its password replaced by ``***``, for error messages and logs."""
    parsed = urlparse(url)
    if parsed.password is None:
        return url
    netloc = parsed.netloc.replace(f":{parsed.password}@", ":***@", 1)
    return parsed._replace(netloc=netloc).geturl()


def get_url(name: str, schemes: tuple[str, ...]) -> str:
    value = raw(name).strip()
    parsed = urlparse(value)
    if parsed.scheme not in schemes or not (parsed.netloc or parsed.path):
        raise ConfigError(
            f"{name}={redact(value)!r} không hợp lệ: cần địa chỉ dạng "
            + " hoặc ".join(f"{s}://…" for s in schemes)
        )
    return value


def var_dir() -> Path:
    path = Path(raw("TINHSO_VAR_DIR"))
    if not path.is_absolute():
        path = REPO_DIR / path
    return path


def get_path(name: str) -> Path:
    value = raw(name).replace("<var>", str(var_dir()))
    return Path(value)


def database_config() -> dict[str, object]:
    import dj_database_url

    url = os.environ.get("DATABASE_URL", "").strip()
    if not url:
        url = f"sqlite:///{var_dir() / 'tinhso.sqlite3'}"
    scheme = urlparse(url).scheme
    if scheme not in {"sqlite", "postgres", "postgresql", "pgsql", "postgis"}:
        raise ConfigError(
            f"DATABASE_URL={redact(url)!r} không hợp lệ: chỉ hỗ trợ sqlite:/// hoặc postgres://"
        )
    try:
        config: dict[str, object] = dict(dj_database_url.parse(url, conn_max_age=60))
    except ValueError:
        raise ConfigError(
            f"DATABASE_URL={redact(url)!r} không hợp lệ: không đọc được địa chỉ"
            " (kiểm tra cổng, tên máy và mã hoá % các ký tự đặc biệt trong mật khẩu)"
        ) from None
    if config["ENGINE"] == "django.db.backends.sqlite3":
        # Django's backend, whose flush lifts the audit log's guard triggers (as
        # PostgreSQL's TRUNCATE does): see tinhso/core/sqlite_backend/base.py.
        config["ENGINE"] = "tinhso.core.sqlite_backend"
        config["CONN_MAX_AGE"] = 0
        config["OPTIONS"] = {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
            " PRAGMA foreign_keys=ON; PRAGMA busy_timeout=10000;",
            "transaction_mode": "IMMEDIATE",
        }
    else:
        config["CONN_HEALTH_CHECKS"] = True
    config["ATOMIC_REQUESTS"] = False
    return config


def secret_key(*, production: bool) -> str:
    value = os.environ.get("SECRET_KEY", "").strip()
    if value:
        if production and len(value) < 50:
            raise ConfigError("SECRET_KEY quá ngắn: cần ít nhất 50 ký tự trong production")
        return value
    if production:
        raise ConfigError("SECRET_KEY chưa được đặt: bắt buộc khi TINHSO_ENV=production")
    path = var_dir() / "secret_key"
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(64)
    path.write_text(key)
    path.chmod(0o600)
    return key


def payment_secret(*, secret_key: str, required: bool) -> str:
    """``PAYMENT_HMAC_SECRET``, or (when not ``required``) one derived from the secret key."""
    value = raw("PAYMENT_HMAC_SECRET").strip()
    if value:
        if len(value) < 32:
            raise ConfigError("PAYMENT_HMAC_SECRET quá ngắn: cần ít nhất 32 ký tự")
        return value
    if required:
        raise ConfigError(
            "PAYMENT_HMAC_SECRET chưa được đặt: bắt buộc với cổng thanh toán thật trong production"
        )
    import hashlib

    return hashlib.sha256(f"tinhso-payments:{secret_key}".encode()).hexdigest()


def email_config() -> dict[str, object]:
    url = raw("EMAIL_URL").strip()
    parsed = urlparse(url)
    if parsed.scheme == "console":
        return {"EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"}
    if parsed.scheme in {"smtp", "smtp+tls", "smtp+ssl"}:
        if not parsed.hostname:
            raise ConfigError(f"EMAIL_URL={redact(url)!r} không hợp lệ: thiếu máy chủ SMTP")
        return {
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": parsed.hostname,
            "EMAIL_PORT": parsed.port or 25,
            "EMAIL_HOST_USER": parsed.username or "",
            "EMAIL_HOST_PASSWORD": parsed.password or "",
            "EMAIL_USE_TLS": parsed.scheme == "smtp+tls",
            "EMAIL_USE_SSL": parsed.scheme == "smtp+ssl",
        }
    raise ConfigError(f"EMAIL_URL={redact(url)!r} không hợp lệ: dùng console: hoặc smtp://…")
