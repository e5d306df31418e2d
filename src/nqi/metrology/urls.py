"""Pages of the metrology network under /metrology/ (the public verification page is /verify/)."""

from nqi.metrology.views import (
    calibrations,
    capabilities,
    certificates,
    comparisons,
    equipment,
    overview,
    procedures,
    traceability,
)

app_name = "metrology"

urlpatterns = [
    *overview.urlpatterns,
    *capabilities.urlpatterns,
    *equipment.urlpatterns,
    *calibrations.urlpatterns,
    *traceability.urlpatterns,
    *certificates.urlpatterns,
    *comparisons.urlpatterns,
    *procedures.urlpatterns,
]
