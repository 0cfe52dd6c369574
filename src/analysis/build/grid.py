"""Parameter grids: ``medcoding build --grid state=all year=2023,2024 measure=median,mean``.

A grid is one ``NAME=V1,V2,...`` per parameter; the build makes one report per combination, each at its
own path (the per-parameter names of :func:`analysis.build.plan.slug`, e.g.
``states/TX--measure=mean--year=2023.html``). ``state`` takes the same selection as ``--state``
(``all``, or states separated by commas). Commas separate a grid's values, so a list-valued parameter
(``compare_with``) is given with ``-p`` instead. Every combination is planned, and so checked, before
anything runs: one bad value and nothing is built.
"""

from __future__ import annotations

import itertools
from pathlib import Path

from analysis.build import plan as planning
from analysis.core.errors import InputError


def parse_grid(items: list[str]) -> dict[str, list[str]]:
    """``["state=all", "year=2023,2024"]`` -> ``{"state": ["all"], "year": ["2023", "2024"]}``.

    >>> parse_grid(["state=all", "year=2023, 2024", "measure=median,mean"])
    {'state': ['all'], 'year': ['2023', '2024'], 'measure': ['median', 'mean']}
    >>> parse_grid(["year"])
    Traceback (most recent call last):
    ...
    analysis.core.errors.InputError: --grid='year': must be written NAME=VALUE,VALUE... Did you mean 'year=2023,2024'?
    >>> parse_grid(["year=2023", "year=2024"])
    Traceback (most recent call last):
    ...
    analysis.core.errors.InputError: --grid='year=2024': year is given twice; put its values in one item, e.g. year=2023,2024.
    """
    grid: dict[str, list[str]] = {}
    for item in items:
        name, sep, values = item.partition("=")
        name = name.strip()
        chosen = list(dict.fromkeys(v.strip() for v in values.split(",") if v.strip()))
        if not sep or not name or not chosen:
            raise InputError("--grid", item, reason="must be written NAME=VALUE,VALUE...",
                             suggestion=f"{name or 'year'}=2023,2024" if name != "state" else "state=all")
        if name in grid:
            raise InputError("--grid", item, reason=f"{name} is given twice; put its values in one item, e.g. {name}=2023,2024")
        grid[name] = chosen
    return grid


def combinations(grid: dict[str, list[str]]) -> list[dict[str, str]]:
    """Every combination of the grid's values other than ``state`` (which is a selection, not a parameter).

    >>> combinations({"state": ["all"], "year": ["2023", "2024"], "measure": ["median", "mean"]})
    [{'year': '2023', 'measure': 'median'}, {'year': '2023', 'measure': 'mean'}, {'year': '2024', 'measure': 'median'}, {'year': '2024', 'measure': 'mean'}]
    """
    names = [n for n in grid if n != "state"]
    return [dict(zip(names, values)) for values in itertools.product(*(grid[n] for n in names))]


def plan_grid(grid_items: list[str], *, states: str | None = None, topics: str | None = None,
              assignments: list[str] | None = None, formats: tuple[str, ...] = planning.FORMATS,
              notebooks_dir: Path = planning.NOTEBOOKS_DIR, index: bool = True) -> list:
    """The reports of every combination (each checked by :func:`analysis.build.plan.plan`), then the index."""
    grid = parse_grid(grid_items)
    if "state" in grid:
        if states is not None:
            raise InputError("--grid", f"state={','.join(grid['state'])}", reason="--state is given too; use one of the two")
        states = ",".join(grid["state"])
    if states is None and topics is None:
        states = "all"  # a grid of parameters without a selection: the state reports
    fixed = planning.parse_assignments(assignments)
    clash = sorted(set(fixed) & set(grid))
    if clash:
        raise InputError("--grid", clash[0], reason=f"{clash[0]} is given with -p too; use one of the two")
    reports, seen = [], set()
    for combination in combinations(grid):
        texts = [f"{k}={v}" for k, v in {**fixed, **combination}.items()]
        for report in planning.plan(states=states, topics=topics, assignments=texts, formats=formats,
                                    notebooks_dir=notebooks_dir):
            if report.id not in seen:
                seen.add(report.id)
                reports.append(report)
    if index:
        reports += [r for r in planning.plan(index=True, formats=formats, notebooks_dir=notebooks_dir) if r.kind == "index"]
    return reports
