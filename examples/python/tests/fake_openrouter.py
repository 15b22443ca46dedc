# Maintained by the OpenRouter app template: copier update replaces this file.
"""Moved: the fake OpenRouter is tests/openrouter/fake_server.py.

This shim keeps the 0.2.0 spellings working, with a DeprecationWarning, for
this release only: `python tests/fake_openrouter.py` (now `python
tests/openrouter/fake_server.py`) and, in tests written for 0.2.0,
`from fake_openrouter import ...` (now the `openrouter` fixture, or
`from fake_server import FakeOpenRouter`).
"""

from __future__ import annotations

import runpy
import warnings
from pathlib import Path

if __name__ == "__main__":
    warnings.warn(
        "python tests/fake_openrouter.py is deprecated: run python tests/openrouter/fake_server.py",
        DeprecationWarning,
        stacklevel=1,
    )
    runpy.run_path(
        str(Path(__file__).with_name("openrouter") / "fake_server.py"), run_name="__main__"
    )
else:  # imported, by a test written for 0.2.0
    from fake_server import CHAT, FakeOpenRouter, new_key

    __all__ = ["CHAT", "FakeOpenRouter", "new_key"]
    warnings.warn(
        "fake_openrouter is deprecated: use the openrouter fixture (tests/conftest.py), "
        "or from fake_server import FakeOpenRouter",
        DeprecationWarning,
        stacklevel=2,
    )
