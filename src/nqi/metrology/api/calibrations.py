"""REST endpoints: calibrations."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["metrology"])
