# Maintained by the OpenRouter app template: copier update replaces this file.
"""Moved to the kit: python -m <package>.openrouter.keys.

`python -m <package>.keys`, the 0.2.0 spelling, still runs the command, with a
DeprecationWarning, for this release only.
"""

from __future__ import annotations

import sys
import warnings

from .openrouter.keys import main

__all__ = ["main"]

warnings.warn(
    f"python -m {__package__}.keys is deprecated: run python -m {__package__}.openrouter.keys",
    DeprecationWarning,
    stacklevel=1 if __name__ == "__main__" else 2,
)

if __name__ == "__main__":
    sys.exit(main())
