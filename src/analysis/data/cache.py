"""One cache rule for everything read from ``data/``: a result is kept while the files it was read from are unchanged.

A file's stamp is its absolute path, inode, size and modification time in nanoseconds, so a result follows an
edited file, a file replaced by an atomic rename, a deleted one and a change of data folder
(``MEDCODING_DATA_DIR``) within one process. Loaders say which files they read; :func:`cached_by_files` does
the rest. A DataFrame comes back as a copy (attrs included), so a caller that changes it leaves the cache intact.

>>> files_stamp("sources.csv")[0][0].endswith("sources.csv")
True
>>> files_stamp("no/such/file.csv")[0][1:]
(None, None, None)
"""

from __future__ import annotations

import functools
import os

from analysis.core.paths import data_path


def file_stamp(path) -> tuple:
    """(path, inode, size, mtime_ns) of one file, with None for a file that does not exist."""
    try:
        info = os.stat(path)
    except OSError:
        return (str(path), None, None, None)
    return (str(path), info.st_ino, info.st_size, info.st_mtime_ns)


def files_stamp(*relative_paths) -> tuple:
    """The stamps of files under ``data/``: a cache key that changes when one of them changes."""
    return tuple(file_stamp(data_path(relative)) for relative in relative_paths)


def cached_by_files(paths, *, copy: bool = True, maxsize: int = 8):
    """Decorate a loader so it runs again only when one of the files it reads changes.

    ``paths`` is a tuple of paths under ``data/``, or a function of the loader's own arguments returning
    them (for loaders whose files depend on an argument, or on what ``data/evidence/`` holds). Arguments
    must be hashable. The decorated loader keeps ``cache_clear()`` and ``cache_info()``.
    """

    def decorate(loader):
        @functools.lru_cache(maxsize=maxsize)
        def run(stamp, args, kwargs):
            return loader(*args, **dict(kwargs))

        @functools.wraps(loader)
        def cached(*args, **kwargs):
            files = paths(*args, **kwargs) if callable(paths) else paths
            result = run(files_stamp(*files), args, tuple(sorted(kwargs.items())))
            return result.copy() if copy and hasattr(result, "copy") else result

        cached.cache_clear = run.cache_clear
        cached.cache_info = run.cache_info
        return cached

    return decorate
