"""Run one notebook in a fresh, limited kernel and read its answer variables back as data.

The grader appends one cell of its own to the notebook; it runs last and prints, after a random
marker, a JSON description of each answer variable: a number, text, True/False, a list or set, a
table (DataFrame or Series), a State, or an altair chart's specification (``to_dict()``). Nothing
else from the kernel is trusted: :func:`decode` turns the descriptions back into values in the
grader's process, where they are compared with the key (:mod:`.grade`). The same run reads the
instructor's solutions when the key is made (:mod:`.key`).

Every student output is dropped as it arrives (the grader needs none of it) and counted; more than
``max_output_mb`` stops the run. The kernel is started through :mod:`.sandbox` (memory, CPU and file
size limits; no network and read-only files where the system allows), in a throwaway folder that
holds only the submission, and talks to the grader over Unix sockets in that folder. Where a pids
cgroup can be made (root), the submission gets one (``max_processes`` tasks), and whatever is still
running in it when the notebook is done or timed out is killed.
"""

from __future__ import annotations

import io
import json
import os
import re
import secrets
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass, field

import nbformat
from jupyter_client.manager import AsyncKernelManager
from nbclient import NotebookClient
from nbclient.exceptions import CellTimeoutError, DeadKernelError

from analysis.core.errors import AnalysisError
from analysis.teaching.grading.sandbox import DEFAULT_MAX_PROCESSES, make_pids_cgroup, remove_cgroup

# The collecting cell: self-contained (imports only the standard library and what the values need).
COLLECT_CELL = r'''
def __medcoding_collect(names, marker, limit=20000):
    import json as _json, numbers as _numbers
    def enc(value, depth=0):
        kind = type(value)
        module, name = getattr(kind, "__module__", ""), kind.__name__
        try:
            if value is ... or value is None:
                return {"kind": "unanswered"}
            if isinstance(value, bool) or (module == "numpy" and name in ("bool", "bool_")):
                return {"kind": "bool", "value": bool(value)}
            if isinstance(value, _numbers.Number) and not isinstance(value, complex):
                number = float(value)
                return {"kind": "number", "value": int(value) if float(number).is_integer() and abs(number) < 2**53 and isinstance(value, _numbers.Integral) else number}
            if isinstance(value, str):
                return {"kind": "text", "value": value[:limit]}
            if name == "State" and hasattr(value, "abbr"):
                return {"kind": "state", "value": str(value.abbr)}
            if depth > 2:
                return {"kind": "other", "type": name}
            if isinstance(value, (list, tuple, set, frozenset)) or name in ("Series", "Index", "ndarray"):
                items = list(value)[:limit] if name != "ndarray" else list(value.ravel())[:limit]
                return {"kind": "set" if isinstance(value, (set, frozenset)) else "list", "type": name,
                        "items": [enc(v, depth + 1) for v in items]}
            if name == "DataFrame":
                return {"kind": "table", "value": value.head(limit).to_json(orient="split", default_handler=str)}
            if module.startswith("altair") and hasattr(value, "to_dict"):
                spec = value.to_dict(validate=False)
                spec.pop("datasets", None)
                spec.pop("data", None)
                return {"kind": "chart", "value": spec}
            return {"kind": "other", "type": name}
        except Exception as err:
            return {"kind": "error", "type": name, "error": f"{type(err).__name__}: {err}"[:300]}
    found = {}
    for key, source in names.items():
        try:
            found[key] = enc(eval(source, globals()))
        except NameError:
            found[key] = {"kind": "undefined"}
        except Exception as err:
            found[key] = {"kind": "error", "error": f"{type(err).__name__}: {err}"[:300]}
    print(marker + _json.dumps(found, default=str))
__medcoding_collect(%s, %r)
'''


@dataclass
class Limits:
    """Per-submission limits: wall-clock seconds for the whole notebook, memory, output."""

    timeout: float = 300
    memory_mb: int = 2048
    max_output_mb: float = 10
    file_mb: int = 20
    startup_timeout: float = 120
    isolate: bool = True
    max_processes: int = DEFAULT_MAX_PROCESSES  # tasks at once (processes and threads), where a pids cgroup can be made


@dataclass
class Execution:
    """What a run gave: ``status`` ("ran", "timed out", ...), the answers as data, problems seen, isolation."""

    status: str
    answers: dict = field(default_factory=dict)
    problems: list = field(default_factory=list)
    isolation: str = "not started"
    seconds: float = 0.0


class _SandboxedKernel(AsyncKernelManager):
    """A kernel started through the sandbox wrapper, with the grader's own Python (never the notebook's kernelspec)."""

    sandbox_args: list = []

    def format_kernel_cmd(self, extra_arguments=None):
        return [sys.executable, "-m", "analysis.teaching.grading.sandbox", *self.sandbox_args, "--",
                sys.executable, "-m", "ipykernel_launcher", "-f", self.connection_file,
                "--HistoryManager.enabled=False"]


class _GradingClient(NotebookClient):
    """nbclient, but: outputs dropped and counted, one deadline for the whole notebook."""

    def __init__(self, nb, *, limits: Limits, marker: str, **kw):
        super().__init__(nb, **kw)
        self.limits, self.marker = limits, marker
        self.deadline = None
        self.output_bytes = 0
        self.output_exceeded = False
        self.collected: str | None = None
        self.errors: list[tuple[int, str]] = []
        self.timeout_func = lambda cell: max(1, int((self.deadline or time.monotonic() + limits.timeout) - time.monotonic()))

    def output(self, outs, msg, display_id, cell_index):
        content = msg.get("content", {})
        size = len(json.dumps(content, default=str)) if msg.get("msg_type") != "stream" else len(content.get("text", ""))
        self.output_bytes += size
        if msg.get("msg_type") == "stream" and cell_index == len(self.nb.cells) - 1:
            for line in content.get("text", "").splitlines():
                if line.startswith(self.marker):
                    self.collected = line[len(self.marker):]
        if msg.get("msg_type") == "error":
            self.errors.append((cell_index, f"{content.get('ename', 'Error')}: {str(content.get('evalue', ''))[:200]}"))
        if self.output_bytes > self.limits.max_output_mb * 2**20 and not self.output_exceeded:
            # Raising here would only stop the output reader; killing the kernel stops the cell too.
            self.output_exceeded = True
            process = getattr(getattr(self.km, "provisioner", None), "process", None)
            if process is not None:
                process.kill()
        return None  # nothing is kept


def _isolation_text(workdir: str, limits: Limits) -> str:
    try:
        with open(os.path.join(workdir, ".sandbox.json"), encoding="utf-8") as report:
            done = json.load(report)
    except (OSError, ValueError):
        return "none (the kernel wrapper did not report)"
    parts = list(done.get("isolation") or [])
    if not any(part.startswith("network") for part in parts):
        parts.insert(0, "none: network namespaces not available here" if limits.isolate else "none: turned off")
    return "; ".join(parts + list(done.get("limits") or []))


def run_submission(nb, answers: dict, limits: Limits) -> Execution:
    """Run ``nb`` (already prepared: parameters re-injected) and collect ``answers`` ({key: expression})."""
    marker = "@@medcoding-answers-" + secrets.token_hex(16) + "@@"
    nb = nbformat.from_dict(json.loads(json.dumps(nb)))
    nb.cells.append(nbformat.v4.new_code_cell(COLLECT_CELL % (repr(dict(answers)), marker)))
    workdir = tempfile.mkdtemp(prefix="medcoding-grade-")
    started = time.monotonic()
    execution = Execution("ran")
    cgroup = make_pids_cgroup(limits.max_processes)
    try:
        os.chmod(workdir, 0o700)
        nbformat.write(nb, os.path.join(workdir, "submission.ipynb"))
        km = _SandboxedKernel(transport="ipc", ip=os.path.join(workdir, "kernel"),
                              connection_file=os.path.join(workdir, "kernel.json"))
        km.sandbox_args = ["--memory-mb", str(limits.memory_mb), "--cpu-seconds", str(int(limits.timeout) + 60),
                           "--file-mb", str(limits.file_mb), "--workdir", workdir,
                           "--isolate", "auto" if limits.isolate else "off"] + (["--cgroup", str(cgroup)] if cgroup else [])
        client = _GradingClient(nb, limits=limits, marker=marker, km=km, allow_errors=True,
                                startup_timeout=int(limits.startup_timeout), shutdown_kernel="immediate",
                                iopub_timeout=10, record_timing=False)
        env = {**os.environ, "HOME": workdir, "TMPDIR": workdir, "IPYTHONDIR": os.path.join(workdir, ".ipython"),
               "MPLCONFIGDIR": os.path.join(workdir, ".mpl"), "XDG_CACHE_HOME": os.path.join(workdir, ".cache"),
               "MEDCODING_EXERCISES": "", "PYDEVD_DISABLE_FILE_VALIDATION": "1"}
        try:
            # cleanup_kc: nbclient shuts down only the kernels of managers it made itself, and this one is ours.
            with client.setup_kernel(cwd=workdir, env=env, cleanup_kc=True):
                execution.isolation = _isolation_text(workdir, limits)
                client.deadline = time.monotonic() + limits.timeout
                for index, cell in enumerate(client.nb.cells):
                    client.execute_cell(cell, index)
        except CellTimeoutError:
            execution.status = f"timed out (limit {limits.timeout:g} s)"
        except DeadKernelError:
            execution.status = "kernel died"
        except RuntimeError as err:
            text = str(err)
            execution.status = "kernel did not start" if "start" in text.lower() or "respond" in text.lower() else f"run failed: {text[:200]}"
        if client.output_exceeded:
            execution.status = f"too much output (more than {limits.max_output_mb:g} MB)"
        execution.problems += [f"cell {i + 1}: {e}" for i, e in client.errors if i < len(client.nb.cells) - 1]
        if any("MemoryError" in e for _, e in client.errors):
            execution.problems.insert(0, f"a cell ran out of memory (limit {limits.memory_mb} MB)")
        if execution.status == "ran":
            if client.collected is None:
                execution.status = "answers could not be read back"
            else:
                try:
                    execution.answers = json.loads(client.collected)
                except ValueError:
                    execution.status = "answers could not be read back"
    finally:
        remove_cgroup(cgroup)  # whatever the student's code started and left running: killed here
        execution.seconds = time.monotonic() - started
        shutil.rmtree(workdir, ignore_errors=True)
    return execution


# --------------------------------------------------------------------------- answers back from data


class _Named:
    """Stands for a value of a type the grader does not read back; only its type name is kept."""


def _opaque(type_name: str):
    name = re.sub(r"\W", "", str(type_name))[:40] or "object"
    return type(name, (_Named,), {})()


def decode(data: dict):
    """The Python value an answer described as data stands for (what :data:`COLLECT_CELL` printed).

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
        from analysis.data.states import lookup_state

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
        return _chart_spec(data.get("value") or {})
    return _opaque(data.get("type", "object"))


def _chart_spec(spec: dict):
    """A chart read back as its specification; the exercise checks only look at ``to_dict()``."""
    import altair as alt

    class ChartSpec(alt.TopLevelMixin):
        def __init__(self, spec: dict):
            self._spec = spec

        def to_dict(self, *args, **kwargs):
            return dict(self._spec)

    return ChartSpec(spec if isinstance(spec, dict) else {})
