"""``medcoding data import FILE...``: next year's BLS files into ``data/evidence/``, checked, with provenance.

Accepted, as BLS publishes them (see :mod:`analysis.data.bls_files` for the reading):

* the OEWS **state** file: ``oesm25st.zip``, or the ``state_M2025_dl.xlsx`` / ``.csv`` inside it;
* the OEWS **national** file: ``oesm25nat.zip``, or ``national_M2025_dl.xlsx`` / ``.csv``;
* the Employment Projections **occupation** table (``occupation.xlsx``, the sheet with "National
  Employment Matrix code" in its header: Table 1.2).

What is kept (only what the kit shows), each in a new file next to the older years:

=========================  ==============================================================  ==============================
file                       what                                                            same format as
=========================  ==============================================================  ==============================
``bls_oews_mayYYYY_state`` SOC 29-2072 in the 50 states and DC: TOT_EMP, A_MEAN, A_MEDIAN ``bls_oews_may2024_state_...``
``bls_oews_mayYYYY_natio`` the national rows of 29-2072, the careers the kit sets beside    ``national_May2021_dl.csv``
``nal.csv``                it (``reference/career_soc_map.csv``) and all occupations        (official layout)
``bls_ep_YYYY-YY_29-2072`` the round's base and projected employment, percent change and    ``bls_national_facts_...``
                           openings of 29-2072, and the all-occupations percent change      (long form)
=========================  ==============================================================  ==============================

plus one row of ``data/sources.csv`` per file: title, source (the file imported, its member and
sheet), quality, the imported file's ``sha256``, the date ``imported`` and BLS's ``released`` date
when the file states it.

Rules: a state year is imported together with the national file of the same survey (or after it): the
notebooks set every state beside the national median. An older year's file is never changed; importing the same file again changes nothing (and
says so); a different file for a year already present is refused unless ``replace=True``, and the
message lists what would change. A year older than the newest present is refused. Every file
given is checked before anything is written; then all files are written atomically, so on any
error ``data/`` is byte-identical. No figure is filled in: a suppressed value (``*``, ``#``) in the
kit's own rows, or a missing state, refuses the file.

The steps, one module each: :mod:`analysis.data.bls_files` opens the file, :mod:`analysis.data.bls_keep`
keeps and checks the kit's rows, :mod:`analysis.data.bls_compare` sets them against what ``data/`` holds,
and :mod:`analysis.data.bls_write` writes the files with their ``sources.csv`` rows.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
from pathlib import Path

from analysis.core.paths import data_dir
from analysis.data.bls_compare import compare_with_present, refuse_state_without_national
from analysis.data.bls_files import NoDataSheet, read_tables
from analysis.data.bls_keep import EP_MARKER, ImportRefused, Planned, column_named, plan_ep, plan_oews
from analysis.data.bls_write import SOURCES_FILE, read_sources, sources_bytes, with_row, write_all_atomic

__all__ = ["NEXT_STEP", "ImportRefused", "Planned", "import_files", "plan_import"]

NEXT_STEP = "Run `medcoding build` to rebuild the reports whose inputs changed."


def import_files(paths, *, replace: bool = False, today: _dt.date | None = None) -> list[Planned]:
    """Import BLS files into ``data/`` (see the module text); return what was done for each.

    Every file is checked before anything is written; on any problem :class:`DataFileError` is raised
    and ``data/`` is unchanged.
    """
    paths = [Path(str(p)).expanduser() for p in paths]
    if not paths:
        raise ImportRefused("medcoding data import", "no file given",
                            hint="give the BLS files, e.g. `medcoding data import ~/Downloads/oesm25st.zip ~/Downloads/oesm25nat.zip`")
    today = today or _dt.date.today()
    sources = read_sources()
    plans: list[Planned] = []
    for path in paths:
        plan = plan_import(path, replace=replace, today=today, sources=sources)
        if any(p.target == plan.target and p.action != "unchanged" for p in plans) and plan.action != "unchanged":
            raise ImportRefused(str(path), f"another file given ({plans[-1].source.name}) also writes data/{plan.target}",
                                hint="give one file per year")
        plans.append(plan)
        if plan.action != "unchanged":
            sources = with_row(sources, plan.source_row)
    refuse_state_without_national(plans)
    writes = {p.target: p.content for p in plans if p.action != "unchanged"}
    if writes:
        writes[SOURCES_FILE] = sources_bytes(sources)
        write_all_atomic(data_dir(), writes)
    return plans


def plan_import(path: Path, *, replace: bool = False, today: _dt.date | None = None, sources=None) -> Planned:
    """Read and check one file; return what importing it would write (nothing is written here)."""
    path = Path(str(path)).expanduser()
    shown = str(path)
    if not path.is_file():
        raise ImportRefused(shown, "the file does not exist" if not path.exists() else "not a file",
                            hint="give the path of the downloaded BLS file, e.g. ~/Downloads/oesm25st.zip")
    if path.suffix.lower() == ".xls":
        raise ImportRefused(shown, "an old-style Excel workbook (.xls) is not read",
                            hint="download the .zip with the .xlsx from https://www.bls.gov/oes/tables.htm, or save it as .xlsx")
    raw = path.read_bytes()
    digest = hashlib.sha256(raw).hexdigest()
    today = today or _dt.date.today()
    sources = read_sources() if sources is None else sources
    found = "no sheet or header has OCC_CODE (OEWS) or 'National Employment Matrix code' (Employment Projections)"
    try:
        sheets = read_tables(path, shown, "OCC_CODE")
        oews = [s for s in sheets if column_named(s.table, "OCC_CODE")]
    except NoDataSheet as missing:
        oews, found = [], missing.problem
    if oews:
        plan = plan_oews(path, shown, oews[0], digest, today)
    else:
        try:
            ep = [s for s in read_tables(path, shown, EP_MARKER) if column_named(s.table, EP_MARKER)]
        except NoDataSheet:
            ep = []
        if not ep:
            raise ImportRefused(shown, f"not a BLS OEWS or Employment Projections file: {found}",
                                hint="the kit imports oesmYYst.zip, oesmYYnat.zip (https://www.bls.gov/oes/tables.htm) "
                                     "and occupation.xlsx (https://www.bls.gov/emp/tables.htm)")
        plan = plan_ep(path, shown, ep[0], digest, today)
    return compare_with_present(plan, digest, replace, sources)
