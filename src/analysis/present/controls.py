"""What-if controls on a chart: Vega-Lite parameters bound to inputs, which work in the offline report.

A control is a Vega-Lite parameter whose value a reader changes with a slider or a radio button; the chart's
``calculate`` transforms read it. Its initial value is the report's parameter, so the page first shows (and
the PDF prints) what the report says. :func:`shown_values` turns a spec's controls into the line printed
under the chart ("Values shown ..."); the report page adds a reset button (``draw_charts.js``).

The formulas themselves come from :mod:`analysis.calc.formula`; this module only builds the inputs and
formats values in Vega expressions the way :mod:`analysis.present.formats` formats them in Python.

>>> spec = {"params": [slider("rate", 0.03, "Discount rate", 0, 0.5, 0.005).param.to_dict(), {"name": "x", "expr": "1"}]}
>>> shown_values(spec)
"Values shown when the page opens and in print (the report's settings): Discount rate = 0.03."
"""

from __future__ import annotations

import altair as alt

#: CSS class of the line under a chart with controls, naming the values it shows (printed; see print.css).
SHOWN_CLASS = "medcoding-shown-values"


def slider(name: str, value: float, label: str, minimum: float, maximum: float, step: float) -> alt.Parameter:
    """A parameter bound to a labelled range input starting at ``value`` (the range widens to include it).

    >>> slider("horizon_years", 50, "Horizon (years)", 1, 40, 1).param.to_dict()["bind"]["max"]
    50
    """
    return alt.param(name=name, value=value, bind=alt.binding_range(
        min=min(minimum, value), max=max(maximum, value), step=step, name=label))


def select(name: str, value, label: str, options: list, labels: list[str] | None = None) -> alt.Parameter:
    """A parameter bound to a labelled drop-down starting at ``value``; ``labels`` are what a reader sees.

    >>> select("chosen_state", "TX", "State", ["CA", "TX"], ["California", "Texas"]).param.to_dict()["bind"]["labels"]
    ['California', 'Texas']
    """
    if value not in options:
        raise ValueError(f"{label}: the starting value {value!r} is not one of the options {list(options)}")
    shown = {"labels": [str(x) for x in labels]} if labels is not None else {}
    return alt.param(name=name, value=value, bind=alt.binding_select(options=list(options), name=label, **shown))


def radio(name: str, value, label: str, options: list, labels: list[str] | None = None) -> alt.Parameter:
    """A parameter bound to labelled radio buttons starting at ``value``.

    >>> radio("chosen_measure", "median", "Wage measure", ["median", "mean"]).param.to_dict()["bind"]["input"]
    'radio'
    """
    if value not in options:
        raise ValueError(f"{label}: the starting value {value!r} is not one of the options {list(options)}")
    shown = {"labels": [str(x) for x in labels]} if labels is not None else {}
    return alt.param(name=name, value=value, bind=alt.binding_radio(options=list(options), name=label, **shown))


def derived_param(name: str, expression: str) -> alt.Parameter:
    """A parameter the page recomputes from others (tests and labels read it with ``view.signal(name)``)."""
    return alt.param(name=name, expr=expression)


def money_expr(value: str) -> str:
    """A Vega expression giving :func:`analysis.present.formats.money` of ``value`` (an expression).

    >>> money_expr("x")
    "((x) == floor(x) ? format(x, '$,d') : format(x, '$,.2f'))"
    """
    return f"(({value}) == floor({value}) ? format({value}, '$,d') : format({value}, '$,.2f'))"


def signed_money_expr(value: str) -> str:
    """:func:`analysis.present.formats.signed_money` of ``round(value, 2)``, as a Vega expression."""
    rounded = f"(round(({value}) * 100) / 100)"
    return f"(({rounded} < 0 ? '-' : '+') + {money_expr(f'abs({rounded})')})"


def shown_values(spec: dict) -> str:
    """The values a chart's controls start at (the report's parameters): what the printed chart shows.

    '' for a chart with no control.
    """
    bound = [p for p in _params(spec) if isinstance(p.get("bind"), dict) and "value" in p]
    if not bound:
        return ""
    parts = [f"{p['bind'].get('name') or p['name']} = {_bound_value_text(p)}" for p in bound]
    return "Values shown when the page opens and in print (the report's settings): " + "; ".join(parts) + "."


def _bound_value_text(param: dict) -> str:
    """A control's starting value as the reader sees it: a drop-down's or radio button's label if it has one.

    >>> _bound_value_text(select("s", "TX", "State", ["CA", "TX"], ["California", "Texas"]).param.to_dict())
    'Texas'
    """
    bind, value = param["bind"], param["value"]
    if bind.get("labels") and value in bind.get("options", []):
        return str(bind["labels"][bind["options"].index(value)])
    return _value_text(value)


def _value_text(value) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


def _params(spec: dict) -> list[dict]:
    found = list(spec.get("params", []) or [])
    for key in ("layer", "hconcat", "vconcat", "concat"):
        for child in spec.get(key, []) or []:
            found += _params(child)
    return found
