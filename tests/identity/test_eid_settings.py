"""e-ID settings: the simulator never runs in production; the real adapter needs its client."""

from __future__ import annotations

import secrets
from pathlib import Path

import pytest

from tests.core.test_settings import run_cli

PRODUCTION = {
    "TINHSO_ENV": "production",
    "SECRET_KEY": secrets.token_urlsafe(64),
    "ALLOWED_HOSTS": "tinhso.thanhhoa.gov.vn",
}


@pytest.mark.parametrize(
    ("overrides", "name"),
    [
        ({**PRODUCTION, "EID_PROVIDER": "simulator"}, "EID_PROVIDER"),
        ({"EID_PROVIDER": "vneid-that"}, "EID_PROVIDER"),
        ({"EID_PROVIDER": "oidc"}, "EID_OIDC_ISSUER"),
        ({"EID_OIDC_ISSUER": "https://vneid.example"}, "EID_OIDC_CLIENT_ID"),
        ({"EID_OIDC_ISSUER": "vneid.example", "EID_OIDC_CLIENT_ID": "c"}, "EID_OIDC_ISSUER"),
    ],
)
def test_bad_eid_settings_stop_startup_naming_the_variable(
    tmp_path: Path, overrides: dict[str, str], name: str
) -> None:
    result = run_cli(["check"], overrides, tmp_path)
    assert result.returncode != 0
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and name in lines[0], result.stderr


def test_production_with_a_real_provider_starts(tmp_path: Path) -> None:
    result = run_cli(
        ["check"],
        {
            **PRODUCTION,
            "EID_OIDC_ISSUER": "https://vneid.example",
            "EID_OIDC_CLIENT_ID": "cong-dvc-38",
            "EID_OIDC_CLIENT_SECRET": "bi-mat",
        },
        tmp_path,
    )
    assert result.returncode == 0, result.stderr
