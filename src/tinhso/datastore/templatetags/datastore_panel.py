"""``{% datastore_resource_panel resource %}``: the DataStore panel of a catalog resource
page (load status and progress, link to the preview, column summary and first rows)."""

from __future__ import annotations

from typing import Any

from django import template

from tinhso.catalog.models import Resource
from tinhso.datastore.views import panel_context

register = template.Library()


@register.inclusion_tag("datastore/_resource_panel.html", takes_context=True)
def datastore_resource_panel(context: template.Context, resource: Resource) -> dict[str, Any]:
    return panel_context(context.get("request"), resource, embedded=True)


@register.filter
def names_line(message: str, line: int | None) -> bool:
    """Whether an error message already names its line (then "(dòng N)" is not added)."""
    return bool(line) and str(line) in (message or "")
