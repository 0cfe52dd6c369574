"""How an answer becomes comparable: values normalised by type, then salted sha256 hashes.

An exercise's expected answer is stored only as hashes of its canonical form (with neighbours for a
tolerance), so a notebook can say "correct" without holding the answer. :func:`make_entry` makes
what the registry of :mod:`analysis.teaching.exercises` holds.
"""

from __future__ import annotations

import hashlib
import math
import numbers
from typing import Any

from analysis.core.errors import AnalysisError, InputError

SALT = "medcoding-outlook/exercises/v1"
TYPES = ("number", "text", "state", "bool", "list", "set", "chart")
ENCODING_TYPES = {"Q": "quantitative", "N": "nominal", "O": "ordinal", "T": "temporal"}


class ExerciseError(AnalysisError):
    """A check did not pass while ``MEDCODING_EXERCISES=strict`` (or an exercise is declared wrongly)."""


# --------------------------------------------------------------------------- normalising and hashing


def _hash(canonical: str) -> str:
    return hashlib.sha256(f"{SALT}\n{canonical}".encode("utf-8")).hexdigest()


def _num(value: float) -> str:
    text = format(float(value), ".12g")
    return "0" if text == "-0" else text


def _bucket(value: float, tolerance: float) -> int:
    return math.floor(float(value) / tolerance + 0.5)


def _number_hashes(value: float, tolerance: float, neighbours: bool = False) -> list[str]:
    """The hash of ``value`` (exact, or its grid cell of step ``tolerance``); with its neighbours if asked."""
    if not tolerance:
        return [_hash(f"number:{_num(value)}")]
    cell = _bucket(value, tolerance)
    cells = (cell - 1, cell, cell + 1) if neighbours else (cell,)
    return [_hash(f"number~{_num(tolerance)}:{c}") for c in cells]


def _rough_parts(value: float) -> tuple[str, int, int] | None:
    """(sign, two significant digits as 10..99, exponent): 48780 -> ('', 49, 4)."""
    if value == 0 or not math.isfinite(value):
        return None
    sign, size = ("-" if value < 0 else ""), abs(float(value))
    exponent = math.floor(math.log10(size))
    digits = round(size / 10 ** (exponent - 1))
    if digits >= 100:
        digits, exponent = 10, exponent + 1
    elif digits < 10:
        digits, exponent = 99, exponent - 1
    return sign, digits, exponent


def _rough_hashes(value: float, neighbours: bool = False) -> list[str]:
    parts = _rough_parts(value)
    if parts is None:
        return [_hash("rough:0")]
    sign, digits, exponent = parts
    cells = [(digits, exponent)]
    if neighbours:
        cells += [(99, exponent - 1) if digits == 10 else (digits - 1, exponent),
                  (10, exponent + 1) if digits == 99 else (digits + 1, exponent)]
    return [_hash(f"rough:{sign}{d}e{e}") for d, e in cells]


def _text(value) -> str:
    return " ".join(str(value).split()).casefold()


def _canonical(value, kind: str) -> str:
    """The normalised text of one answer of ``kind`` (number, text, state, bool). Raises _Problem."""
    if kind == "number":
        return f"number:{_num(_as_number(value))}"
    if kind == "text":
        if not isinstance(value, str):
            raise _Problem(f"expected text, got {_describe(value)}. Put the answer in quotes: \"...\".")
        return f"text:{_text(value)}"
    if kind == "state":
        return f"state:{_as_state(value)}"
    if kind == "bool":
        if not _is_bool(value):
            raise _Problem(f"expected True or False, got {_describe(value)}.")
        return f"bool:{bool(value)}"
    raise ExerciseError(f"unknown answer type {kind!r}; use one of {', '.join(TYPES)}")


def _is_bool(value) -> bool:
    """True for True/False, including numpy's (whose type is ``numpy.bool``)."""
    return isinstance(value, bool) or (type(value).__module__ == "numpy" and type(value).__name__ in ("bool", "bool_"))


class _Problem(Exception):
    """The answer has the wrong form; the message is shown to the student."""


def _describe(value) -> str:
    """A short, student-facing description of what an answer is."""
    if isinstance(value, str):
        shown = value if len(value) <= 40 else value[:37] + "..."
        return f"text {shown!r}"
    if _is_bool(value):
        return f"True/False ({value})"
    name = type(value).__name__
    if name == "DataFrame":
        return f"a table (pandas DataFrame) with {value.shape[0]} rows and {value.shape[1]} columns"
    if name in ("Series", "Index", "ndarray"):
        what = {"Series": "a pandas Series", "Index": "a pandas Index", "ndarray": "a numpy array"}[name]
        return f"{what} with {len(value)} value{'s' if len(value) != 1 else ''}"
    if isinstance(value, (list, tuple, set, frozenset)):
        return f"a {name} with {len(value)} item{'s' if len(value) != 1 else ''}"
    if isinstance(value, dict):
        return "a dict"
    if name.endswith("Chart"):
        return "an altair chart"
    if name == "State":
        return "a State"
    if isinstance(value, numbers.Number):
        return "a number"
    return f"a {name}"


def _as_number(value) -> float:
    if _is_bool(value):
        raise _Problem(f"expected a number, got {value} (True/False).")
    if isinstance(value, str):
        try:
            float(value.replace(",", "").replace("$", "").strip())
        except ValueError:
            raise _Problem(f"expected a number, got {_describe(value)}.") from None
        raise _Problem(f"expected a number, got {_describe(value)}. Remove the quotes (or convert it with float(...)).")
    if _is_missing(value):
        raise _Problem("your answer is a missing value (NaN or NA), not a number. Check the row you picked: "
                       "some figures are not available in data/.")
    if isinstance(value, numbers.Real) or (isinstance(value, numbers.Number) and not isinstance(value, numbers.Complex)):
        return float(value)  # int, float, numpy numbers, Fraction, Decimal
    if type(value).__name__ in ("Series", "Index", "ndarray") or isinstance(value, (list, tuple)):
        if len(value) == 1:
            raise _Problem(f"expected a single number, got {_describe(value)}. "
                           "Take the number out, e.g. with .item().")
        raise _Problem(f"expected a single number, got {_describe(value)}. Pick one, e.g. with .loc[...] or .max().")
    raise _Problem(f"expected a number, got {_describe(value)}.")


def _is_missing(value) -> bool:
    try:
        import pandas as pd

        result = pd.isna(value)
    except (TypeError, ValueError):
        return False
    return result is True or (_is_bool(result) and bool(result))


def _as_state(value) -> str:
    from analysis.data.states import State, lookup_state

    if isinstance(value, State):
        return value.abbr
    if not isinstance(value, (str, int)) or isinstance(value, bool):
        raise _Problem(f"expected a state (its name, abbreviation or FIPS code as text), got {_describe(value)}.")
    try:
        return lookup_state(value, include_territories=True, name="your answer").abbr
    except InputError as err:
        guess = f" Did you mean {err.suggestion!r}?" if err.suggestion else ""
        raise _Problem(f"{value!r} is not a state's name, abbreviation or FIPS code.{guess} Write a state as its "
                       "name ('Texas'), its abbreviation ('TX') or its FIPS code as text ('48').") from None


def _as_items(value, ordered: bool) -> list:
    if isinstance(value, str):
        raise _Problem(f"expected a list, got {_describe(value)}. Put the items in a list: [\"first\", \"second\"].")
    if isinstance(value, (set, frozenset)) and ordered:
        raise _Problem("expected a list in a particular order, got a set (sets have no order). Use a list: [...].")
    if type(value).__name__ in ("Series", "Index", "ndarray") or isinstance(value, (list, tuple, set, frozenset)):
        return list(value)
    raise _Problem(f"expected a list, got {_describe(value)}.")


def _infer_type(value) -> str:
    from analysis.data.states import State

    if _is_bool(value):
        return "bool"
    if isinstance(value, numbers.Number):
        return "number"
    if isinstance(value, State):
        return "state"
    if isinstance(value, str):
        return "text"
    if isinstance(value, (set, frozenset)):
        return "set"
    if isinstance(value, (list, tuple)) or type(value).__name__ in ("Series", "Index", "ndarray"):
        return "list"
    if type(value).__name__.endswith("Chart"):
        return "chart"
    raise ExerciseError(f"cannot tell the answer type of {_describe(value)}; give type= one of {', '.join(TYPES)}")


def _item_hashes(items: list, item_type: str) -> list[str]:
    return [_hash(_canonical(item, item_type)) for item in items]


def _collection_hash(item_hashes: list[str], kind: str) -> str:
    hashes = item_hashes if kind == "list" else sorted(set(item_hashes))
    return _hash(f"{kind}:" + ",".join(hashes))


# --------------------------------------------------------------------------- entries (what the registry holds)


def make_entry(value, *, type: str | None = None, tolerance: float = 0, item_type: str | None = None,
               channels: list[str] | None = None, hints=(), explain: str | None = None) -> dict:
    """The registry entry for an expected answer: hashes, never the value.

    ``type``: number, text, state, bool, list, set or chart (inferred when not given). ``tolerance``
    (numbers): answers within it pass. ``item_type`` (lists and sets): the type of each item.
    ``channels`` (charts): which encodings to check (all of the reference chart's but tooltip when
    not given). ``explain``: shown after a correct answer; stored as plain text, so never put the
    answer in it.

    >>> entry = make_entry("Rhode Island", type="state")
    >>> entry["type"], entry["hash"] == answer_hash("ri", type="state")
    ('state', True)
    >>> import json; "Rhode" in json.dumps(entry)
    False
    """
    kind = type or _infer_type(value)
    if kind not in TYPES:
        raise ExerciseError(f"unknown answer type {kind!r}; use one of {', '.join(TYPES)}")
    entry: dict[str, Any] = {"type": kind}
    try:
        if kind == "chart":
            entry.update(chart_requirements(value, channels))
        elif kind == "number":
            number = _as_number(value)
            entry.update(tolerance=tolerance, hash=_number_hashes(number, tolerance)[0],
                         rough=_rough_hashes(number)[0])
        elif kind in ("list", "set"):
            items = _as_items(value, ordered=False)
            item_kind = item_type or (_infer_type(items[0]) if items else "text")
            item_hashes = _item_hashes(items, item_kind)
            entry.update(item_type=item_kind, length=len(set(item_hashes)) if kind == "set" else len(items),
                         hash=_collection_hash(item_hashes, kind), items=sorted(set(item_hashes)))
        else:
            entry["hash"] = _hash(_canonical(value, kind))
    except _Problem as problem:
        raise ExerciseError(f"the expected answer does not fit type {kind!r}: {problem}") from None
    if hints:
        entry["hints"] = [_stored_hint(h, entry) for h in hints]
    if explain:
        entry["explain"] = str(explain)
    return entry


def _stored_hint(given: dict, entry: dict) -> dict:
    stored = dict(given)
    if "wrong" in stored:
        wrong = stored.pop("wrong")
        if callable(wrong):
            raise ExerciseError("a hint with wrong=<function> is only for computed exercises")
        stored["hash"] = _answer_hash_for(wrong, entry)
    return stored


def _answer_hash_for(value, entry: dict) -> str:
    kind = entry["type"]
    if kind == "number":
        return _number_hashes(_as_number(value), entry.get("tolerance", 0))[0]
    if kind in ("list", "set"):
        return _collection_hash(_item_hashes(_as_items(value, ordered=False), entry["item_type"]), kind)
    return _hash(_canonical(value, kind))


def answer_hash(value, *, type: str | None = None, tolerance: float = 0, item_type: str | None = None) -> str:
    """The hash the registry stores for ``value`` (for instructors writing or checking an exercise).

    >>> answer_hash(48780) == answer_hash(48780.0) == answer_hash(48780.0000000001)
    True
    >>> answer_hash(" New  York ", type="text") == answer_hash("new york")
    True
    >>> answer_hash("tx", type="state") == answer_hash("Texas", type="state") == answer_hash("48", type="state")
    True
    >>> answer_hash(["CA", "TX"], type="set", item_type="state") == answer_hash(["texas", "california"], type="set", item_type="state")
    True
    >>> answer_hash(48780, tolerance=1) == answer_hash(48780.4, tolerance=1)
    True
    """
    kind = type or _infer_type(value)
    if kind == "chart":
        raise ExerciseError("a chart has no single hash; use make_entry(chart) or save_answer(id, chart)")
    return make_entry(value, type=kind, tolerance=tolerance, item_type=item_type)["hash"]


# --------------------------------------------------------------------------- charts (read from their spec)


def chart_requirements(chart, channels: list[str] | None = None, *, mark: str | None = None,
                       tooltip: bool | None = None) -> dict:
    """What a chart exercise checks, taken from a reference chart: its mark, each channel's field (hashed) and type, a tooltip.

    >>> import altair as alt, pandas as pd
    >>> reference = alt.Chart(pd.DataFrame({"state": ["TX"], "wage": [1]})).mark_bar().encode(
    ...     x="wage:Q", y="state:N", tooltip=["state", "wage"])
    >>> req = chart_requirements(reference)
    >>> sorted(req["encoding"]), req["encoding"]["x"]["type"], req["tooltip"]
    (['x', 'y'], 'quantitative', True)
    """
    spec = _chart_spec(chart)
    view = _views(spec)[0] if _views(spec) else {}
    encoding = view.get("encoding", {})
    wanted = channels if channels is not None else [c for c in encoding if c != "tooltip"]
    required = {}
    for channel in wanted:
        definition = encoding.get(channel)
        if not isinstance(definition, dict) or "field" not in definition:
            raise ExerciseError(f"the reference chart has no field on its {channel} encoding")
        required[channel] = {"field": _hash(f"field:{definition['field']}"), "type": definition.get("type")}
    return {"mark": _hash(f"mark:{(mark or _mark_of(view) or '').lower()}"), "encoding": required,
            "tooltip": _has_tooltip(spec) if tooltip is None else bool(tooltip)}


def _chart_spec(chart) -> dict:
    try:
        import altair as alt
    except ImportError:  # pragma: no cover - altair is a dependency
        raise _Problem("altair is not installed") from None
    if not isinstance(chart, alt.TopLevelMixin):
        raise _Problem(f"expected an altair chart (alt.Chart(...)...), got {_describe(chart)}.")
    try:
        return chart.to_dict(validate=False)
    except Exception as err:  # altair's own message says what is wrong
        first = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
        raise _Problem(f"altair could not turn your chart into a specification: {first}") from None


def _views(spec: dict) -> list[dict]:
    """Every single view in a (possibly layered or concatenated) chart spec, outermost first."""
    found = [spec] if "mark" in spec else []
    for key in ("layer", "hconcat", "vconcat", "concat"):
        for part in spec.get(key, []):
            found += _views(part)
    if isinstance(spec.get("spec"), dict):
        found += _views(spec["spec"])
    return found


def _mark_of(view: dict) -> str | None:
    mark = view.get("mark")
    return (mark.get("type") if isinstance(mark, dict) else mark) or None


def _has_tooltip(spec: dict) -> bool:
    """True when some view encodes a tooltip (or turns the mark's own tooltip on)."""
    if spec.get("encoding", {}).get("tooltip"):
        return True
    for view in _views(spec):
        mark = view.get("mark")
        if view.get("encoding", {}).get("tooltip") or (isinstance(mark, dict) and mark.get("tooltip")):
            return True
    return False
