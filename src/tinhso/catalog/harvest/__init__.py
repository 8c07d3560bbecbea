"""Harvesting other CKAN and DCAT portals into this catalog (see docs/harvesting.md)."""
