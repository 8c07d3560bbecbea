"""Fetching remote documents for harvesting: the core safe client
(:mod:`tinhso.core.netfetch`: http(s) only, every resolved address checked and the
connection pinned to it, redirects re-checked, size and time limits, no environment
proxy) with the harvest limits ``settings.HARVEST_MAX_BYTES`` and
``settings.HARVEST_TIMEOUT_SECONDS``."""

from __future__ import annotations

from django.conf import settings

from tinhso.core.netfetch import (
    MAX_REDIRECTS,
    AddressNotAllowed,
    Fetched,
    SafeClient,
    address_is_public,
    check_host,
    check_url,
    resolve,
)
from tinhso.core.netfetch import NetFetchError as FetchError

__all__ = [
    "MAX_REDIRECTS",
    "USER_AGENT",
    "AddressNotAllowed",
    "FetchError",
    "Fetched",
    "Fetcher",
    "address_is_public",
    "check_host",
    "check_url",
    "resolve",
]

USER_AGENT = "tinhso-harvester/1.0 (+https://github.com/tinhso)"


class Fetcher(SafeClient):
    """An HTTP client for one harvest job; use as a context manager. ``get`` raises
    :class:`FetchError` on any refusal, network error, HTTP error status, oversize or
    time-out."""

    def __init__(
        self,
        *,
        allow_private: bool,
        max_bytes: int | None = None,
        timeout: float | None = None,
    ) -> None:
        super().__init__(
            allow_private=allow_private,
            max_bytes=max_bytes if max_bytes is not None else settings.HARVEST_MAX_BYTES,
            timeout=timeout if timeout is not None else float(settings.HARVEST_TIMEOUT_SECONDS),
            user_agent=USER_AGENT,
        )
