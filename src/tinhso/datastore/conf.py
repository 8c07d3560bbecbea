"""DataStore limits. Each can be overridden in Django settings (``DATASTORE_<NAME>``);
the defaults are documented in docs/datastore.md."""

from __future__ import annotations

from typing import Any

from django.conf import settings

DEFAULTS: dict[str, Any] = {
    # Refuse tables wider than this (PostgreSQL allows 1,600 columns, SQLite 2,000).
    "MAX_COLUMNS": 1000,
    # Excel/ODS: refuse sheets larger than this many cells, and zip bombs.
    "MAX_SHEET_CELLS": 30_000_000,
    "MAX_UNCOMPRESSED_BYTES": 1_000_000_000,
    "MAX_COMPRESSION_RATIO": 200,
    # JSON arrays are parsed in memory: refuse larger files.
    "MAX_JSON_BYTES": 200_000_000,
    # URL sources.
    "FETCH_MAX_BYTES": 2_000_000_000,
    "FETCH_TIMEOUT_SECONDS": 60,
    "FETCH_ALLOW_PRIVATE": False,
    # Query limits (CKAN: ckan.datastore.search.rows_max).
    "SEARCH_ROWS_MAX": 32000,
    "SEARCH_ROWS_DEFAULT": 100,
    "SQL_TIMEOUT_MS": 5000,
    # Rows per batch while loading.
    "LOAD_BATCH_ROWS": 50_000,
}


def get(name: str) -> Any:
    return getattr(settings, f"DATASTORE_{name}", DEFAULTS[name])
