"""HTTP client for a population-registry gateway (the province's connection to the
national population database through its data-sharing platform).

Contract (docs/identity.md): ``GET <POPULATION_REGISTRY_URL>/citizens/<number>``
with ``Authorization: Bearer <POPULATION_REGISTRY_TOKEN>``; 200 with a JSON person,
404 when unknown. Anything else (timeout, refused connection, 5xx, 401/403, a body
that is not the expected JSON, another person's number) is "unavailable".
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

import httpx
from django.conf import settings
from django.utils.translation import gettext as _

from tinhso.core.text import clean_text
from tinhso.identity.citizen_id import FEMALE, MALE
from tinhso.identity.registry import Person, PopulationRegistry, RegistryUnavailable, register

logger = logging.getLogger("tinhso.identity")

_GENDERS = {
    "nam": MALE,
    "male": MALE,
    "m": MALE,
    "nữ": FEMALE,
    "nu": FEMALE,
    "female": FEMALE,
    "f": FEMALE,
}


def _malformed(reason: str) -> RegistryUnavailable:
    logger.warning("population registry: malformed answer (%s)", reason)
    return RegistryUnavailable(
        _("Cơ sở dữ liệu dân cư trả lời không đúng định dạng; vui lòng thử lại sau.")
    )


def person_from_json(data: Any, *, expected_id: str) -> Person:
    """Parse and check one person object; raises :class:`RegistryUnavailable`."""
    if not isinstance(data, dict):
        raise _malformed("not an object")
    try:
        citizen_id = str(data["citizen_id"])
        full_name = clean_text(str(data["full_name"]))
        date_of_birth = dt.date.fromisoformat(str(data["date_of_birth"]))
        gender = _GENDERS[clean_text(str(data["gender"])).lower()]
        address = clean_text(str(data.get("address") or ""))
        commune_code = str(data.get("commune_code") or "")
        province_code = str(data.get("province_code") or "")
    except (KeyError, ValueError, TypeError) as exc:
        raise _malformed(f"{exc.__class__.__name__}: {exc}") from None
    if citizen_id != expected_id:
        raise _malformed("answer is about another number")
    if not full_name:
        raise _malformed("empty name")
    return Person(
        citizen_id=citizen_id,
        full_name=full_name,
        date_of_birth=date_of_birth,
        gender=gender,
        address=address,
        commune_code=commune_code,
        province_code=province_code,
    )


@register("http")
class HttpPopulationRegistry(PopulationRegistry):
    label = "Cơ sở dữ liệu quốc gia về dân cư (HTTP)"

    def __init__(
        self,
        *,
        base_url: str | None = None,
        token: str | None = None,
        timeout: float | None = None,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.base_url = (base_url or settings.POPULATION_REGISTRY_URL).rstrip("/")
        self.token = token if token is not None else settings.POPULATION_REGISTRY_TOKEN
        self.timeout = timeout if timeout is not None else settings.POPULATION_REGISTRY_TIMEOUT
        self.transport = transport

    def _client(self) -> httpx.Client:
        headers = {"Accept": "application/json", "User-Agent": "tinhso population-registry"}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        return httpx.Client(
            timeout=httpx.Timeout(self.timeout),
            headers=headers,
            transport=self.transport,
            follow_redirects=False,
        )

    def fetch(self, citizen_id: str) -> Person | None:
        if not self.base_url:
            raise RegistryUnavailable(
                _("Chưa cấu hình địa chỉ Cơ sở dữ liệu dân cư (POPULATION_REGISTRY_URL).")
            )
        url = f"{self.base_url}/citizens/{citizen_id}"
        try:
            with self._client() as client:
                response = client.get(url)
        except httpx.TimeoutException:
            logger.warning("population registry: timeout after %ss", self.timeout)
            raise RegistryUnavailable(
                _("Cơ sở dữ liệu dân cư không trả lời kịp; vui lòng thử lại sau ít phút.")
            ) from None
        except httpx.HTTPError as exc:
            logger.warning("population registry: %s", exc.__class__.__name__)
            raise RegistryUnavailable() from None
        if response.status_code == 404:
            return None
        if response.status_code in (401, 403):
            logger.error("population registry refused our credentials (%s)", response.status_code)
            raise RegistryUnavailable(
                _("Cơ sở dữ liệu dân cư từ chối kết nối (sai thông tin xác thực của hệ thống).")
            )
        if response.status_code != 200:
            logger.warning("population registry: HTTP %s", response.status_code)
            raise RegistryUnavailable()
        try:
            data = response.json()
        except ValueError:
            raise _malformed("not JSON") from None
        return person_from_json(data, expected_id=citizen_id)
