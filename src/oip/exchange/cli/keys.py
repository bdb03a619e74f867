"""`oip exchange keys generate FILE` and `oip exchange keys rotate` (EXCHANGE.md §6.12).

Rotation re-wraps every data key with a new key-encryption key; payloads, MACs and titles are
untouched (their keys are the data keys). While it runs the old KEK is kept as
`<file>.<old key_id>` and the new one waits as `<file>.<new key_id>`, so a rotation stopped at
any point leaves every data key readable; the file is replaced and the old copy removed only
once every data key is re-wrapped (in one transaction).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

from django.db import transaction

from oip.exchange import crypto
from oip.exchange.models import DataKey


def register(subparsers: Any) -> None:
    group = subparsers.add_parser("keys", help="the key-encryption key: generate, rotate")
    commands = group.add_subparsers(dest="keys_command", metavar="COMMAND")
    commands.required = True
    generate = commands.add_parser("generate", help="write a new key file (mode 0600)")
    generate.add_argument("file", type=Path)
    generate.set_defaults(run=run_generate)
    rotate = commands.add_parser("rotate", help="new KEK; re-wrap every data key")
    rotate.set_defaults(run=run_rotate)


def run_generate(options: dict[str, Any]) -> int:
    path: Path = options["file"]
    try:
        kek = crypto.generate_kek_file(path)
    except FileExistsError:
        options["stderr"].write(f"{path}: exists; a key file is never overwritten")
        return 1
    options["stdout"].write(f"wrote {path} (key id {kek.key_id})")
    return 0


def rotate() -> tuple[str, str, int]:
    """Rotate the KEK named by the settings; return (old key id, new key id, keys re-wrapped)."""
    path = crypto.kek_path()
    old = crypto.current_kek()
    staged = crypto.generate_kek_file(path.with_name(f"{path.name}.new"))
    pending = path.with_name(f"{path.name}.{staged.key_id}")
    os.replace(staged_path(path), pending)
    kept = path.with_name(f"{path.name}.{old.key_id}")
    shutil.copy2(path, kept)
    os.chmod(kept, 0o600)
    count = 0
    with transaction.atomic():
        for row in DataKey.objects.select_for_update().order_by("pk").iterator(chunk_size=1000):
            data_key = crypto.unwrap(row.key_id, bytes(row.wrapped))
            row.key_id, row.wrapped = crypto.wrap(data_key, staged)
            row.save(update_fields=["key_id", "wrapped"])
            count += 1
    os.replace(pending, path)
    crypto.forget_keys()
    kept.unlink()
    return old.key_id, staged.key_id, count


def staged_path(path: Path) -> Path:
    return path.with_name(f"{path.name}.new")


def run_rotate(options: dict[str, Any]) -> int:
    try:
        old, new, count = rotate()
    except (crypto.KeyFileError, crypto.IntegrityFailure, FileExistsError) as problem:
        options["stderr"].write(f"rotation refused: {problem}")
        return 1
    options["stdout"].write(f"rotated {old} -> {new}: {count} data keys re-wrapped")
    return 0
