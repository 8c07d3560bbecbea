"""``tinhso demo``: its web server and worker get the served port as public address."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tinhso import config
from tinhso.demo.management.commands.demo import demo_environment


def clean_env(tmp_path: Path) -> dict[str, str]:
    """The environment without any tinhso setting (SQLite, default backends), var/ in tmp."""
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in config.SETTINGS and k not in ("DJANGO_SETTINGS_MODULE", "TINHSO_ENV")
    }
    env["TINHSO_VAR_DIR"] = str(tmp_path)
    return env


def test_the_demo_environment_points_public_links_at_the_served_port() -> None:
    env = demo_environment({"PATH": "/bin"}, 8123)
    assert env["PUBLIC_BASE_URL"] == "http://127.0.0.1:8123"
    assert env["TINHSO_ENV"] == "demo"
    kept = demo_environment({"PUBLIC_BASE_URL": "https://dvc.example.gov.vn"}, 8123)
    assert kept["PUBLIC_BASE_URL"] == "https://dvc.example.gov.vn"
    assert demo_environment({"PUBLIC_BASE_URL": " "}, 8123)["PUBLIC_BASE_URL"].endswith(":8123")


def test_qr_links_built_in_the_demo_environment_use_the_served_port(tmp_path: Path) -> None:
    code = "from tinhso.dossiers.pdf.forms import tracking_url; print(tracking_url('ABC-1'))"
    result = subprocess.run(
        [sys.executable, "-m", "tinhso.cli", "shell", "-c", code],
        env=demo_environment(clean_env(tmp_path), 8123),
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "http://127.0.0.1:8123/tra-cuu/ABC-1"
