"""How fast is ``medcoding grade``? Seconds per submission on the local process pool and on a 2-worker Dask
LocalCluster, in one run.

Assigns a notebook (default ``01_salary_by_state.ipynb``) to ``--count`` synthetic students (default 200;
states round-robin), makes each a submission from the instructor key with that student's parameters (so
every one earns full marks, which the benchmark checks), and grades the class twice with ``--jobs``
workers (default 2): on the grader's local process pool, then on a Dask ``LocalCluster`` (the
executor ``medcoding grade --scheduler dask`` uses: a ``distributed.Client``). The cluster's start-up is
timed on its own, outside the per-submission figure. The baseline, in the same run: the same notebook
executed ``--baseline`` times by plain nbclient (no sandbox, no limits, no grading), so the ratio shows
what grading safely costs over just running the notebook.

    .venv/bin/python benchmarks/grade_benchmark.py                 # 200 submissions, both executors
    .venv/bin/python benchmarks/grade_benchmark.py --short         # 8 submissions: a quick look

The machine may be shared: the load average (1 min) is printed before and after each part.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
# The kit, nbformat and nbclient are imported inside the functions: pool and Dask worker processes are
# spawned, and a spawned process imports this file again (as __mp_main__) before its first job.


def load() -> str:
    return f"{os.getloadavg()[0]:.2f}"


def make_class(work: Path, notebook: str, count: int) -> None:
    """``count`` students, each handing in the instructor key with their own parameters."""
    import nbformat

    from analysis.teaching.grading import assign, key as keys

    (work / "notebooks").mkdir()
    shutil.copy(ROOT / "notebooks" / notebook, work / "notebooks" / notebook)
    (work / "roster.csv").write_text("student_id,name\n" + "".join(f"b{i:03d},Student {i}\n" for i in range(count)))
    assign.write_assignments(work / "roster.csv", source=work / "notebooks", out=work / "dist", assign="round-robin")
    key = json.loads((work / "dist" / "grading-key" / "key.json").read_text())
    instructor = nbformat.read(work / "dist" / "instructor" / notebook, as_version=4)
    index = keys.parameters_cell_index(instructor)
    for sid, entry in key["students"].items():
        nb = nbformat.from_dict(json.loads(json.dumps(instructor)))
        if index is not None:
            nb.cells[index].source = entry["notebooks"][notebook]["parameters_source"]
        (work / "subs" / sid).mkdir(parents=True)
        nbformat.write(nb, work / "subs" / sid / notebook)


def grade_once(work: Path, out: str, jobs: int, executor=None) -> tuple[float, int]:
    """(seconds, submissions with full marks) for grading the class into ``work/out``."""
    from analysis.teaching.grading import grade
    from analysis.teaching.grading.execute import Limits

    started = time.perf_counter()
    results = grade.grade_class(work / "subs", work / "roster.csv", work / out, key_dir=work / "dist" / "grading-key",
                                limits=Limits(timeout=600), workers=jobs, executor=executor)
    seconds = time.perf_counter() - started
    return seconds, sum(r.status == "graded" and r.total == r.max_points for r in results)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--count", type=int, default=200, help="synthetic submissions (default 200)")
    parser.add_argument("--jobs", type=int, default=2, help="workers: pool processes and Dask workers (default 2)")
    parser.add_argument("--notebook", default="01_salary_by_state.ipynb")
    parser.add_argument("--baseline", type=int, default=2, help="plain nbclient runs for the baseline (default 2)")
    parser.add_argument("--short", action="store_true", help="a quick look while developing: 8 submissions, 1 baseline run")
    args = parser.parse_args(argv)
    if args.short:
        args.count, args.baseline = 8, 1
    import nbformat
    from nbclient import NotebookClient

    from analysis.cli import GRADING_SCHEDULERS  # the executor `medcoding grade --scheduler dask` uses

    work = Path(tempfile.mkdtemp(prefix="grade-bench-"))
    try:
        make_class(work, args.notebook, args.count)
        print(f"machine: {os.cpu_count()} CPUs; notebook {args.notebook}, {args.count} submissions, {args.jobs} workers",
              flush=True)

        before = load()
        started = time.perf_counter()
        for _ in range(args.baseline):
            nb = nbformat.read(work / "dist" / "instructor" / args.notebook, as_version=4)
            NotebookClient(nb, kernel_name="python3", timeout=600, resources={"metadata": {"path": str(work)}}).execute()
        baseline = (time.perf_counter() - started) / args.baseline
        rows = [("plain nbclient run, 1 at a time", baseline, None, f"{before}->{load()}", f"{args.baseline} runs")]

        before = load()
        seconds, full = grade_once(work, "grades-local", args.jobs)
        rows.append(("medcoding grade, local pool", seconds / args.count, full, f"{before}->{load()}", f"{seconds:.0f} s in all"))

        before = load()
        started = time.perf_counter()
        with GRADING_SCHEDULERS["dask"](args.jobs) as client:
            client.wait_for_workers(args.jobs)
            cluster_start = time.perf_counter() - started
            seconds, dask_full = grade_once(work, "grades-dask", args.jobs, executor=client)
        rows.append((f"medcoding grade, Dask LocalCluster of {args.jobs}", seconds / args.count, dask_full,
                     f"{before}->{load()}", f"{seconds:.0f} s in all; cluster start-up {cluster_start:.1f} s not included "
                     f"({(seconds + cluster_start) / args.count:.2f} s a submission with it; the local pool's start is "
                     "in its own figure)"))

        print(f"{'run':<40} {'s/submission':>13} {'x baseline':>11} {'full marks':>11}  load before->after; notes")
        for name, per, marks, loads, note in rows:
            print(f"{name:<40} {per:13.2f} {per / baseline:11.2f} {'' if marks is None else f'{marks}/{args.count}':>11}  "
                  f"{loads}; {note}")
        print(f"Dask / local pool, per submission: {rows[2][1] / rows[1][1]:.2f}")
        return 0 if full == dask_full == args.count else 1
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
