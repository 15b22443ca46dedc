# Maintained by the OpenRouter app template: copier update replaces this file.
"""Moved to the kit: python -m <package>.openrouter.verify.

`python -m <package>.verify`, the 0.2.0 spelling, still runs the command, with a
DeprecationWarning, for this release only.
"""

from __future__ import annotations

import sys
import warnings

from .openrouter.verify import main

__all__ = ["main"]

warnings.warn(
    f"python -m {__package__}.verify is deprecated: run python -m {__package__}.openrouter.verify",
    DeprecationWarning,
    stacklevel=1 if __name__ == "__main__" else 2,
)

if __name__ == "__main__":
    sys.exit(main())
