"""SciPy modules typed as ``Any``.

SciPy ships no type information and the project does not depend on ``scipy-stubs``; importing through
:mod:`importlib` keeps ``mypy --strict`` clean without ``type: ignore`` comments that would turn into
"unused ignore" errors once stubs are installed.
"""

from __future__ import annotations

import importlib
from typing import Any

stats: Any = importlib.import_module("scipy.stats")
optimize: Any = importlib.import_module("scipy.optimize")
