"""Formulas written once, evaluated in Python and emitted as Vega expressions.

A what-if control in an offline HTML report recomputes a figure in the browser with a Vega expression; the
report's own numbers come from Python. Writing the arithmetic once as a small expression tree keeps the two
from drifting: :meth:`Expr.evaluate` gives the Python value, :meth:`Expr.vega` the expression string.

>>> rate, years, net, upfront = Var("rate"), Var("years"), Var("net"), Var("upfront")
>>> pv = -upfront + net * where(rate == 0, years, (1 - (1 + rate) ** -years) / rate)
>>> round(pv.evaluate(rate=0.05, years=3, net=1000, upfront=0), 2)
2723.25
>>> pv.evaluate(rate=0, years=3, net=1000.0, upfront=500)
2500.0
>>> pv.vega()
'(-upfront + (net * ((rate == 0) ? years : ((1 - pow((1 + rate), -years)) / rate))))'
>>> pv.vega({"rate": "discount_rate"})
'(-upfront + (net * ((discount_rate == 0) ? years : ((1 - pow((1 + discount_rate), -years)) / discount_rate))))'

A name can be replaced by any Vega expression, e.g. a field of the row (``datum.net``) or a number the
chart fixes (``"2"``): :meth:`Expr.vega` takes a mapping from names to expressions.

>>> (Var("a") * Var("b")).vega({"a": "datum.a", "b": "2"})
'(datum.a * 2)'
>>> where(net <= 0, None, upfront / net).vega()
'((net <= 0) ? null : (upfront / net))'
"""
from __future__ import annotations

import math
import operator
from dataclasses import dataclass

_BINARY = {
    "+": operator.add, "-": operator.sub, "*": operator.mul, "/": operator.truediv,
    "<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge, "==": operator.eq, "!=": operator.ne,
}


class Expr:
    """A node of an arithmetic expression over named variables."""

    def evaluate(self, **values):
        raise NotImplementedError

    def vega(self, names: dict[str, str] | None = None) -> str:
        raise NotImplementedError

    # Operators build trees instead of computing.
    def __add__(self, other): return Binary("+", self, lift(other))
    def __radd__(self, other): return Binary("+", lift(other), self)
    def __sub__(self, other): return Binary("-", self, lift(other))
    def __rsub__(self, other): return Binary("-", lift(other), self)
    def __mul__(self, other): return Binary("*", self, lift(other))
    def __rmul__(self, other): return Binary("*", lift(other), self)
    def __truediv__(self, other): return Binary("/", self, lift(other))
    def __rtruediv__(self, other): return Binary("/", lift(other), self)
    def __pow__(self, other): return Pow(self, lift(other))
    def __rpow__(self, other): return Pow(lift(other), self)
    def __neg__(self): return Neg(self)
    def __lt__(self, other): return Binary("<", self, lift(other))
    def __le__(self, other): return Binary("<=", self, lift(other))
    def __gt__(self, other): return Binary(">", self, lift(other))
    def __ge__(self, other): return Binary(">=", self, lift(other))
    def __eq__(self, other): return Binary("==", self, lift(other))  # type: ignore[override]
    def __ne__(self, other): return Binary("!=", self, lift(other))  # type: ignore[override]
    __hash__ = object.__hash__


def lift(value) -> Expr:
    return value if isinstance(value, Expr) else Const(value)


@dataclass(eq=False)
class Const(Expr):
    value: float | int | None

    def evaluate(self, **values):
        return self.value

    def vega(self, names=None) -> str:
        if self.value is None:
            return "null"
        if isinstance(self.value, float) and not math.isfinite(self.value):
            raise ValueError(f"cannot write {self.value!r} into a Vega expression")
        return repr(self.value)


@dataclass(eq=False)
class Var(Expr):
    name: str

    def evaluate(self, **values):
        try:
            return values[self.name]
        except KeyError:
            raise KeyError(f"formula needs {self.name!r}; given {sorted(values)}") from None

    def vega(self, names=None) -> str:
        return (names or {}).get(self.name, self.name)


@dataclass(eq=False)
class Binary(Expr):
    op: str
    left: Expr
    right: Expr

    def evaluate(self, **values):
        return _BINARY[self.op](self.left.evaluate(**values), self.right.evaluate(**values))

    def vega(self, names=None) -> str:
        return f"({self.left.vega(names)} {self.op} {self.right.vega(names)})"


@dataclass(eq=False)
class Pow(Expr):
    base: Expr
    exponent: Expr

    def evaluate(self, **values):
        return self.base.evaluate(**values) ** self.exponent.evaluate(**values)

    def vega(self, names=None) -> str:
        return f"pow({self.base.vega(names)}, {self.exponent.vega(names)})"


@dataclass(eq=False)
class Neg(Expr):
    operand: Expr

    def evaluate(self, **values):
        return -self.operand.evaluate(**values)

    def vega(self, names=None) -> str:
        return f"-{self.operand.vega(names)}"


@dataclass(eq=False)
class Where(Expr):
    test: Expr
    then: Expr
    otherwise: Expr

    def evaluate(self, **values):
        # Only the chosen branch is evaluated, as in JavaScript (no division by zero on the other side).
        return self.then.evaluate(**values) if self.test.evaluate(**values) else self.otherwise.evaluate(**values)

    def vega(self, names=None) -> str:
        return f"({self.test.vega(names)} ? {self.then.vega(names)} : {self.otherwise.vega(names)})"


def where(test, then, otherwise) -> Expr:
    """``then`` if ``test`` else ``otherwise``; Vega's ``test ? then : otherwise``."""
    return Where(lift(test), lift(then), lift(otherwise))
