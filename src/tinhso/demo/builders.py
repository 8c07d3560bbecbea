"""Registry of demo builders, run in order by ``load_demo`` (each is idempotent)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TextIO

from tinhso.demo.assessment_data import build_assessment
from tinhso.demo.catalog_data import build_catalog
from tinhso.demo.core_data import build_core
from tinhso.demo.dossiers_data import build_dossiers
from tinhso.demo.identity_data import build_identity
from tinhso.demo.indicators_data import build_indicators
from tinhso.demo.procedures_data import build_procedures

# Order matters: procedures and identity before dossiers; every app holding platform data
# (catalog, dossiers) before assessment and indicators, whose computed values read it.
BUILDERS: list[tuple[str, Callable[[], Any]]] = [
    ("core", build_core),
    ("procedures", build_procedures),
    ("identity", build_identity),
    ("catalog", build_catalog),
    ("dossiers", build_dossiers),
    ("assessment", build_assessment),
    ("indicators", build_indicators),
]


def build_all(*, stdout: TextIO | Any = None) -> dict[str, Any]:
    results: dict[str, Any] = {}
    for name, builder in BUILDERS:
        results[name] = builder()
    return results
