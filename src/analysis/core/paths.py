"""Where the kit's folders are: the package, the repository, data/ and notebooks/.

>>> (REPO_DIR / "notebooks").resolve() == NOTEBOOKS_DIR
True
"""

from __future__ import annotations

import os
from pathlib import Path

from analysis.core.env import CACHE_DIR_ENV, DATA_DIR_ENV

PACKAGE_DIR = Path(__file__).resolve().parents[1]
REPO_DIR = PACKAGE_DIR.parents[1]
NOTEBOOKS_DIR = REPO_DIR / "notebooks"


def data_dir() -> Path:
    """The folder the kit reads data from: ``$MEDCODING_DATA_DIR`` if set, else the kit's ``data/``."""
    override = os.environ.get(DATA_DIR_ENV)
    return Path(override) if override else REPO_DIR / "data"


def cache_dir() -> Path:
    """The folder for what the kit keeps between runs (only files it made: the Vega bundle):
    ``$MEDCODING_CACHE_DIR`` if set, else the user's cache folder for ``medcoding-outlook``
    (``~/.cache/medcoding-outlook`` on Linux; platformdirs). It is made when first written to.
    """
    override = os.environ.get(CACHE_DIR_ENV, "").strip()
    if override:
        return Path(override).expanduser()
    import platformdirs

    return Path(platformdirs.user_cache_dir("medcoding-outlook", appauthor=False))


def data_path(relative_path: str | Path) -> Path:
    """The full path of a file under :func:`data_dir`."""
    return data_dir() / relative_path


def cannot_write(error: OSError) -> str:
    """Words for an error met while writing (read-only, not allowed, disk full...)."""
    import errno

    words = {errno.EROFS: "is on a read-only file system, so nothing can be written there",
             errno.EACCES: "you are not allowed to write there", errno.EPERM: "you are not allowed to write there",
             errno.ENOSPC: "the disk is full (no space left on device)", errno.EDQUOT: "your disk quota is used up",
             errno.ENOTDIR: "a part of the path is a file, not a folder", errno.ELOOP: "the path is a symbolic link loop"}
    return words.get(error.errno, f"cannot be written ({error.strerror or error})")


def path_problem(path: Path, *, want: str = "folder") -> str | None:
    """What stops ``path`` from being used as an existing ``want`` ("folder" or "file"), or None.

    >>> path_problem(Path("/no/such/place"))
    'the folder does not exist'
    >>> path_problem(Path(__file__))
    'is a file, not a folder'
    """
    import errno
    import stat as stat_module

    try:
        info = os.stat(path)
    except OSError as error:
        if error.errno == errno.ELOOP:
            return "is a symbolic link loop (a link that leads back to itself); point it at a real folder"
        if error.errno == errno.ENOTDIR:
            return f"a part of the path is a file, not a folder, so the {want} does not exist"
        if error.errno == errno.ENOENT:
            return f"the {want} does not exist"
        return f"cannot be read ({error.strerror or error})"
    if want == "folder" and not stat_module.S_ISDIR(info.st_mode):
        return "is a file, not a folder"
    if want == "file" and stat_module.S_ISDIR(info.st_mode):
        return "is a folder, not a file"
    return None
