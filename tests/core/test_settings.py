"""Settings from the environment: a bad value stops start-up with one clear line."""

from __future__ import annotations

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

from tinhso import config

REPO = Path(__file__).resolve().parents[2]


def run_cli(
    args: list[str], env_overrides: dict[str, str], tmp_path: Path
) -> subprocess.CompletedProcess[str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in config.SETTINGS and k != "DJANGO_SETTINGS_MODULE"
    }
    env["TINHSO_VAR_DIR"] = str(tmp_path)
    env.update(env_overrides)
    return subprocess.run(
        [sys.executable, "-m", "tinhso.cli", *args],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.parametrize(
    ("overrides", "name"),
    [
        ({"DATABASE_URL": "mysql://x"}, "DATABASE_URL"),
        ({"DATABASE_URL": "postgres://u:p@host:notaport/db"}, "DATABASE_URL"),
        ({"DEBUG": "maybe"}, "DEBUG"),
        ({"TASK_BACKEND": "kafka"}, "TASK_BACKEND"),
        ({"TINHSO_ENV": "production"}, "SECRET_KEY"),
        ({"TINHSO_ENV": "staging"}, "TINHSO_ENV"),
        ({"TINHSO_ENV": "production", "SECRET_KEY": "short"}, "SECRET_KEY"),
        ({"MAX_REQUEST_BYTES": "lots"}, "MAX_REQUEST_BYTES"),
        ({"MAX_REQUEST_BYTES": "10"}, "MAX_REQUEST_BYTES"),
        ({"REDIS_URL": "http://127.0.0.1:6379"}, "REDIS_URL"),
        ({"EMAIL_URL": "pigeon://coop"}, "EMAIL_URL"),
        ({"TINHSO_PROVINCE_CODE": "Thanh Hoa"}, "TINHSO_PROVINCE_CODE"),
        ({"LOG_LEVEL": "loud"}, "LOG_LEVEL"),
        ({"CACHE_URL": "memcached://127.0.0.1"}, "CACHE_URL"),
        ({"LOGIN_THROTTLE_FAILURES": "0"}, "LOGIN_THROTTLE_FAILURES"),
        ({"LOGIN_THROTTLE_WINDOW_SECONDS": "soon"}, "LOGIN_THROTTLE_WINDOW_SECONDS"),
    ],
)
def test_invalid_setting_stops_startup_with_one_line_naming_it(
    tmp_path: Path, overrides: dict[str, str], name: str
) -> None:
    result = run_cli(["check"], overrides, tmp_path)
    assert result.returncode != 0
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert lines, result.stdout
    assert name in lines[-1]
    assert "Traceback" not in result.stderr
    assert len(lines) == 1, result.stderr


def test_production_needs_real_allowed_hosts(tmp_path: Path) -> None:
    result = run_cli(
        ["check"],
        {"TINHSO_ENV": "production", "SECRET_KEY": secrets.token_urlsafe(64), "ALLOWED_HOSTS": "*"},
        tmp_path,
    )
    assert result.returncode != 0
    assert "ALLOWED_HOSTS" in result.stderr.strip().splitlines()[-1]


def test_debug_is_refused_in_production(tmp_path: Path) -> None:
    result = run_cli(
        ["check"],
        {
            "TINHSO_ENV": "production",
            "SECRET_KEY": secrets.token_urlsafe(64),
            "ALLOWED_HOSTS": "tinhso.example.gov.vn",
            "DEBUG": "true",
        },
        tmp_path,
    )
    assert result.returncode != 0
    assert "DEBUG" in result.stderr.strip().splitlines()[-1]


def test_configuration_errors_never_print_passwords(tmp_path: Path) -> None:
    for overrides in (
        {"DATABASE_URL": "mysql://tinhso:MatKhauBiMat@db/tinhso"},
        {"DATABASE_URL": "postgres://tinhso:MatKhauBiMat@db:cong/tinhso"},
        {"EMAIL_URL": "smtp://thu:MatKhauBiMat@"},
        {"REDIS_URL": "http://:MatKhauBiMat@cache:6379/0"},
    ):
        result = run_cli(["check"], overrides, tmp_path)
        assert result.returncode != 0
        assert "MatKhauBiMat" not in result.stderr + result.stdout, overrides


def test_production_settings_pass_check_deploy(tmp_path: Path) -> None:
    result = run_cli(
        ["check", "--deploy", "--fail-level", "WARNING"],
        {
            "TINHSO_ENV": "production",
            "SECRET_KEY": secrets.token_urlsafe(64),
            "ALLOWED_HOSTS": "tinhso.thanhhoa.gov.vn",
            "CSRF_TRUSTED_ORIGINS": "https://tinhso.thanhhoa.gov.vn",
        },
        tmp_path,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
    assert "WARNING" not in result.stdout + result.stderr


def test_demo_generates_and_keeps_a_secret_key(tmp_path: Path) -> None:
    assert run_cli(["check"], {"TINHSO_ENV": "demo"}, tmp_path).returncode == 0
    key_file = tmp_path / "secret_key"
    first = key_file.read_text()
    assert len(first) >= 50
    assert oct(key_file.stat().st_mode & 0o777) == "0o600"
    assert run_cli(["check"], {"TINHSO_ENV": "demo"}, tmp_path).returncode == 0
    assert key_file.read_text() == first


# --- config helpers (in process) ------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [("true", True), ("1", True), ("YES", True), ("off", False), ("", False), ("0", False)],
)
def test_get_bool_accepts_usual_spellings(
    monkeypatch: pytest.MonkeyPatch, value: str, expected: bool
) -> None:
    monkeypatch.setenv("DEBUG", value)
    assert config.get_bool("DEBUG") is expected


def test_redact_hides_only_the_password() -> None:
    assert config.redact("postgres://u:secret@db:5432/x") == "postgres://u:***@db:5432/x"
    assert config.redact("sqlite:///var/tinhso.sqlite3") == "sqlite:///var/tinhso.sqlite3"


def test_database_url_default_is_sqlite_under_var(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setenv("TINHSO_VAR_DIR", str(tmp_path))
    db = config.database_config()
    assert db["ENGINE"] == "tinhso.core.sqlite_backend"  # Django's, with a guard-aware flush
    assert db["NAME"] == str(tmp_path / "tinhso.sqlite3")


def test_email_url_smtp_with_tls(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EMAIL_URL", "smtp+tls://thu:mk@mail.thanhhoa.gov.vn:587")
    cfg = config.email_config()
    assert cfg["EMAIL_HOST"] == "mail.thanhhoa.gov.vn"
    assert cfg["EMAIL_PORT"] == 587
    assert cfg["EMAIL_USE_TLS"] is True


# --- docs cover every setting (Datasette style) ---------------------------------------

DEPLOYMENT_DOC = REPO / "docs" / "deployment.md"


def test_every_setting_is_documented_in_deployment_md() -> None:
    if not DEPLOYMENT_DOC.exists():
        pytest.fail(f"{DEPLOYMENT_DOC.relative_to(REPO)} is missing: document every setting there")
    text = DEPLOYMENT_DOC.read_text(encoding="utf-8")
    missing = [
        name for name in config.SETTINGS if not re.search(rf"(?<![A-Z_]){name}(?![A-Z_])", text)
    ]
    assert not missing, f"settings missing from docs/deployment.md: {missing}"
