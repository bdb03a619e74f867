"""The `oip` console script: Django's management commands behind one name.

`oip catalogue validate`, `oip evidence import FILE`, `oip standing`, `oip serve`, ...
"""

from __future__ import annotations

import os
import sys

from django.core.exceptions import ImproperlyConfigured
from django.core.management import execute_from_command_line


def main(argv: list[str] | None = None) -> None:
    """Run the management command named by `argv` (default: sys.argv)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "oip.settings")
    try:
        execute_from_command_line(["oip", *(sys.argv[1:] if argv is None else argv)])
    except ImproperlyConfigured as exc:
        # A setting read from the environment is wrong: the message names the variable and
        # what it must be; a traceback through Django's settings loader would only bury it.
        sys.stderr.write(f"ImproperlyConfigured: {exc}\n")
        raise SystemExit(2) from None


if __name__ == "__main__":
    main()
