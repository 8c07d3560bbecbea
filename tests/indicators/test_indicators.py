"""Indicators: registry, declared values with sources, providers, dashboard, API, open data."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse

from tinhso.indicators import services
from tinhso.indicators.models import Indicator, IndicatorValue
from tinhso.indicators.providers import all_providers, get_provider
from tinhso.indicators.selectors import indicator_card

pytestmark = pytest.mark.django_db


@pytest.fixture
def registry() -> dict[str, Indicator]:
    services.indicators_load_registry()
    return {i.code: i for i in Indicator.objects.all()}


def test_registry_lists_every_indicator_of_the_issue(registry) -> None:
    expected = {
        "accounts",
        "visits",
        "procedures-partial-online",
        "procedures-full-online",
        "procedures-integrated",
        "ontime-rate",
        "documents-exchanged",
        "personal-signing-rate",
        "agency-signing-rate",
        "eid-activations",
        "cashless-accounts",
        "traceability-stamps",
        "ocop-products",
        "ecommerce-products",
        "bts-stations",
        "digital-economy-grdp",
        "digital-firms",
        "community-tech-teams",
        "community-tech-members",
        "communes-recognised",
    }
    assert expected <= set(registry)
    for i in registry.values():
        assert i.name_vi and i.name_en and i.unit and i.source
        if i.kind == Indicator.Kind.COMPUTED:
            assert get_provider(i.provider) is not None, i.code
    assert services.indicators_load_registry() == len(registry)  # idempotent


def test_declared_value_needs_a_source(registry) -> None:
    with pytest.raises(services.IndicatorError, match="nguồn"):
        services.indicator_value_declare(
            indicator=registry["visits"], period_end=dt.date(2024, 12, 31), value=1, source=" "
        )
    assert not IndicatorValue.objects.exists()


def test_provider_of_a_missing_app_reports_no_data_and_the_declared_value_is_shown(
    registry,
) -> None:
    # The traceability app is not built yet: its provider must say so, never invent a number.
    provider = get_provider("traceability_stamps")
    assert provider is not None and not provider.available()
    assert provider.compute(start=dt.date(2025, 1, 1), end=dt.date(2025, 6, 30)) is None
    assert "traceability" in provider.no_data_reason()
    services.indicator_value_declare(
        indicator=registry["traceability-stamps"],
        period_end=dt.date(2023, 12, 31),
        value="105815",
        source="Báo cáo tỉnh",
    )
    assert services.indicator_refresh(indicator=registry["traceability-stamps"]) is None
    card = indicator_card(registry["traceability-stamps"])
    assert card.current is not None and card.current.value == Decimal("105815")
    assert card.current_is_fallback and card.current.source == "Báo cáo tỉnh"


def test_accounts_are_computed_from_users_and_shown_beside_the_declared_figure(
    registry, agency_tree
) -> None:
    from tinhso.core.models import User

    services.indicator_value_declare(
        indicator=registry["accounts"],
        period_end=dt.date(2024, 12, 31),
        value=85000,
        source="Báo cáo tỉnh",
    )
    value = services.indicator_refresh(indicator=registry["accounts"])
    assert value is not None and value.value == User.objects.filter(is_active=True).count()
    card = indicator_card(registry["accounts"])
    assert card.current == value and card.declared is not None and card.declared.value == 85000


def test_refreshing_twice_in_a_month_keeps_one_computed_value(registry, agency_tree) -> None:
    services.indicator_refresh(indicator=registry["accounts"], today=dt.date(2026, 3, 5))
    services.indicator_refresh(indicator=registry["accounts"], today=dt.date(2026, 3, 20))
    services.indicator_refresh(indicator=registry["accounts"], today=dt.date(2026, 4, 1))
    ends = list(registry["accounts"].series_values.values_list("period_end", flat=True))
    assert ends == [dt.date(2026, 3, 20), dt.date(2026, 4, 1)]


def test_communes_recognised_equals_the_assessment_results(registry, agency_tree) -> None:
    from tests.assessment.test_rounds import (
        test_commune_recognition_needs_the_threshold_and_every_mandatory_criterion as build,
    )

    build(agency_tree)
    value = services.indicator_refresh(indicator=registry["communes-recognised"])
    assert value is not None and value.value == 1


def test_every_provider_is_honest_without_data() -> None:
    for provider in all_providers().values():
        result = provider.compute(start=dt.date(2025, 1, 1), end=dt.date(2025, 12, 31))
        if result is not None:
            assert result.source


def test_dashboard_shows_tiles_with_value_and_source(registry, client) -> None:
    services.indicator_value_declare(
        indicator=registry["ocop-products"],
        period_end=dt.date(2024, 12, 31),
        value=152,
        source="Sở Nông nghiệp",
    )
    services.indicator_value_declare(
        indicator=registry["ocop-products"],
        period_end=dt.date(2023, 12, 31),
        value=140,
        source="Sở Nông nghiệp",
    )
    page = client.get(reverse("indicators:dashboard")).content.decode()
    assert "Sản phẩm OCOP" in page and "152" in page and "Sở Nông nghiệp" in page
    assert "Chưa có số liệu" in page  # e.g. BTS stations, never a made-up number
    detail = client.get(reverse("indicators:detail", args=["ocop-products"]))
    assert detail.status_code == 200 and b"<svg" in detail.content
    csv = client.get(reverse("indicators:csv", args=["ocop-products"])).content.decode()
    assert "2024-12-31,152" in csv


def test_api_lists_indicators_and_series_with_sources(registry, client) -> None:
    services.indicator_value_declare(
        indicator=registry["visits"],
        period_end=dt.date(2024, 12, 31),
        value=27600000,
        source="Cổng DVC",
    )
    items = client.get("/api/v1/indicators").json()
    visits = next(i for i in items if i["code"] == "visits")
    assert (
        Decimal(visits["current"]["value"]) == 27600000
        and visits["current"]["source"] == "Cổng DVC"
    )
    series = client.get("/api/v1/indicators/visits/series").json()
    assert series["values"][0]["origin"] == "declared"
    assert client.get("/api/v1/indicators/khong-co/series").status_code == 404


def test_each_indicator_is_published_as_an_open_dataset(registry, agency_tree) -> None:
    from tinhso.catalog.models import Dataset, Resource

    services.indicator_value_declare(
        indicator=registry["ocop-products"],
        period_end=dt.date(2024, 12, 31),
        value=152,
        source="Sở NN",
    )
    names = services.indicators_publish()
    assert len(names) == len(registry)
    dataset = Dataset.objects.get(name="chi-so-cds-ocop-products")
    assert dataset.state == Dataset.State.ACTIVE and not dataset.private
    assert dataset.organization.agency == agency_tree.province
    resource = Resource.objects.get(dataset=dataset)
    assert resource.format == "CSV"
    with resource.upload.open("rb") as fh:
        assert b"2024-12-31,152" in fh.read()
    # Republishing an unchanged series changes nothing; a new value replaces the file.
    services.indicators_publish()
    assert Resource.objects.filter(dataset=dataset).count() == 1
    services.indicator_value_declare(
        indicator=registry["ocop-products"],
        period_end=dt.date(2025, 12, 31),
        value=160,
        source="Sở NN",
    )
    services.indicators_publish()
    resource.refresh_from_db()
    with resource.upload.open("rb") as fh:
        assert b"2025-12-31,160" in fh.read()


def test_refresh_command_runs(registry, agency_tree, capsys) -> None:
    call_command("indicators", "refresh", "--no-publish")
    out = capsys.readouterr().out
    assert "accounts" in out and "chưa được cài đặt" in out
