"""DCAT-AP RDF routes (no language prefix): /catalog.ttl|rdf|jsonld, /dataset/<name>.ttl|rdf|jsonld."""

urlpatterns: list = []
