"""``medcoding grade SUBMISSIONS --roster roster.csv --out grades/``: grade a class, safely and one student at a time.

The stages, in order (:func:`grade_class` reads as them):

1. read the key (:mod:`.key`), the roster (:mod:`.roster`) and every submission into memory (:mod:`.collect`);
2. :func:`plan`: sort the files out: which student, which assignment, duplicates, strangers, missing
   work (each problem becomes that row's status) and one :class:`GradingJob` per gradable notebook;
3. :func:`run_jobs`: each job goes to :func:`grade_job`, a plain picklable function of plain data, on
   an executor: the local process pool by default, or any object with ``submit(function, job)``
   returning a future with ``result()`` (a ``concurrent.futures`` executor, or a Dask
   ``distributed.Client``), which is how ``--scheduler`` plugs in. A job puts the roster's
   parameters back into the ``parameters`` cell, runs the notebook in a fresh sandboxed kernel
   (:mod:`.execute`), reads the answers back as data and compares them **in the grader's process**
   with the key;
4. write ``gradebook.csv`` (:mod:`.gradebook`), one feedback page per student (:mod:`.feedback`)
   and the class summary (:mod:`.summary`).
"""

from __future__ import annotations

import ast
import json
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from analysis.core.errors import InputError
from analysis.teaching.assignments import DEFAULT_OUT
from analysis.teaching.grading import key as keys
from analysis.teaching.grading.collect import Submission, read_submissions
from analysis.teaching.grading.execute import Limits, decode, run_submission
from analysis.teaching.grading.roster import read_roster

GRADED = "graded"
NOT_SUBMITTED = "not submitted"
# Names that reach into the exercise registry. Using them is flagged for a person to look at, not
# penalised: the scan reads names only (getattr with a string gets round it), and calling the kit's
# public helpers with one's own parameters is what the notebooks teach.
REGISTRY_NAMES = {"find_exercise", "evaluate", "_evaluate", "_REGISTERED", "_stored_entries", "answer_hash",
                  "make_entry", "_compare", "_Computed", "computed_entry", "solution_entry", "exercise_answers"}


@dataclass
class ExerciseResult:
    exercise_id: str
    points: float | None  # None: not graded (no answer exists with these parameters)
    max_points: float
    status: str  # correct, not yet, unanswered, unavailable, not run
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
    review: str = ""
    isolation: str = ""
    files: str = ""
    seconds: float = 0.0

    @property
    def total(self) -> float:
        return sum(e.points or 0 for e in self.exercises)

    @property
    def max_points(self) -> float:
        return sum(e.max_points for e in self.exercises if e.points is not None)


def judge(expected: dict, answer) -> tuple[str, str]:
    """(status, message) for one answer against the key's entry; the message never holds the answer."""
    from analysis.teaching import exercises as ex

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
    """The notebook to run: the submission's cells, with the roster's ``parameters`` cell put back in.

    It goes where the submission's own ``parameters`` cell was, or (none left) where the source has it.
    """
    tagged = [i for i, c in enumerate(nb.cells)
              if {"parameters", "injected-parameters"} & set(c.get("metadata", {}).get("tags", []))]
    cells = [c for i, c in enumerate(nb.cells) if i not in tagged]
    for cell in cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    source = entry.get("parameters_source")
    if source is not None:
        at = min(tagged[0] if tagged else spec.get("parameters_cell") or 0, len(cells))
        cells.insert(at, nbformat.v4.new_code_cell(source, metadata={"tags": ["parameters"]}))
    nb.cells = cells
    nb.metadata.pop("kernelspec", None)
    return nb


def registry_names_used(nb) -> list[str]:
    """Names in the submission's code that reach into the exercise registry (a flag for review, not proof).

    >>> nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("from analysis.teaching.exercises import find_exercise")])
    >>> registry_names_used(nb)
    ['find_exercise']
    """
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
            if name in REGISTRY_NAMES:
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
    names = registry_names_used(nb)
    if names:
        result.review = f"the code uses {', '.join(names)} (the exercise registry): look at how the answers were found"
    if execution.status != "ran":
        result.status = execution.status
        result.exercises = [ExerciseResult(e["exercise_id"], 0, e["points"], "not run",
                                           f"Not graded: {execution.status}.") for e in exercises]
        return result
    for exercise in exercises:
        expected = job.entry["expected"].get(exercise["exercise_id"], {"unavailable": True})
        status, message = judge(expected, decode(execution.answers.get(exercise["exercise_id"], {})))
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
    if by_metadata and by_file and by_metadata != by_file:
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


def local_pool(workers: int):
    """The default executor: ``workers`` processes on this machine (``spawn``: nothing inherited from the grader)."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    return ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn"))


def run_jobs(jobs: list[GradingJob], workers: int = 2, progress=None, *, executor=None) -> list[Result]:
    """Grade ``jobs``; one failure never stops the rest.

    ``executor``: anything with ``submit(function, job)`` returning a future with ``result()``
    (a ``concurrent.futures`` executor, a Dask ``distributed.Client``...), left open for the caller
    to close. Without one: :func:`grade_job` in this process when ``workers`` is 1, else a
    :func:`local_pool` of ``workers`` processes, closed at the end.
    """
    if not jobs:
        return []
    if executor is None and workers <= 1:
        return [_reported(grade_job(job), progress) for job in jobs]
    own = executor is None
    executor = local_pool(workers) if own else executor
    results = []
    try:
        futures = [(job, executor.submit(grade_job, job)) for job in jobs]
        for job, future in futures:
            try:
                result = future.result()
            except Exception as err:  # noqa: BLE001 - e.g. a worker that died
                result = Result(job.student_id, job.notebook, f"grader error: {type(err).__name__}")
            results.append(_reported(result, progress))
    finally:
        if own:
            executor.shutdown(wait=True, cancel_futures=True)
    return results


def _reported(result: Result, progress) -> Result:
    if progress:
        progress(result)
    return result


def check_out_folder(out: Path, submissions_path: Path) -> None:
    """Refuse an ``--out`` that is a file or sits inside the submissions folder (before anything runs)."""
    if out.exists() and not out.is_dir():
        raise InputError("--out", str(out), reason="is a file; give a folder for the gradebook and feedback",
                         suggestion="grades")
    if submissions_path.is_dir() and (out.resolve() == submissions_path.resolve()
                                      or submissions_path.resolve() in out.resolve().parents):
        raise InputError("--out", str(out), reason="is inside the submissions folder (its files would be graded next time)",
                         suggestion="grades")


def grade_class(submissions_path, roster_path, out, *, key_dir=None, limits: Limits | None = None, workers: int = 2,
                progress=None, executor=None) -> list[Result]:
    """Grade every submission; write gradebook.csv, feedback/<student>.html and summary.html into ``out``."""
    from analysis.teaching.grading.feedback import write_feedback
    from analysis.teaching.grading.gradebook import write_gradebook
    from analysis.teaching.grading.summary import write_summary

    out, submissions_path = Path(out), Path(submissions_path)
    check_out_folder(out, submissions_path)
    key = keys.read_key(Path(key_dir) if key_dir else DEFAULT_OUT / "grading-key")
    roster_ids = {s.student_id: s.name for s in read_roster(roster_path)}
    submissions = read_submissions(submissions_path, set(roster_ids))
    jobs, decided = plan(submissions, key, roster_ids, limits or Limits())
    results = run_jobs(jobs, workers, progress, executor=executor) + decided
    results.sort(key=lambda r: (r.student_id, r.notebook))
    out.mkdir(parents=True, exist_ok=True)
    write_gradebook(results, key, roster_ids, out / "gradebook.csv")
    write_feedback(results, key, roster_ids, out / "feedback")
    write_summary(results, key, out / "summary.html")
    return results
