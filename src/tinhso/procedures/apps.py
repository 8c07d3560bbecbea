from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProceduresConfig(AppConfig):
    name = "tinhso.procedures"
    label = "procedures"
    verbose_name = _("Thủ tục hành chính")

    def ready(self) -> None:
        from django.db.models.signals import m2m_changed

        from tinhso.core.forget import forget_on_change
        from tinhso.core.models import Agency
        from tinhso.procedures.models import Procedure, RequiredDocument, WorkflowStep
        from tinhso.procedures.selectors import forget_kept_procedures

        forget_on_change(
            forget_kept_procedures,
            Procedure,
            RequiredDocument,
            WorkflowStep,
            Agency,
            name="procedures-kept",
        )
        m2m_changed.connect(
            forget_kept_procedures,
            sender=Procedure.agencies.through,
            dispatch_uid="procedures-kept-agencies",
        )
