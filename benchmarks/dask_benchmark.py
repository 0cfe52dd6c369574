"""The builder on Dask beside the local process pool, on the same machine in the same run.

Every build is the real command (``python -m analysis build --state ... --force``) in a fresh folder.
One round runs, in this order (the order is reversed every other round, so that a machine getting
busier or quieter does not favour one side):

1. the local pool, ``--jobs 2`` (what a user waits for, its worker processes and kernels included);
2. Dask end to end, ``--scheduler local:2``: the build starts its own ``LocalCluster`` (what a user of
   one machine waits for);
3. Dask on a cluster that is already running (``--scheduler tcp://...`` to a 2-worker ``LocalCluster``
   this script started before): the per-report figure **without the cluster's start-up**, which is
   how a real cluster is used; the workers' kernels still start inside the build, as the pool's do;
4. the same on a running 1-worker cluster: throughput with 1 and with 2 workers.

The cluster's start-up is printed on its own: the seconds this script waited for a 2-worker
``LocalCluster`` (its processes started and registered) and the difference between (2) and (3).

    .venv/bin/python benchmarks/dask_benchmark.py              # 10 state reports, HTML + PDF
    .venv/bin/python benchmarks/dask_benchmark.py --short      # 4 reports, HTML only: a quick look
    .venv/bin/python benchmarks/dask_benchmark.py --reports 12 --repeat 2

Figures are medians over ``--repeat`` rounds. The machine may be shared: the load average is printed
before and after every build, and beside its wall time the CPU seconds of each build (its process tree;
for a running cluster also its workers, their kernels and this script, which runs the scheduler).
"""

from __future__ import annotations

import argparse
import logging
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MEDCODING = [sys.executable, "-m", "analysis"]
STATES = ["CA", "TX", "NY", "FL", "OH", "WA", "GA", "IL", "PA", "AZ", "MA", "CO"]
TARGET = 1.15  # Dask within 15% of the local pool, per report


def load() -> str:
    return "{:.2f}".format(os.getloadavg()[0])


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def own_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def timed_build(states: list[str], formats: str, out: Path, *extra: str, cluster: "RunningCluster | None" = None) -> dict:
    """One build; its wall seconds, the CPU seconds of its process tree (and of ``cluster``'s scheduler and
    workers, with the kernels they ran), the load average before and after."""
    command = MEDCODING + ["build", "--state", ",".join(states), "--format", formats, "--force", "--no-progress",
                           "--out", str(out), *extra]
    before, cpu = load(), children_cpu() + (cluster.cpu() + own_cpu() if cluster else 0.0)
    started = time.perf_counter()
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    cpu = children_cpu() + (cluster.cpu() + own_cpu() if cluster else 0.0) - cpu
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    built = done.stdout.count("built")  # the summary names each report built
    return dict(seconds=seconds, cpu=cpu, load=f"{before}->{load()}", summary=done.stdout, built=built)


class RunningCluster:
    """A LocalCluster started by this script (timed), for builds that join it with ``--scheduler tcp://...``."""

    def __init__(self, workers: int):
        from distributed import Client, LocalCluster

        started = time.perf_counter()
        self.cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None,
                                    silence_logs=logging.ERROR)
        self.client = Client(self.cluster)
        self.client.wait_for_workers(workers)
        self.start_seconds = time.perf_counter() - started
        import psutil  # (a dependency of distributed)

        self.workers = [psutil.Process(pid) for pid in self.client.run(os.getpid).values()]

    def cpu(self) -> float:
        """CPU seconds of the workers so far, with their children that ended (the kernels a build stopped)."""
        times = [w.cpu_times() for w in self.workers]
        return sum(t.user + t.system + t.children_user + t.children_system for t in times)

    @property
    def address(self) -> str:
        return self.cluster.scheduler_address

    def close(self) -> None:
        self.client.close()
        self.cluster.close()


def one_round(states, formats, work: Path, round_number: int) -> dict:
    runs = {}

    def local_pool():
        runs["local pool, --jobs 2"] = timed_build(states, formats, work / f"local-{round_number}", "--jobs", "2")

    def dask_end_to_end():
        runs["Dask local:2, end to end"] = timed_build(states, formats, work / f"dask2-{round_number}",
                                                       "--scheduler", "local:2")

    def dask_running(workers):
        def run():
            cluster = RunningCluster(workers)
            try:
                result = timed_build(states, formats, work / f"running{workers}-{round_number}", "--scheduler", cluster.address,
                                     cluster=cluster)
                result["cluster_start"] = cluster.start_seconds
                runs[f"Dask, running {workers}-worker cluster"] = result
            finally:
                cluster.close()
        return run

    order = [local_pool, dask_end_to_end, dask_running(2), dask_running(1)]
    for run in order if round_number % 2 == 0 else reversed(order):
        run()
    return runs


def same_html(work: Path, states, round_number: int) -> bool:
    local = work / f"local-{round_number}" / "states"
    return all((local / f"{s}.html").read_bytes() == (work / f"{name}-{round_number}" / "states" / f"{s}.html").read_bytes()
               for s in states for name in ("dask2", "running2", "running1"))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=int, default=10, help=f"state reports per build (default 10, at most {len(STATES)})")
    parser.add_argument("--format", default="html,pdf", help="formats built (default html,pdf, as the local comparison of "
                        "build_benchmark.py)")
    parser.add_argument("--repeat", type=int, default=1, help="rounds; figures are medians (default 1)")
    parser.add_argument("--short", action="store_true", help="a quick look while developing: 4 reports, HTML only, one round")
    args = parser.parse_args(argv)
    if args.short:
        args.reports, args.format, args.repeat = 4, "html", 1
    states = STATES[: max(1, min(args.reports, len(STATES)))]
    n = len(states)
    print(f"machine: {os.cpu_count()} CPUs, load average {load()} (1 min); {n} state reports, {args.format}, --force, "
          f"{args.repeat} round(s)", flush=True)
    rounds = []
    with tempfile.TemporaryDirectory(prefix="medcoding-dask-bench-") as work:
        work = Path(work)
        for number in range(args.repeat):
            rounds.append(one_round(states, args.format, work, number))
            if not same_html(work, states, number):
                print(f"round {number + 1}: the HTML differs between Dask and the local pool", file=sys.stderr)
                return 1
            print(f"round {number + 1} done, load {load()}", flush=True)

    def median(name, field="seconds"):
        return statistics.median(r[name][field] for r in rounds)

    print()
    print(f"{'build':<34} {'wall s':>7} {'s/report':>9} {'reports/min':>12} {'CPU s':>7}  load before->after (last round)")
    for name in rounds[0]:
        seconds = median(name)
        print(f"{name:<34} {seconds:7.1f} {seconds / n:9.2f} {60 * n / seconds:12.1f} {median(name, 'cpu'):7.1f}  "
              f"{rounds[-1][name]['load']}")
    local = median("local pool, --jobs 2")
    running2, running1 = median("Dask, running 2-worker cluster"), median("Dask, running 1-worker cluster")
    end_to_end = median("Dask local:2, end to end")
    start = statistics.median(r["Dask, running 2-worker cluster"]["cluster_start"] for r in rounds)
    print()
    print(f"cluster start-up: a 2-worker LocalCluster took {start:.1f} s to start here; inside a build, "
          f"end to end minus running cluster = {end_to_end - running2:+.1f} s")
    for label, dask in (("without start-up (running cluster)", running2), ("end to end (local:2)", end_to_end)):
        ratio = dask / local
        print(f"Dask / local pool, per report, {label}: {ratio:.2f} "
              f"(target <= {TARGET}: {'met' if ratio <= TARGET else 'not met'})")
    print(f"Dask throughput, running clusters: 1 worker {60 * n / running1:.1f} reports/min, 2 workers "
          f"{60 * n / running2:.1f} reports/min ({running1 / running2:.2f}x)")
    print(f"HTML byte-identical (Dask vs local pool): yes; load average after {load()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
