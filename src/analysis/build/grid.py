"""Parameter grids: ``medcoding build --grid state=all year=2023,2024 measure=median,mean``, or many from
a file: ``medcoding build --grid-file grids.txt``.

A grid is one ``NAME=V1,V2,...`` per parameter; the build makes one report per combination, each at its
own path (the per-parameter names of :func:`analysis.build.plan.slug`, e.g.
``states/TX--measure=mean--year=2023.html``). ``state`` takes the same selection as ``--state``
(``all``, or states separated by commas) and ``topic`` the same as ``--topic``. Commas separate a grid's
values, so a list-valued parameter (``compare_with``) is given with ``-p`` instead. Every combination is
planned, and so checked, before anything runs: one bad value and nothing is built.

A **file of grids** (:func:`read_grid_file`) holds one grid per line, written as ``--grid`` takes it;
``#`` starts a comment, blank lines are skipped, a value with spaces is quoted (``state="New York",TX``).
The build makes the reports of every line (a report two lines ask for is built once). A problem names
the file and the line::

    # grids.txt
    state=all year=2023,2024 measure=median,mean
    topic=certification_premium discount_rate=0.03,0.05
"""

from __future__ import annotations

import itertools
import shlex
from dataclasses import dataclass
from pathlib import Path

from analysis.build import plan as planning
from analysis.core.errors import InputError, shorten
from analysis.core.paths import path_problem

#: A file of grids larger than this is not one (a line per grid; thousands of reports fit in a few KB).
MAX_GRID_FILE_BYTES = 1 << 20
#: Grid names that select notebooks rather than set a parameter.
SELECTIONS = ("state", "topic")
GRID_FILE_FORM = ("one grid per line, written as --grid takes it (NAME=V1,V2 NAME=V1...; e.g. "
                  "state=all year=2023,2024); # starts a comment")


def parse_grid(items: list[str]) -> dict[str, list[str]]:
    """``["state=all", "year=2023,2024"]`` -> ``{"state": ["all"], "year": ["2023", "2024"]}``.

    >>> parse_grid(["state=all", "year=2023, 2024", "measure=median,mean"])
    {'state': ['all'], 'year': ['2023', '2024'], 'measure': ['median', 'mean']}
    >>> parse_grid(["year"])
    Traceback (most recent call last):
    ...
    analysis.core.errors.InputError: --grid='year': must be written NAME=VALUE or NAME=VALUE,VALUE. Did you mean 'year=2023,2024'?
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
            raise InputError("--grid", item, reason="must be written NAME=VALUE or NAME=VALUE,VALUE",
                             suggestion=f"{name or 'year'}=2023,2024" if name != "state" else "state=all")
        if name in grid:
            raise InputError("--grid", item, reason=f"{name} is given twice; put its values in one item, e.g. {name}=2023,2024")
        grid[name] = chosen
    return grid


def combinations(grid: dict[str, list[str]]) -> list[dict[str, str]]:
    """Every combination of the grid's values other than ``state`` and ``topic`` (selections, not parameters).

    >>> combinations({"state": ["all"], "year": ["2023", "2024"], "measure": ["median", "mean"]})
    [{'year': '2023', 'measure': 'median'}, {'year': '2023', 'measure': 'mean'}, {'year': '2024', 'measure': 'median'}, {'year': '2024', 'measure': 'mean'}]
    """
    names = [n for n in grid if n not in SELECTIONS]
    return [dict(zip(names, values)) for values in itertools.product(*(grid[n] for n in names))]


@dataclass(frozen=True)
class Grid:
    """One grid and where it was written: ``source`` is ``"--grid"`` or ``"FILE, line N"``."""

    items: tuple[str, ...]
    source: str = "--grid"


class Grids(list):
    """Several grids (a list of :class:`Grid`), e.g. a file's; :func:`plan_grid` plans each and keeps every
    report once. ``build(grid=...)`` takes one as it takes a list of ``NAME=V1,V2`` items."""


def read_grid_file(path, also: list[str] | None = None) -> Grids:
    """The grids of a file of grids (``also``: a ``--grid`` given beside it, one grid more).

    Only the file is read here; :func:`plan_grid` checks every name and value. Raises :class:`InputError`
    naming ``--grid-file``, the file and (for a line that is not a grid) the line, before anything runs.

    >>> import tempfile, os
    >>> folder = tempfile.mkdtemp()
    >>> path = os.path.join(folder, "grids.txt")
    >>> _ = open(path, "w").write("# every state, both measures\\nstate=all measure=median,mean\\n\\nstate=TX year=2023  # one more\\n")
    >>> [(g.items, g.source.rsplit(", ", 1)[1]) for g in read_grid_file(path)]
    [(('state=all', 'measure=median,mean'), 'line 2'), (('state=TX', 'year=2023'), 'line 4')]
    """
    path = Path(path)
    text = _grid_file_text(path)
    grids = Grids()
    for number, line in enumerate(text.splitlines(), start=1):
        try:
            items = tuple(shlex.split(line, comments=True))
        except ValueError as error:  # an unclosed quote
            raise GridFileError(path, number, line, f"{error} (close the quote, or leave quotes out)") from None
        if not items:
            continue
        try:
            parse_grid(list(items))
        except InputError as error:
            raise GridFileError(path, number, line, error) from None
        grids.append(Grid(items, f"{path}, line {number}"))
    if not grids:
        raise InputError("--grid-file", path, reason="holds no grid (only blank lines or comments)",
                         allowed=GRID_FILE_FORM)
    if also:
        grids.append(Grid(tuple(also)))
    return grids


def _grid_file_text(path: Path) -> str:
    problem = path_problem(path, want="file")
    if problem:
        raise InputError("--grid-file", path, reason=problem, allowed=GRID_FILE_FORM)
    try:
        size = path.stat().st_size
        if size > MAX_GRID_FILE_BYTES:
            raise InputError("--grid-file", path, reason=f"is {size / 2**20:.1f} MB, more than the "
                             f"{MAX_GRID_FILE_BYTES // 2**20} MB a file of grids may be; is it the right file?",
                             allowed=GRID_FILE_FORM)
        data = path.read_bytes()
    except OSError as error:
        raise InputError("--grid-file", path, reason=f"cannot be read ({error.strerror or error})",
                         allowed=GRID_FILE_FORM) from None
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in data:
        raise InputError("--grid-file", path, reason="is not UTF-8 text (it looks like UTF-16 or a binary file); "
                         "save it as plain text (UTF-8)", allowed=GRID_FILE_FORM)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise InputError("--grid-file", path, reason=f"line {line} is not UTF-8 text; save the file as plain "
                         "text (UTF-8)", allowed=GRID_FILE_FORM) from None


class GridFileError(InputError):
    """A line of a file of grids that is not a grid, or asks for a report that cannot be built.

    >>> print(GridFileError("grids.txt", 4, "state=NY measure=average", InputError("measure", "average", allowed=["median", "mean"])))
    --grid-file 'grids.txt', line 4 ('state=NY measure=average'): measure='average' is not allowed. Allowed: median, mean. Fix or remove that line.
    """

    def __init__(self, path, number: int, line: str, problem):
        self.name, self.value, self.allowed, self.suggestion = "--grid-file", str(path), GRID_FILE_FORM, None
        self.line = number
        message = str(problem).strip()
        if isinstance(problem, InputError) and problem.name == "--grid":
            message = message.replace("--grid=", "", 1)  # the item itself, as written in the file
        if not message.endswith((".", "?")):
            message += "."
        ValueError.__init__(self, f"--grid-file {shorten(Path(path))}, line {number} ({shorten(line.strip())}): {message} "
                                  "Fix or remove that line.")


def plan_grid(grid_items, *, states: str | None = None, topics: str | None = None,
              assignments: list[str] | None = None, formats: tuple[str, ...] = planning.FORMATS,
              notebooks_dir: Path = planning.NOTEBOOKS_DIR, index: bool = True) -> list:
    """The reports of every combination (each checked by :func:`analysis.build.plan.plan`), then the index.

    ``grid_items``: one grid as ``NAME=V1,V2`` items, or :class:`Grids` (every report of every grid, once;
    a problem names the grid's file and line).
    """
    grids = grid_items if isinstance(grid_items, Grids) else [Grid(tuple(grid_items))]
    reports, seen = [], set()
    for grid in grids:
        try:
            planned = _plan_one(list(grid.items), states=states, topics=topics, assignments=assignments,
                                formats=formats, notebooks_dir=notebooks_dir)
        except InputError as error:
            if grid.source == "--grid":
                raise
            path, _, line = grid.source.rpartition(", line ")
            raise GridFileError(path, int(line), " ".join(shlex.quote(i) for i in grid.items), error) from None
        for report in planned:
            if report.id not in seen:
                seen.add(report.id)
                reports.append(report)
    if index:
        reports += [r for r in planning.plan(index=True, formats=formats, notebooks_dir=notebooks_dir) if r.kind == "index"]
    return reports


def _plan_one(grid_items: list[str], *, states, topics, assignments, formats, notebooks_dir) -> list:
    grid = parse_grid(grid_items)
    for name, given, option in (("state", states, "--state"), ("topic", topics, "--topic")):
        if name in grid and given is not None:
            raise InputError("--grid", f"{name}={','.join(grid[name])}", reason=f"{option} is given too; use one of the two")
    states = ",".join(grid["state"]) if "state" in grid else states
    topics = ",".join(grid["topic"]) if "topic" in grid else topics
    if states is None and topics is None:
        states = "all"  # a grid of parameters without a selection: the state reports
    fixed = planning.parse_assignments(assignments)
    clash = sorted(set(fixed) & set(grid))
    if clash:
        raise InputError("--grid", clash[0], reason=f"{clash[0]} is given with -p too; use one of the two")
    reports = []
    for combination in combinations(grid):
        texts = [f"{k}={v}" for k, v in {**fixed, **combination}.items()]
        try:
            reports += planning.plan(states=states, topics=topics, assignments=texts, formats=formats,
                                     notebooks_dir=notebooks_dir)
        except InputError as error:
            if error.name == "-p" and str(error.value).partition("=")[0] in grid:  # the grid's name, not a -p
                error.args = (str(error).replace("-p=", "--grid=", 1),)
                error.name = "--grid"
            raise
    return reports
