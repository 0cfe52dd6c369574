"""Where the kit's folders are: the package, the repository, data/ and notebooks/.

>>> (REPO_DIR / "notebooks").resolve() == NOTEBOOKS_DIR
True
"""

from __future__ import annotations

import os
from pathlib import Path

from analysis.core.env import DATA_DIR_ENV

PACKAGE_DIR = Path(__file__).resolve().parents[1]
REPO_DIR = PACKAGE_DIR.parents[1]
NOTEBOOKS_DIR = REPO_DIR / "notebooks"


def data_dir() -> Path:
    """The folder the kit reads data from: ``$MEDCODING_DATA_DIR`` if set, else the kit's ``data/``."""
    override = os.environ.get(DATA_DIR_ENV)
    return Path(override) if override else REPO_DIR / "data"


def data_path(relative_path: str | Path) -> Path:
    """The full path of a file under :func:`data_dir`."""
    return data_dir() / relative_path
