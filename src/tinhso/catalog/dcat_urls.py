"""DCAT-AP RDF routes (no language prefix): /catalog.ttl|rdf|jsonld, /dataset/<name>.ttl|rdf|jsonld."""

from django.urls import URLPattern, path, re_path

from tinhso.catalog import dcat_views

urlpatterns: list[URLPattern] = [
    re_path(r"^catalog\.(?P<ext>ttl|rdf|jsonld)$", dcat_views.catalog_rdf, name="dcat_catalog"),
    path("catalog", dcat_views.catalog_negotiate, name="dcat_catalog_negotiate"),
    re_path(
        r"^dataset/(?P<ref>[A-Za-z0-9_-]+)\.(?P<ext>ttl|rdf|jsonld)$",
        dcat_views.dataset_rdf,
        name="dcat_dataset",
    ),
    re_path(
        r"^dataset/(?P<ref>[A-Za-z0-9_-]+)$",
        dcat_views.dataset_negotiate,
        name="dcat_dataset_negotiate",
    ),
]
