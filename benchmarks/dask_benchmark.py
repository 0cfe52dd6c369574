"""The builder on Dask beside the local process pool, on the same machine in the same run.

Each run is the real command (``medcoding build --state ... --format html --force``) in a fresh folder, so
it includes what a user waits for: for Dask, starting the ``LocalCluster`` and its workers' kernels too.
Printed: seconds per report for the local pool (``--jobs 2``) and Dask (``--scheduler local:2``), their
ratio (target: Dask within 15%), and Dask's throughput with 1 and 2 workers (reports a minute).

    .venv/bin/python benchmarks/dask_benchmark.py --reports 6

The machine may be shared: the load average before and after is printed with the figures.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MEDCODING = [sys.executable, "-m", "analysis"]
STATES = ["CA", "TX", "NY", "FL", "OH", "WA", "GA", "IL", "PA", "AZ", "MA", "CO"]


def timed_build(states: list[str], out: Path, *extra: str) -> float:
    command = MEDCODING + ["build", "--state", ",".join(states), "--format", "html", "--force", "--no-progress",
                           "--out", str(out), *extra]
    started = time.perf_counter()
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    return seconds


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=int, default=6, help="state reports per build (default 6)")
    args = parser.parse_args(argv)
    states = STATES[: args.reports]
    n = len(states)
    print(f"machine: {os.cpu_count()} CPUs; load before {os.getloadavg()[0]:.1f}; {n} state reports, HTML, --force")
    with tempfile.TemporaryDirectory(prefix="medcoding-dask-bench-") as work:
        work = Path(work)
        rows = {
            "local pool, --jobs 2": timed_build(states, work / "local2", "--jobs", "2"),
            "Dask local:2": timed_build(states, work / "dask2", "--scheduler", "local:2"),
            "Dask local:1": timed_build(states, work / "dask1", "--scheduler", "local:1"),
        }
        same = all((work / "local2" / "states" / f"{s}.html").read_bytes() == (work / "dask2" / "states" / f"{s}.html").read_bytes()
                   for s in states)
    print(f"{'run':<22} {'seconds':>8} {'s/report':>9} {'reports/min':>12}")
    for name, seconds in rows.items():
        print(f"{name:<22} {seconds:8.1f} {seconds / n:9.2f} {60 * n / seconds:12.1f}")
    ratio = rows["Dask local:2"] / rows["local pool, --jobs 2"]
    print(f"Dask local:2 / local pool per report: {ratio:.2f} (target <= 1.15: {'met' if ratio <= 1.15 else 'not met'})")
    print(f"Dask throughput 2 workers / 1 worker: {rows['Dask local:1'] / rows['Dask local:2']:.2f}x")
    print(f"HTML byte-identical (Dask vs local pool): {same}; load after {os.getloadavg()[0]:.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
