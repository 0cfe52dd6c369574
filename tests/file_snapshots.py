"""Snapshots of a folder's files, to show that a refused or failed command changed nothing on disk."""

from __future__ import annotations

import os
from pathlib import Path


def snapshot(folder: Path, *, skip: tuple[str, ...] = ()) -> dict[str, bytes | str]:
    """Every file and link under ``folder`` (hidden ones too), by relative path: a file's bytes, a link's
    target, a folder as "<dir>". ``skip`` lists relative paths left out (e.g. the build's own log)."""
    folder = Path(folder)
    found: dict[str, bytes | str] = {}
    for root, dirs, files in os.walk(folder):
        for name in dirs + files:
            path = Path(root) / name
            key = path.relative_to(folder).as_posix()
            if key in skip:
                continue
            if path.is_symlink():
                found[key] = "-> " + os.readlink(path)
            elif path.is_dir():
                found[key] = "<dir>"
            else:
                found[key] = path.read_bytes()
        dirs[:] = [d for d in dirs if not (Path(root) / d).is_symlink()]
    return found
