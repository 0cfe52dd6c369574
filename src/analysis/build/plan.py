"""Plan a build, in the main process, before anything heavy starts: which reports, with which parameters.

The selection (``--state``, ``--topic``) and every ``-p name=value`` are checked against the notebooks'
declared parameters (:func:`analysis.core.params.parameters_for`). An unknown name or a bad value stops
the build here, with a did-you-mean, before any file is written or any kernel starts. Values are turned
into their typed, canonical form ("tx" -> "TX", "0.05" -> 0.05); that form is what papermill injects
and what names the output file.

>>> slug({"discount_rate": 0.05})
'--discount_rate=0.05'
>>> slug({"compare_with": ["TX", "FL"], "year": 2023})
'--compare_with=TX,FL--year=2023'
>>> data_date(["BLS OEWS May 2023, by state", "BLS OEWS May 2024", "a survey"])
'May 2024, May 2023'
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import json
import os
import re
import sys
from pathlib import Path

from analysis.build.files import BuildError
from analysis.core.errors import InputError, closest, lookup
from analysis.core.paths import NOTEBOOKS_DIR, data_dir, path_problem
from analysis.core.params import notebook_topic, parameters_for
from analysis.core.topics import STATE_TOPIC, TOPICS

INDEX_ID = "index"
FORMATS = ("html", "pdf")
MAX_DEFAULT_JOBS = 4
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December")


@dataclasses.dataclass
class Report:
    """One report to build: which notebook, with which parameters, written where."""

    id: str  # output path under --out without extension: "states/TX", "topics/specialty--year=2023", "index"
    kind: str  # "state", "topic" or "index"
    topic: str  # the notebook's topic name ("state_report", "specialty"...)
    notebook: Path | None  # None for the index, whose notebook is generated
    params: dict  # what papermill injects: typed, canonical, JSON-friendly
    title: str
    formats: tuple[str, ...]

    def output(self, out: Path, fmt: str) -> Path:
        return out / f"{self.id}.{fmt}"


def usable_cpus() -> int:
    """CPUs this process may run on (its affinity, e.g. a container's share), at least 1."""
    with contextlib.suppress(AttributeError, OSError):
        return max(1, len(os.sched_getaffinity(0)))
    return max(1, os.cpu_count() or 1)


def capped_jobs(jobs: int, log=print) -> int:
    """``jobs``, at most one per usable CPU (each worker is a kernel busy on one CPU; more only thrash
    and fill the memory). Says so in one line when it caps."""
    cap = usable_cpus()
    if jobs > cap:
        log(f"--jobs {jobs}: this machine can run {cap} at once, so {cap} worker{'s' if cap != 1 else ''} will be used.",
            file=sys.stderr)
        return cap
    return jobs


def check_timeout(value) -> float:
    """The cell timeout in seconds: a positive, finite number.

    >>> check_timeout("90")
    90.0
    >>> check_timeout(-5)
    Traceback (most recent call last):
    ...
    analysis.core.errors.InputError: --timeout=-5: must be a positive number of seconds. Allowed: a number of seconds above 0, e.g. 600.
    """
    import math

    try:
        number = float(value)
    except (TypeError, ValueError):
        raise InputError("--timeout", value, reason="must be a number of seconds",
                         allowed="a number of seconds above 0, e.g. 600") from None
    if not math.isfinite(number) or number <= 0:
        raise InputError("--timeout", value, reason="must be a positive number of seconds",
                         allowed="a number of seconds above 0, e.g. 600")
    return number


def default_jobs() -> int:
    """Kernel workers by default: one per CPU, at most 4 (each ~0.4 GB with its kernel; a browser per two, ~0.7 GB)."""
    return max(1, min(os.cpu_count() or 1, MAX_DEFAULT_JOBS))


def parse_assignments(items: list[str] | None) -> dict[str, str]:
    """``["year=2023", "state=TX"]`` -> ``{"year": "2023", "state": "TX"}`` (text; typed later, per notebook).

    >>> parse_assignments(["discount_rate=0.05", "compare_with=TX,FL"])
    {'discount_rate': '0.05', 'compare_with': 'TX,FL'}
    >>> parse_assignments(["year 2023"])
    Traceback (most recent call last):
    ...
    analysis.core.errors.InputError: -p='year 2023': must be written name=value. Did you mean 'year=2023'?
    """
    pairs: dict[str, str] = {}
    for item in items or []:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            guess = "=".join(item.split(None, 1)) if " " in item.strip() else None
            raise InputError("-p", item, suggestion=guess, reason="must be written name=value")
        name = name.strip()
        if name in pairs and pairs[name] != value:
            raise InputError("-p", item, reason=f"{name} is given twice ({pairs[name]!r} and {value!r})")
        pairs[name] = value
    return pairs


def topic_notebooks(notebooks_dir: Path = NOTEBOOKS_DIR) -> dict[str, Path]:
    """The topic notebooks that get a report: ``NN_<topic>.ipynb`` whose topic has declared parameters.

    (``00_start_here`` and ``99_troubleshooting`` have none, so they are not reports.)
    """
    found = {}
    for path in sorted(Path(notebooks_dir).glob("[0-9][0-9]_*.ipynb")):
        topic = notebook_topic(path.name)
        if topic in TOPICS and topic != STATE_TOPIC:
            found[topic] = path
    return found


def slug(params: dict) -> str:
    """The part of a file name that says which parameters differ from the defaults ('' for none).

    Values are written plainly (lists joined by commas); a character that cannot go into a file name
    becomes ``_`` and a short hash of the exact values is added, so two parameter sets never share a file.

    >>> slug({})
    ''
    >>> slug({"note": "a/b"})
    '--note=a_b-dbac6b03'
    """
    text, exact = "", True
    for name in sorted(params):
        value = params[name]
        shown = ",".join(_plain_text(v) for v in value) if isinstance(value, list) else _plain_text(value)
        safe = re.sub(r"[^A-Za-z0-9._,+-]", "_", shown)
        exact &= safe == shown
        text += f"--{name}={safe}"
    if not exact or len(text) > 120:
        digest = hashlib.sha256(json.dumps(params, sort_keys=True).encode()).hexdigest()[:8]
        text = text[:120] + "-" + digest
    return text


def _plain_text(value) -> str:
    if value is None:
        return "None"
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _injectable(value):
    """A checked parameter value in the form papermill injects (a State becomes its abbreviation)."""
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    if isinstance(value, (list, tuple)):
        return [_injectable(v) for v in value]
    if hasattr(value, "abbr"):  # analysis.data.states.State
        return value.abbr
    return str(value)


def resolve_parameters(topic: str, texts: dict[str, str], fixed: dict | None = None) -> dict:
    """Check ``-p`` text for one notebook; return the injected values that differ from its defaults.

    ``fixed`` are values the builder sets itself (a state report's ``state``); they are always kept.
    Raises :class:`~analysis.core.errors.InputError` (with a did-you-mean) on an unknown name or a bad value.
    """
    declared = parameters_for(topic)
    typed = declared.from_text(texts)  # unknown name or bad value -> InputError
    values = {**typed, **(fixed or {})}
    declared.check(values)  # checks values together (some notebooks have cross-checks)
    kept = {}
    for name, value in values.items():
        param = declared.params[name]
        canonical = _injectable(param.normalize(value))
        default = _injectable(param.normalize(param.default))
        if default != param.default:  # a default that moves with data/ (year = "latest"): an explicit year stays
            is_default = str(value).strip().lower() == str(param.default).lower()
        else:
            is_default = canonical == default
        if name in (fixed or {}) or not is_default:
            kept[name] = canonical
    return kept


def plan(*, states: str | None = None, topics: str | None = None, assignments: list[str] | None = None,
         formats: tuple[str, ...] = FORMATS, notebooks_dir: Path = NOTEBOOKS_DIR, index: bool = False) -> list[Report]:
    """The reports a selection asks for, parameters checked (raises InputError before anything runs).

    No ``states`` and no ``topics`` (and no ``index``) means everything: every state, every topic
    notebook and the index. ``index=True`` adds the index page, which links every report on disk.
    A ``-p`` applies to every selected notebook that declares it; a name no selected notebook declares
    is an error.
    """
    notebooks_dir = Path(notebooks_dir)
    problem = path_problem(notebooks_dir, want="folder")
    if problem:
        raise InputError("--notebooks", str(notebooks_dir), reason=problem,
                         allowed="a folder of notebooks such as the kit's notebooks/ (leave --notebooks out to use it)")
    texts = parse_assignments(assignments)
    everything = states is None and topics is None and not index
    state_nb = notebooks_dir / "state_report.ipynb"
    available = topic_notebooks(notebooks_dir)
    reports: list[Report] = []
    chosen_topics = _choose_topics(topics, available) if (topics is not None or everything) else []
    chosen_states = _choose_states(states) if (states is not None or everything) else []
    if chosen_states and not state_nb.exists():
        raise BuildError(f"{state_nb} does not exist, so no state report can be built.")
    selected = ([STATE_TOPIC] if chosen_states else []) + chosen_topics
    if texts:
        _check_names_declared(texts, selected)
    if chosen_states:
        own = _applicable(STATE_TOPIC, texts)
        names = dict(_areas())
        for abbr in chosen_states:
            params = resolve_parameters(STATE_TOPIC, own, fixed={"state": abbr}) if own else {"state": abbr}
            extra = {k: v for k, v in params.items() if k != "state"}
            title = f"Medical coding in {names.get(abbr, abbr)}" + _title_suffix(extra)
            reports.append(Report(f"states/{abbr}{slug(extra)}", "state", STATE_TOPIC, state_nb, params, title, formats))
    for topic in chosen_topics:
        own = _applicable(topic, texts)
        params = resolve_parameters(topic, own) if own else {}
        path = available[topic]
        title = _notebook_title(path) + _title_suffix(params)
        reports.append(Report(f"topics/{topic}{slug(params)}", "topic", topic, path, params, title, formats))
    if everything or index:
        reports.append(Report(INDEX_ID, "index", "index", None, {}, "Medical coding reports", ("html",)))
    return reports


def _title_suffix(params: dict) -> str:
    return "" if not params else " (" + ", ".join(f"{k}={_plain_text(v)}" for k, v in sorted(params.items())) + ")"


def _applicable(topic: str, texts: dict[str, str]) -> dict[str, str]:
    if not texts or topic not in TOPICS:
        return {}
    declared = parameters_for(topic).params
    return {k: v for k, v in texts.items() if k in declared}


def _check_names_declared(texts: dict[str, str], selected: list[str]) -> None:
    names: dict[str, None] = {}
    for topic in selected:
        names.update(dict.fromkeys(parameters_for(topic).params))
    for name in texts:
        if name not in names:
            raise InputError("-p", name, allowed=list(names), suggestion=closest(name, names),
                             reason=f"no selected notebook ({', '.join(selected) or 'none'}) has a parameter of that name")
        if name == "state" and STATE_TOPIC in selected:
            raise InputError("-p", name, reason="a state report's state is chosen with --state, not -p",
                             suggestion="--state", allowed=None)


def _choose_topics(value: str | None, available: dict[str, Path]) -> list[str]:
    if value is None or value.strip().lower() == "all":
        return list(available)
    _all_alone("--topic", value, "topic names")
    chosen = []
    for item in (v.strip() for v in value.split(",") if v.strip()):
        topic = lookup("--topic", notebook_topic(item), available, allowed=["all", *available], given=item)
        if topic not in chosen:
            chosen.append(topic)
    return chosen


def _choose_states(value: str | None) -> list[str]:
    areas = _areas()
    if value is None or value.strip().lower() == "all":
        return [abbr for abbr, _ in areas]
    _all_alone("--state", value, "states")
    known = {abbr for abbr, _ in areas}
    chosen = []
    for item in (v.strip() for v in value.split(",") if v.strip()):
        abbr = item.upper() if item.upper() in known else None
        if abbr is None:  # a name or a FIPS code: let analysis.data.states read it (with its did-you-mean)
            from analysis.data.states import lookup_state

            abbr = lookup_state(item, name="--state").abbr
        if abbr not in chosen:
            chosen.append(abbr)
    if not chosen:
        raise InputError("--state", value, allowed="all, or state names, abbreviations or FIPS codes separated by commas")
    return chosen


def _all_alone(option: str, value: str, what: str) -> None:
    items = [v.strip().lower() for v in value.split(",") if v.strip()]
    if "all" in items and len(items) > 1:
        rest = ",".join(v.strip() for v in value.split(",") if v.strip() and v.strip().lower() != "all")
        raise InputError(option, value, reason=f"'all' cannot be combined with other {what}: write {option} all for every "
                         f"one, or list only the ones you want (e.g. {option} {rest[:40] or 'TX'})",
                         allowed=f"'all', or {what} separated by commas")


def _areas() -> list[tuple[str, str]]:
    """The 50 states and DC as (abbreviation, name), alphabetical by name, from ``reference/us_states.csv``.

    Read with the csv module: the same rows as :func:`analysis.states.all_states` (a test keeps them
    equal) without importing pandas, so that planning a build stays fast and light.
    """
    import csv

    path = data_dir() / "reference" / "us_states.csv"
    try:
        if path.stat().st_size > 1_000_000:  # a table of 54 areas is ~2 KB: let the full reader explain
            raise ValueError(path)
        with open(path, newline="", encoding="utf-8-sig") as handle:
            rows = [r for r in csv.DictReader(handle) if r.get("kind") != "territory"]
        areas = sorted(((r["state_abbr"], r["state"]) for r in rows), key=lambda area: area[1])
        if not areas or not all(isinstance(a, str) and a and isinstance(n, str) and n for a, n in areas):
            raise ValueError(path)
    except (OSError, UnicodeError, csv.Error, KeyError, TypeError, ValueError):
        from analysis.data.states import all_states  # reads it with its schema: the kit's own error about what is wrong

        return [(s.abbr, s.name) for s in all_states()]
    return areas


def _notebook_title(path: Path) -> str:
    """The first ``# heading`` of a notebook's first markdown cell (or its file name)."""
    try:
        cells = json.loads(Path(path).read_text(encoding="utf-8")).get("cells", [])
    except (OSError, ValueError):
        cells = []
    for cell in cells:
        if cell.get("cell_type") == "markdown":
            source = "".join(cell.get("source", []))
            for line in source.splitlines():
                if line.startswith("# "):
                    return line[2:].strip()
            break
    return Path(path).stem


def data_date(titles: list[str]) -> str:
    """The dates the data sources' titles name ("May 2024"), newest first, for the report header."""
    found = set()
    for title in titles:
        for month, year in re.findall(rf"\b({'|'.join(_MONTHS)}) (\d{{4}})\b", title):
            found.add((int(year), _MONTHS.index(month), f"{month} {year}"))
    return ", ".join(text for *_, text in sorted(found, reverse=True)) or "not stated by the sources"


def check_paper(paper) -> str:
    """The paper size of the PDFs, one of :data:`analysis.export.chromium.PAPER_SIZES` (``--paper``).

    >>> check_paper(" A4 ")
    'a4'
    >>> check_paper("leter")
    Traceback (most recent call last):
    ...
    analysis.core.errors.InputError: --paper='leter' is not allowed. Did you mean 'letter'? Allowed: letter, a4.
    """
    from analysis.export.chromium import PAPER_SIZES

    return lookup("--paper", paper, PAPER_SIZES)


def check_formats(formats) -> tuple[str, ...]:
    """The formats asked for, each one of :data:`FORMATS` (InputError with a did-you-mean otherwise)."""
    return tuple(lookup("--format", fmt, FORMATS) for fmt in formats)
