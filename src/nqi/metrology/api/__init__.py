"""REST endpoints of the metrology module under ``/api/v1/metrology/``, one module per area."""

from ninja import Router

from nqi.metrology.api import (
    calibrations,
    capabilities,
    certificates,
    comparisons,
    equipment,
    procedures,
    traceability,
)

router = Router()
for _module in (capabilities, equipment, calibrations, traceability, certificates, comparisons, procedures):
    router.add_router("", _module.router)
