"""Fixtures for the procedures tests (pytest collects this module too; it holds no tests).

``lib`` builds, through the services: VMI's shared procedure VMI-M-01 (mass; English 1.0 current,
Vietnamese 1.0 draft) and its internal procedure VMI-INT-02 (not shared), and QUATEST 1's shared
procedure Q1-T-01. ``DATA`` is the folder of the real exchange files.
"""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest

DATA = Path(__file__).parent / "data"


@pytest.fixture
def lib(net):
    from nqi.metrology.services import procedures as services

    user = net.vmi_user
    mass = services.save_procedure(
        user,
        None,
        {
            "code": "VMI-M-01",
            "title": "Calibration of weights by comparison",
            "title_i18n": {"vi": "Hiệu chuẩn quả cân bằng phương pháp so sánh"},
            "owner": net.vmi,
            "area": net.areas[0],
            "references": "OIML R 111-1:2004",
        },
        [net.mass],
    )
    services.add_version(
        user, mass, {"version": "1.0", "language": "en", "body": "Scope: E2 weights.", "status": "current"}
    )
    services.add_version(user, mass, {"version": "1.0", "language": "vi", "body": "Phạm vi: quả cân E2."})
    internal = services.save_procedure(
        user,
        None,
        {
            "code": "VMI-INT-02",
            "title": "Internal check of the mass comparator",
            "owner": net.vmi,
            "shared": False,
        },
    )
    services.add_version(
        user, internal, {"version": "1", "language": "en", "body": "Daily check.", "status": "current"}
    )
    quatest = services.save_procedure(
        net.quatest_user,
        None,
        {
            "code": "Q1-T-01",
            "title": "Calibration of thermometers",
            "owner": net.quatest,
            "area": net.areas[1],
        },
        [net.temperature],
    )
    return SimpleNamespace(net=net, mass=mass, internal=internal, quatest=quatest)
