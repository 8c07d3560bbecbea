"""API keys kept per process for a few seconds: fewer queries, same answers."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tinhso.core import services
from tinhso.core.models import ApiToken, User
from tinhso.core.services import token_authenticate, token_create, token_revoke

from .factories import UserFactory

pytestmark = pytest.mark.django_db


def _queries(header: str) -> tuple[User | None, int]:
    with CaptureQueriesContext(connection) as ctx:
        user = token_authenticate(header=header)
    return user, len(ctx.captured_queries)


def test_a_key_used_again_is_answered_without_a_query_and_a_fresh_user_each_time() -> None:
    user = UserFactory()
    _t, key = token_create(user=user, name="tích hợp")
    first, n_first = _queries(f"Bearer {key}")
    second, n_second = _queries(f"Bearer {key}")
    assert first is not None and second is not None
    assert first.pk == second.pk == user.pk and second.username == user.username
    assert n_first >= 1 and n_second == 0
    # Per-request caches (the agency scope) live on the user object: never shared.
    assert first is not second


def test_a_revoked_key_is_refused_at_once_in_this_process() -> None:
    user = UserFactory()
    token, key = token_create(user=user, name="tích hợp")
    assert token_authenticate(header=key) is not None
    token_revoke(token=token)
    assert token_authenticate(header=key) is None


def test_a_deactivated_user_is_refused_at_once_in_this_process() -> None:
    user = UserFactory()
    _t, key = token_create(user=user, name="tích hợp")
    assert token_authenticate(header=key) is not None
    user.is_active = False
    user.save()
    assert token_authenticate(header=key) is None


def test_another_process_change_is_seen_after_the_keeping_time(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    user = UserFactory()
    token, key = token_create(user=user, name="tích hợp")
    assert token_authenticate(header=key) is not None
    # Revoked by another process: no signal reaches this one.
    ApiToken.objects.filter(pk=token.pk).update(revoked_at=timezone.now())
    assert token_authenticate(header=key) is not None  # still kept here
    later = services.time.monotonic() + services.TOKEN_CACHE_SECONDS + 1
    monkeypatch.setattr(services.time, "monotonic", lambda: later)
    assert token_authenticate(header=key) is None


def test_a_kept_key_still_expires_on_time(monkeypatch: pytest.MonkeyPatch) -> None:
    user = UserFactory()
    expires = timezone.now() + dt.timedelta(seconds=2)
    _t, key = token_create(user=user, name="tích hợp", expires_at=expires)
    assert token_authenticate(header=key) is not None
    monkeypatch.setattr(services.timezone, "now", lambda: expires + dt.timedelta(seconds=1))
    assert token_authenticate(header=key) is None


def test_a_wrong_key_is_never_kept() -> None:
    assert token_authenticate(header="Bearer khong-dung") is None
    assert services._tokens_kept == {}


def test_a_kept_key_carries_the_scope_until_a_membership_changes() -> None:
    from tinhso.core.models import Role
    from tinhso.core.selectors import user_roles
    from tinhso.core.services import membership_grant

    from .factories import AgencyFactory

    user = UserFactory()
    agency = AgencyFactory()
    _t, key = token_create(user=user, name="tích hợp")
    assert token_authenticate(header=key) is not None
    kept = token_authenticate(header=key)
    assert kept is not None
    with CaptureQueriesContext(connection) as ctx:
        assert user_roles(kept, agency) == set()
    assert len(ctx.captured_queries) == 0  # the scope came with the kept key
    membership_grant(user=user, agency=agency, role=Role.SPECIALIST)
    again = token_authenticate(header=key)
    assert again is not None and user_roles(again, agency) == {Role.SPECIALIST}
