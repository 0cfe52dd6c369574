"""How fast is ``medcoding build``? Five measurements on the same machine, in the same run.

1. **cold**: every report (51 states + the topic notebooks + the index), HTML and PDF, from nothing, timed
   with only its CPU sampled; then the same cold build again, sampled for peak memory (which costs CPU);
2. **no change**: the same command again (target: under 0.2 s in all);
3. **one state's data changed**, on a copy of ``data/`` (``MEDCODING_DATA_DIR``; the real data is never
   touched): (a) a file touched without changing it, (b) Texas's employment changed in the BLS May 2024
   state file, (c) one row of the certification salary surveys changed. The benchmark prints what each
   rebuilt and why;
4. **the naive loop** a user would write, on ``--naive N`` state reports (default 6), per report:
   ``papermill`` CLI, then ``jupyter nbconvert --to html`` CLI, then a PDF. ``jupyter nbconvert --to
   webpdf`` cannot run here: it drives playwright's own Chromium, which is not downloaded (it fails
   with "No suitable chromium executable found"; the kit never downloads one), and it takes no path to
   another browser. So the naive PDF is the Chromium CLI (``--headless --print-to-pdf``, the browser the
   build prints with: :func:`~analysis.export.chromium.find_chromium`, Chromium's headless shell where it is
   installed) on the nbconvert HTML, the cheapest PDF a user can get (its charts would not draw offline:
   nbconvert's page loads Vega from a CDN; it is a lower bound of the naive cost).

5. **one report** rebuilt (``--state TX --force``, as after an edit), HTML + PDF and HTML only, cold
   (``--keep-warm 0``) and served by the warm builder (:mod:`analysis.build.warm`) that an earlier build
   left, beside plain ``papermill`` on the same notebook (runs alternated, median of ``--repeat``).

It ends with a table (machine named: nproc and CPU model) of the figures and targets the README's
speed section shows. It prints seconds per report, the ratio naive / builder, and the peak memory of the build
(from the second cold build): the sum of the proportional set size (PSS, shared pages split between processes)
of every process in the build's tree (main, workers, kernels, browsers), sampled every 0.1 s from ``/proc``; RSS
summed the same way is shown too (it counts shared pages more than once).

    .venv/bin/python benchmarks/build_benchmark.py --jobs 2 --naive 6
    .venv/bin/python benchmarks/build_benchmark.py --states 6 --naive 2 --repeat 2   # a short run, while developing

Results are also written to ``benchmarks/results/build-<time>.json``. The machine may be shared; the
load average before and after is printed with the figures.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
NAIVE_STATES = ["CA", "TX", "NY", "FL", "DC", "OH", "WA", "MS", "AL", "VT"]
BLS_2024 = "evidence/bls_oews_may2024_state_29-2072.csv"
SURVEYS = "evidence/certification_salary_surveys.csv"


# ---------------------------------------------------------------------------------------------- memory


def _tree(pid: int) -> list[int]:
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        try:
            tasks = list(Path(f"/proc/{current}/task").iterdir())
        except OSError:  # the process has just ended
            continue
        for task in tasks:
            try:
                todo += [int(c) for c in (task / "children").read_text().split()]
            except OSError:
                pass
    return found


def _kind(pid: int) -> str:
    try:
        command = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return "gone"
    for needle, kind in (("ipykernel_launcher", "kernel"), ("spawn_main", "worker"), ("resource_tracker", "worker"),
                         ("chrom", "chromium"), ("playwright/driver", "playwright driver")):
        if needle in command:
            return kind
    return "main"


def _memory(pid: int) -> tuple[int, int]:
    """(PSS, RSS) in bytes of one process."""
    pss = rss = 0
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                pss = int(line.split()[1]) * 1024
            elif line.startswith("Rss:"):
                rss = int(line.split()[1]) * 1024
    except OSError:
        pass
    return pss, rss


_TICK = os.sysconf("SC_CLK_TCK")


def _cpu_seconds(pid: int) -> tuple[tuple[int, int], float] | None:
    """((pid, start time), CPU seconds so far) of one process, from /proc/PID/stat."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (pid, int(fields[19])), (int(fields[11]) + int(fields[12])) / _TICK


class TreeSampler:
    """Samples a process tree until stopped: the CPU time of every process in it (a timeline of how many cores
    the tree kept busy) and, with ``memory``, its summed PSS and RSS (keeps the peaks and the largest tree).

    Reading a process's PSS (``smaps_rollup``) makes the kernel walk its page tables: sampling the build's ~20
    processes every 0.1 s took ~12% of the 2 cores, and slowed the build it measured by 15-20% (a cold build of
    the 51 state reports: 43-45 s sampled, 34-38 s not). So the timed cold build samples CPU only, and the peak
    memory comes from a cold build of its own."""

    def __init__(self, pid: int, every: float = 0.1, memory: bool = False):
        self.pid, self.every, self.memory = pid, every, memory
        self.peak_pss = self.peak_rss = self.most_processes = 0
        self.at_peak: dict[str, int] = {}
        self.cpu_by_process: dict[tuple[int, int], float] = {}
        self.timeline: list[tuple[float, float]] = []  # (seconds since start, CPU seconds of the tree so far)
        self._started = time.perf_counter()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self):
        while not self._stop.is_set():
            try:
                self._sample()
            except Exception:  # a process ending mid-sample: the next sample will do
                pass
            self._stop.wait(self.every)

    def _sample(self):
        pids = _tree(self.pid)
        pss = rss = 0
        kinds: dict[str, int] = {}
        for pid in pids:
            found = _cpu_seconds(pid)
            if found is not None:
                self.cpu_by_process[found[0]] = max(found[1], self.cpu_by_process.get(found[0], 0.0))
        self.timeline.append((time.perf_counter() - self._started, sum(self.cpu_by_process.values())))
        if not self.memory:
            return
        for pid in pids:
            p, r = _memory(pid)
            pss, rss = pss + p, rss + r
            kind = _kind(pid)
            kinds[kind] = kinds.get(kind, 0) + p
        if pss > self.peak_pss:
            self.at_peak = kinds
        self.peak_pss, self.peak_rss = max(self.peak_pss, pss), max(self.peak_rss, rss)
        self.most_processes = max(self.most_processes, len(pids))

    def stop(self):
        self._stop.set()
        self._thread.join()

    def busy_by_part(self, parts: int = 10) -> list[float]:
        """Cores kept busy (CPU seconds per second) in each of ``parts`` equal parts of the run: a build that
        keeps both cores busy to its end shows no drop in its last parts."""
        if len(self.timeline) < 2:
            return []
        end = self.timeline[-1][0]
        shares = []
        for part in range(parts):
            start, stop = end * part / parts, end * (part + 1) / parts
            inside = [cpu for t, cpu in self.timeline if start <= t <= stop]
            shares.append((inside[-1] - inside[0]) / (stop - start) if len(inside) > 1 else 0.0)
        return shares


# ---------------------------------------------------------------------------------------------- runs


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _machine_busy() -> tuple[int, int]:
    """(busy, all) CPU ticks of the whole machine so far, from /proc/stat (busy: neither idle nor iowait)."""
    ticks = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    return sum(ticks) - ticks[3] - ticks[4], sum(ticks)


def run(command: list[str], env: dict, *, watch: str | None = None, cwd: Path | None = None) -> dict:
    """Run ``command``; its time and CPU. ``watch``: "cpu" samples its process tree's CPU, "memory" its memory too."""
    cpu, machine_before = _cpu(), _machine_busy()
    started = time.perf_counter()
    process = subprocess.Popen(command, env=env, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    sampler = TreeSampler(process.pid, memory=watch == "memory") if watch else None
    out, err = process.communicate()
    seconds = time.perf_counter() - started
    if sampler:
        sampler.stop()
    if process.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed ({process.returncode}):\n{out}\n{err}")
    # CPU seconds of the whole finished process tree (each process waits for its children), which the
    # other users of a shared machine do not change much, unlike the wall-clock time.
    machine_after = _machine_busy()
    result = {"seconds": seconds, "cpu_seconds": _cpu() - cpu, "stdout": out, "stderr": err,
              "machine_busy": (machine_after[0] - machine_before[0]) / max(1, machine_after[1] - machine_before[1])}
    if sampler:
        result.update(busy_by_tenth=sampler.busy_by_part(10), tree_cpu_seconds=sampler.timeline[-1][1] if sampler.timeline else 0.0)
    if sampler and sampler.memory:
        result.update(peak_pss=sampler.peak_pss, peak_rss=sampler.peak_rss, processes=sampler.most_processes, at_peak=sampler.at_peak)
    return result


def manifest_outputs(out: Path) -> dict[str, dict]:
    return json.loads((out / ".build-manifest.json").read_text())["reports"]


def rebuilt_since(before: dict, out: Path) -> list[str]:
    after = manifest_outputs(out)
    return sorted(k for k, v in after.items() if before.get(k, {}).get("outputs") != v.get("outputs"))


#: The reports the cold build and the rebuilds after it build: all (an empty selection), or fewer (``--states N``).
SELECTION: list[str] = []


def build(out: Path, env: dict, jobs: int, *extra: str, watch: str | None = None) -> dict:
    """``medcoding build`` of ``extra`` (by default :data:`SELECTION`) into ``out``: its time and what it rebuilt
    (``watch``: as :func:`run` takes it)."""
    before = manifest_outputs(out) if (out / ".build-manifest.json").exists() else {}
    result = run([str(BIN / "medcoding"), "build", "--out", str(out), "--jobs", str(jobs), "--no-progress",
                  *(extra or SELECTION)], env, watch=watch)
    result["rebuilt"] = rebuilt_since(before, out)
    result["summary"] = result["stdout"].strip().splitlines()[0] if result["stdout"].strip() else ""
    return result


def naive(states: list[str], work: Path, env: dict, chromium: str | None) -> dict:
    """The loop a user would write: three command-line programs per report."""
    steps = {"papermill": 0.0, "nbconvert html": 0.0, "pdf": 0.0}
    started, cpu = time.perf_counter(), _cpu()
    for abbr in states:
        executed, html, pdf = work / f"{abbr}.ipynb", work / f"{abbr}.html", work / f"{abbr}.pdf"
        steps["papermill"] += run([str(BIN / "papermill"), str(REPO / "notebooks" / "state_report.ipynb"), str(executed),
                                   "-p", "state", abbr, "--no-progress-bar", "--log-level", "WARNING"], env)["seconds"]
        steps["nbconvert html"] += run([str(BIN / "jupyter"), "nbconvert", "--to", "html", "--no-input",
                                        str(executed), "--output", html.name], env, cwd=work)["seconds"]
        if chromium:
            steps["pdf"] += run([chromium, "--headless", "--no-sandbox", "--disable-gpu", f"--print-to-pdf={pdf}",
                                 "--no-pdf-header-footer", html.resolve().as_uri()], env)["seconds"]
    total = time.perf_counter() - started
    return {"reports": len(states), "seconds": total, "per_report": total / len(states),
            "cpu_per_report": (_cpu() - cpu) / len(states),
            "steps_per_report": {k: v / len(states) for k, v in steps.items()}}


def _tree_cpu(pid: int) -> float:
    """CPU seconds used so far by a running process tree (the warm builder, its kernel and its browser)."""
    return sum(found[1] for found in map(_cpu_seconds, _tree(pid)) if found is not None)


def _warm_builder(env: dict) -> int:
    """The process id of the warm builder of ``env``'s runtime folder, once it runs and listens."""
    probe = ("import sys, time\nfrom analysis.build import warm\nw = warm.place()\n"
             "for _ in range(900):\n    pid = warm.running(w)\n    if pid and w.socket.exists(): print(pid); sys.exit()\n"
             "    time.sleep(0.1)\nsys.exit('no warm builder')")
    return int(run([sys.executable, "-c", probe], env)["stdout"])


def one_report(work: Path, env: dict, jobs: int, repeat: int, state: str = "TX") -> dict:
    """One state report rebuilt (``--force``, as after an edit), HTML + PDF and HTML only, each *cold* (no warm
    builder: ``--keep-warm 0``) and *warm* (served by the warm builder an earlier build left), beside plain
    papermill on the same notebook; the runs alternate so that a busy spell hits them alike. A warm run's CPU
    includes what the warm builder (its kernel, its browser) used during it."""
    out = work / "one-report"
    warm = {**env, "MEDCODING_KEEP_WARM": "10"}
    build(out, warm, jobs, "--state", state, "--force")  # leaves the warm builder (not timed)
    server = _warm_builder(warm)
    runs: dict[str, list[dict]] = {"html_pdf": [], "html": [], "warm_html_pdf": [], "warm_html": [], "papermill": []}

    def served(*extra):
        before = _tree_cpu(server)
        result = build(out, warm, jobs, "--state", state, "--force", *extra)
        if "Built by the warm builder" not in result["stdout"]:
            raise SystemExit(f"the warm builder did not serve the build: {result['stdout']}")
        result["cpu_seconds"] += _tree_cpu(server) - before
        return result

    for _ in range(repeat):
        runs["html_pdf"].append(build(out, env, jobs, "--state", state, "--force"))
        runs["warm_html_pdf"].append(served())
        runs["html"].append(build(out, env, jobs, "--state", state, "--force", "--format", "html"))
        runs["warm_html"].append(served("--format", "html"))
        runs["papermill"].append(run([str(BIN / "papermill"), str(REPO / "notebooks" / "state_report.ipynb"),
                                      str(work / "one-report.ipynb"), "-p", "state", state, "--no-progress-bar",
                                      "--log-level", "WARNING"], {**env, "MEDCODING_TARGET": "html"}))
    run([str(BIN / "medcoding"), "warm", "--stop"], warm)
    result = {name: statistics.median(r["seconds"] for r in values) for name, values in runs.items()}
    # CPU seconds of each whole process tree: what the other users of a shared machine change least.
    result["cpu"] = {name: statistics.median(r["cpu_seconds"] for r in values) for name, values in runs.items()}
    result.update(report=f"states/{state}", runs={name: [r["seconds"] for r in values] for name, values in runs.items()})
    return result


def _states() -> list[str]:
    """The 51 areas' abbreviations, those of the naive loop first (so that a short run builds those too)."""
    from analysis.build.plan import plan

    every = [r.params["state"] for r in plan(states="all", topics=None, assignments=None, formats=("html",),
                                             notebooks_dir=REPO / "notebooks", index=False)]
    return NAIVE_STATES + [abbr for abbr in every if abbr not in NAIVE_STATES]


def machine() -> str:
    """nproc and the CPU model, for the results table."""
    model = "unknown CPU"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = " ".join(line.split(":", 1)[1].split())
                break
    return f"{len(os.sched_getaffinity(0))} CPUs (nproc), {model}"


def summary_table(results: dict) -> str:
    """The figures the README's speed table shows, with the targets of issue 11."""
    cold, one = results["cold"], results["one_report"]
    rows = [("machine", results["machine"], ""), ("load average before / after", f"{results['load_before']} / {results['load_after']}", "")]
    if results.get("selection"):
        rows.append(("short run", " ".join(results["selection"]), ""))
    rows.append((f"cold build, {cold['reports']} reports, {cold['kind']}, --jobs {results['jobs']}",
                 f"{cold['seconds']:.1f} s = {cold['per_report']:.2f} s a report (CPU {cold['tree_cpu_per_report']:.2f} s a report)", ""))
    rows.append(("CPU busy share during the cold build: its process tree (sampled) / the whole machine (/proc/stat)",
                 f"{cold['busy_share']:.0%} / {cold['machine_busy']:.0%} of {results['cpus']} cores", ""))
    if cold.get("busy_by_tenth"):
        rows.append(("cores busy in each tenth of the cold build", _tenths(cold["busy_by_tenth"]), ""))
    if "naive" in results:
        rows.append((f"naive loop ({results['naive']['reports']} state reports)", f"{results['naive']['per_report']:.2f} s a report", ""))
        rows.append(("cold build vs naive loop, per report", f"{results['ratio_naive_over_cold']:.1f}x faster", ">= 12x"))
    rows.append(("plain papermill CLI, same notebook", f"{one['papermill']:.2f} s", ""))
    for kind, name in (("warm_", "warm builder (a rebuild after an edit)"), ("", "cold (--keep-warm 0)")):
        rows.append((f"one report (--state TX --force), {name}: HTML + PDF / HTML only",
                     f"{one[kind + 'html_pdf']:.2f} s / {one[kind + 'html']:.2f} s", ""))
        rows.append((f"one report, {name}, / papermill: HTML + PDF / HTML only",
                     f"{one[kind + 'html_pdf'] / one['papermill']:.2f}x / {one[kind + 'html'] / one['papermill']:.2f}x",
                     "<= 0.6x (HTML + PDF)" if kind else ""))
        rows.append((f"CPU of one report, {name}: HTML + PDF / HTML only",
                     f"{one['cpu'][kind + 'html_pdf']:.2f} s / {one['cpu'][kind + 'html']:.2f} s", ""))
    rows.append(("CPU of plain papermill", f"{one['cpu']['papermill']:.2f} s", ""))
    rows.append(("no-change rebuild", f"{results['no_change']['seconds']:.2f} s", "< 0.2 s"))
    rows.append((f"peak memory, --jobs {results['jobs']} (PSS of the process tree, in a second cold build)", f"{cold['peak_pss'] / 2**30:.2f} GiB", "<= 1.5 GiB"))
    lines = ["| what | this run | target |", "|---|---|---|"] + [f"| {a} | {b} | {c} |" for a, b, c in rows]
    return "\n".join(lines)


def _tenths(shares: list[float]) -> str:
    return " ".join(f"{share:.2f}" for share in shares)


def edit_row(path: Path, key: str, column: int, change) -> None:
    lines = path.read_text().splitlines()
    row = next(i for i, line in enumerate(lines) if key in line)
    cells = lines[row].split(",")
    cells[column] = change(cells[column])
    lines[row] = ",".join(cells)
    path.write_text("\n".join(lines) + "\n")


def load() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=2, help="workers for medcoding build (default 2)")
    parser.add_argument("--naive", type=int, default=6, metavar="N", help="state reports in the naive loop (default 6)")
    parser.add_argument("--work", type=Path, default=None, help="folder for the copies and outputs (default: a temporary one)")
    parser.add_argument("--keep", action="store_true", help="keep the work folder")
    parser.add_argument("--bytecode-cache", type=Path, default=None, metavar="DIR",
                        help="let every process (builder and naive loop alike) cache compiled bytecode in DIR "
                             "(PYTHONPYCACHEPREFIX), as an installation with .pyc files would; without it, Python "
                             "recompiles every module it imports when PYTHONDONTWRITEBYTECODE is set and the "
                             "environment has no .pyc files")
    parser.add_argument("--repeat", type=int, default=3, metavar="N",
                        help="runs of each one-report measurement (median shown; default 3)")
    parser.add_argument("--states", type=int, default=None, metavar="N",
                        help="a short run: the cold build and the rebuilds after it cover N state reports (and every "
                             "topic and the index) instead of all 51 (default: all)")
    args = parser.parse_args(argv)
    if args.states is not None:
        sys.path.insert(0, str(REPO / "src"))
        SELECTION[:] = ["--state", ",".join(_states()[: max(1, args.states)]), "--topic", "all", "--index"]

    sys.path.insert(0, str(REPO / "src"))
    from analysis.export.chromium import find_chromium

    chromium = find_chromium()
    work = args.work or Path(tempfile.mkdtemp(prefix="medcoding-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    data = work / "data"
    shutil.rmtree(data, ignore_errors=True)
    shutil.copytree(REPO / "data", data)
    out = work / "reports"
    shutil.rmtree(out, ignore_errors=True)
    # No warm builder but where the one-report runs measure one (in a runtime folder of the benchmark's own).
    env = {**os.environ, "MEDCODING_DATA_DIR": str(data), "MEDCODING_KEEP_WARM": "0",
           "MEDCODING_WARM_DIR": str(work / "warm")}
    if args.bytecode_cache:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = str(args.bytecode_cache.resolve())
        # Fill the cache once, so that neither side pays for compiling.
        run([sys.executable, "-c", "import pandas, altair, pandera.pandas, papermill, nbconvert, nbclient, ipykernel.kernelapp, "
             "playwright.sync_api, jupyter_client, vl_convert, analysis.export.html, analysis.notebook, "
             "analysis.topics.state_report"], env)
    results_machine = machine()
    print(f"Machine: {results_machine}")
    print(f"Work folder: {work}; {os.cpu_count()} CPUs; load average {load()}; Chromium: {chromium or 'none'}", flush=True)
    results = {"machine": results_machine, "selection": list(SELECTION), "jobs": args.jobs, "cpus": os.cpu_count(), "load_before": load(), "chromium": str(chromium),
               "bytecode_cache": str(args.bytecode_cache) if args.bytecode_cache else None}

    try:
        return _measure(args, work, data, out, env, chromium, results)
    finally:
        if not args.keep and args.work is None:
            shutil.rmtree(work, ignore_errors=True)


def _measure(args, work: Path, data: Path, out: Path, env: dict, chromium, results: dict) -> int:
    cold = build(out, env, args.jobs, watch="cpu")
    n_reports = len(cold["rebuilt"])
    results["cold"] = {k: cold[k] for k in ("seconds", "cpu_seconds", "summary", "busy_by_tenth", "tree_cpu_seconds", "machine_busy")}
    results["cold"]["load_after"] = load()
    results["cold"]["reports"] = n_reports
    results["cold"]["per_report"] = cold["seconds"] / n_reports
    results["cold"]["cpu_per_report"] = cold["cpu_seconds"] / n_reports
    # getrusage counts only the processes that were waited for; Chromium's helpers are not (they are
    # reparented), so the share of the cores is taken from the CPU the /proc sampler saw in the whole tree.
    results["cold"]["tree_cpu_per_report"] = cold["tree_cpu_seconds"] / n_reports
    results["cold"]["busy_share"] = cold["tree_cpu_seconds"] / (cold["seconds"] * len(os.sched_getaffinity(0)))
    results["cold"]["kind"] = "HTML + PDF" if chromium else "HTML"
    print(f"1. cold: {n_reports} reports (HTML{'+PDF' if chromium else ''}) in {cold['seconds']:.1f} s = "
          f"{cold['seconds'] / n_reports:.2f} s a report (CPU {cold['cpu_seconds'] / n_reports:.2f} s a report by getrusage, "
          f"{cold['tree_cpu_seconds'] / n_reports:.2f} s sampled over the whole process tree); the machine's cores were "
          f"{cold['machine_busy']:.0%} busy (all processes, /proc/stat)", flush=True)
    # Peak memory: the same cold build again, into a folder of its own, sampled for memory (which costs CPU).
    measured = work / "reports-memory"
    shutil.rmtree(measured, ignore_errors=True)
    peak = build(measured, env, args.jobs, watch="memory")
    shutil.rmtree(measured, ignore_errors=True)
    results["cold"].update({k: peak[k] for k in ("peak_pss", "peak_rss", "processes", "at_peak")})
    results["cold"]["memory_run_seconds"] = peak["seconds"]
    print(f"   peak memory (a second cold build, sampled every 0.1 s; {peak['seconds']:.1f} s with the sampler): "
          f"{peak['peak_pss'] / 2**30:.2f} GiB PSS ({peak['peak_rss'] / 2**30:.2f} GiB RSS summed) over up to "
          f"{peak['processes']} processes", flush=True)
    print("   at the peak: " + ", ".join(f"{k} {v / 2**20:.0f} MiB" for k, v in sorted(peak["at_peak"].items(), key=lambda kv: -kv[1])))
    print(f"   cores busy in each tenth of the build: {_tenths(cold['busy_by_tenth'])}; load average after: {load()}", flush=True)

    again = build(out, env, args.jobs)
    results["no_change"] = {"seconds": again["seconds"], "rebuilt": again["rebuilt"], "summary": again["summary"]}
    print(f"2. no change: {again['seconds']:.2f} s in all, {len(again['rebuilt'])} rebuilt ({again['summary']}); load {load()}", flush=True)
    if again["rebuilt"]:  # e.g. someone edited a notebook or a helper during the cold build
        print("   why: " + "; ".join(line for line in again["stderr"].splitlines() if line.startswith("[")))

    os.utime(data / BLS_2024)
    touched = build(out, env, args.jobs)
    edit_row(data / BLS_2024, ",TX,", 4, lambda v: str(int(v) + 1))  # annual mean wage
    one_state = build(out, env, args.jobs)
    edit_row(data / SURVEYS, "certified_avg", 2, lambda v: str(int(v) + 1))
    surveys = build(out, env, args.jobs)
    results["one_state"] = {
        "touched_only": {"seconds": touched["seconds"], "rebuilt": touched["rebuilt"]},
        "texas_mean_wage_changed": {"seconds": one_state["seconds"], "rebuilt": one_state["rebuilt"]},
        "one_survey_row_changed": {"seconds": surveys["seconds"], "rebuilt": surveys["rebuilt"]},
    }
    print(f"3a. {BLS_2024} touched (same content): {len(touched['rebuilt'])} rebuilt, {touched['seconds']:.2f} s")
    states_rebuilt = [r for r in one_state["rebuilt"] if r.startswith("states/")]
    others = [r for r in one_state["rebuilt"] if not r.startswith("states/")]
    print(f"3b. Texas's May 2024 mean wage changed in {BLS_2024}: {len(one_state['rebuilt'])} rebuilt in "
          f"{one_state['seconds']:.1f} s: {len(states_rebuilt)} state reports (each shows every state's rank and map) "
          f"+ {', '.join(others) or 'nothing else'}; not rebuilt: "
          f"{', '.join(sorted(set(manifest_outputs(out)) - set(one_state['rebuilt']))) or 'none'}")
    print(f"3c. one row of {SURVEYS} changed: rebuilt {', '.join(surveys['rebuilt']) or 'nothing'} "
          f"in {surveys['seconds']:.1f} s; load {load()}", flush=True)

    if args.naive:
        states = NAIVE_STATES[: args.naive]
        (work / "naive").mkdir(exist_ok=True)
        # The same renderer switch the builder sets, so the kernels do the same work.
        loop = naive(states, work / "naive", {**env, "MEDCODING_TARGET": "html"}, str(chromium) if chromium else None)
        results["naive"] = loop
        ratio = loop["per_report"] / results["cold"]["per_report"]
        results["ratio_naive_over_cold"] = ratio
        steps = ", ".join(f"{k} {v:.2f} s" for k, v in loop["steps_per_report"].items())
        cpu_ratio = loop["cpu_per_report"] / results["cold"]["cpu_per_report"]
        results["cpu_ratio_naive_over_cold"] = cpu_ratio
        print(f"4. naive loop on {loop['reports']} state reports: {loop['per_report']:.2f} s a report ({steps}); "
              f"CPU {loop['cpu_per_report']:.2f} s a report")
        print(f"   cold build is {ratio:.1f}x faster per report than the naive loop (wall clock), "
              f"and uses {cpu_ratio:.1f}x less CPU per report; load {load()}", flush=True)

    results["one_report"] = one = one_report(work, env, args.jobs, args.repeat)
    print(f"5. one report ({one['report']}, --force), median of {args.repeat}; plain papermill CLI on the same notebook "
          f"{one['papermill']:.2f} s (CPU {one['cpu']['papermill']:.2f} s)", flush=True)
    for kind, name in (("warm_", "warm builder"), ("", "cold")):
        print(f"   {name}: HTML + PDF {one[kind + 'html_pdf']:.2f} s, HTML only {one[kind + 'html']:.2f} s "
              f"({one[kind + 'html_pdf'] / one['papermill']:.2f}x and {one[kind + 'html'] / one['papermill']:.2f}x papermill); "
              f"CPU {one['cpu'][kind + 'html_pdf']:.2f} s / {one['cpu'][kind + 'html']:.2f} s; load {load()}", flush=True)

    results["load_after"] = load()
    print(f"load average after: {results['load_after']}")
    print(summary_table(results))
    folder = REPO / "benchmarks" / "results"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / time.strftime("build-%Y%m%d-%H%M%S.json")
    path.write_text(json.dumps(results, indent=1, default=str))
    print(f"Results: {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
