"""Is a report stale? What a report depends on, compared with what the manifest recorded.

A report is rebuilt when any of these changed:

* the notebook file (its bytes) and the parameter values;
* the data files the notebook *read when it last ran* (recorded by the kernel probe,
  :mod:`analysis.build.kernel_probe`, the way a compiler writes a depfile; compared by content hash, so
  touching a file changes nothing). The state reports show every state's rank and map, so a change to
  one state's row of a BLS state file rebuilds all 51 state reports and the topics that read that file;
* the data/ folders the notebook *listed* (recorded as ``evidence/``, by the hash of their file names):
  a notebook finds its BLS years by listing ``data/evidence/``, so a year added by
  ``medcoding data import`` makes every report that defaults to ``year = "latest"`` stale;
* the :mod:`analysis` modules the notebook imported, and those the worker runs for every report
  (the builder, the exporter and its templates);
* the Python version and the installed library versions (the ``*.dist-info`` names);
* for the PDF, the HTML it was printed from and the paper size (``--paper``). Chromium's version is not part of it: use ``--force``
  after upgrading Chromium.

The check reads and hashes a few hundred kilobytes and imports neither pandas nor altair.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import sys
import sysconfig
from pathlib import Path

from analysis.build.index import index_notebook
from analysis.build.kernel_probe import listing_sha256
from analysis.build.plan import Report
from analysis.core.paths import REPO_DIR, data_dir


def sha256(path: Path) -> str | None:
    """A file's content hash; a folder's (a data/ folder a notebook listed): the hash of its file names."""
    if os.path.isdir(path):
        return listing_sha256(path)
    try:
        with open(path, "rb") as handle:
            return hashlib.file_digest(handle, "sha256").hexdigest()
    except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
        return None


class Hashes:
    """Content hashes of files, each read once per build."""

    def __init__(self):
        self._known: dict[str, str | None] = {}

    def __call__(self, path) -> str | None:
        key = str(path)
        if key not in self._known:
            self._known[key] = sha256(Path(path))
        return self._known[key]


def environment_fingerprint() -> str:
    """A hash of the Python version and every installed distribution's name and version (no imports)."""
    parts = [sys.version, sys.implementation.name]
    for folder in sorted({sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]}):
        with contextlib.suppress(OSError):
            parts += sorted(n for n in os.listdir(folder) if n.endswith((".dist-info", ".egg-info")))
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def code_key(path: str) -> str:
    """A code file as the manifest names it: relative to the repository when inside it."""
    full = Path(path).resolve()
    with contextlib.suppress(ValueError):
        return full.relative_to(REPO_DIR).as_posix()
    return str(full)


def code_path(key: str) -> Path:
    return Path(key) if os.path.isabs(key) else REPO_DIR / key


def notebook_bytes(report: Report) -> bytes:
    if report.kind == "index":
        return json.dumps(index_notebook(), sort_keys=True, indent=1).encode()
    return Path(report.notebook).read_bytes()


def stale_reason(report: Report, entry: dict | None, fmt: str, *, out: Path, notebook_sha: str, environment: str,
                 hashes: Hashes, force: bool = False, paper: str = "letter") -> str | None:
    """Why ``report`` needs building in ``fmt`` (a short phrase), or None when it is up to date."""
    if force:
        return "--force"
    if not entry or fmt not in entry.get("outputs", {}):
        return "new"
    if entry.get("notebook_sha") != notebook_sha:
        return "notebook changed"
    if entry.get("params") != report.params:
        return "parameters changed"
    if entry.get("environment") != environment:
        return "Python or library versions changed"
    for key, digest in entry.get("code", {}).items():
        if hashes(code_path(key)) != digest:
            return f"code changed: {Path(key).name}"
    root = data_dir()
    for key, digest in entry.get("data", {}).items():
        if hashes(root / key) != digest:
            return f"data changed: {key}"
    recorded = entry["outputs"][fmt]
    if fmt == "pdf" and recorded.get("paper", "letter") != paper:
        return "paper size changed"
    try:
        stat = report.output(out, fmt).stat()
    except FileNotFoundError:
        return f"{fmt.upper()} missing"
    if stat.st_size != recorded.get("size") or stat.st_mtime_ns != recorded.get("mtime_ns"):
        return f"{fmt.upper()} changed on disk"
    return None
