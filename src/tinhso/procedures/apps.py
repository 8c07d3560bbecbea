from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProceduresConfig(AppConfig):
    name = "tinhso.procedures"
    label = "procedures"
    verbose_name = _("Thủ tục hành chính")

    def ready(self) -> None:
        from django.db.models.signals import m2m_changed, post_delete, post_save

        from tinhso.core.models import Agency
        from tinhso.procedures.models import Procedure, RequiredDocument, WorkflowStep
        from tinhso.procedures.selectors import forget_kept_procedures

        for model in (Procedure, RequiredDocument, WorkflowStep, Agency):
            uid = f"procedures-kept-{model.__name__}"
            post_save.connect(forget_kept_procedures, sender=model, dispatch_uid=f"{uid}-save")
            post_delete.connect(forget_kept_procedures, sender=model, dispatch_uid=f"{uid}-delete")
        m2m_changed.connect(
            forget_kept_procedures,
            sender=Procedure.agencies.through,
            dispatch_uid="procedures-kept-agencies",
        )
