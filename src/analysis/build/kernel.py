"""One kernel kept for many notebooks, and the papermill engine that runs notebooks in it.

Each kernel is started from the Python running the build (``sys.executable -m ipykernel_launcher``)
rather than a named kernel spec, so a build never fails with ``NoSuchKernel`` and the kernel always
imports the same ``analysis`` code the build hashed. It is reused for the worker's next report (that
saves the 2-4 s of importing pandas and altair per report): before each notebook
:mod:`analysis.build.kernel_probe` puts it back to a clean state. ``--fresh-kernels`` starts a new
kernel for every report instead; the tests check both give byte-identical HTML.
"""

from __future__ import annotations

import contextlib
import os
import signal

from analysis.build import kernel_probe

#: What a kernel imports before its first notebook (not with ``--fresh-kernels``): what every report imports.
WARM_MODULES = ("analysis.notebook", "analysis.topics.state_report")
WARM_CODE = """import sys as _sys
import importlib.util as _util
_spec = _util.spec_from_file_location("_medcoding_build", {probe!r})
_sys.modules["_medcoding_build"] = _module = _util.module_from_spec(_spec)
_spec.loader.exec_module(_module)
_module.install()
_module.warm({modules!r})
del _sys, _util, _spec, _module"""

#: The name under which :class:`ReusedKernelEngine` is registered with papermill.
ENGINE = "medcoding-reused-kernel"


def warm_code() -> str:
    """The code a new kernel runs before its first notebook: the probe installed, :data:`WARM_MODULES` imported."""
    return WARM_CODE.format(probe=kernel_probe.__file__, modules=list(WARM_MODULES))


def start_kernel(state) -> None:
    """Start ``state``'s kernel now (in its kernel thread); warm it unless every report gets a fresh one.
    A kernel that does not start is left for the first job, which then reports why."""
    if state.kernel is not None:  # started meanwhile (a warm builder asks again after a build whose report failed)
        return
    kernel = Kernel(state.kernel_env, state.kernel_output, state.config.get("scratch"))
    try:
        kernel.start(None if state.config["fresh_kernels"] else warm_code())
    except Exception:
        with contextlib.suppress(Exception):
            kernel.shutdown()
        return
    state.kernel = kernel


class Kernel:
    """One kernel, started from this Python, kept for many notebooks. ``env``: variables the kernel gets
    (the notebooks' ``start()`` reads them); ``output``: a file for its stdout and stderr (None: as this process);
    ``scratch``: a folder for its sockets' folder (None: the system's temporary folder)."""

    def __init__(self, env: dict | None = None, output=None, scratch=None):
        self.km = kernel_manager(env or {}, output, scratch)
        self.kc = None
        self.last_nb = None

    def start(self, code: str | None = None, timeout: float = 120) -> None:
        """Start the kernel and its client as nbclient would, then run ``code`` in it (if given)."""
        from jupyter_core.utils import run_sync

        async def go():
            # As nbclient does: IPython's history in memory, not in a shared sqlite file.
            await self.km.start_kernel(extra_arguments=["--HistoryManager.hist_file=:memory:"])
            self.kc = self.km.client()
            self.kc.start_channels()
            await self.kc.wait_for_ready(timeout=timeout)
            self.kc.allow_stdin = False
            if code is None:
                return
            msg_id = self.kc.execute(code, silent=True, store_history=False)
            while True:  # until the kernel is idle again, so that no message of this is left for the notebook
                msg = await self.kc.get_iopub_msg(timeout=timeout)
                if (msg["parent_header"].get("msg_id") == msg_id and msg["msg_type"] == "status"
                        and msg["content"]["execution_state"] == "idle"):
                    break
            reply = await self.kc.get_shell_msg(timeout=timeout)
            if reply["content"]["status"] != "ok":
                raise RuntimeError(f"warming the kernel failed: {reply['content'].get('ename')}: {reply['content'].get('evalue')}")

        run_sync(go)()

    def _remove_socket_folder(self):
        import shutil

        shutil.rmtree(os.path.dirname(self.km.ip), ignore_errors=True)

    def pid(self):
        provisioner = getattr(self.km, "provisioner", None)
        process = getattr(provisioner, "process", None)
        return getattr(process, "pid", None)

    def kill(self):
        pid = self.pid()
        if pid:
            with contextlib.suppress(OSError):
                os.killpg(pid, signal.SIGKILL)  # the kernel leads its own session
        with contextlib.suppress(Exception):
            self.km.cleanup_connection_file()
        self._remove_socket_folder()

    def discard(self):
        """Stop the kernel at once and remove its files, for a kernel no notebook will use again. Faster than
        :meth:`shutdown` (~0.1 s less: no interrupt first, no polling until it has gone) and just as clean."""
        if self.kc is not None:
            with contextlib.suppress(Exception):
                self.kc.stop_channels()
            self.kc = None
        process = getattr(getattr(self.km, "provisioner", None), "process", None)
        self.kill()
        if process is not None:
            with contextlib.suppress(Exception):
                process.wait(timeout=10)  # reaped, not left a zombie

    def shutdown(self):
        from jupyter_core.utils import run_sync

        if self.kc is not None:
            with contextlib.suppress(Exception):
                self.kc.stop_channels()
            self.kc = None
        if self.km.has_kernel:
            try:
                run_sync(self.km.shutdown_kernel)(now=True)
            except Exception:
                self.kill()
        self._remove_socket_folder()


def kernel_manager(env: dict, output=None, scratch=None):
    """A jupyter_client kernel manager for a kernel of this Python, talking over IPC sockets in a private folder
    (made in ``scratch`` if given and its path leaves room for the sockets', else in the system's temporary folder)."""
    from jupyter_client.kernelspec import KernelSpec
    from jupyter_client.manager import AsyncKernelManager

    class ThisPythonKernelManager(AsyncKernelManager):
        """A kernel started as ``sys.executable -m ipykernel_launcher``: no kernel spec lookup at all."""

        @property
        def kernel_spec(self):
            if self._kernel_spec is None:
                from ipykernel.kernelspec import RESOURCES, get_kernel_dict

                self._kernel_spec = KernelSpec(resource_dir=RESOURCES, **get_kernel_dict(), env=env)
            return self._kernel_spec

        async def _async_pre_start_kernel(self, **kw):
            if output is not None:  # also for a kernel nbclient starts (after a failure, --fresh-kernels)
                kw.setdefault("stdout", output)
                kw.setdefault("stderr", output)
            return await super()._async_pre_start_kernel(**kw)

    # "python3": the name nbclient knows as an IPython kernel (history kept in memory, not in a shared file).
    # IPC sockets in a private folder instead of TCP ports: no port can be taken by another kernel between
    # choosing and binding it (papermill#511), and nothing listens on the network.
    import tempfile

    # A Unix socket's path has at most 107 bytes; the folder's name and "/k-5" take about 30 of them.
    if scratch is not None and len(os.fsencode(os.path.abspath(scratch))) > 70:
        scratch = None
    folder = tempfile.mkdtemp(prefix="medcoding-kernel-", dir=scratch)
    return ThisPythonKernelManager(kernel_name="python3", transport="ipc", ip=os.path.join(folder, "k"))


def register_engine() -> None:
    """Register :data:`ENGINE` with papermill (once): its nbclient engine, in a kernel kept between notebooks."""
    from papermill.clientwrap import PapermillNotebookClient
    from papermill.engines import NBClientEngine, papermill_engines

    class ReusedKernelEngine(NBClientEngine):
        """papermill's nbclient engine, executing in a kernel the worker keeps between notebooks."""

        @classmethod
        def execute_managed_notebook(cls, nb_man, kernel_name, log_output=False, stdout_file=None, stderr_file=None,
                                     start_timeout=60, execution_timeout=None, **kwargs):
            kernel = kwargs.pop("medcoding_kernel")
            kernel.last_nb = nb_man.nb
            client = PapermillNotebookClient(nb_man, km=kernel.km, timeout=execution_timeout,
                                             startup_timeout=start_timeout, kernel_name=kernel_name,
                                             log_output=False, record_timing=False)
            client.kc = kernel.kc
            try:
                return client.execute()
            finally:
                kernel.kc = client.kc

    if ENGINE not in papermill_engines._engines:
        papermill_engines.register(ENGINE, ReusedKernelEngine)
