"""Build every report: one per state (and DC), one per topic notebook, and an index page.

``medcoding build`` (:mod:`analysis.cli`) calls :func:`build`, which works in five steps.

1. **Plan, in this process, before anything heavy starts.** The selection (``--state``, ``--topic``)
   and every ``-p name=value`` are checked against the notebooks' declared parameters
   (:func:`analysis.params.parameters_for`). An unknown name or a bad value stops the build here, with
   a did-you-mean, before any file is written or any kernel starts. Values are turned into their
   typed, canonical form ("tx" -> "TX", "0.05" -> 0.05); that form is what papermill injects and
   what names the output file.
2. **Skip what is up to date.** A report is rebuilt only when one of its inputs changed (see
   "What a report depends on" below). The check reads and hashes a few hundred kilobytes and
   imports neither pandas nor altair, so a build with nothing to do takes well under a second.
3. **Execute the rest in process pools** (``spawn``). ``--jobs`` kernel workers each keep one
   kernel for all their reports: they execute a notebook with ``papermill.execute_notebook``
   (parameters passed typed, ``MEDCODING_TARGET=html`` in the kernel's environment) and write the
   offline HTML with :func:`analysis.export.html_report`. Printer workers (one per two kernel
   workers) each keep one headless Chromium (:class:`~analysis.export.ChromiumPrinter`) and print
   the PDF of a report as soon as its HTML is written, while the kernels go on with the next
   notebooks. (One browser per kernel worker was measured at 2.3 GB for a 2-job build, one browser
   for both at 1.5 GB, for the same speed.) A failing report does not stop the others: its executed
   notebook is kept under ``_failed/`` and the earlier report stays.
4. **Write atomically.** Every file is written to a hidden temporary file in the same folder and
   moved into place with ``os.replace``: a report on disk is always a complete earlier one or a
   complete new one, even when the build is killed. A report's HTML and PDF are moved into place by
   this process only after the manifest records them, so a report and its record change together.
   Temporary names carry the build's id; the lock file holds that id while the build runs, so the
   next build removes a killed build's temporary files and nothing else. ``--out`` must be a folder
   for reports only (:func:`check_out_folder`).
5. **Record** each finished report in ``.build-manifest.json`` (also written atomically, after every
   report, so an interrupted build keeps what it finished).

Output layout (``--out``, default ``reports/``)::

    index.html                                   clickable map of the states + list of every report
    states/TX.html, states/TX.pdf                one per state and DC, default parameters
    states/TX--measure=mean.html                 the same report with a parameter changed
    topics/certification_premium.html, .pdf      one per topic notebook, its defaults
    topics/certification_premium--discount_rate=0.05.html
    _failed/states/TX.ipynb                      the executed notebook of a report that failed

What a report depends on (it is rebuilt when any of these changes):

* the notebook file (its bytes) and the parameter values;
* the data files the notebook *read when it last ran* (recorded by an audit hook in the kernel, the
  way a compiler writes a depfile; compared by content hash, so touching a file changes nothing).
  A report that reads a file depends on all of it: the state reports show every state's rank and
  map, so a change to one state's row of a BLS state file rebuilds all 51 state reports and the
  topics that read that file, and nothing else;
* the :mod:`analysis` modules the notebook imported, and those the worker runs for every report
  (this builder, the exporter and its templates): a change to ``analysis/certification.py``
  rebuilds only the reports that import it;
* the Python version and the installed library versions (the ``*.dist-info`` names);
* for the PDF, the HTML it was printed from. Chromium's version is not part of it: use ``--force``
  after upgrading Chromium.

Kernels. Each worker starts its kernel from the Python running the build (``sys.executable -m
ipykernel_launcher``) rather than a named kernel spec, so a build never fails with ``NoSuchKernel``
and the kernel always imports the same ``analysis`` code the build hashed. The kernel is reused for
the worker's next report (that saves the 2-4 s of importing pandas and altair per report): before each
notebook it is put back to a clean state: its namespace emptied, every ``analysis`` module forgotten
(so they are imported and read their data afresh), warnings, environment, ``sys.path``, pandas and
altair options restored. ``--fresh-kernels`` starts a new kernel for every report instead; the tests
check both give byte-identical HTML.

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
import signal
import sys
import sysconfig
import time
from pathlib import Path

from .errors import AnalysisError, InputError, closest

PACKAGE_DIR = Path(__file__).resolve().parent
REPO_DIR = PACKAGE_DIR.parents[1]
NOTEBOOKS_DIR = REPO_DIR / "notebooks"
STATE_TOPIC = "state_report"
INDEX_ID = "index"
FORMATS = ("html", "pdf")
MANIFEST_NAME = ".build-manifest.json"
LOCK_NAME = ".build.lock"
LOG_NAME = ".build.log"
FAILED_DIR = "_failed"
TEMP_MARK = ".tmp-"
#: Names the kit writes directly under --out (and nothing else): a folder holding only these, or a manifest,
#: is the kit's own.
KIT_NAMES = ("states", "topics", "_failed", "index.html", MANIFEST_NAME, LOCK_NAME, LOG_NAME)
#: Folders under --out where the kit writes, hence where it looks for its own temporary files.
KIT_FOLDERS = ("", "states", "topics", "_failed", "_failed/states", "_failed/topics")
ALLOW_OTHER_FILES_FLAG = "--out-allow-other-files"
MANIFEST_VERSION = 1
DATA_DIR_ENV = "MEDCODING_DATA_DIR"
MAX_DEFAULT_JOBS = 4
#: A Chromium that printed many reports holds on to ~20 MB more for each (measured: 450 MB after the
#: first, 800 MB after the twentieth), so each printer starts a fresh one after this many PDFs (~1 s).
PRINTS_PER_BROWSER = 8
#: Mimetype of the output by which the kernel reports what a notebook read.
DEPS_MIMETYPE = "application/x-medcoding-build+json"
#: Tag of the cells the builder adds around a notebook (and removes before export).
INTERNAL_TAG = "medcoding-build-internal"
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December")


class BuildError(AnalysisError):
    """The build cannot start (another build is running, a notebook is missing...)."""


# ---------------------------------------------------------------------------------------------- plan


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


def data_dir() -> Path:
    """Where the kit reads data: the same rule as :func:`analysis.data.data_dir` (a test keeps them equal),
    repeated here so that checking for changes does not import pandas."""
    override = os.environ.get(DATA_DIR_ENV)
    return Path(override) if override else REPO_DIR / "data"


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
    analysis.errors.InputError: --timeout=-5: must be a positive number of seconds. Allowed: a number of seconds above 0, e.g. 600.
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


def _cannot_write(error: OSError) -> str:
    """Words for an error met while writing (read-only, not allowed, disk full...)."""
    import errno

    words = {errno.EROFS: "is on a read-only file system, so nothing can be written there",
             errno.EACCES: "you are not allowed to write there", errno.EPERM: "you are not allowed to write there",
             errno.ENOSPC: "the disk is full (no space left on device)", errno.EDQUOT: "your disk quota is used up",
             errno.ENOTDIR: "a part of the path is a file, not a folder", errno.ELOOP: "the path is a symbolic link loop"}
    return words.get(error.errno, f"cannot be written ({error.strerror or error})")


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
    analysis.errors.InputError: -p='year 2023': must be written name=value. Did you mean 'year=2023'?
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
    from .params import NOTEBOOK_PARAMETERS, notebook_topic

    found = {}
    for path in sorted(Path(notebooks_dir).glob("[0-9][0-9]_*.ipynb")):
        topic = notebook_topic(path.name)
        if topic in NOTEBOOK_PARAMETERS and topic != STATE_TOPIC:
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
    if hasattr(value, "abbr"):  # analysis.states.State
        return value.abbr
    return str(value)


def resolve_parameters(topic: str, texts: dict[str, str], fixed: dict | None = None) -> dict:
    """Check ``-p`` text for one notebook; return the injected values that differ from its defaults.

    ``fixed`` are values the builder sets itself (a state report's ``state``); they are always kept.
    Raises :class:`~analysis.errors.InputError` (with a did-you-mean) on an unknown name or a bad value.
    """
    from .params import parameters_for

    declared = parameters_for(topic)
    typed = declared.from_text(texts)  # unknown name or bad value -> InputError
    values = {**typed, **(fixed or {})}
    declared.check(values)  # checks values together (some notebooks have cross-checks)
    kept = {}
    for name, value in values.items():
        param = declared.params[name]
        canonical = _injectable(param.normalize(value))
        if name in (fixed or {}) or canonical != _injectable(param.normalize(param.default)):
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
    from .params import NOTEBOOK_PARAMETERS, parameters_for

    if not texts or topic not in NOTEBOOK_PARAMETERS:
        return {}
    declared = parameters_for(topic).params
    return {k: v for k, v in texts.items() if k in declared}


def _check_names_declared(texts: dict[str, str], selected: list[str]) -> None:
    from .params import parameters_for

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
        from .params import notebook_topic

        topic = notebook_topic(item)
        if topic not in available:
            raise InputError("--topic", item, allowed=["all", *available], suggestion=closest(topic, available))
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
        if abbr is None:  # a name or a FIPS code: let analysis.states read it (with its did-you-mean)
            from .states import lookup_state

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
        from .states import all_states  # reads it with its schema: the kit's own error about what is wrong

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


# ---------------------------------------------------------------------------------------------- inputs


def _sha256(path: Path) -> str | None:
    try:
        with open(path, "rb") as handle:
            return hashlib.file_digest(handle, "sha256").hexdigest()
    except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
        return None


class _Hashes:
    """Content hashes of files, each read once per build."""

    def __init__(self):
        self._known: dict[str, str | None] = {}

    def __call__(self, path) -> str | None:
        key = str(path)
        if key not in self._known:
            self._known[key] = _sha256(Path(path))
        return self._known[key]


def environment_fingerprint() -> str:
    """A hash of the Python version and every installed distribution's name and version (no imports)."""
    parts = [sys.version, sys.implementation.name]
    for folder in sorted({sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]}):
        with contextlib.suppress(OSError):
            parts += sorted(n for n in os.listdir(folder) if n.endswith((".dist-info", ".egg-info")))
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def _code_key(path: str) -> str:
    """A code file as the manifest names it: relative to the repository when inside it."""
    full = Path(path).resolve()
    with contextlib.suppress(ValueError):
        return full.relative_to(REPO_DIR).as_posix()
    return str(full)


def _code_path(key: str) -> Path:
    return Path(key) if os.path.isabs(key) else REPO_DIR / key


def _notebook_bytes(report: Report) -> bytes:
    if report.kind == "index":
        return json.dumps(index_notebook(), sort_keys=True, indent=1).encode()
    return Path(report.notebook).read_bytes()


def stale_reason(report: Report, entry: dict | None, fmt: str, *, out: Path, notebook_sha: str, environment: str,
                 hashes: _Hashes, force: bool = False, paper: str = "letter") -> str | None:
    """Why ``report`` needs building in ``fmt`` (a short phrase), or None when it is up to date."""
    if force:
        return "--force"
    if not entry or fmt not in entry.get("outputs", {}):
        return "new"
    if entry.get("notebook_sha") != notebook_sha:
        return "notebook changed"
    if entry.get("params") != report.params:
        return "parameters changed"
    if entry.get("environment") != environment:
        return "Python or library versions changed"
    for key, digest in entry.get("code", {}).items():
        if hashes(_code_path(key)) != digest:
            return f"code changed: {Path(key).name}"
    root = data_dir()
    for key, digest in entry.get("data", {}).items():
        if hashes(root / key) != digest:
            return f"data changed: {key}"
    recorded = entry["outputs"][fmt]
    if fmt == "pdf" and recorded.get("paper", "letter") != paper:
        return "paper size changed"
    try:
        stat = report.output(out, fmt).stat()
    except FileNotFoundError:
        return f"{fmt.upper()} missing"
    if stat.st_size != recorded.get("size") or stat.st_mtime_ns != recorded.get("mtime_ns"):
        return f"{fmt.upper()} changed on disk"
    return None


# ---------------------------------------------------------------------------------------------- files


def path_problem(path: Path, *, want: str = "folder") -> str | None:
    """What stops ``path`` from being used as an existing ``want`` ("folder" or "file"), or None.

    >>> path_problem(Path("/no/such/place"))
    'the folder does not exist'
    >>> path_problem(Path(__file__))
    'is a file, not a folder'
    """
    import errno
    import stat as stat_module

    try:
        info = os.stat(path)
    except OSError as error:
        if error.errno == errno.ELOOP:
            return "is a symbolic link loop (a link that leads back to itself); point it at a real folder"
        if error.errno == errno.ENOTDIR:
            return f"a part of the path is a file, not a folder, so the {want} does not exist"
        if error.errno == errno.ENOENT:
            return f"the {want} does not exist"
        return f"cannot be read ({error.strerror or error})"
    if want == "folder" and not stat_module.S_ISDIR(info.st_mode):
        return "is a file, not a folder"
    if want == "file" and stat_module.S_ISDIR(info.st_mode):
        return "is a folder, not a file"
    return None


def check_out_folder(out: Path, *, allow_other_files: bool = False) -> None:
    """Refuse an output folder that is not a dedicated reports folder, before anything is written.

    A dedicated folder is one that does not exist yet, is empty, holds a build manifest (the kit's own
    earlier output), or holds only names the kit writes. The current folder, the project folder, the
    home folder and ``/`` are refused, and so is a folder holding other files, unless
    ``allow_other_files`` (``--out-allow-other-files``): the kit then still writes and removes only
    its own files. Raises :class:`~analysis.errors.InputError` naming what is wrong.
    """
    import errno

    text = str(out)
    if not text.strip():
        raise InputError("--out", text, reason="is empty; name a folder for the reports", suggestion="reports")
    out = Path(out)
    # The first part of the path that is not a folder: the path cannot be made under a file or a loop.
    for place in [*reversed(out.absolute().parents), out.absolute()]:
        try:
            os.stat(place)
        except OSError as error:
            if error.errno == errno.ENOENT:
                break
            raise InputError("--out", text, reason=f"{place} " + (path_problem(place) or f"cannot be used ({error.strerror})"),
                             allowed="a folder for the reports only, such as reports/") from None
        if not place.is_dir():
            where = "is a file, not a folder" if place == out.absolute() else f"cannot be made: {place} is a file, not a folder"
            raise InputError("--out", text, reason=where, allowed="a folder for the reports only, such as reports/")
    real = out.resolve()
    special = {REPO_DIR: "the project folder", Path(real.anchor): "the root of the file system"}
    for name, where in (("home", "your home folder"), ("cwd", "the current folder")):
        with contextlib.suppress(OSError, RuntimeError):  # no HOME, or a current folder that was deleted
            special[getattr(Path, name)().resolve()] = where
    hint = (f"name a folder used only for reports, such as {out / 'reports'} (a build writes states/, topics/, index.html "
            f"and hidden .build-* files into it), or add {ALLOW_OTHER_FILES_FLAG} if you really mean this folder")
    if real in special and not allow_other_files:
        raise InputError("--out", text, reason=f"is {special[real]}, not a dedicated reports folder; {hint}")
    if real == REPO_DIR / "reports" or allow_other_files or not real.is_dir():
        return
    names = sorted(os.listdir(real))
    if MANIFEST_NAME in names:
        return
    other = [n for n in names if n not in KIT_NAMES]
    if other:
        shown = ", ".join(other[:3]) + (f" and {len(other) - 3} more" if len(other) > 3 else "")
        raise InputError("--out", text, reason=f"holds files the kit did not make ({shown}), so it is not a dedicated "
                         f"reports folder; {hint}. The kit never changes files it did not make")


#: This build's id (set by :func:`build` and in its workers): it marks every temporary file the build
#: makes, so that the next build can tell them from files it did not make.
_build_id = "0" * 12


def new_build_id() -> str:
    import secrets

    return secrets.token_hex(6)


def _temp_marker(build_id: str) -> str:
    return f"{TEMP_MARK}medcoding-{build_id}-"


def temp_path(final: Path) -> Path:
    """A hidden temporary name beside ``final`` with the same extension (Chromium reads it as HTML), marked
    with this build's id and this process's id: ``.TX.tmp-medcoding-<build id>-<pid>.html``."""
    return final.with_name(f".{final.stem}{_temp_marker(_build_id)}{os.getpid()}{final.suffix}")


def write_atomic(path: Path, data: bytes | str, *, registry: set | None = None) -> None:
    """Write ``data`` to ``path`` so that ``path`` is always either the old file or the whole new one."""
    tmp = write_temporary(path, data, registry=registry)
    try:
        os.replace(tmp, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        if registry is not None:
            registry.discard(tmp)


def write_temporary(final: Path, data: bytes | str, *, registry: set | None = None) -> Path:
    """Write ``data`` to the temporary name of ``final`` (for the main process to move into place later)."""
    final = Path(final)
    final.parent.mkdir(parents=True, exist_ok=True)
    tmp = temp_path(final)
    if registry is not None:
        registry.add(tmp)
    try:
        with open(tmp, "wb") as handle:
            handle.write(data.encode("utf-8") if isinstance(data, str) else data)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        if registry is not None:
            registry.discard(tmp)
        raise
    return tmp


def sweep_temporary_files(out: Path, build_ids) -> list[Path]:
    """Remove the temporary files that the builds ``build_ids`` (killed ones) left in ``out``.

    Only what the kit can prove is its own goes: a hidden regular file whose name carries the marker
    of one of those builds, directly in one of the folders the kit writes (``KIT_FOLDERS``). Anything
    else, even a file named like a temporary file, stays.
    """
    markers = [_temp_marker(b) for b in build_ids if re.fullmatch(r"[0-9a-f]{12}", b or "")]
    removed = []
    if not markers:
        return removed
    for folder in KIT_FOLDERS:
        place = Path(out) / folder
        if place.is_symlink() or not place.is_dir():
            continue
        with contextlib.suppress(OSError), os.scandir(place) as entries:
            for entry in entries:
                if (entry.name.startswith(".") and any(m in entry.name for m in markers)
                        and entry.is_file(follow_symlinks=False)):
                    with contextlib.suppress(OSError):
                        os.unlink(entry.path)
                        removed.append(Path(entry.path))
    return removed


def load_manifest(out: Path) -> dict:
    try:
        manifest = json.loads((Path(out) / MANIFEST_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {"version": MANIFEST_VERSION, "reports": {}}
    if manifest.get("version") != MANIFEST_VERSION or not isinstance(manifest.get("reports"), dict):
        return {"version": MANIFEST_VERSION, "reports": {}}
    return manifest


def save_manifest(out: Path, manifest: dict) -> None:
    write_atomic(Path(out) / MANIFEST_NAME, json.dumps(manifest, indent=1, sort_keys=True))


@contextlib.contextmanager
def build_lock(out: Path, build_id: str | None = None):
    """One build at a time per output folder (a second one is told, not queued).

    The lock file also says which build may have left temporary files: its first line is the
    holder's process id, the next its build id. It is emptied when a build ends normally, so a build
    that finds an id there (one that was killed) removes that build's temporary files, and only them.
    """
    import fcntl

    path = Path(out) / LOCK_NAME
    with open(path, "a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = (handle.read().strip().splitlines() or ["another process"])[0]
            raise BuildError(f"Another build is writing to {out} (process {holder}). Wait for it to finish, "
                             f"or build into another folder with --out.") from None
        handle.seek(0)
        unfinished = handle.read().split()[1:]
        sweep_temporary_files(out, unfinished)
        handle.seek(0)
        handle.truncate()
        handle.write(f"{os.getpid()}\n{build_id or ''}\n")
        handle.flush()
        try:
            yield
        finally:
            if build_id:
                sweep_temporary_files(out, [build_id])  # a worker that died may have left one
            handle.seek(0)
            handle.truncate()
            fcntl.flock(handle, fcntl.LOCK_UN)


# ---------------------------------------------------------------------------------------------- index


def index_notebook() -> dict:
    """The index page's notebook (generated, so it needs no file in notebooks/): a map and link lists."""

    def cell(kind, source, **extra):
        cell = {"cell_type": kind, "metadata": extra.pop("metadata", {}), "source": source}
        if kind == "code":
            cell.update(execution_count=None, outputs=[])
        return cell

    return {
        "nbformat": 4, "nbformat_minor": 5,
        "metadata": {"kernelspec": {"name": "medcoding-outlook", "display_name": "Python (medcoding-outlook)",
                                    "language": "python"}, "language_info": {"name": "python"}},
        "cells": [
            cell("markdown", "Every report of the kit. Open a state's report from the map or from the list of states "
                             "below it; the topic reports follow. Each report is one offline page (and a PDF beside it)."),
            cell("code", "state_links = {}\ntopic_links = []\nother_links = []", metadata={"tags": ["parameters"]}),
            cell("code", "from analysis import index_page, rendering, report, summary\n\nrendering.configure();"),
            cell("code", "summary.index()"),
            cell("markdown", "## States"),
            cell("code", "report.overview_map(state_links)"),
            cell("code", "index_page.state_list(state_links)"),
            cell("markdown", "## Topics"),
            cell("code", "report.report_list(topic_links)"),
            cell("code", "report.report_list(other_links, 'Reports with other parameters')"),
        ],
    }


def index_parameters(manifest: dict, out: Path) -> dict:
    """Links for the index: every report recorded in the manifest whose HTML is on disk."""
    state_links, topic_links, other_links = {}, [], []
    for report_id, entry in sorted(manifest.get("reports", {}).items()):
        if report_id == INDEX_ID or not (Path(out) / f"{report_id}.html").exists():
            continue
        address, title = f"{report_id}.html", entry.get("title", report_id)
        folder, _, name = report_id.partition("/")
        if folder == "states" and "--" not in name:
            state_links[name] = address
        elif folder == "topics" and "--" not in name:
            topic_links.append([title, address])
        else:
            other_links.append([title, address])
    return {"state_links": state_links, "topic_links": topic_links, "other_links": other_links}


# ---------------------------------------------------------------------------------------------- build


@dataclasses.dataclass
class Outcome:
    """What happened to one report in a build."""

    id: str
    status: str  # "built", "skipped" (up to date), "failed"
    formats: tuple[str, ...] = ()  # formats written
    reason: str = ""  # why it was built, or why it failed
    failed_notebook: str | None = None
    pdf_skipped: str | None = None  # why no PDF was printed (no Chromium...)
    seconds: float = 0.0
    phases: dict = dataclasses.field(default_factory=dict)  # seconds spent executing, exporting, printing
    worker: int | None = None  # the worker's process id


@dataclasses.dataclass
class Summary:
    outcomes: list[Outcome]
    seconds: float
    out: Path
    interrupted: bool = False
    pdf_requested_explicitly: bool = False
    interrupted_code: int = 130

    def count(self, status: str) -> int:
        return sum(o.status == status for o in self.outcomes)

    @property
    def pdf_skipped(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.pdf_skipped]

    @property
    def exit_code(self) -> int:
        """0 when every report asked for was built (or up to date); 1 if one failed; 128 + signal if interrupted.

        A PDF skipped because no Chromium was found fails the build only if PDF was asked for with --format.
        """
        if self.interrupted:
            return self.interrupted_code
        if self.count("failed"):
            return 1
        if self.pdf_skipped and self.pdf_requested_explicitly:
            return 1
        return 0

    def text(self) -> str:
        built = [o for o in self.outcomes if o.status == "built"]
        lines = []
        skipped_pdf = self.pdf_skipped
        if skipped_pdf and self.pdf_requested_explicitly:
            # Asked for by name and not done: say that first, and what was written instead.
            html_only = sum("html" in o.formats for o in skipped_pdf)
            lines.append(f"FAILED: PDF was asked for with --format but no PDF could be printed for {len(skipped_pdf)} "
                         f"report{'s' if len(skipped_pdf) != 1 else ''} (no usable Chromium; see below)."
                         + (f" Only the HTML of {html_only} of them was written." if html_only else " Nothing was written for them."))
        files = sum(len(o.formats) for o in built)
        breakdown = ", ".join(f"{sum(fmt in o.formats for o in built)} {fmt.upper()}" for fmt in FORMATS)
        if skipped_pdf and self.pdf_requested_explicitly:
            done = f"Wrote {files} file{'s' if files != 1 else ''} ({breakdown}) for {len(built)} report{'s' if len(built) != 1 else ''}"
        else:
            done = f"Built {len(built)} report{'s' if len(built) != 1 else ''}"
            if built and (skipped_pdf or any(o.formats != built[0].formats for o in built)):
                done += f" ({breakdown})"
        lines.append(f"{done}, skipped {self.count('skipped')} up to date, failed {self.count('failed')}, in {self.seconds:.1f} s"
                     + (f" ({self.seconds / len(built):.2f} s a report)" if built else "") + f". Output: {self.out}/")
        if self.interrupted:
            lines.append("The build was interrupted: the reports listed as built are complete; the others are as before.")
        for o in self.outcomes:
            if o.status == "failed":
                lines.append(f"  FAILED {o.id}: {o.reason}")
                if o.failed_notebook:
                    lines.append(f"         executed notebook kept at {o.failed_notebook}")
        if skipped_pdf:
            reasons = sorted({o.pdf_skipped for o in skipped_pdf})
            lines.append(f"PDF not printed for {len(skipped_pdf)} report(s): " + " ".join(reasons))
        if any(o.status == "failed" for o in self.outcomes):
            lines.append(f"Kernel and browser messages: {self.out / LOG_NAME}")
        return "\n".join(lines)


def build(*, states: str | None = None, topics: str | None = None, assignments: list[str] | None = None,
          formats: tuple[str, ...] | None = None, jobs: int | None = None, force: bool = False,
          out: Path | str = "reports", notebooks_dir: Path | str = NOTEBOOKS_DIR, index: bool = False,
          fresh_kernels: bool = False, allow_other_files: bool = False,
          timeout: float = 600, progress: bool | None = None, log=print, paper: str = "letter") -> Summary:
    """Build the selected reports (all by default); see the module docstring. Returns a :class:`Summary`.

    Raises :class:`~analysis.errors.InputError` for a bad selection, parameter, timeout or output folder
    (:func:`check_out_folder`), before anything is written, and :class:`BuildError` when another build
    holds the output folder or a file cannot be written (the earlier reports and manifest then stay).
    """
    global _build_id
    started = time.perf_counter()
    explicit_pdf = formats is not None and "pdf" in formats
    formats = tuple(formats or FORMATS)
    for fmt in formats:
        if fmt not in FORMATS:
            raise InputError("--format", fmt, allowed=FORMATS, suggestion=closest(fmt, FORMATS))
    timeout = check_timeout(timeout)
    from .export import PAPER_SIZES

    if paper not in PAPER_SIZES:
        raise InputError("--paper", paper, allowed=tuple(PAPER_SIZES), suggestion=closest(paper, tuple(PAPER_SIZES)))
    reports = plan(states=states, topics=topics, assignments=assignments, formats=formats,
                   notebooks_dir=Path(notebooks_dir), index=index)  # InputError here: nothing written yet
    check_out_folder(out, allow_other_files=allow_other_files)
    out = Path(out)
    jobs = capped_jobs(jobs or default_jobs(), log)
    _build_id = build_id = new_build_id()
    try:
        out.mkdir(parents=True, exist_ok=True)
        lock = build_lock(out, build_id)
        lock.__enter__()
    except OSError as error:
        raise InputError("--out", str(out), reason=_cannot_write(error), allowed="a folder you can write to") from None
    try:
        manifest = load_manifest(out)
        runner = _Runner(out, manifest, jobs, fresh_kernels, timeout, progress, log)
        runner.paper = paper
        try:
            runner.run([r for r in reports if r.kind != "index"], force)
            index_page = [r for r in reports if r.kind == "index"]
            if index_page and not runner.interrupted:
                # Built last: it links the reports that are on disk now.
                index_page[0].params = index_parameters(manifest, out)
                runner.run(index_page, force)
        finally:
            runner.close()
    except OSError as error:  # the log, a folder... (the manifest has its own message)
        raise BuildError(f"{error.filename or out}: {_cannot_write(error)}. Reports finished before this are complete; "
                         "the others are as they were. Fix that and run the build again.") from None
    finally:
        lock.__exit__(None, None, None)
    return Summary(runner.outcomes, time.perf_counter() - started, out, runner.interrupted, explicit_pdf,
                   128 + int(runner.signal))


class _Interrupted(BaseException):
    pass


class _Runner:
    """Decides what to build, runs it in the pools, records the results.

    Two pools: ``jobs`` kernel workers execute notebooks and write the HTML; printer workers (one per
    two kernel workers) each keep one Chromium and print the PDFs from the HTML written, while the
    kernel workers go on with the next notebooks. One browser for two workers instead of one each
    keeps a 2-job build under 2 GB (a Chromium that has printed a few reports holds 0.5-0.8 GB).
    """

    def __init__(self, out, manifest, jobs, fresh_kernels, timeout, progress, log):
        self.out, self.manifest, self.jobs = out, manifest, max(1, int(jobs))
        self.fresh_kernels, self.timeout, self.progress, self.log = fresh_kernels, timeout, progress, log
        self.outcomes: list[Outcome] = []
        self.interrupted = False
        self.signal = signal.SIGINT
        self.environment = environment_fingerprint()
        self.hashes = _Hashes()
        self.pools: dict = {}
        self.stop_event = None
        self.log_reset = False
        self.paper = "letter"

    # -- deciding
    def _work(self, reports, force):
        work = []
        for report in reports:
            notebook_text = _notebook_bytes(report)
            notebook_sha = hashlib.sha256(notebook_text).hexdigest()
            entry = self.manifest["reports"].get(report.id)
            reasons = {fmt: stale_reason(report, entry, fmt, out=self.out, notebook_sha=notebook_sha,
                                         environment=self.environment, hashes=self.hashes, force=force,
                                         paper=self.paper)
                       for fmt in dict.fromkeys(("html",) + report.formats)}
            wanted = {fmt: reasons[fmt] for fmt in report.formats}
            if not any(wanted.values()):
                self.outcomes.append(Outcome(report.id, "skipped"))
                continue
            # Only the PDF is missing or out of date: print it from the HTML on disk, no kernel needed.
            print_only = reasons["html"] is None and wanted.get("pdf") is not None
            if print_only and self._chromium_problem() is not None:
                self.outcomes.append(Outcome(report.id, "skipped", pdf_skipped=self._chromium_problem()))
                continue
            reason = next(r for r in wanted.values() if r)
            work.append((report, dict(
                id=report.id, kind=report.kind, title=report.title, params=report.params,
                notebook_text=notebook_text.decode("utf-8"), notebook_sha=notebook_sha,
                notebook_path=str(report.notebook) if report.notebook else None,
                cwd=str(report.notebook.parent if report.notebook else NOTEBOOKS_DIR),
                formats=report.formats, print_only=print_only, reason=reason,
                html=str(report.output(self.out, "html")), pdf=str(report.output(self.out, "pdf")),
                failed=str(self.out / FAILED_DIR / f"{report.id}.ipynb"))))
        return work

    # -- running
    def run(self, reports, force):
        from concurrent.futures import FIRST_COMPLETED, wait

        work = self._work(reports, force)
        if not work:
            return
        executions = sum(not job["print_only"] for _, job in work)
        if any("pdf" in job["formats"] for _, job in work):
            self._pool("printer", max(1, min(self.jobs // 2, len(work))))  # starts its browser while kernels start
        if executions:
            self._pool("kernel", min(self.jobs, executions))
        bar = self._progress_bar(len(work))
        pending, executed = {}, {}
        for report, job in work:
            stage = "print" if job["print_only"] else "execute"
            pending[self._submit(stage, job)] = (stage, report, job)
        previous = {sig: signal.signal(sig, self._on_signal) for sig in (signal.SIGTERM, signal.SIGINT)}
        done = 0
        try:
            while pending:
                finished, _ = wait(list(pending), return_when=FIRST_COMPLETED)
                for future in finished:
                    stage, report, job = pending.pop(future)
                    try:
                        result = future.result()
                    except Exception as error:  # the worker died (killed, out of memory...)
                        result = {"ok": False, "written": [], "error": f"the worker process stopped: {type(error).__name__}: {error}"}
                    if stage == "execute":
                        self._record_execution(report, job, result)
                        if result.get("ok") and "pdf" in job["formats"]:
                            executed[report.id] = result
                            pending[self._submit("print", job)] = ("print", report, job)
                            continue
                        outcome = self._outcome(report, job, result, None)
                    else:
                        self._record_print(report, result)
                        outcome = self._outcome(report, job, executed.pop(report.id, None), result)
                    self.outcomes.append(outcome)
                    done += 1
                    self._tick(bar, done, len(work), outcome)
        except _Interrupted:
            self.interrupted = True
            self._stop_pools()
        except BuildError:  # a finished report could not be recorded (disk full...): stop, keep what is on disk
            self._stop_pools()
            raise
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)
            if bar is not None:
                bar.close()

    def _submit(self, stage, job):
        if stage == "execute":
            return self._pool("kernel", self.jobs).submit(_execute_job, job)
        return self._pool("printer", max(1, self.jobs // 2)).submit(_print_job, job)

    def _on_signal(self, signum, frame):
        self.signal = signum
        raise _Interrupted(signum)

    def _chromium_problem(self) -> str | None:
        """Why no PDF can be printed (no Chromium), asked only when a PDF is due without a notebook to run."""
        if not hasattr(self, "_chromium"):
            from .export import ChromiumMissing, find_chromium

            try:
                self._chromium = None if find_chromium() is not None else str(ChromiumMissing())
            except ChromiumMissing as missing:
                self._chromium = str(missing)
        return self._chromium

    def _pool(self, role, workers):
        if role in self.pools:
            return self.pools[role]
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        context = multiprocessing.get_context("spawn")
        if self.stop_event is None:
            self.stop_event = context.Event()
        log_path = self.out / LOG_NAME
        if not self.log_reset:
            log_path.write_text("")
            self.log_reset = True
        config = dict(role=role, data_dir=str(data_dir()), log=str(log_path), fresh_kernels=self.fresh_kernels,
                      timeout=self.timeout, build_id=_build_id, paper=self.paper)
        self.pools[role] = ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=_worker_init,
                                               initargs=(config, self.stop_event))
        return self.pools[role]

    def _stop_pools(self):
        """Stop now: cancel what has not started, ask the workers to clean up and exit, then make sure."""
        pools, self.pools = list(self.pools.values()), {}
        if self.stop_event is not None:
            self.stop_event.set()
        processes = []
        for executor in pools:
            processes += list((getattr(executor, "_processes", None) or {}).values())
            executor.shutdown(wait=False, cancel_futures=True)
        for process in processes:
            with contextlib.suppress(Exception):
                process.terminate()  # SIGTERM: the worker removes its temporary files and stops its kernel
        deadline = time.monotonic() + 10
        for process in processes:
            process.join(max(0.1, deadline - time.monotonic()))
            if process.is_alive():
                process.kill()

    def close(self):
        for executor in self.pools.values():
            executor.shutdown(wait=True)
        self.pools = {}

    def _progress_bar(self, total):
        show = sys.stderr.isatty() if self.progress is None else self.progress
        if not show:
            return None
        from tqdm import tqdm

        return tqdm(total=total, unit="report", desc="Building", file=sys.stderr, dynamic_ncols=True)

    def _tick(self, bar, done, total, outcome):
        if bar is not None:
            bar.set_postfix_str(f"{outcome.id} {outcome.status}", refresh=False)
            bar.update(1)
        elif self.progress is None:  # not a terminal: one line per report, for logs
            self.log(f"[{done}/{total}] {outcome.status} {outcome.id} ({outcome.seconds:.1f} s; {outcome.reason})",
                     file=sys.stderr)

    # -- recording
    def _record_execution(self, report, job, result):
        if not result.get("ok"):
            return  # the entry (if any) still describes the report on disk, which is kept
        key = _entry_key(job["notebook_sha"], report.params, self.environment, result["code"], result["data"])
        temp = Path(result["html_temp"])
        html = temp.stat()  # os.replace keeps size and mtime: the entry describes the file as it will be
        entry = dict(
            notebook=_code_key(report.notebook) if report.notebook else "(generated)",
            notebook_sha=job["notebook_sha"], params=report.params, environment=self.environment,
            code=result["code"], data=result["data"], title=report.title, key=key, html_key=key,
            outputs={"html": {"size": html.st_size, "mtime_ns": html.st_mtime_ns}})
        self._commit(report, "html", temp, entry)
        with contextlib.suppress(FileNotFoundError):
            Path(job["failed"]).unlink()

    def _record_print(self, report, result):
        entry = self.manifest["reports"].get(report.id)
        temp = result.get("pdf_temp")
        if temp is None:
            return
        if entry is None or "pdf" not in result.get("written", ()):
            with contextlib.suppress(FileNotFoundError):
                os.unlink(temp)
            return
        pdf = Path(temp).stat()
        entry = {**entry, "outputs": {**entry["outputs"], "pdf": {"size": pdf.st_size, "mtime_ns": pdf.st_mtime_ns, "paper": self.paper}},
                 "pdf_key": entry.get("html_key")}
        self._commit(report, "pdf", Path(temp), entry)

    def _commit(self, report, fmt, temp: Path, entry: dict) -> None:
        """Record ``entry`` in the manifest, then move the finished file ``temp`` into place.

        If the manifest cannot be written (disk full...), the file is not moved: the report and the
        manifest on disk both stay as they were, and the build stops with a message.
        """
        previous = self.manifest["reports"].get(report.id)
        self.manifest["reports"][report.id] = entry
        final = report.output(self.out, fmt)
        try:
            save_manifest(self.out, self.manifest)
        except OSError as error:
            if previous is None:
                del self.manifest["reports"][report.id]
            else:
                self.manifest["reports"][report.id] = previous
            with contextlib.suppress(OSError):
                temp.unlink()
            raise BuildError(
                f"{self.out / MANIFEST_NAME}: {_cannot_write(error)}, so the build stopped. {report.id}.{fmt} and the "
                f"manifest are as they were before this build; reports finished earlier in it are complete. "
                f"Free some space (or fix the folder) and run the build again.") from None
        try:
            os.replace(temp, final)
        except OSError as error:
            with contextlib.suppress(OSError):
                temp.unlink()
            raise BuildError(f"{final}: {_cannot_write(error)}, so the build stopped; the earlier {final.name} stays "
                             "and will be rebuilt by the next build.") from None

    def _outcome(self, report, job, executed, printed) -> Outcome:
        """One report's outcome from its execution result and its print result (either may be None)."""
        parts = [r for r in (executed, printed) if r is not None]
        written = tuple(fmt for r in parts for fmt in r.get("written", ()))
        phases = dict((executed or {}).get("phases", {}))
        if printed is not None and "seconds" in printed:
            phases["pdf"] = printed["seconds"]
        seconds = sum(r.get("seconds", 0.0) for r in parts)
        failure = next((r.get("error") or r.get("pdf_error") for r in parts if not r.get("ok") or r.get("pdf_error")), None)
        if failure:
            status, reason = "failed", failure
        else:
            status, reason = ("built" if written else "skipped"), job["reason"]
        return Outcome(report.id, status, written, reason, (executed or {}).get("failed_notebook"),
                       (printed or {}).get("pdf_skipped"), seconds, phases, (executed or printed or {}).get("worker"))


def _entry_key(notebook_sha, params, environment, code, data) -> str:
    text = json.dumps([notebook_sha, params, environment, code, data], sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()


# ---------------------------------------------------------------------------------------------- worker

# Runs inside the kernel, before and after each notebook, as a module of its own (``_medcoding_build``)
# so that forgetting the ``analysis`` modules does not forget it.
KERNEL_SIDE = r'''
import hashlib, json, os, sys, warnings

_reads = None
_roots = ()
_baseline = None


def _audit(event, args):
    # Records every file under data/ or the analysis package that the notebook opens.
    if event != "open" or _reads is None:
        return
    try:
        path = args[0]
        if isinstance(path, int) or path is None:
            return
        path = os.path.abspath(os.fsdecode(path))
        for root, kind in _roots:
            if path.startswith(root):
                _reads.add((kind, root, path))
                return
    except Exception:
        pass


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


def end():
    """Report what the notebook read: data files and code, with content hashes, and the sources' titles."""
    global _reads
    reads, _reads = _reads or set(), None
    data, code = {}, set()
    for kind, root, path in sorted(reads):
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
        from analysis.data import source_of
        for file in sorted(data):
            if file == "sources.csv":
                continue
            row = source_of(file)
            sources.append([file, row.get("title", ""), row.get("quality", "")])
    from IPython.display import display
    display({"%(mimetype)s": {"data": data, "code": {p: _sha256(p) for p in sorted(code)}, "sources": sources}}, raw=True)
''' % {"mimetype": DEPS_MIMETYPE}

_PRELUDE = '''import sys as _sys, types as _types
if "_medcoding_build" not in _sys.modules:
    _module = _types.ModuleType("_medcoding_build")
    exec(compile({source!r}, "<medcoding build>", "exec"), _module.__dict__)
    _sys.modules["_medcoding_build"] = _module
_sys.modules["_medcoding_build"].begin({data!r}, {package!r}, {cwd!r})'''

_EPILOGUE = 'import sys as _sys\n_sys.modules["_medcoding_build"].end()'

_W: "_WorkerState | None" = None


class _WorkerState:
    def __init__(self, config, stop_event):
        self.config, self.stop_event = config, stop_event
        self.kernel = None
        self.printer = None
        self.prints = 0
        self.chromium_problem: str | None = None
        self.temp_files: set = set()
        self.code: dict[str, str] = {}
        self.thread = None


def _worker_init(config, stop_event):
    """Set up a worker (role "kernel" or "printer"): its own process group, output to the build log, signals."""
    global _W, _build_id
    _build_id = config["build_id"]  # marks this worker's temporary files as the build's
    os.setpgrp()  # Ctrl-C in the terminal reaches the main process only; it stops the workers itself
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    log = os.open(config["log"], os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    os.dup2(log, 1)
    os.dup2(log, 2)
    os.environ["MEDCODING_TARGET"] = "html"  # the renderer switch the notebooks' start() reads
    os.environ[DATA_DIR_ENV] = config["data_dir"]
    os.environ.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")
    _W = _WorkerState(config, stop_event)
    signal.signal(signal.SIGTERM, _worker_terminate)
    from multiprocessing import util

    util.Finalize(_W, _worker_close, exitpriority=10)
    _watch_parent(os.getppid())
    if config["role"] == "printer":
        _printer(_W)  # start the browser now, while the kernel workers start their kernels
        return
    from concurrent.futures import ThreadPoolExecutor

    # Kernel work runs in one thread of its own: nbclient then installs no signal handlers of its own,
    # so SIGTERM always reaches _worker_terminate; one thread keeps one event loop for the kernel client.
    _W.thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="kernel")
    from . import export  # noqa: F401  (imported once per worker; its modules are code inputs)

    _W.code = _worker_code()


def _watch_parent(parent: int) -> None:
    """If the main process dies (even by SIGKILL), stop this worker as if it had been sent SIGTERM,
    rather than let it finish its report for nobody and linger."""
    import threading

    def watch():
        while os.getppid() == parent:
            time.sleep(0.5)
        os.kill(os.getpid(), signal.SIGTERM)

    threading.Thread(target=watch, name="watch-parent", daemon=True).start()


def _worker_code() -> dict[str, str]:
    """The code the worker itself runs for every report: the analysis modules it imported and the templates."""
    files = {os.path.abspath(m.__file__) for n, m in list(sys.modules.items())
             if (n == "analysis" or n.startswith("analysis.")) and getattr(m, "__file__", None)}
    files |= {str(p) for p in (PACKAGE_DIR / "templates").rglob("*") if p.is_file()}
    return {_code_key(p): _sha256(Path(p)) for p in sorted(files)}


def _worker_terminate(signum, frame):
    """SIGTERM from the main process: remove temporary files, stop the kernel and the browser, exit."""
    state = _W
    if state is not None:
        for path in list(state.temp_files):
            with contextlib.suppress(OSError):
                os.unlink(path)
        if state.kernel is not None:
            state.kernel.kill()
    os._exit(143)


def _worker_close():
    state = _W
    if state is None:
        return
    if state.kernel is not None:
        with contextlib.suppress(Exception):
            state.thread.submit(state.kernel.shutdown).result(timeout=10)
    if state.printer is not None:
        with contextlib.suppress(Exception):
            state.printer.close()


class _Kernel:
    """One kernel, started from this Python, kept for many notebooks."""

    def __init__(self):
        self.km = _kernel_manager()
        self.kc = None
        self.last_nb = None

    def _remove_socket_folder(self):
        import shutil

        shutil.rmtree(os.path.dirname(self.km.ip), ignore_errors=True)

    def pid(self):
        provisioner = getattr(self.km, "provisioner", None)
        process = getattr(provisioner, "process", None)
        return getattr(process, "pid", None)

    def kill(self):
        pid = self.pid()
        if pid:
            with contextlib.suppress(OSError):
                os.killpg(pid, signal.SIGKILL)  # the kernel leads its own session
        with contextlib.suppress(Exception):
            self.km.cleanup_connection_file()
        self._remove_socket_folder()

    def shutdown(self):
        from jupyter_core.utils import run_sync

        if self.kc is not None:
            with contextlib.suppress(Exception):
                self.kc.stop_channels()
            self.kc = None
        if self.km.has_kernel:
            try:
                run_sync(self.km.shutdown_kernel)(now=True)
            except Exception:
                self.kill()
        self._remove_socket_folder()


def _kernel_manager():
    from jupyter_client.kernelspec import KernelSpec
    from jupyter_client.manager import AsyncKernelManager

    class ThisPythonKernelManager(AsyncKernelManager):
        """A kernel started as ``sys.executable -m ipykernel_launcher``: no kernel spec lookup at all."""

        @property
        def kernel_spec(self):
            if self._kernel_spec is None:
                from ipykernel.kernelspec import RESOURCES, get_kernel_dict

                self._kernel_spec = KernelSpec(resource_dir=RESOURCES, **get_kernel_dict())
            return self._kernel_spec

    # "python3": the name nbclient knows as an IPython kernel (history kept in memory, not in a shared file).
    # IPC sockets in a private folder instead of TCP ports: no port can be taken by another kernel between
    # choosing and binding it (papermill#511), and nothing listens on the network.
    import tempfile

    folder = tempfile.mkdtemp(prefix="medcoding-kernel-")
    return ThisPythonKernelManager(kernel_name="python3", transport="ipc", ip=os.path.join(folder, "k"))


_ENGINE = "medcoding-reused-kernel"


def _register_engine():
    from papermill.clientwrap import PapermillNotebookClient
    from papermill.engines import NBClientEngine, papermill_engines

    class ReusedKernelEngine(NBClientEngine):
        """papermill's nbclient engine, executing in a kernel the worker keeps between notebooks."""

        @classmethod
        def execute_managed_notebook(cls, nb_man, kernel_name, log_output=False, stdout_file=None, stderr_file=None,
                                     start_timeout=60, execution_timeout=None, **kwargs):
            kernel = kwargs.pop("medcoding_kernel")
            kernel.last_nb = nb_man.nb
            client = PapermillNotebookClient(nb_man, km=kernel.km, timeout=execution_timeout,
                                             startup_timeout=start_timeout, kernel_name=kernel_name,
                                             log_output=False, record_timing=False)
            client.kc = kernel.kc
            try:
                return client.execute()
            finally:
                kernel.kc = client.kc

    if _ENGINE not in papermill_engines._engines:
        papermill_engines.register(_ENGINE, ReusedKernelEngine)


def _execute_job(job: dict) -> dict:
    """In a kernel worker: execute one report's notebook and write its HTML."""
    state = _W
    started = time.perf_counter()
    result = {"ok": False, "written": [], "seconds": 0.0, "worker": os.getpid()}
    if state.stop_event.is_set():
        result["error"] = "the build was stopped"
        return result
    try:
        _execute_and_export(state, job, result)
    except _JobFailed as failure:
        result["error"] = str(failure)
    except Exception as error:  # a bug or a broken environment: report it, keep the worker going
        result["error"] = f"{type(error).__name__}: {error}"
    result["seconds"] = time.perf_counter() - started
    return result


def _print_job(job: dict) -> dict:
    """In a printer worker: print one report's HTML (on disk) to its PDF."""
    state = _W
    started = time.perf_counter()
    result = {"ok": True, "written": [], "worker": os.getpid()}
    if state.stop_event.is_set():
        return {"ok": False, "written": [], "error": "the build was stopped"}
    _print_pdf(state, job, Path(job["html"]), result)
    result["seconds"] = time.perf_counter() - started
    return result


class _JobFailed(Exception):
    pass


def _execute_and_export(state, job, result):
    import nbformat

    nb = nbformat.reads(job["notebook_text"], as_version=4)
    prelude = _PRELUDE.format(source=KERNEL_SIDE, data=state.config["data_dir"], package=str(PACKAGE_DIR), cwd=job["cwd"])
    internal = {"tags": [INTERNAL_TAG]}
    nb.cells.insert(0, nbformat.v4.new_code_cell(prelude, metadata=internal))
    nb.cells.append(nbformat.v4.new_code_cell(_EPILOGUE, metadata=internal))
    clock = time.perf_counter()
    executed, error = _execute(state, nb, job)
    result["phases"] = {"execute": time.perf_counter() - clock}
    if executed is not None:
        executed.metadata.setdefault("papermill", {})["input_path"] = job["notebook_path"] or "(generated index notebook)"
    if error is not None:
        kept = None
        if executed is not None:
            _strip_internal(executed)
            write_atomic(Path(job["failed"]), nbformat.writes(executed), registry=state.temp_files)
            kept = job["failed"]
        result["failed_notebook"] = kept
        raise _JobFailed(error)
    deps = _dependencies(executed)
    _strip_internal(executed)
    from .export import html_report

    titles = [title for _, title, _ in deps["sources"]]
    sources = [f"{title or 'data file'} (data/{file}{'; ' + quality if quality else ''})" for file, title, quality in deps["sources"]]
    clock = time.perf_counter()
    # The index's parameters are its links: not worth a line in its header.
    shown = {} if job["kind"] == "index" else None
    html = html_report(executed, title=job["title"], data_date=data_date(titles), sources=sources, parameters=shown)
    result["phases"]["export"] = time.perf_counter() - clock
    # The main process moves it into place once the manifest records it (a report and its record change together).
    # It stays in the registry: if the main process dies before moving it, this worker removes it on its way out.
    temp = write_temporary(Path(job["html"]), html, registry=state.temp_files)
    result["html_temp"] = str(temp)
    result["written"].append("html")
    result.update(ok=True, code={**state.code, **{_code_key(p): d for p, d in deps["code"].items()}}, data=deps["data"])


def _execute(state, nb, job):
    """Execute ``nb`` in the worker's kernel (a new one after a failure). Returns (notebook, error text)."""
    import papermill
    from papermill.exceptions import PapermillExecutionError

    _register_engine()
    if state.kernel is None:
        state.kernel = _Kernel()
    kernel = state.kernel

    def run():
        return papermill.execute_notebook(
            nb, None, parameters=job["params"], engine_name=_ENGINE, kernel_name="python3", progress_bar=False,
            log_output=False, execution_timeout=state.config["timeout"], start_timeout=120, medcoding_kernel=kernel)

    error = None
    try:
        executed = state.thread.submit(run).result()
    except PapermillExecutionError as failure:
        executed = kernel.last_nb
        error = f"{failure.ename}: {_first_line(failure.evalue)} (in code cell {failure.exec_count})"
    except Exception as failure:
        executed = kernel.last_nb
        error = f"{type(failure).__name__}: {_first_line(str(failure))}"
    if error is not None or state.config["fresh_kernels"] or state.stop_event.is_set():
        # A kernel that failed may be busy or broken: the next report gets a new one.
        with contextlib.suppress(Exception):
            state.thread.submit(kernel.shutdown).result(timeout=30)
        state.kernel = None
    if state.stop_event.is_set():
        _worker_terminate(signal.SIGTERM, None)
    return executed, error


def _first_line(text: str) -> str:
    text = re.sub(r"\x1b\[[0-9;]*m", "", str(text)).strip()
    return text.splitlines()[0] if text else ""




def _strip_internal(nb) -> None:
    nb.cells = [c for c in nb.cells if INTERNAL_TAG not in c.get("metadata", {}).get("tags", [])]


def _dependencies(nb) -> dict:
    for cell in reversed(nb.cells):
        if INTERNAL_TAG in cell.get("metadata", {}).get("tags", []):
            for output in cell.get("outputs", []):
                found = output.get("data", {}).get(DEPS_MIMETYPE)
                if found is not None:
                    return json.loads(found) if isinstance(found, str) else dict(found)
    raise _JobFailed("the notebook ran but did not report what it read (the build's last cell did not run)")


def _print_pdf(state, job, html_path: Path, result) -> None:
    """Print ``html_path`` to the job's PDF (atomically); a failure is noted in ``result["pdf_error"]``."""
    printer = _printer(state)
    if printer is None:
        result["pdf_skipped"] = state.chromium_problem
        return
    pdf_path = Path(job["pdf"])
    tmp_pdf = temp_path(pdf_path)
    state.temp_files.add(tmp_pdf)
    try:
        state.prints += 1
        printer.print_pdf(html_path, tmp_pdf)
        result["written"].append("pdf")
        # Moved into place by the main process, after the manifest records it; it stays in the registry so that
        # this worker removes it if the main process dies first.
        result["pdf_temp"] = str(tmp_pdf)
    except Exception as error:
        result["pdf_error"] = f"PDF not printed: {type(error).__name__}: {_first_line(str(error))}"
        with contextlib.suppress(FileNotFoundError):
            tmp_pdf.unlink()
        state.temp_files.discard(tmp_pdf)


def _printer(state):
    if state.printer is not None and state.prints >= PRINTS_PER_BROWSER:
        with contextlib.suppress(Exception):
            state.printer.close()
        state.printer, state.prints = None, 0
    if state.printer is None and state.chromium_problem is None:
        from .export import ChromiumMissing, ChromiumPrinter, find_chromium

        try:
            path = find_chromium()
            if path is None:
                raise ChromiumMissing()
            state.printer = ChromiumPrinter(path, paper=state.config.get("paper", "letter")).__enter__()
        except ChromiumMissing as missing:
            state.chromium_problem = str(missing)
    return state.printer
