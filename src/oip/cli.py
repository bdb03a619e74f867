"""The `oip` console script: Django's management commands behind one name.

`oip catalogue validate`, `oip evidence import FILE`, `oip standing`, `oip serve`, ...
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    """Run the management command named by `argv` (default: sys.argv)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "oip.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["oip", *(sys.argv[1:] if argv is None else argv)])


if __name__ == "__main__":
    main()
