"""Notebook parameters, declared once and checked everywhere.

Each topic notebook has a declared :class:`ParameterSet`: every parameter's name, type, default,
allowed values and a one-line description. The same declaration is used

* in the notebook, by the first cell after the ``parameters`` cell::

      p = check_notebook_parameters("salary_by_state", globals())

  which stops the run with a clear message on an unknown name or a bad value;
* by the report builder, before any kernel starts (``medcoding build -p state=TX``);
* by the tests, which keep each notebook's ``parameters`` cell equal to the declared defaults.

>>> demo = ParameterSet("demo", [
...     Choice("measure", "median", ["median", "mean"], "which BLS wage"),
...     Number("rate", 0.03, "a discount rate", minimum=0, maximum=1),
... ])
>>> demo.check({"measure": "Mean", "rate": 0.05}).measure
'mean'
>>> demo.check({"meassure": "mean"})
Traceback (most recent call last):
...
analysis.core.errors.InputError: parameter='meassure': not a parameter of demo. Did you mean 'measure'? Allowed: measure, rate.
>>> demo.check({"rate": -1})
Traceback (most recent call last):
...
analysis.core.errors.InputError: rate=-1: must be at least 0. Allowed: a number from 0 to 1.
>>> demo.check({"rate": float("nan")})
Traceback (most recent call last):
...
analysis.core.errors.InputError: rate=nan: must be a finite number (not nan or infinity). Allowed: a number from 0 to 1.
"""

from __future__ import annotations

import math
import types
from dataclasses import dataclass, field
from typing import Any, Callable

from analysis.core.errors import InputError, closest
from analysis.core.topics import notebook_topic, topic_module  # noqa: F401  (notebook_topic: part of this module's API)


@dataclass
class Param:
    """Base class: a named parameter with a default and a description."""

    name: str
    default: Any
    doc: str

    def normalize(self, value):
        """Check ``value`` and return it in canonical form; raise InputError if not allowed."""
        return value

    def from_text(self, text: str):
        """Read a value typed on a command line (``-p name=text``) into this parameter's type."""
        return self.normalize(text)

    def allowed(self) -> str:
        return "any value"

    def type_text(self) -> str:
        """The annotation of this parameter in a notebook's ``parameters`` cell (``papermill --help-notebook`` shows it)."""
        if isinstance(self.default, list):
            return "list[str]"
        if isinstance(self.default, dict):
            return "dict[str, float]"
        return type(self.default).__name__

    def describe(self) -> str:
        return f"{self.name} (default {self.default!r}): {self.doc} Allowed: {self.allowed()}."


@dataclass
class Choice(Param):
    """One value from a fixed list (matched case-insensitively, returned as spelled in the list)."""

    choices: list = field(default_factory=list)

    def __init__(self, name, default, choices, doc):
        super().__init__(name, default, doc)
        self.choices = list(choices)

    def normalize(self, value):
        for choice in self.choices:
            if value == choice or (isinstance(value, str) and isinstance(choice, str) and value.strip().lower() == choice.lower()):
                return choice
            if isinstance(choice, int) and not isinstance(value, bool) and str(value).strip() == str(choice):
                return choice
        raise InputError(self.name, value, allowed=self.choices,
                         suggestion=closest(str(value), [str(c) for c in self.choices]))

    def allowed(self) -> str:
        return ", ".join(map(str, self.choices))


@dataclass
class Number(Param):
    """A number within optional bounds; ``integer=True`` for whole numbers (e.g. a year)."""

    minimum: float | None = None
    maximum: float | None = None
    integer: bool = False
    optional: bool = False

    def normalize(self, value):
        if value is None and self.optional:
            return None
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise InputError(self.name, value, allowed=self.allowed(), reason="must be a number, not text")
        if not math.isfinite(value):  # nan would show as "nan%" and inf as "$inf"; neither is an assumption
            raise InputError(self.name, value, allowed=self.allowed(), reason="must be a finite number (not nan or infinity)")
        if self.integer and float(value) != int(value):
            raise InputError(self.name, value, allowed=self.allowed(), reason="must be a whole number")
        if self.minimum is not None and value < self.minimum:
            raise InputError(self.name, value, allowed=self.allowed(), reason=f"must be at least {self.minimum:g}")
        if self.maximum is not None and value > self.maximum:
            raise InputError(self.name, value, allowed=self.allowed(), reason=f"must be at most {self.maximum:g}")
        return int(value) if self.integer else value

    def type_text(self) -> str:
        return ("int" if self.integer else "float") + (" | None" if self.optional else "")

    def from_text(self, text):
        text = str(text).strip()
        if self.optional and text.lower() in ("", "none", "null"):
            return None
        try:
            number = float(text)
        except ValueError:
            raise InputError(self.name, text, allowed=self.allowed(), reason="must be a number") from None
        if not math.isfinite(number):
            return self.normalize(number)  # refused there, with the message
        return self.normalize(int(number) if number.is_integer() and self.integer else number)

    def allowed(self) -> str:
        kind = "a whole number" if self.integer else "a number"
        if self.minimum is not None and self.maximum is not None:
            text = f"{kind} from {self.minimum:g} to {self.maximum:g}"
        elif self.minimum is not None:
            text = f"{kind} of at least {self.minimum:g}"
        elif self.maximum is not None:
            text = f"{kind} of at most {self.maximum:g}"
        else:
            text = kind
        return text + (", or None" if self.optional else "")


@dataclass
class Text(Param):
    """A free-text value checked by a function (e.g. a state name, checked by ``lookup_state``).

    ``check`` takes the value and returns its canonical form or raises InputError.
    ``multiple=True`` accepts a list, or a comma-separated string, of such values.
    """

    check: Callable | None = None
    multiple: bool = False
    optional: bool = False
    allowed_text: str = "text"

    def normalize(self, value):
        if value is None or (isinstance(value, str) and not value.strip() and self.optional):
            if self.optional:
                return [] if self.multiple else None
            raise InputError(self.name, value, allowed=self.allowed(), reason="a value is required")
        if self.multiple:
            items = [v.strip() for v in value.split(",") if v.strip()] if isinstance(value, str) else list(value)
            return [self._one(v) for v in items]
        return self._one(value)

    def _one(self, value):
        if self.check is None:
            return value
        try:
            return self.check(value)
        except InputError as err:  # re-word with this parameter's name
            raise InputError(self.name, value, allowed=err.allowed if err.allowed else self.allowed(),
                             suggestion=err.suggestion, reason=_reason_of(err)) from None

    def type_text(self) -> str:
        return "list[str]" if self.multiple else "str | None" if self.optional else "str"

    def allowed(self) -> str:
        text = self.allowed_text + (" (a list, or several separated by commas)" if self.multiple else "")
        return text + (", or None" if self.optional and not self.multiple else "")


def _reason_of(err: InputError) -> str | None:
    message = str(err)
    head = f"{err.name}={err.value!r}: "
    if message.startswith(head):
        return message[len(head):].split(".")[0]
    return None


class ParameterSet:
    """The declared parameters of one notebook."""

    def __init__(self, notebook: str, params: list[Param], examples: list[dict] | None = None):
        self.notebook = notebook
        self.params = {p.name: p for p in params}
        # Documented parameter sets besides the defaults; the tests run the notebook with each.
        self.examples = list(examples or [])

    def __iter__(self):
        return iter(self.params.values())

    def defaults(self) -> dict:
        return {p.name: p.default for p in self}

    def _unknown(self, name):
        return InputError("parameter", name, allowed=list(self.params),
                          suggestion=closest(name, self.params), reason=f"not a parameter of {self.notebook}")

    def check(self, values: dict) -> types.SimpleNamespace:
        """Check ``values`` (defaults fill what is not given); return canonical values by name."""
        for name in values:
            if name not in self.params:
                raise self._unknown(name)
        merged = {**self.defaults(), **values}
        return types.SimpleNamespace(**{name: self.params[name].normalize(merged[name]) for name in self.params})

    def from_text(self, pairs: dict[str, str]) -> dict:
        """Typed values from command-line text (``{"year": "2023"}`` -> ``{"year": 2023}``), checked.

        Returned values are JSON-friendly and are what papermill injects into the notebook.
        """
        typed = {}
        for name, text in pairs.items():
            if name not in self.params:
                raise self._unknown(name)
            param = self.params[name]
            param.from_text(text)  # raises on a bad value
            typed[name] = _plain(param, text)
        return typed

    def help(self) -> str:
        """One line per parameter: name, default, meaning, what is allowed."""
        return "\n".join(p.describe() for p in self)


def _plain(param: Param, text: str):
    """The JSON-friendly value to inject for command-line ``text``: numbers as numbers, rest as text."""
    if isinstance(param, Number):
        return param.from_text(text)
    if isinstance(param, Choice):
        return param.normalize(text)
    if isinstance(param, Text) and param.multiple:
        return [v.strip() for v in str(text).split(",") if v.strip()]
    return str(text)


# Names IPython and papermill put in a notebook's globals that are not parameters.
_NOT_PARAMETERS = {"In", "Out", "get_ipython", "exit", "quit", "open"}
_CHECKED_MARK = "_medcoding_parameters_checked"


def parameters_for(notebook: str) -> ParameterSet:
    """The declared ParameterSet of a notebook, by its topic id or file name (``PARAMETERS`` of its topic module)."""
    return topic_module(notebook).PARAMETERS


def read_json(name: str, value, *, reason: str, allowed: str):
    """A list or dict typed on a command line as JSON (papermill passes ``-p name '[...]'`` as text).

    >>> read_json("compare_with", ' ["TX", "CA"]', reason="is not a JSON list", allowed='["TX"]')
    ['TX', 'CA']
    >>> read_json("compare_with", "[TX", reason="looks like a list but is not valid JSON", allowed='["TX"]')
    Traceback (most recent call last):
    ...
    analysis.core.errors.InputError: compare_with='[TX': looks like a list but is not valid JSON. Allowed: ["TX"].
    """
    import json

    try:
        return json.loads(str(value))
    except json.JSONDecodeError:
        raise InputError(name, value, reason=reason, allowed=allowed) from None


def parameters_cell_values(source: str) -> dict:
    """The values a ``parameters`` cell assigns (``name = value`` or ``name: type = value``), by name.

    A value that is not a plain literal is kept as its source text.

    >>> parameters_cell_values("state: str = 'CA'  # a state\\nyear: int = 2024\\nrate = 0.5")
    {'state': 'CA', 'year': 2024, 'rate': 0.5}
    """
    import ast

    values: dict = {}
    for node in ast.parse(source).body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            target = node.targets[0]
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and node.value is not None:
            target = node.target
        else:
            continue
        try:
            values[target.id] = ast.literal_eval(node.value)
        except ValueError:
            values[target.id] = ast.unparse(node.value)
    return values


def check_notebook_parameters(notebook: str, namespace: dict) -> types.SimpleNamespace:
    """Check a notebook's parameters as they stand in its globals after the parameters cell.

    Any other plain value in ``namespace`` is an unknown parameter (a typo in ``-p``), so it is
    rejected with a did-you-mean suggestion rather than silently ignored.
    """
    declared = parameters_for(notebook)
    # On a re-run (the start cell run again after later cells), the globals also hold the
    # notebook's own variables, so only the declared parameters can be checked then.
    rerun = _CHECKED_MARK in namespace
    given = {}
    for name, value in namespace.items():
        if name.startswith("_") or name in _NOT_PARAMETERS or isinstance(value, (types.ModuleType, types.FunctionType, type)):
            continue
        if callable(value) or (rerun and name not in declared.params):
            continue
        given[name] = value
    missing = [n for n in declared.params if n not in given]
    if missing:
        raise InputError("parameters cell", ", ".join(missing), reason="these declared parameters are not set; re-run the parameters cell")
    checked = declared.check(given)
    namespace[_CHECKED_MARK] = True
    if rerun:
        print("Checked the declared parameters again. To catch a misspelled parameter name as well, "
              "use Kernel > Restart Kernel and Run All Cells.")
    return checked

