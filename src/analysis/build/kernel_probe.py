"""Runs inside the kernel, before and after each notebook (loaded by the worker's first cell as the module
``_medcoding_build``, so that forgetting the ``analysis`` modules does not forget it).

:func:`begin` puts a reused kernel back to a clean state and starts recording which files under data/
and the analysis package the notebook opens, and which data/ folders it lists (an audit hook); :func:`end`
reports them, with content hashes (a folder's: of its sorted file names, :func:`listing_sha256`) and the data
sources' titles, as an output of mimetype :data:`DEPS_MIMETYPE`. Only the standard
library at import time: the worker imports this module too, for its name and constants.
"""

import hashlib
import os
import sys
import warnings

#: Mimetype of the output by which the kernel reports what a notebook read.
DEPS_MIMETYPE = "application/x-medcoding-build+json"

_reads = None
_roots = ()
_baseline = None


def _audit(event, args):
    # Records every file under data/ or the analysis package that the notebook opens, and every data/
    # folder it lists: the BLS years are found by listing data/evidence/, so a new year's file is an input.
    if event not in ("open", "os.listdir", "os.scandir") or _reads is None:
        return
    try:
        path = args[0]
        if isinstance(path, int) or path is None:
            return
        path = os.path.abspath(os.fsdecode(path))
        for root, kind in _roots:
            if event != "open" and kind == "data" and (path + os.sep).startswith(root):
                _reads.add(("listing", root, path))
                return
            if event == "open" and path.startswith(root):
                _reads.add((kind, root, path))
                return
    except Exception:
        pass


def install():
    """Start listening to file opens (once per kernel)."""
    sys.addaudithook(_audit)


def begin(data_dir, package_dir, cwd):
    """Put the kernel back to the state it had before its first notebook, then start recording."""
    global _reads, _roots, _baseline
    if _baseline is None:
        _baseline = dict(environ=dict(os.environ), path=list(sys.path), filters=list(warnings.filters))
    else:
        os.environ.clear()
        os.environ.update(_baseline["environ"])
        sys.path[:] = _baseline["path"]
        warnings.filters[:] = _baseline["filters"]
        warnings._filters_mutated()
    for module in list(sys.modules.values()):
        registry = getattr(module, "__warningregistry__", None)
        if isinstance(registry, dict):
            registry.clear()
    for name in [n for n in sys.modules if n == "analysis" or n.startswith("analysis.")]:
        del sys.modules[name]
    if "pandas" in sys.modules:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            # Not "all": resetting plotting.backend would import matplotlib.
            for group in ("display", "styler"):
                sys.modules["pandas"].reset_option(group)
    if "altair" in sys.modules:
        alt = sys.modules["altair"]
        alt.data_transformers.enable("default")
        alt.theme.enable("default")
        alt.renderers.enable("default")
    from IPython import get_ipython
    get_ipython().reset(new_session=True)
    os.chdir(cwd)
    roots = []
    for folder, kind in ((data_dir, "data"), (package_dir, "code")):
        for form in {os.path.abspath(folder), os.path.realpath(folder)}:
            roots.append((os.path.join(form, ""), kind))
    _roots = tuple(roots)
    _reads = set()


def _sha256(path):
    with open(path, "rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def listing_sha256(path) -> str:
    """The hash of a folder's sorted file names: what a listed data/ folder is recorded as (the build's
    staleness check, :mod:`analysis.build.stale`, hashes a folder the same way)."""
    return hashlib.sha256("\n".join(sorted(os.listdir(path))).encode()).hexdigest()


def end():
    """Report what the notebook read: data files and code, with content hashes, and the sources' titles."""
    global _reads
    reads, _reads = _reads or set(), None
    data, code = {}, set()
    for kind, root, path in sorted(reads):
        if kind == "listing":  # recorded as "evidence/" (a trailing slash: a folder's names, not a file)
            if os.path.isdir(path):
                data[os.path.relpath(path, root).replace(os.sep, "/") + "/"] = listing_sha256(path)
            continue
        if not os.path.isfile(path):
            continue
        if kind == "data":
            data[os.path.relpath(path, root).replace(os.sep, "/")] = _sha256(path)
        else:
            code.add(path)
    for name, module in list(sys.modules.items()):
        if (name == "analysis" or name.startswith("analysis.")) and getattr(module, "__file__", None):
            code.add(os.path.abspath(module.__file__))
    sources = []
    if data:
        from analysis.data.tables import source_of
        for file in sorted(data):
            if file == "sources.csv" or file.endswith("/"):
                continue
            row = source_of(file)
            sources.append([file, row.get("title", ""), row.get("quality", "")])
    from IPython.display import display
    display({DEPS_MIMETYPE: {"data": data, "code": {p: _sha256(p) for p in sorted(code)}, "sources": sources}}, raw=True)
