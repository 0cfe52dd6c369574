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
    """Start listening to file opens, and keep the kit's compiled modules (once per kernel)."""
    sys.addaudithook(_audit)
    _keep_compiled_code()


_compiled = {}


def _keep_compiled_code():
    """Compile each source of the ``analysis`` package once per kernel, not once per notebook.

    :func:`begin` forgets the kit's modules, so every notebook imports them again; with no ``.pyc`` files
    (``PYTHONDONTWRITEBYTECODE``, as on the machine the benchmark ran on) that compiled ~80 modules each time
    (~0.045 s of CPU a report). The compiled code is kept by path and the SHA-256 of the source bytes, so an
    edited file is compiled again; the file is still opened and read (so :func:`_audit` still records it), and
    its module body still runs anew.
    """
    from importlib.machinery import SourceFileLoader

    compile_source = SourceFileLoader.source_to_code
    if getattr(compile_source, "_medcoding_keeps", False):
        return
    here = os.path.dirname(os.path.dirname(__file__))
    package = tuple({os.path.join(os.path.abspath(here), ""), os.path.join(os.path.realpath(here), "")})

    def source_to_code(self, data, path, *, _optimize=-1):
        if not str(path).startswith(package):
            return compile_source(self, data, path, _optimize=_optimize)
        key = (path, hashlib.sha256(data).digest(), _optimize)
        code = _compiled.get(key)
        if code is None:
            code = _compiled[key] = compile_source(self, data, path, _optimize=_optimize)
        return code

    source_to_code._medcoding_keeps = True
    SourceFileLoader.source_to_code = source_to_code


def _keep_baseline():
    global _baseline
    if _baseline is None:
        _baseline = dict(environ=dict(os.environ), path=list(sys.path), filters=list(warnings.filters))
        return True
    return False


def warm(modules):
    """Import ``modules`` before the first notebook (the kernel is then warm, as a reused one is).

    The state to go back to is kept first, so what these imports change is undone by :func:`begin`
    exactly as for a kernel that has run a notebook; :func:`begin` forgets the ``analysis`` modules.
    """
    import gc
    import importlib

    _keep_baseline()
    for name in modules:
        importlib.import_module(name)
    # What stays for every notebook (pandas, altair, IPython...) is set aside from the garbage collector:
    # each notebook's reset ends with a full collection, which otherwise walks all of it again (~0.13 s of
    # CPU a report). The kit's own modules are forgotten first, so they are not kept for good.
    _forget_own_modules()
    gc.collect()
    gc.freeze()


def _forget_own_modules():
    for name in [n for n in sys.modules if n == "analysis" or n.startswith("analysis.")]:
        del sys.modules[name]


def begin(data_dir, package_dir, cwd):
    """Put the kernel back to the state it had before its first notebook, then start recording."""
    global _reads, _roots
    if not _keep_baseline():
        os.environ.clear()
        os.environ.update(_baseline["environ"])
        sys.path[:] = _baseline["path"]
        warnings.filters[:] = _baseline["filters"]
        warnings._filters_mutated()
    for module in list(sys.modules.values()):
        registry = getattr(module, "__warningregistry__", None)
        if isinstance(registry, dict):
            registry.clear()
    _forget_own_modules()
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
