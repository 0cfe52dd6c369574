"""Where the time of one report goes, stage by stage, measured in one run on this machine.

Stages, in the order a one-report build meets them. In this process (what ``medcoding build --state TX``
does before and beside its kernel): Python and the builder's imports; the exporter's imports (nbconvert,
papermill); the Vega bundle (made by vl-convert in a child process, as the first run does; read from the kit's
cache, as later runs do). In the kernel: its start, the imports every report needs (the warm-up), the notebook's
cells. Then the HTML export (the first one, and one after the warm-up the build does while the first notebook
runs); Chromium's start and its warm-up (the warm-up page made; the warm-up begun in the background, as a build
does it; and waited for: loaded, its chart drawn and printed); the page load, the charts and the PDF (the first
report after the warm-up, the next ones, each from a file of its own as in a build, and the first one of a browser
not warmed up); discarding the kernel. The print rows' CPU is the
whole process tree's (this process, playwright's node driver, the browser, its renderer, GPU and utility
processes, read from /proc), and one line splits a report's print CPU by process.

Each stage is timed on its own (wall clock, seconds; median of ``--repeat`` runs where it can be repeated;
CPU seconds beside it where the stage runs in this process or a child it waits for), so a stage that a build
overlaps with another still shows its full cost. The profile keeps the Vega bundle in a temporary cache folder
(``MEDCODING_CACHE_DIR``), not the user's. The last lines add up the one-report build's critical path.

    .venv/bin/python benchmarks/stage_profile.py --state TX
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def _cpu() -> float:
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def _clock(fn, repeat=1):
    """(median wall seconds, median CPU seconds of this process and its waited-for children, last value)."""
    walls, cpus, value = [], [], None
    for _ in range(repeat):
        cpu, started = _cpu(), time.perf_counter()
        value = fn()
        walls.append(time.perf_counter() - started)
        cpus.append(_cpu() - cpu)
    return statistics.median(walls), statistics.median(cpus), value


def _tree_cpu() -> dict[str, float]:
    """CPU seconds so far of this process and every process under it, by kind (from /proc; a process that has
    ended counts in its parent's, once the parent has waited for it)."""
    import re

    ticks = os.sysconf("SC_CLK_TCK")
    stats = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                text = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            fields = text[text.rindex(")") + 2:].split()
            stats[int(entry)] = (int(fields[1]), sum(int(f) for f in fields[11:15]) / ticks)
    children: dict[int, list[int]] = {}
    for pid, (parent, _) in stats.items():
        children.setdefault(parent, []).append(pid)
    found, todo = {}, [os.getpid()]
    while todo:
        pid = todo.pop()
        todo += children.get(pid, [])
        try:
            command = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            command = ""
        if pid == os.getpid():
            kind = "python"
        elif os.path.basename(command.split(" ", 1)[0]) == "node":
            kind = "node driver"
        else:
            match = re.search(r"--type=([\w-]+)", command)
            kind = match.group(1) if match else ("browser" if "chrom" in command else "other")
            kind = "renderer" if kind == "zygote" else kind  # the zygote's CPU is that of the renderers that ended
        if pid in stats:
            found[kind] = found.get(kind, 0.0) + stats[pid][1]
    return found


def _tree_clock(fn, repeat=1):
    """As :func:`_clock`, with the CPU of the whole process tree; and the CPU by kind of process, summed."""
    walls, cpus, by_kind = [], [], {}
    for _ in range(repeat):
        before, started = _tree_cpu(), time.perf_counter()
        fn()
        walls.append(time.perf_counter() - started)
        after = _tree_cpu()
        used = {kind: after.get(kind, 0.0) - before.get(kind, 0.0) for kind in after.keys() | before.keys()}
        cpus.append(sum(used.values()))
        for kind, seconds in used.items():
            by_kind[kind] = by_kind.get(kind, 0.0) + seconds
    return statistics.median(walls), statistics.median(cpus), {kind: s / repeat for kind, s in by_kind.items()}


def _python(code: str):
    return lambda: subprocess.run([sys.executable, "-c", code], check=True, stdout=subprocess.DEVNULL)


def profile(state: str = "TX", repeat: int = 3) -> dict[str, tuple[float, float | None]]:
    sys.path.insert(0, str(REPO / "src"))
    import analysis  # noqa: F401  (the rfc3987 stand-in, as in every process of the kit)

    stages: dict[str, tuple[float, float | None]] = {}
    # The bundle goes to a cache folder of this run (the children started here inherit it), not the user's.
    from analysis.core.env import CACHE_DIR_ENV

    cache = tempfile.mkdtemp(prefix="medcoding-profile-cache-")
    os.environ[CACHE_DIR_ENV] = cache

    def stage(name, fn, repeat=1, cpu=True):
        wall, used, value = _clock(fn, repeat)
        stages[name] = (wall, used if cpu else None)
        return value

    stage("python start (bare)", _python("pass"), repeat)
    stage("python + builder imports (what a no-change rebuild needs)", _python("import analysis.cli, analysis.build"), repeat)
    stage("papermill CLI's own import (no rfc3987 stand-in: jsonschema builds its grammars)", _python("import papermill"),
          repeat)
    stage("exporter imports (nbconvert, papermill)", _python("import analysis.export.html, papermill"), repeat)
    stage("Vega bundle made by vl-convert (child process; the first run, or a new vl-convert)",
          _python("import sys, vl_convert; vl_convert.javascript_bundle()"), repeat)
    from analysis.export import bundle

    bundle.vega_bundle()  # made once here, into the profile's cache folder
    stage("Vega bundle read from the kit's cache (later runs)", bundle.read_cached_bundle, repeat)
    stage("worker process start (spawn: Python + builder + exporter imports)",
          _python("import analysis.build.worker, analysis.export.html, papermill"), repeat)
    stage("kernel imports, cold, in a bare Python (pandas, altair, analysis)",
          _python("import analysis.notebook, analysis.topics.state_report"), repeat)

    from concurrent.futures import ThreadPoolExecutor

    from analysis.build import execute_stage, worker
    from analysis.build.kernel import Kernel, warm_code
    from analysis.build.plan import plan
    from analysis.build.runner import Runner
    from analysis.core.paths import data_dir
    from analysis.export.chromium import ChromiumPrinter, find_chromium

    kernels = []

    def start_kernel():
        kernel = Kernel()
        kernel.start()
        kernels.append(kernel)

    stage("kernel start (process + ready; its CPU is not counted)", start_kernel, repeat, cpu=False)
    for extra in kernels[1:]:
        extra.discard()
    kernel = kernels[0]
    thread = ThreadPoolExecutor(max_workers=1)

    def warm():
        from jupyter_core.utils import run_sync

        async def go():
            msg_id = kernel.kc.execute(warm_code(), silent=True, store_history=False)
            while True:
                msg = await kernel.kc.get_iopub_msg(timeout=120)
                if msg["parent_header"].get("msg_id") == msg_id and msg["msg_type"] == "status" \
                        and msg["content"]["execution_state"] == "idle":
                    return await kernel.kc.get_shell_msg(timeout=120)
        thread.submit(run_sync(go)).result()

    stage("kernel warm-up: the imports every report needs, in the kernel", warm, cpu=False)

    # One report through the builder's own worker code, in this process, with the kernel started above.
    out = Path(tempfile.mkdtemp(prefix="medcoding-profile-"))
    report = plan(states=state, topics=None, assignments=None, formats=("html",), notebooks_dir=REPO / "notebooks",
                  index=False)[0]

    class _NoExecutor:
        pass

    runner = Runner(out, {"reports": {}}, _NoExecutor(), 1, False, lambda *a, **k: None)
    (_, job), = runner._work([report], force=True)
    config = dict(role="kernel", data_dir=str(data_dir()), log=str(out / "log"), fresh_kernels=False,
                  timeout=600, build_id="0" * 12)
    state_ = worker.WorkerState(config, threading.Event())
    state_.thread, state_.kernel, state_.code = thread, kernel, {}
    execute_stage.warm_exporter()  # as the build does while the first notebook runs
    phases = []
    for _ in range(repeat):
        result = {"ok": False, "written": []}
        execute_stage.execute_and_export(state_, job, result)
        phases.append(result["phases"])
        Path(result["html_temp"]).replace(job["html"])
    stages["cells (warm kernel, reset between reports; in the kernel)"] = (statistics.median(p["execute"] for p in phases), None)
    stages["HTML export, after the build's warm-up export"] = (statistics.median(p["export"] for p in phases), None)
    # The first export of a process (what a build without the warm-up export paid after the notebook) and the
    # next, in a child process, on the notebook executed above.
    import copy

    import nbformat

    executed = copy.deepcopy(kernel.last_nb)
    execute_stage.strip_internal(executed)
    path = out / "executed.ipynb"
    nbformat.write(executed, path)
    code = ("import sys, time, nbformat; from analysis.export.html import html_report, vega_bundle; vega_bundle();"
            "nb = nbformat.read(sys.argv[1], as_version=4); args = dict(title='x', data_date='', sources=[]);"
            "t = time.perf_counter(); html_report(nb, **args); a = time.perf_counter() - t;"
            "t = time.perf_counter(); html_report(nb, **args); print(a, time.perf_counter() - t)")
    runs = [subprocess.run([sys.executable, "-c", code, str(path)], check=True, capture_output=True, text=True).stdout.split()
            for _ in range(repeat)]
    stages["HTML export, the first in a process (no warm-up)"] = (statistics.median(float(a) for a, _ in runs), None)
    stages["HTML export, the next in a process"] = (statistics.median(float(b) for _, b in runs), None)
    stage("kernel discarded", lambda: thread.submit(kernel.discard).result(), cpu=False)

    chromium = find_chromium()
    if chromium is not None:
        from analysis.export.html import warm_up_page

        def tree_stage(name, fn, repeat=1):
            wall, used, by_kind = _tree_clock(fn, repeat)
            stages[name] = (wall, used)
            return by_kind

        # The next reports are each a file of their own, as in a build (a page loaded again from the same address
        # reuses its compiled scripts, which no build does).
        pages = [out / f"next-{i}.html" for i in range(repeat)]
        for page in pages:
            page.write_bytes(Path(job["html"]).read_bytes())
        pages = iter(pages)
        printer = ChromiumPrinter(chromium)
        stage("Chromium start (its CPU is not counted)", printer.__enter__, cpu=False)
        stage("warm-up page made (one small export; made while Chromium starts)", warm_up_page)
        page_html = warm_up_page()
        stage("Chromium warm-up begun, as a build does it (returns as the page starts loading)",
              lambda: printer.warm_up(page_html, wait=False), cpu=False)
        printer._page.wait_for_function("() => window.medcodingCharts && window.medcodingCharts.done")
        printer._close_page()  # the next warm-up starts on a new page and renderer, as the first did
        tree_stage("Chromium warm-up waited for (that page loaded, its chart drawn by the Vega bundle, printed)",
                   lambda: printer.warm_up(page_html))
        tree_stage("first report printed after the warm-up (load, charts, PDF, metadata)",
                   lambda: printer.print_pdf(job["html"], out / "first.pdf"))
        by_kind = tree_stage("next reports printed by the same page (each from its own file)",
                             lambda: printer.print_pdf(next(pages), out / "next.pdf"), repeat)
        split = sorted(by_kind.items(), key=lambda kv: -kv[1])
        name = "  its CPU by process: " + ", ".join(f"{kind} {seconds:.2f}" for kind, seconds in split if seconds >= 0.005)
        stages[name] = (sum(by_kind.values()), None)
        printer.close()
        cold = ChromiumPrinter(chromium).__enter__()
        tree_stage("first report printed by a browser not warmed up",
                   lambda: cold.print_pdf(job["html"], out / "cold.pdf"))
        cold.close()
    thread.shutdown()
    import shutil

    shutil.rmtree(out, ignore_errors=True)
    shutil.rmtree(cache, ignore_errors=True)
    return stages


def critical_path(stages: dict) -> list[tuple[str, float]]:
    """The one-report build's critical path, as the build overlaps its stages (see analysis.build.executor):
    the kernel starts, warms up and runs the cells while this process imports the exporter and a child makes
    the Vega bundle (needed only by the export); Chromium starts and warms up once the kernel is warm."""
    get = lambda name: stages[name][0] if name in stages else 0.0  # noqa: E731
    warm = (get("kernel start (process + ready; its CPU is not counted)")
            + get("kernel warm-up: the imports every report needs, in the kernel"))
    kernel = warm + get("cells (warm kernel, reset between reports; in the kernel)")
    beside = get("exporter imports (nbconvert, papermill)") + get("Vega bundle read from the kit's cache (later runs)")
    start = get("python + builder imports (what a no-change rebuild needs)")
    html = start + max(kernel, beside) + get("HTML export, after the build's warm-up export") + get("kernel discarded")
    # Chromium starts once the kernel is warm; the warm-up page is made meanwhile, and loads in the background. The
    # first print is a warm one if the HTML comes after the warm-up would have ended, else (to err long) a cold one.
    browser = (start + warm + max(get("Chromium start (its CPU is not counted)"),
                                  get("warm-up page made (one small export; made while Chromium starts)"))
               + get("Chromium warm-up begun, as a build does it (returns as the page starts loading)"))
    waited = get("Chromium warm-up waited for (that page loaded, its chart drawn by the Vega bundle, printed)")
    warmed = html >= browser + waited
    pdf = max(html, browser) + get("first report printed after the warm-up (load, charts, PDF, metadata)" if warmed
                                   else "first report printed by a browser not warmed up")
    return [("critical path, HTML only: start + max(kernel start, warm-up and cells; exporter imports and cached Vega "
             "bundle) + export + discard", html), ("critical path, HTML + PDF: the same + the first print", pdf),
            ("of which the kernel (start, warm-up, cells), as in plain papermill", kernel)]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--state", default="TX")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    load = " ".join(Path("/proc/loadavg").read_text().split()[:3])
    stages = profile(args.state, args.repeat)
    print(f"Stages of one report (states/{args.state}); load average {load} before, "
          f"{' '.join(Path('/proc/loadavg').read_text().split()[:3])} after")
    for name, (seconds, cpu) in stages.items():
        print(f"  {name:<78} {seconds:6.2f} s" + (f"  (CPU {cpu:.2f} s)" if cpu is not None else ""))
    for name, seconds in critical_path(stages):
        print(f"  {name}: {seconds:.2f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
