# Maintained by the OpenRouter app template: copier update replaces this file.
"""Moved: the hostile-inputs table is tests/openrouter/hostile_scenarios.py, the kit's.

Tests written for 0.2.0 import it from here; this shim keeps them working, with
a DeprecationWarning, for this release only. The starter's rows now run in
tests/openrouter/test_hostile_inputs.py.
"""

from __future__ import annotations

import warnings

from hostile_scenarios import ROWS, TIME_BOUND, Project, Row, Setup, check, refuse

__all__ = ["ROWS", "TIME_BOUND", "Project", "Row", "Setup", "check", "refuse"]

warnings.warn(
    "hostile_inputs is deprecated: the kit's tests (tests/openrouter/) run its rows",
    DeprecationWarning,
    stacklevel=2,
)
