"""Files a build writes: atomically (never half a report on disk), under one lock per output folder,
and the manifest that records what each report was built from.

Every file is written to a hidden temporary file in the same folder and moved into place with
``os.replace``: a report on disk is always a complete earlier one or a complete new one, even when the
build is killed. Temporary files of a killed build are removed by the next build.
"""

from __future__ import annotations

import contextlib
import json
import os
from pathlib import Path

from analysis.core.errors import AnalysisError

MANIFEST_NAME = ".build-manifest.json"
MANIFEST_VERSION = 1
LOCK_NAME = ".build.lock"
LOG_NAME = ".build.log"
FAILED_DIR = "_failed"
TEMP_MARK = ".tmp-"


class BuildError(AnalysisError):
    """The build cannot start (another build is running, a notebook is missing...)."""


def temp_path(final: Path) -> Path:
    """A hidden temporary name beside ``final`` with the same extension (Chromium reads it as HTML)."""
    return final.with_name(f".{final.stem}{TEMP_MARK}{os.getpid()}{final.suffix}")


def write_atomic(path: Path, data: bytes | str, *, registry: set | None = None) -> None:
    """Write ``data`` to ``path`` so that ``path`` is always either the old file or the whole new one."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = temp_path(path)
    if registry is not None:
        registry.add(tmp)
    try:
        with open(tmp, "wb") as handle:
            handle.write(data.encode("utf-8") if isinstance(data, str) else data)
        os.replace(tmp, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        if registry is not None:
            registry.discard(tmp)


def sweep_temporary_files(out: Path) -> list[Path]:
    """Remove the temporary files a killed build left behind (they are hidden and never a report)."""
    removed = []
    for path in Path(out).rglob(f".*{TEMP_MARK}*"):
        with contextlib.suppress(OSError):
            path.unlink()
            removed.append(path)
    return removed


def load_manifest(out: Path) -> dict:
    try:
        manifest = json.loads((Path(out) / MANIFEST_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {"version": MANIFEST_VERSION, "reports": {}}
    if manifest.get("version") != MANIFEST_VERSION or not isinstance(manifest.get("reports"), dict):
        return {"version": MANIFEST_VERSION, "reports": {}}
    return manifest


def save_manifest(out: Path, manifest: dict) -> None:
    write_atomic(Path(out) / MANIFEST_NAME, json.dumps(manifest, indent=1, sort_keys=True))


@contextlib.contextmanager
def build_lock(out: Path):
    """One build at a time per output folder (a second one is told, not queued)."""
    import fcntl

    path = Path(out) / LOCK_NAME
    with open(path, "a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "another process"
            raise BuildError(f"Another build is writing to {out} (process {holder}). Wait for it to finish, "
                             f"or build into another folder with --out.") from None
        handle.seek(0)
        handle.truncate()
        handle.write(str(os.getpid()))
        handle.flush()
        try:
            yield
        finally:
            handle.seek(0)
            handle.truncate()
            fcntl.flock(handle, fcntl.LOCK_UN)
