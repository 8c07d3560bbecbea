"""Seed the licences (ids as SPDX, titles as CKAN's default licence list)."""

from django.db import migrations

LICENCES = [
    # id, title, url, is_open, is_okd_compliant
    ("CC-BY-4.0", "Creative Commons Attribution", "https://creativecommons.org/licenses/by/4.0/", True, True),
    ("CC0-1.0", "Creative Commons CCZero", "https://creativecommons.org/publicdomain/zero/1.0/", True, True),
    ("ODC-BY-1.0", "Open Data Commons Attribution License", "https://opendatacommons.org/licenses/by/1-0/", True, True),
    ("ODbL-1.0", "Open Data Commons Open Database License (ODbL)", "https://opendatacommons.org/licenses/odbl/1-0/", True, True),
    ("other-open", "Other (Open)", "", True, True),
    ("notspecified", "License not specified", "", False, False),
]


def seed(apps, schema_editor):
    License = apps.get_model("catalog", "License")
    for position, (lid, title, url, is_open, okd) in enumerate(LICENCES):
        License.objects.update_or_create(
            id=lid,
            defaults={"title": title, "url": url, "is_open": is_open, "is_okd_compliant": okd,
                      "is_osi_compliant": False, "position": position},
        )


def unseed(apps, schema_editor):
    License = apps.get_model("catalog", "License")
    License.objects.filter(id__in=[row[0] for row in LICENCES], datasets__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("catalog", "0003_search_engines")]
    operations = [migrations.RunPython(seed, unseed)]
