"""Where the time of one report goes, stage by stage, measured in one run on this machine.

Stages, in the order a one-report build meets them: a worker process starts (new Python, the builder's
imports); its kernel starts; the kernel imports what the notebooks import; the notebook's cells run;
the HTML export; Chromium starts; the page loads and its charts draw; the PDF prints. Each is timed
on its own (wall clock, seconds; median of ``--repeat`` runs where a stage can be repeated), so
a stage that a build overlaps with another still shows its full cost here.

    .venv/bin/python benchmarks/stage_profile.py --state TX
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def _clock(fn, repeat=1):
    times, value = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        value = fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times), value


def profile(state: str = "TX", repeat: int = 3) -> dict[str, float]:
    sys.path.insert(0, str(REPO / "src"))
    import analysis  # noqa: F401  (the rfc3987 stand-in, as in every process of the kit)

    stages: dict[str, float] = {}
    python = sys.executable
    stages["python start (bare)"], _ = _clock(lambda: subprocess.run([python, "-c", "pass"], check=True), repeat)
    stages["worker start (Python + builder imports)"], _ = _clock(lambda: subprocess.run(
        [python, "-c", "import analysis.build.worker, analysis.export.html, papermill"], check=True), repeat)
    stages["kernel imports, cold (pandas, altair, analysis)"], _ = _clock(lambda: subprocess.run(
        [python, "-c", "import analysis.notebook, analysis.topics.state_report"], check=True), repeat)

    from analysis.build import execute_stage, worker
    from analysis.build.kernel import Kernel, warm_code
    from analysis.build.plan import plan
    from analysis.export.chromium import ChromiumPrinter, find_chromium

    kernels = []

    def start_kernel():
        kernel = Kernel()
        kernel.start()
        kernels.append(kernel)

    stages["kernel start (process + ready)"], _ = _clock(start_kernel, repeat)
    for extra in kernels[1:]:
        extra.shutdown()
    kernel = kernels[0]

    # One report through the builder's own worker code, in this process, with the kernel started above.
    out = Path(tempfile.mkdtemp(prefix="medcoding-profile-"))
    report = plan(states=state, topics=None, assignments=None, formats=("html",), notebooks_dir=REPO / "notebooks",
                  index=False)[0]
    from analysis.build.runner import Runner

    class _NoExecutor:
        pass

    runner = Runner(out, {"reports": {}}, _NoExecutor(), 1, False, lambda *a, **k: None)
    (_, job), = runner._work([report], force=True)
    config = dict(role="kernel", data_dir=str(analysis.core.paths.data_dir()), log=str(out / "log"), fresh_kernels=False,
                  timeout=600, build_id="0" * 12)
    from concurrent.futures import ThreadPoolExecutor

    state_ = worker.WorkerState(config, threading.Event())
    state_.thread = ThreadPoolExecutor(max_workers=1)
    state_.kernel = kernel
    state_.code = {}
    kernel_probe_warm = warm_code()

    def warm():
        from jupyter_core.utils import run_sync

        async def go():
            msg_id = kernel.kc.execute(kernel_probe_warm, silent=True, store_history=False)
            while True:
                msg = await kernel.kc.get_iopub_msg(timeout=120)
                if msg["parent_header"].get("msg_id") == msg_id and msg["msg_type"] == "status" \
                        and msg["content"]["execution_state"] == "idle":
                    return await kernel.kc.get_shell_msg(timeout=120)
        state_.thread.submit(run_sync(go)).result()

    stages["kernel imports, in the kernel (warm-up)"], _ = _clock(warm)
    phases = []
    for _ in range(repeat):
        result = {"ok": False, "written": []}
        execute_stage.execute_and_export(state_, job, result)
        phases.append(result["phases"])
        Path(result["html_temp"]).replace(job["html"])
    stages["cells (warm kernel, reset between reports)"] = statistics.median(p["execute"] for p in phases)
    stages["HTML export"] = statistics.median(p["export"] for p in phases)
    state_.thread.submit(kernel.shutdown).result()

    chromium = find_chromium()
    if chromium is not None:
        printer = ChromiumPrinter(chromium)
        stages["Chromium start"], _ = _clock(printer.__enter__)
        loads, prints = [], []
        for _ in range(repeat + 1):
            page = printer._open_page()
            started = time.perf_counter()
            page.goto(Path(job["html"]).resolve().as_uri(), wait_until="load")
            page.wait_for_function("() => window.medcodingCharts && window.medcodingCharts.done")
            loads.append(time.perf_counter() - started)
            started = time.perf_counter()
            page.pdf(path=str(out / "x.pdf"), prefer_css_page_size=True, print_background=True)
            prints.append(time.perf_counter() - started)
        stages["page load + charts, first page"] = loads[0]
        stages["page load + charts, next pages"] = statistics.median(loads[1:])
        stages["print (page.pdf)"] = statistics.median(prints)
        printer.close()
    return stages


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--state", default="TX")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    for name, seconds in profile(args.state, args.repeat).items():
        print(f"  {name:<50} {seconds:6.2f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
