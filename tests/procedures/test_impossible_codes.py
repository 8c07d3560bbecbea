"""Procedure pages with a code that cannot exist answer 404, never a server error."""

from __future__ import annotations

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "path",
    [
        "/thu-tuc/1.0%00/",
        "/thu-tuc/1.0%00/lich-su/",
        "/thu-tuc/1.0%00/mau/1/",
        "/thu-tuc/" + "9" * 200 + "/",
    ],
)
def test_a_code_with_a_nul_or_too_long_is_not_found(client: Client, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 404
