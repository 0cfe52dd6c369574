"""``medcoding grade SUBMISSIONS --roster roster.csv --out grades/``: grade a class, safely and one student at a time.

The stages, in order:

1. read the key (:mod:`.key`), the roster (:mod:`.roster`) and every submission into memory (:mod:`.collect`);
2. sort the files out: which student, which assignment, duplicates, strangers, missing work (each
   problem becomes that row's status);
3. grade each submission with :func:`grade_job`, a plain function of (submission, key entry, limits)
   that any executor can run (the local process pool by default): the roster's parameters go back
   into the ``parameters`` cell, the notebook runs in a fresh sandboxed kernel (:mod:`.execute`), the
   answers come back as data and are compared **here**, in the grader's process, with the key;
4. write ``gradebook.csv``, one feedback page per student (:mod:`.feedback`) and the class summary
   (:mod:`.summary`).
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import re
import sys
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from ..errors import AnalysisError, InputError
from . import key as keys
from .collect import Submission, read_submissions
from .execute import Limits, run_submission
from .roster import read_roster

GRADED = "graded"
NOT_SUBMITTED = "not submitted"
SCHEDULERS = ("local",)
# Reaching into the exercise registry gives the expected answer instead of working it out.
ORACLE_NAMES = {"find_exercise", "evaluate", "_evaluate", "_REGISTERED", "answer_hash", "make_entry", "_compare",
                "_Computed", "_stored_entries", "expected_entry", "exercise_answers", "compute"}


@dataclass
class ExerciseResult:
    exercise_id: str
    points: float | None  # None: not graded (no answer exists with these parameters)
    max_points: float
    status: str  # correct, not yet, unanswered, unavailable
    message: str


@dataclass
class GradingJob:
    """Everything one grading needs, picklable: the submission, the key's entries for it, the limits."""

    student_id: str
    notebook: str
    notebook_json: dict
    spec: dict
    entry: dict
    limits: Limits


@dataclass
class Result:
    student_id: str
    notebook: str
    status: str
    exercises: list = field(default_factory=list)
    problems: list = field(default_factory=list)
    isolation: str = ""
    files: str = ""
    seconds: float = 0.0

    @property
    def total(self) -> float:
        return sum(e.points or 0 for e in self.exercises)

    @property
    def max_points(self) -> float:
        return sum(e.max_points for e in self.exercises if e.points is not None)


# --------------------------------------------------------------------------- answers back from data


class _Named:
    """Stands for a value of a type the grader does not read back; only its type name is kept."""


def _opaque(type_name: str):
    name = re.sub(r"\W", "", str(type_name))[:40] or "object"
    return type(name, (_Named,), {})()


def decode(data: dict):
    """The Python value an answer described as data stands for (see :mod:`.execute`).

    >>> decode({"kind": "number", "value": 48780}), decode({"kind": "unanswered"})
    (48780, Ellipsis)
    >>> decode({"kind": "list", "type": "list", "items": [{"kind": "text", "value": "TX"}]})
    ['TX']
    """
    kind = data.get("kind") if isinstance(data, dict) else None
    if kind in ("unanswered", "undefined", None):
        return ...
    if kind in ("number", "bool", "text"):
        value = data.get("value")
        if kind == "number" and (isinstance(value, bool) or not isinstance(value, (int, float))):
            return float("nan")
        return value
    if kind == "state":
        from ..states import lookup_state

        try:
            return lookup_state(data.get("value"), include_territories=True)
        except AnalysisError:
            return str(data.get("value"))
    if kind in ("list", "set"):
        items = [decode(i) for i in data.get("items", [])]
        if kind == "set":
            try:
                return set(items)
            except TypeError:
                return items
        kind_name = data.get("type")
        if kind_name in ("Series", "Index", "ndarray"):
            import numpy as np
            import pandas as pd

            try:
                return {"Series": pd.Series, "Index": pd.Index, "ndarray": np.array}[kind_name](items)
            except (TypeError, ValueError):
                return items
        return tuple(items) if kind_name == "tuple" else items
    if kind == "table":
        import pandas as pd

        try:
            return pd.read_json(io.StringIO(data.get("value", "")), orient="split")
        except ValueError:
            return _opaque("DataFrame")
    if kind == "chart":
        return _ChartSpec(data.get("value") or {})
    return _opaque(data.get("type", "object"))


def _chart_class():
    import altair as alt

    class ChartSpec(alt.TopLevelMixin):
        """A chart read back as its specification; the exercise checks only look at ``to_dict()``."""

        def __init__(self, spec: dict):
            self._spec = spec

        def to_dict(self, *args, **kwargs):
            return dict(self._spec)

    return ChartSpec


def _ChartSpec(spec: dict):
    return _chart_class()(spec if isinstance(spec, dict) else {})


def judge(expected: dict, answer) -> tuple[str, str]:
    """(status, message) for one answer against the key's entry; the message never holds the answer."""
    from .. import exercises as ex

    if expected.get("unavailable"):
        return ex.UNAVAILABLE, "Not graded: this exercise has no answer with your parameters (the data lack the figure)."
    if answer is ... or answer is None:
        return ex.UNANSWERED, "Not answered: the answer was still ... (or missing) in the notebook handed in."
    try:
        status, message = ex._compare(expected, answer)
    except ex._Problem as problem:
        status, message = ex.NOT_YET, str(problem)
    except Exception as err:  # noqa: BLE001 - a strange answer must never stop the class
        status, message = ex.NOT_YET, f"the answer could not be checked ({type(err).__name__})."
    if status == ex.CORRECT:
        return status, "Correct." + (f" {expected['explain']}" if expected.get("explain") else "")
    return status, f"Not yet: {message}"


# --------------------------------------------------------------------------- one submission


def prepare(nb, spec: dict, entry: dict):
    """The notebook to run: the submission's cells, with the roster's ``parameters`` cell put back in."""
    cells = [c for c in nb.cells if not ({"parameters", "injected-parameters"} & set(c.get("metadata", {}).get("tags", [])))]
    for cell in cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    source = entry.get("parameters_source")
    if source is not None:
        at = min(spec.get("parameters_cell") or 0, len(cells))
        cells.insert(at, nbformat.v4.new_code_cell(source, metadata={"tags": ["parameters"]}))
    nb.cells = cells
    nb.metadata.pop("kernelspec", None)
    return nb


def oracle_use(nb) -> list[str]:
    """Names in the submission's code that reach into the exercise registry (answers not accepted)."""
    import ast

    found = set()
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        try:
            tree = ast.parse("\n".join(l for l in cell.source.split("\n") if not l.lstrip().startswith(("%", "!"))))
        except SyntaxError:
            continue
        for node in ast.walk(tree):
            name = (node.id if isinstance(node, ast.Name) else node.attr if isinstance(node, ast.Attribute)
                    else node.name.rsplit(".", 1)[-1] if isinstance(node, ast.alias) else None)
            if name in ORACLE_NAMES:
                found.add(name)
    return sorted(found)


def grade_job(job: GradingJob) -> Result:
    """Grade one submission: run it in a fresh sandboxed kernel, compare its answers with the key here."""
    result = Result(job.student_id, job.notebook, GRADED)
    exercises = job.spec["exercises"]
    try:
        nb = prepare(nbformat.from_dict(job.notebook_json), job.spec, job.entry)
        execution = run_submission(nb, {e["exercise_id"]: e["answer"] for e in exercises}, job.limits)
    except Exception as err:  # noqa: BLE001 - one bad submission never stops the class
        result.status = f"grader error: {type(err).__name__}: {str(err)[:200]}"
        return result
    result.isolation, result.seconds, result.problems = execution.isolation, execution.seconds, list(execution.problems)
    if execution.status != "ran":
        result.status = execution.status
        result.exercises = [ExerciseResult(e["exercise_id"], 0, e["points"], "not run",
                                           f"Not graded: {execution.status}.") for e in exercises]
        return result
    borrowed = oracle_use(nb)
    if borrowed:
        result.problems.insert(0, f"review by hand: the code uses {', '.join(borrowed)} (the exercise registry); "
                                  "its answers earn no points")
    for exercise in exercises:
        expected = job.entry["expected"].get(exercise["exercise_id"], {"unavailable": True})
        status, message = judge(expected, decode(execution.answers.get(exercise["exercise_id"], {})))
        if borrowed and status == "correct":
            status, message = "not yet", "Not accepted: the notebook takes answers from the exercise registry; ask your instructor."
        points = None if status == "unavailable" else (exercise["points"] if status == "correct" else 0)
        result.exercises.append(ExerciseResult(exercise["exercise_id"], points, exercise["points"], status, message))
    return result


# --------------------------------------------------------------------------- the class


def _assignment_of(submission: Submission, nb, key: dict) -> tuple[str | None, str | None]:
    """(assigned notebook name, problem) from the file name and the notebook's own metadata."""
    names = list(key["notebooks"])
    by_file = submission.file if submission.file in names else None
    source = str((nb.get("metadata", {}).get("medcoding") or {}).get("source") or "")
    by_metadata = source.rsplit("/", 1)[-1] if source else None
    if by_metadata and by_metadata in names and by_file and by_metadata != by_file:
        return None, f"another assignment's notebook: the file is {by_file} but it holds {by_metadata}"
    if by_metadata and by_metadata not in names and by_file:
        return None, f"another assignment's notebook: the file is {by_file} but it holds {by_metadata}"
    found = by_file or (by_metadata if by_metadata in names else None)
    if found is None:
        return None, f"not an assignment of this key (expected one of {', '.join(names)})"
    return found, None


def _read_notebook(data: bytes):
    try:
        document = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as err:
        return None, f"corrupt notebook (not valid JSON: {str(err)[:80]})"
    if not isinstance(document, dict) or not isinstance(document.get("cells"), list):
        return None, "not a notebook (no cells)"
    try:
        nb = nbformat.reads(json.dumps(document), as_version=4)
        nbformat.validate(nb)
    except Exception as err:  # noqa: BLE001 - nbformat raises many kinds
        return None, f"not a valid notebook ({type(err).__name__}: {str(err).splitlines()[0][:80]})"
    return nb, None


def plan(submissions: list[Submission], key: dict, roster_ids: dict, limits: Limits) -> tuple[list[GradingJob], list[Result]]:
    """Jobs to run, and rows already decided (bad files, strangers, duplicates, missing work)."""
    decided: list[Result] = []
    claims: dict[tuple[str, str], list] = defaultdict(list)
    for submission in submissions:
        label = submission.file
        if submission.problem:
            decided.append(Result(submission.student_id, label, submission.problem, files=label))
            continue
        nb, problem = _read_notebook(submission.data)
        if problem:
            decided.append(Result(submission.student_id, label, problem, files=label))
            continue
        assignment, problem = _assignment_of(submission, nb, key)
        if problem:
            decided.append(Result(submission.student_id, label, problem, files=label))
            continue
        if submission.student_id not in roster_ids:
            decided.append(Result(submission.student_id, assignment, "student not in the roster", files=label))
            continue
        if submission.student_id not in key["students"]:
            decided.append(Result(submission.student_id, assignment, "student not in the grading key (run "
                                  "`medcoding assignments --roster` again)", files=label))
            continue
        claims[(submission.student_id, assignment)].append((label, nb))
    jobs = []
    for (student_id, assignment), found in claims.items():
        files = ", ".join(label for label, _ in found)
        if len(found) > 1:
            decided.append(Result(student_id, assignment, f"two submissions for one notebook ({files}): "
                                                          "keep one and grade again", files=files))
            continue
        jobs.append(GradingJob(student_id, assignment, dict(found[0][1]), key["notebooks"][assignment],
                               key["students"][student_id]["notebooks"][assignment], limits))
    handed_in = {(r.student_id, r.notebook) for r in decided} | set(claims)
    for student_id in roster_ids:
        for assignment in key["notebooks"]:
            if (student_id, assignment) not in handed_in:
                decided.append(Result(student_id, assignment, NOT_SUBMITTED))
    return jobs, decided


def run_jobs(jobs: list[GradingJob], workers: int, progress=None) -> list[Result]:
    """Grade ``jobs`` on a local process pool (``workers`` processes); one failure never stops the rest."""
    if not jobs:
        return []
    if workers <= 1:
        return [grade_job(job) for job in jobs]
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    results = []
    with ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn")) as pool:
        futures = [(job, pool.submit(grade_job, job)) for job in jobs]
        for job, future in futures:
            try:
                results.append(future.result())
            except Exception as err:  # noqa: BLE001 - e.g. a worker that died
                results.append(Result(job.student_id, job.notebook, f"grader error: {type(err).__name__}"))
            if progress:
                progress(results[-1])
    return results


def grade_class(submissions_path, roster_path, out, *, key_dir=None, limits: Limits | None = None, workers: int = 2,
                progress=None) -> list[Result]:
    """Grade every submission; write gradebook.csv, feedback/<student>.html and summary.html into ``out``."""
    from ..assignments import DEFAULT_OUT
    from .feedback import write_feedback
    from .gradebook import write_gradebook
    from .summary import write_summary

    out = Path(out)
    if out.exists() and not out.is_dir():
        raise InputError("--out", str(out), reason="is a file; give a folder for the gradebook and feedback",
                         suggestion="grades")
    submissions_path = Path(submissions_path)
    if submissions_path.is_dir() and (out.resolve() == submissions_path.resolve()
                                      or submissions_path.resolve() in out.resolve().parents):
        raise InputError("--out", str(out), reason="is inside the submissions folder (its files would be graded next time)",
                         suggestion="grades")
    key = keys.read_key(Path(key_dir) if key_dir else DEFAULT_OUT / "grading-key")
    roster = read_roster(roster_path)
    roster_ids = {s.student_id: s.name for s in roster}
    submissions = read_submissions(submissions_path, set(roster_ids))
    jobs, decided = plan(submissions, key, roster_ids, limits or Limits())
    results = run_jobs(jobs, workers, progress) + decided
    results.sort(key=lambda r: (r.student_id, r.notebook))
    out.mkdir(parents=True, exist_ok=True)
    write_gradebook(results, key, roster_ids, out / "gradebook.csv")
    write_feedback(results, key, roster_ids, out / "feedback")
    write_summary(results, key, out / "summary.html")
    return results


def make_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="medcoding grade",
        description="Grade collected notebooks: each runs in its own fresh kernel with time, memory and output limits "
                    "and no network where the system allows; the answers are checked against the private key with "
                    "each student's roster parameters.")
    parser.add_argument("submissions", help="folder laid out <student-id>/<notebook>.ipynb, or a zip of one")
    parser.add_argument("--roster", required=True, metavar="CSV", help="the class list used for `medcoding assignments --roster`")
    parser.add_argument("--out", default="grades", metavar="DIR", help="output folder (default: grades/)")
    parser.add_argument("--key", default=None, metavar="DIR", help="folder of the private key (default: dist/grading-key)")
    parser.add_argument("--timeout", type=float, default=300, metavar="SECONDS", help="time limit per notebook (default 300)")
    parser.add_argument("--memory", type=int, default=2048, metavar="MB", help="memory limit per kernel (default 2048 MB)")
    parser.add_argument("--max-output", type=float, default=10, metavar="MB", help="output limit per notebook (default 10 MB)")
    parser.add_argument("--jobs", "-j", type=int, default=None, metavar="N", help="notebooks graded at once (default: CPUs, at most 4)")
    parser.add_argument("--scheduler", default="local", metavar="local",
                        help="where the jobs run: 'local' (a process pool on this machine)")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = make_parser().parse_args(argv)
    if args.scheduler not in SCHEDULERS:
        print(f"medcoding grade: --scheduler {args.scheduler!r} is not available; allowed: {', '.join(SCHEDULERS)}.",
              file=sys.stderr)
        return 2
    for name, value in (("--timeout", args.timeout), ("--memory", args.memory), ("--max-output", args.max_output)):
        if value <= 0:
            print(f"medcoding grade: {name} {value}: must be more than 0.", file=sys.stderr)
            return 2
    workers = args.jobs or max(1, min(4, os.cpu_count() or 1))
    limits = Limits(timeout=args.timeout, memory_mb=args.memory, max_output_mb=args.max_output)

    def progress(result):
        print(f"  {result.student_id} {result.notebook}: {result.status}", flush=True)

    try:
        results = grade_class(args.submissions, args.roster, args.out, key_dir=args.key, limits=limits,
                              workers=workers, progress=progress)
    except AnalysisError as err:
        print(f"medcoding grade: {err}", file=sys.stderr)
        print("Nothing was graded.", file=sys.stderr)
        return 2
    graded = sum(r.status == GRADED for r in results)
    print(f"Graded {graded} of {len(results)} rows; gradebook: {Path(args.out) / 'gradebook.csv'}, "
          f"feedback: {Path(args.out) / 'feedback'}/, summary: {Path(args.out) / 'summary.html'}.")
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
