"""Identifier rules and quoting: the only place where names are put into SQL text."""

from __future__ import annotations

import re
import uuid

TABLE_NAME = re.compile(r"^ds_[0-9a-f]{32}_[0-9]{1,9}$")
# PostgreSQL loads stream the file into an all-text staging table first (never queryable).
STAGING_NAME = re.compile(r"^ds_[0-9a-f]{32}_[0-9]{1,9}_s$")
# Ids given by API writers (datastore_create) may be any text CKAN allows: 1–63 bytes,
# no leading underscore, no double quote or control characters.
_BAD_ID_CHARS = re.compile(r'["\x00-\x1f\x7f]')

SQL_TYPES = {
    "sqlite": {
        "int": "INTEGER",
        "numeric": "REAL",
        "text": "TEXT",
        "date": "TEXT",
        "timestamp": "TEXT",
        "bool": "INTEGER",
    },
    "postgresql": {
        "int": "bigint",
        "numeric": "numeric",
        "text": "text",
        "date": "date",
        "timestamp": "timestamp",
        "bool": "boolean",
    },
}
# CKAN type aliases accepted from datastore_create.
TYPE_ALIASES = {
    "int": "int",
    "int4": "int",
    "int8": "int",
    "integer": "int",
    "bigint": "int",
    "smallint": "int",
    "numeric": "numeric",
    "float": "numeric",
    "float8": "numeric",
    "float4": "numeric",
    "double precision": "numeric",
    "number": "numeric",
    "decimal": "numeric",
    "text": "text",
    "varchar": "text",
    "string": "text",
    "json": "text",
    "char": "text",
    "date": "date",
    "timestamp": "timestamp",
    "datetime": "timestamp",
    "bool": "bool",
    "boolean": "bool",
}


def table_name(resource_id: uuid.UUID | str, generation: int) -> str:
    name = f"ds_{uuid.UUID(str(resource_id)).hex}_{int(generation)}"
    assert TABLE_NAME.match(name)
    return name


def staging_name(table: str) -> str:
    name = f"{table}_s"
    if not STAGING_NAME.match(name):
        raise ValueError(f"unsafe table name {table!r}")
    return name


def quote_table(name: str) -> str:
    if not TABLE_NAME.match(name):
        raise ValueError(f"unsafe table name {name!r}")
    return f'"{name}"'


def valid_field_id(name: str) -> bool:
    return (
        bool(name)
        and not name.startswith("_")
        and len(name.encode("utf-8")) <= 63
        and _BAD_ID_CHARS.search(name) is None
        and name == name.strip()
    )


def quote_ident(name: str) -> str:
    """Quote a column id that has been validated (``valid_field_id``) or is ``_id``."""
    if name != "_id" and not valid_field_id(name):
        raise ValueError(f"unsafe identifier {name!r}")
    return '"' + name.replace('"', '""') + '"'


def index_name(table: str, position: int) -> str:
    return f"{table}_ix{int(position)}"
