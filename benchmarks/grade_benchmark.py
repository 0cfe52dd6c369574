"""How fast is ``medcoding grade``? Seconds per submission on the local process pool.

Assigns a notebook (default ``01_salary_by_state.ipynb``) to ``--count`` synthetic students (default
200; states round-robin), makes each a submission from the instructor key with that student's
parameters (so every one earns full marks, which the benchmark checks), grades them all with
``--jobs`` workers, and prints seconds per submission. The baseline, in the same run: the same
notebook executed ``--baseline`` times by plain nbclient (no sandbox, no limits, no grading), so the
ratio shows what grading safely costs over just running the notebook.

    .venv/bin/python benchmarks/grade_benchmark.py --count 200 --jobs 2

A 2-worker Dask LocalCluster line is still to come: ``grade_class(executor=...)`` takes a
``distributed.Client`` as it is, and ``medcoding grade --scheduler`` names it in ``analysis.cli``.
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

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from analysis.teaching.grading import assign, grade, key as keys  # noqa: E402
from analysis.teaching.grading.execute import Limits  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--count", type=int, default=200)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--notebook", default="01_salary_by_state.ipynb")
    parser.add_argument("--baseline", type=int, default=2)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="grade-bench-"))
    try:
        (work / "notebooks").mkdir()
        shutil.copy(ROOT / "notebooks" / args.notebook, work / "notebooks" / args.notebook)
        (work / "roster.csv").write_text("student_id,name\n" + "".join(f"b{i:03d},Student {i}\n" for i in range(args.count)))
        assign.write_assignments(work / "roster.csv", source=work / "notebooks", out=work / "dist", assign="round-robin")
        key = json.loads((work / "dist" / "grading-key" / "key.json").read_text())
        instructor = nbformat.read(work / "dist" / "instructor" / args.notebook, as_version=4)
        index = keys.parameters_cell_index(instructor)
        for sid, entry in key["students"].items():
            nb = nbformat.from_dict(json.loads(json.dumps(instructor)))
            if index is not None:
                nb.cells[index].source = entry["notebooks"][args.notebook]["parameters_source"]
            (work / "subs" / sid).mkdir(parents=True)
            nbformat.write(nb, work / "subs" / sid / args.notebook)
        load_before = os.getloadavg()

        started = time.perf_counter()
        for _ in range(args.baseline):
            nb = nbformat.read(work / "dist" / "instructor" / args.notebook, as_version=4)
            NotebookClient(nb, kernel_name="python3", timeout=600, resources={"metadata": {"path": str(work)}}).execute()
        baseline = (time.perf_counter() - started) / args.baseline

        started = time.perf_counter()
        results = grade.grade_class(work / "subs", work / "roster.csv", work / "grades", key_dir=work / "dist" / "grading-key",
                                    limits=Limits(timeout=600), workers=args.jobs)
        elapsed = time.perf_counter() - started
        full = sum(r.status == "graded" and r.total == r.max_points for r in results)
        per = elapsed / args.count
        print(f"notebook {args.notebook}, {args.count} submissions, {args.jobs} workers (local pool)")
        print(f"plain nbclient run, 1 at a time:  {baseline:6.2f} s per notebook (baseline, {args.baseline} runs)")
        print(f"medcoding grade, local pool:      {per:6.2f} s per submission ({elapsed:.0f} s in all); "
              f"ratio to baseline {per / baseline:.2f}")
        print(f"full marks: {full} of {args.count} (every submission is the key, so all should be)")
        print(f"load average before {load_before[0]:.2f}, after {os.getloadavg()[0]:.2f} (machine may be shared)")
        return 0 if full == args.count else 1
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
