"""A stand-in for the ``rfc3987_syntax`` module that builds its grammars only if they are ever used.

jsonschema imports ``rfc3987_syntax`` (when installed) for its "iri" format checkers as soon as
jsonschema itself is imported, and importing it builds ~35 Lark grammars: ~2 s of every process that
imports altair, nbformat or papermill (jsonschema issue #1428). It is installed here because
jupyter-events (under jupyterlab) asks for ``jsonschema[format-nongpl]``.

:func:`install` puts a stand-in in ``sys.modules`` before jsonschema is imported. Its
``is_valid_syntax`` imports the real module on its first call and hands every call to it, so an "iri"
check gives the same answer as before; nothing in the kit makes one. Standard library only: it runs
first in every process the kit starts (``analysis/__init__.py``).
"""

import importlib
import importlib.util
import sys
import types

NAME = "rfc3987_syntax"
_real_module = None


def real_module() -> types.ModuleType:
    """The real ``rfc3987_syntax``, imported (and its grammars built) on the first call."""
    global _real_module
    if _real_module is None:
        stand_in = sys.modules.pop(NAME, None)
        try:
            _real_module = importlib.import_module(NAME)
        except BaseException:
            if stand_in is not None:
                sys.modules[NAME] = stand_in
            raise
    return _real_module


def is_valid_syntax(*args, **kwargs):
    """``rfc3987_syntax.is_valid_syntax``, from the real module."""
    return real_module().is_valid_syntax(*args, **kwargs)


class _StandIn(types.ModuleType):
    def __getattr__(self, name):
        if name.startswith("__"):  # dunder probes (copy, inspect, pickle...) must not build the grammars
            raise AttributeError(name)
        return getattr(real_module(), name)


def install() -> bool:
    """Put the stand-in in ``sys.modules``; True if it did. Nothing is done if the real module is already
    imported or is not installed (jsonschema then leaves the "iri" formats out, as it would anyway)."""
    if NAME in sys.modules or importlib.util.find_spec(NAME) is None:
        return False
    stand_in = _StandIn(NAME, "Stand-in for rfc3987_syntax until first use (see analysis.core.lazy_rfc3987).")
    stand_in.is_valid_syntax = is_valid_syntax
    sys.modules[NAME] = stand_in
    return True
