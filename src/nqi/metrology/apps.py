from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MetrologyConfig(AppConfig):
    name = "nqi.metrology"
    label = "metrology"
    verbose_name = _("Metrology")
    default_auto_field = "django.db.models.BigAutoField"
