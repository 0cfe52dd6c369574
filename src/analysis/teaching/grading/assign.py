"""``medcoding assignments --roster roster.csv``: one notebook per student and assignment, and the private key.

For every source notebook with graded exercises and every student on the roster it writes
``<out>/student/<student_id>/<notebook>.ipynb``: the student version (solutions removed) with the
student's parameters in its ``parameters`` cell, and each graded exercise's check cell replaced by a
note: graded exercises are graded after hand-in, so the notebook does not check them and holds no
hash of their answers (the installed kit still does for the parameter-independent ones, and its
public helpers compute the others: see docs/instructor-guide.md). Practice exercises (points 0) keep
their self-check. The key goes to ``<out>/grading-key/key.json`` (or ``--key DIR``), outside
``<out>/student/``; keep it private. Making it runs the instructor version of each notebook with
parameter-independent graded exercises once, in a sandboxed kernel (:mod:`.key`). When the kit's answers
file holds hashes of graded answers, ``<out>/student-kit/exercise_answers.json`` is the same file without
them, for the copy of the kit the students run (:func:`write_student_kit_answers`).

Usage::

    medcoding assignments --roster roster.csv [--assign-states round-robin|random --seed N]
                          [--notebooks 01_salary_by_state,02_job_outlook] [--out dist] [--key DIR]
"""

from __future__ import annotations

import argparse
import copy
import json
import sys
from pathlib import Path

import nbformat

from analysis.core.errors import AnalysisError, InputError, closest
from analysis.core.topics import notebook_topic
from analysis.teaching.assignments import DEFAULT_OUT, SOURCE_DIR, AssignmentUsageError, make_versions, write_versions
from analysis.teaching.grading import key as keys
from analysis.teaching.grading.roster import ASSIGN_STATES, RosterError, assign_states, read_roster

GRADED_NOTE = ("**Graded after you hand in** (`{id}`, {points}): keep your answer in `{answer}`. This exercise "
               "does not check itself: your instructor grades it from the notebook you hand in.")


def _points_text(points: float) -> str:
    return f"{points:g} point" + ("" if points == 1 else "s")


def personalise(student_nb, source_nb, name: str, student_id: str, parameters_text: str | None) -> nbformat.NotebookNode:
    """A student's own copy: their parameters in, graded check cells replaced by a note."""
    nb = copy.deepcopy(student_nb)
    index = keys.parameters_cell_index(nb)
    if index is not None and parameters_text is not None:
        nb.cells[index].source = parameters_text
    graded = {e.exercise_id: e for e in keys.graded_exercises(source_nb)}
    for i, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        ids = [e for e in graded if f'check("{e}"' in cell.source or f"check('{e}'" in cell.source]
        if ids:
            exercise = graded[ids[0]]
            note = GRADED_NOTE.format(id=exercise.exercise_id, points=_points_text(exercise.points), answer=exercise.answer)
            nb.cells[i] = nbformat.v4.new_markdown_cell(note, metadata={"tags": cell.metadata.get("tags", [])})
    nb.metadata["medcoding"] = {**nb.metadata.get("medcoding", {}), "student_id": student_id}
    return nb


def write_assignments(roster_path, *, source=None, out=None, key_dir=None, notebooks=None, assign=None, seed=0):
    """Write the personalised notebooks and the key; return (students, notebook names, key path)."""
    source = Path(source) if source else SOURCE_DIR
    out = Path(out) if out else DEFAULT_OUT
    key_dir = Path(key_dir) if key_dir else out / "grading-key"
    student_root = out / "student"
    if key_dir.resolve() == student_root.resolve() or student_root.resolve() in key_dir.resolve().parents:
        raise InputError("--key", str(key_dir), reason="the private key must not be inside the students' folder "
                         f"{student_root}", suggestion=str(out / "grading-key"))
    if key_dir.exists() and not key_dir.is_dir():
        raise InputError("--key", str(key_dir), reason="is a file; give a folder for the private key",
                         suggestion=str(out / "grading-key"))
    students = read_roster(roster_path, keys.known_parameter_names())
    if assign:
        students = assign_states(students, assign, seed=seed)
    everything = make_versions(source, out)  # every notebook checked (solution markers, leaks); nothing written yet
    versions = {v.name: v for v in everything}
    sources = {name: nbformat.read(source / name, as_version=4) for name in versions}
    gradable = [name for name in versions if keys.graded_exercises(sources[name])]
    if notebooks:
        wanted = [n.strip() for n in notebooks.split(",") if n.strip()]
        chosen = []
        for wanted_name in wanted:
            match = [n for n in gradable if n == wanted_name or n.removesuffix(".ipynb") == wanted_name
                     or notebook_topic(n) == wanted_name]
            if not match:
                raise InputError("--notebooks", wanted_name, allowed=gradable, suggestion=closest(wanted_name, gradable))
            chosen += match
        gradable = list(dict.fromkeys(chosen))
    key = keys.new_key({name: keys.notebook_spec(sources[name], name) for name in gradable})
    # Everything is computed before anything is written, so a bad roster value leaves no half-written class.
    # Parameter-independent answers come from running the solutions once per notebook (not from the kit's hashes).
    from_solution = {name: keys.solution_entries(versions[name].instructor, name,
                                                 [e for e in keys.graded_exercises(sources[name])
                                                  if not keys.depends_on_parameters(e.exercise_id)])
                     for name in gradable}
    planned = []
    for student in students:
        entry = {"name": student.name, "notebooks": {}}
        for name in gradable:
            values = keys.student_parameters(name, student.parameters)
            declared = keys.notebook_parameters(name)
            p = declared.check(values) if declared is not None else None
            index = keys.parameters_cell_index(versions[name].student)
            text = (keys.parameters_source(versions[name].student.cells[index].source, values)
                    if index is not None else None)
            expected = {e.exercise_id: from_solution[name][e.exercise_id] if e.exercise_id in from_solution[name]
                        else keys.computed_entry(e.exercise_id, p) for e in keys.graded_exercises(sources[name])}
            entry["notebooks"][name] = {"parameters": values, "parameters_source": text, "expected": expected}
            planned.append((student.student_id, name,
                            personalise(versions[name].student, sources[name], name, student.student_id, text)))
        key["students"][student.student_id] = entry
    write_versions(everything, out)  # the shared student/ and instructor/ versions, as `medcoding assignments` writes
    for student_id, name, nb in planned:
        folder = student_root / student_id
        folder.mkdir(parents=True, exist_ok=True)
        nbformat.write(nb, folder / name)
    write_student_kit_answers([e.exercise_id for name in gradable for e in keys.graded_exercises(sources[name])], out)
    return students, gradable, keys.write_key(key, key_dir)


STUDENT_KIT = "student-kit"


def write_student_kit_answers(graded_ids: list[str], out: Path) -> tuple[Path, list[str]] | None:
    """The kit's answers file without the entries of ``graded_ids``, as ``<out>/student-kit/exercise_answers.json``
    (for the copy of the kit students run), and the ids left out; None when the kit holds none of them.

    The kit's own file keeps every parameter-independent answer's salted hash, for the self-checks; a hash
    of a graded answer lets a student test guesses (51 for a state) instead of working it out. The grader
    never needs those hashes (its key comes from the solutions), so students' kits can go without them.
    """
    from analysis.teaching.exercises import ANSWERS_FILE

    document = json.loads(ANSWERS_FILE.read_text(encoding="utf-8"))
    left_out = sorted(set(graded_ids) & set(document.get("exercises", {})))
    if not left_out:
        return None
    kept = {k: v for k, v in document["exercises"].items() if k not in left_out}
    about = (f"{document.get('about', '')} Written by `medcoding assignments --roster` for the students' copy of the kit: "
             f"the entries of the graded exercises {', '.join(left_out)} are left out.").strip()
    path = Path(out) / STUDENT_KIT / ANSWERS_FILE.name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"about": about, "exercises": kept}, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    return path, left_out


def make_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="medcoding assignments",
        description="Write student notebooks (solutions removed) and an instructor key. With --roster: one "
                    "notebook per student and assignment with the student's parameters, and a private grading key.")
    parser.add_argument("--source", default=None, help="folder of source notebooks (default: notebooks/)")
    parser.add_argument("--out", default=None, help="output folder (default: dist/)")
    parser.add_argument("--roster", required=True, metavar="CSV",
                        help="class list: student_id,name then optional parameter columns (e.g. state)")
    parser.add_argument("--assign-states", choices=ASSIGN_STATES, default=None,
                        help="give students without a state one: in turn, or at random (see --seed)")
    parser.add_argument("--seed", type=int, default=0, help="seed for --assign-states random (default 0)")
    parser.add_argument("--notebooks", default=None, metavar="A,B",
                        help="only these notebooks (default: every notebook with graded exercises)")
    parser.add_argument("--key", default=None, metavar="DIR",
                        help="folder for the private grading key (default: <out>/grading-key)")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = make_parser().parse_args(argv)
    try:
        students, notebooks, key_path = write_assignments(args.roster, source=args.source, out=args.out,
                                                          key_dir=args.key, notebooks=args.notebooks,
                                                          assign=args.assign_states, seed=args.seed)
    except AnalysisError as err:
        print(f"error: {err}", file=sys.stderr)
        print("Nothing was written for the students.", file=sys.stderr)
        return 2 if isinstance(err, (InputError, AssignmentUsageError, RosterError)) else 1
    out = Path(args.out) if args.out else DEFAULT_OUT
    print(f"Wrote {len(students) * len(notebooks)} personalised notebooks ({len(students)} students x "
          f"{len(notebooks)} notebooks: {', '.join(notebooks)}) to {out / 'student'}/<student_id>/.")
    print(f"Private grading key: {key_path} (do not hand it out; `medcoding grade` reads it).")
    from analysis.teaching.exercises import ANSWERS_FILE

    written = json.loads(Path(key_path).read_text(encoding="utf-8"))
    graded = {e["exercise_id"] for spec in written["notebooks"].values() for e in spec["exercises"]}
    hashed = sorted(graded & set(json.loads(ANSWERS_FILE.read_text(encoding="utf-8")).get("exercises", {})))
    if hashed:
        print(f"Note: the kit's {ANSWERS_FILE.name} holds salted hashes of graded answers ({', '.join(hashed)}), which "
              f"a student could test guesses against. In the copy of the kit your students run, replace "
              f"src/analysis/teaching/{ANSWERS_FILE.name} with {out / STUDENT_KIT / ANSWERS_FILE.name}, the same "
              "without them (README: grading).")
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
