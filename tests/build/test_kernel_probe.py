"""A build's kernels: what the kernel probe does to a reused kernel between notebooks (checked in a Python of its
own), and where a kernel's sockets go.

The probe compiles each of the kit's modules once per kernel (the notebook still imports it anew). Here it is
loaded from a copy placed in a small package of the test's own, so that its cache covers that package, and the
test edits a module of it between two imports, as someone editing ``src/analysis`` between two reports would.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap

from analysis.build import kernel_probe

SCRIPT = textwrap.dedent("""
    import importlib.util, json, os, sys
    root = sys.argv[1]
    spec = importlib.util.spec_from_file_location("_medcoding_build", os.path.join(root, "analysis", "build", "kernel_probe.py"))
    probe = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(probe)
    probe._keep_compiled_code()
    sys.path.insert(0, root)
    seen = []

    def load():
        import analysis.topic
        seen.append((analysis.topic.answer(), analysis.topic.answer.__code__))
        probe._forget_own_modules()

    load()
    load()  # unchanged: the same compiled code, its body run again
    with open(os.path.join(root, "analysis", "topic.py"), "w") as handle:
        handle.write("def answer():\\n    return 2\\n")
    load()  # edited: compiled again
    print(json.dumps({"answers": [a for a, _ in seen], "reused": seen[0][1] is seen[1][1],
                      "recompiled": seen[2][1] is not seen[1][1]}))
""")


def test_a_module_is_compiled_once_and_again_when_its_source_changes(tmp_path):
    (tmp_path / "analysis" / "build").mkdir(parents=True)
    (tmp_path / "analysis" / "__init__.py").write_text("")
    (tmp_path / "analysis" / "build" / "__init__.py").write_text("")
    shutil.copy(kernel_probe.__file__, tmp_path / "analysis" / "build" / "kernel_probe.py")
    (tmp_path / "analysis" / "topic.py").write_text("def answer():\n    return 1\n")
    result = subprocess.run([sys.executable, "-B", "-c", SCRIPT, str(tmp_path)], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == '{"answers": [1, 1, 2], "reused": true, "recompiled": true}', result.stderr


def test_a_kernels_socket_folder_goes_in_the_scratch_folder_it_is_given(tmp_path):
    """A Dask worker gives its kernel the worker's scratch folder (which Dask cleans even after the worker is
    killed); a path too long for Unix sockets falls back to the system's temporary folder."""
    import tempfile

    from analysis.build.kernel import kernel_manager

    scratch = tempfile.mkdtemp(prefix="worker-")  # short, as a Dask worker's is; pytest's tmp_path can be too long
    folders = [scratch]
    try:
        km = kernel_manager({}, None, scratch)
        folders.append(os.path.dirname(km.ip))
        assert os.path.dirname(folders[-1]) == scratch and km.transport == "ipc"
        deep = tmp_path / ("x" * 80)
        deep.mkdir()
        km = kernel_manager({}, None, deep)
        folders.append(os.path.dirname(km.ip))
        assert os.path.dirname(folders[-1]) == tempfile.gettempdir()
    finally:
        for folder in folders:
            shutil.rmtree(folder, ignore_errors=True)
