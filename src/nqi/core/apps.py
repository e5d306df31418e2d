from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "nqi.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        # Signal handlers for the audit trail, the search index and the role groups.
        from nqi.core import audit, roles, search  # noqa: F401
