"""Files a build writes: atomically (never half a report on disk), under one lock per output folder,
and the manifest that records what each report was built from.

Every file is written to a hidden temporary file in the same folder and moved into place with
``os.replace``: a report on disk is always a complete earlier one or a complete new one, even when the
build is killed. A report's HTML and PDF are moved into place by the main process only after the
manifest records them, so a report and its record change together. Temporary names carry the build's
id; the lock file holds that id while the build runs, so the next build removes a killed build's
temporary files and nothing else. ``--out`` must be a folder for reports only (:func:`check_out_folder`).
"""

from __future__ import annotations

import contextlib
import json
import os
import re
from pathlib import Path

from analysis.core.errors import AnalysisError, InputError
from analysis.core.paths import REPO_DIR, cannot_write, path_problem  # noqa: F401  (re-exported)

MANIFEST_NAME = ".build-manifest.json"
MANIFEST_VERSION = 1
LOCK_NAME = ".build.lock"
LOG_NAME = ".build.log"
FAILED_DIR = "_failed"
TEMP_MARK = ".tmp-"
#: Names the kit writes directly under --out (and nothing else): a folder holding only these, or a manifest,
#: is the kit's own.
KIT_NAMES = ("states", "topics", "_failed", "index.html", MANIFEST_NAME, LOCK_NAME, LOG_NAME)
#: Folders under --out where the kit writes, hence where it looks for its own temporary files.
KIT_FOLDERS = ("", "states", "topics", "_failed", "_failed/states", "_failed/topics")
ALLOW_OTHER_FILES_FLAG = "--out-allow-other-files"


class BuildError(AnalysisError):
    """The build cannot start (another build is running, a notebook is missing...)."""


def check_out_folder(out: Path, *, allow_other_files: bool = False) -> None:
    """Refuse an output folder that is not a dedicated reports folder, before anything is written.

    A dedicated folder is one that does not exist yet, is empty, holds a build manifest (the kit's own
    earlier output), or holds only names the kit writes. The current folder, the project folder, the
    home folder and ``/`` are refused, and so is a folder holding other files, unless
    ``allow_other_files`` (``--out-allow-other-files``): the kit then still writes and removes only
    its own files. Raises :class:`~analysis.core.errors.InputError` naming what is wrong.
    """
    import errno

    text = str(out)
    if not text.strip():
        raise InputError("--out", text, reason="is empty; name a folder for the reports", suggestion="reports")
    out = Path(out)
    # The first part of the path that is not a folder: the path cannot be made under a file or a loop.
    for place in [*reversed(out.absolute().parents), out.absolute()]:
        try:
            os.stat(place)
        except OSError as error:
            if error.errno == errno.ENOENT:
                break
            raise InputError("--out", text, reason=f"{place} " + (path_problem(place) or f"cannot be used ({error.strerror})"),
                             allowed="a folder for the reports only, such as reports/") from None
        if not place.is_dir():
            where = "is a file, not a folder" if place == out.absolute() else f"cannot be made: {place} is a file, not a folder"
            raise InputError("--out", text, reason=where, allowed="a folder for the reports only, such as reports/")
    real = out.resolve()
    special = {REPO_DIR: "the project folder", Path(real.anchor): "the root of the file system"}
    for name, where in (("home", "your home folder"), ("cwd", "the current folder")):
        with contextlib.suppress(OSError, RuntimeError):  # no HOME, or a current folder that was deleted
            special[getattr(Path, name)().resolve()] = where
    hint = (f"name a folder used only for reports, such as {out / 'reports'} (a build writes states/, topics/, index.html "
            f"and hidden .build-* files into it), or add {ALLOW_OTHER_FILES_FLAG} if you really mean this folder")
    if real in special and not allow_other_files:
        raise InputError("--out", text, reason=f"is {special[real]}, not a dedicated reports folder; {hint}")
    if real == REPO_DIR / "reports" or allow_other_files or not real.is_dir():
        return
    names = sorted(os.listdir(real))
    if MANIFEST_NAME in names:
        return
    other = [n for n in names if n not in KIT_NAMES]
    if other:
        shown = ", ".join(other[:3]) + (f" and {len(other) - 3} more" if len(other) > 3 else "")
        raise InputError("--out", text, reason=f"holds files the kit did not make ({shown}), so it is not a dedicated "
                         f"reports folder; {hint}. The kit never changes files it did not make")


#: This build's id (set by :func:`build` and in its workers): it marks every temporary file the build
#: makes, so that the next build can tell them from files it did not make.
_build_id = "0" * 12


def use_build_id(build_id: str) -> None:
    """Mark the temporary files this process makes from now on as those of build ``build_id``."""
    global _build_id
    _build_id = build_id


def new_build_id() -> str:
    import secrets

    return secrets.token_hex(6)


def _temp_marker(build_id: str) -> str:
    return f"{TEMP_MARK}medcoding-{build_id}-"


def temp_path(final: Path) -> Path:
    """A hidden temporary name beside ``final`` with the same extension (Chromium reads it as HTML), marked
    with this build's id and this process's id: ``.TX.tmp-medcoding-<build id>-<pid>.html``."""
    return final.with_name(f".{final.stem}{_temp_marker(_build_id)}{os.getpid()}{final.suffix}")


def write_atomic(path: Path, data: bytes | str, *, registry: set | None = None) -> None:
    """Write ``data`` to ``path`` so that ``path`` is always either the old file or the whole new one."""
    tmp = write_temporary(path, data, registry=registry)
    try:
        os.replace(tmp, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        if registry is not None:
            registry.discard(tmp)


def write_temporary(final: Path, data: bytes | str, *, registry: set | None = None) -> Path:
    """Write ``data`` to the temporary name of ``final`` (for the main process to move into place later)."""
    final = Path(final)
    final.parent.mkdir(parents=True, exist_ok=True)
    tmp = temp_path(final)
    if registry is not None:
        registry.add(tmp)
    try:
        with open(tmp, "wb") as handle:
            handle.write(data.encode("utf-8") if isinstance(data, str) else data)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        if registry is not None:
            registry.discard(tmp)
        raise
    return tmp


def sweep_temporary_files(out: Path, build_ids) -> list[Path]:
    """Remove the temporary files that the builds ``build_ids`` (killed ones) left in ``out``.

    Only what the kit can prove is its own goes: a hidden regular file whose name carries the marker
    of one of those builds, directly in one of the folders the kit writes (``KIT_FOLDERS``). Anything
    else, even a file named like a temporary file, stays.
    """
    markers = [_temp_marker(b) for b in build_ids if re.fullmatch(r"[0-9a-f]{12}", b or "")]
    removed = []
    if not markers:
        return removed
    for folder in KIT_FOLDERS:
        place = Path(out) / folder
        if place.is_symlink() or not place.is_dir():
            continue
        with contextlib.suppress(OSError), os.scandir(place) as entries:
            for entry in entries:
                if (entry.name.startswith(".") and any(m in entry.name for m in markers)
                        and entry.is_file(follow_symlinks=False)):
                    with contextlib.suppress(OSError):
                        os.unlink(entry.path)
                        removed.append(Path(entry.path))
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
def build_lock(out: Path, build_id: str | None = None):
    """One build at a time per output folder (a second one is told, not queued).

    The lock file also says which build may have left temporary files: its first line is the
    holder's process id, the next its build id. It is emptied when a build ends normally, so a build
    that finds an id there (one that was killed) removes that build's temporary files, and only them.
    """
    import fcntl

    path = Path(out) / LOCK_NAME
    with open(path, "a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = (handle.read().strip().splitlines() or ["another process"])[0]
            raise BuildError(f"Another build is writing to {out} (process {holder}). Wait for it to finish, "
                             f"or build into another folder with --out.") from None
        handle.seek(0)
        unfinished = handle.read().split()[1:]
        sweep_temporary_files(out, unfinished)
        handle.seek(0)
        handle.truncate()
        handle.write(f"{os.getpid()}\n{build_id or ''}\n")
        handle.flush()
        try:
            yield
        finally:
            if build_id:
                sweep_temporary_files(out, [build_id])  # a worker that died may have left one
            handle.seek(0)
            handle.truncate()
            fcntl.flock(handle, fcntl.LOCK_UN)
