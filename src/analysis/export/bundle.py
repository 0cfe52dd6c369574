"""The Vega bundle: Vega, Vega-Lite and Vega-Embed as one script, put once into each offline report page.

vl-convert makes it (no network) in ~1.1 s of wall time and ~1.3 s of CPU; a build makes it in a child process
(:func:`start_vega_bundle`) while its kernel starts, because vl-convert holds the GIL meanwhile. The text is
then kept in the kit's cache folder (:func:`analysis.core.paths.cache_dir`), under the versions of vl-convert,
Vega, Vega-Lite and Vega-Embed, with a SHA-256 of the script in its first line: the next process (a build's
other worker, the next build, the printer's warm-up) reads it in milliseconds. A cached file that is cut short,
changed or from another version is not used, and is made again. Nothing is ever downloaded, and a cache folder
that cannot be written only means the bundle is made each time. The tests keep their own cache folder
(``MEDCODING_CACHE_DIR``, set in tests/conftest.py).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import subprocess
import sys
import threading
from pathlib import Path

from analysis.core.paths import cache_dir

_LOCK = threading.Lock()
_maker: subprocess.Popen | None = None
_text: str | None = None  # the bundle as vl-convert made it (before escaping)

# The child writes the key (first line), then the bundle.
_MAKE = ("import sys, vl_convert; from analysis.export.bundle import bundle_key; "
         "sys.stdout.buffer.write((bundle_key() + '\\n' + vl_convert.javascript_bundle()).encode())")
_HEADER = re.compile(r"// medcoding-outlook Vega bundle: (?P<key>[^\n]*); sha256 (?P<digest>[0-9a-f]{64})\n")


def bundle_key() -> str:
    """What the bundle is made of: the versions of vl-convert and of the libraries it bundles (importing
    vl-convert takes ~5 ms; the bundle is not made).

    >>> bundle_key().startswith("vl-convert ")
    True
    """
    import vl_convert

    return (f"vl-convert {vl_convert.__version__}, vega {vl_convert.get_vega_version()}, "
            f"vega-lite {vl_convert.get_vegalite_versions()[-1]}, vega-embed {vl_convert.get_vega_embed_version()}")


def bundle_cache_path(key: str | None = None) -> Path:
    """The cached bundle's file for ``key`` (by default this vl-convert's)."""
    key = bundle_key() if key is None else key
    return cache_dir() / f"vega-bundle-{re.sub(r'[^A-Za-z0-9.]+', '-', key).strip('-')}.js"


def read_cached_bundle(key: str | None = None) -> str | None:
    """The cached bundle for ``key``, or None if there is none or it is not whole (its SHA-256 differs)."""
    key = bundle_key() if key is None else key
    try:
        data = bundle_cache_path(key).read_bytes()
    except OSError:
        return None
    header_end = data.find(b"\n") + 1
    match = _HEADER.fullmatch(data[:header_end].decode("utf-8", "replace"))
    body = data[header_end:]
    if not match or match["key"] != key or hashlib.sha256(body).hexdigest() != match["digest"]:
        return None
    return body.decode("utf-8")


def write_cached_bundle(key: str, text: str) -> Path | None:
    """Keep ``text`` as the bundle for ``key``: written to a temporary file beside it, then renamed over it, so
    a reader never sees half a file. Returns the path, or None if the cache folder cannot be written."""
    body = text.encode("utf-8")
    path = bundle_cache_path(key)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(tmp, "wb") as handle:
            handle.write(f"// medcoding-outlook Vega bundle: {key}; sha256 {hashlib.sha256(body).hexdigest()}\n".encode())
            handle.write(body)
        os.replace(tmp, path)
    except OSError:
        with contextlib.suppress(OSError):
            tmp.unlink()
        return None
    return path


def start_vega_bundle() -> None:
    """Have :func:`vega_bundle` ready soon: read from the cache now, or else start making it in a child process
    (vl-convert holds the GIL for the second it takes, which in this process would stall a kernel starting in
    another thread). A build calls this while the kernel starts; :func:`vega_bundle` then collects it."""
    global _maker, _text
    with _LOCK:
        if _text is not None or _maker is not None:
            return
        _text = read_cached_bundle()
        if _text is None:
            _maker = subprocess.Popen([sys.executable, "-c", _MAKE], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)


def vega_bundle() -> str:
    """Vega, Vega-Lite and Vega-Embed as one script (~1 MB), from the cache or made once per process.

    It sets ``window.vegaEmbed``. ``</script`` inside it is escaped, so that the page's ``<script>`` element
    does not end early. The report template inserts it as a value, never parsed as Jinja (it contains ``{#``),
    inside a function wrapper.
    """
    global _maker, _text
    with _LOCK:
        if _text is None:
            _text = _collect()
        return re.sub(r"</(script)", r"<\\/\1", _text, flags=re.I)


def _collect() -> str:
    """The bundle from the child process if one was started, else from the cache, else made here."""
    global _maker
    maker, _maker = _maker, None
    if maker is not None:
        out, _ = maker.communicate()
        key, _, text = out.decode("utf-8", "replace").partition("\n")
        if maker.returncode == 0 and text:
            write_cached_bundle(key, text)
            return text
    text = read_cached_bundle()
    if text is None:  # not cached, and no child (or it failed): make it here
        import vl_convert

        text = vl_convert.javascript_bundle()
        write_cached_bundle(bundle_key(), text)
    return text
