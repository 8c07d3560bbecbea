"""Load tabular resources into the DataStore when they are created or their file changes."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver

from tinhso.catalog.models import Resource


@receiver(pre_save, sender=Resource, dispatch_uid="datastore_resource_pre_save")
def remember_source(
    sender: type[Resource], instance: Resource, raw: bool = False, **kwargs: Any
) -> None:
    if raw or instance._state.adding:
        instance._datastore_old_source = None  # type: ignore[attr-defined]
        return
    old = Resource.objects.filter(pk=instance.pk).values_list("upload", "url", "hash").first()
    instance._datastore_old_source = old  # type: ignore[attr-defined]


@receiver(post_save, sender=Resource, dispatch_uid="datastore_resource_post_save")
def queue_load(
    sender: type[Resource], instance: Resource, created: bool, raw: bool = False, **kwargs: Any
) -> None:
    from tinhso.datastore.services import datastore_enqueue, is_tabular

    if raw or not (instance.upload or instance.url) or not is_tabular(instance):
        return
    old = getattr(instance, "_datastore_old_source", None)
    current = (instance.upload.name if instance.upload else "", instance.url, instance.hash)
    if created or old is None or tuple(old) != current:
        datastore_enqueue(resource=instance)
