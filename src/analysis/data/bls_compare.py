"""A planned import against what ``data/`` already holds: the same file again, a replacement, an older year.

:func:`compare_with_present` decides a plan's action: "unchanged" (the same bytes and sha256 are there),
"replace" (only with ``replace=True``; the message lists what would change, cell by cell) or "new" (refused
if ``data/`` already holds a newer year). :func:`refuse_state_without_national` refuses a state year that has
no national median of the same survey, neither in the import nor in ``data/``. Nothing is written here.
"""

from __future__ import annotations

import io
import re

import pandas as pd

from analysis.core.paths import data_dir
from analysis.data import bls_years
from analysis.data.bls_keep import MEDICAL_RECORDS, ImportRefused, Planned


def compare_with_present(plan: Planned, digest: str, replace: bool, sources: list[dict]) -> Planned:
    """Set the plan's action from what data/ and its sources.csv rows (``sources``) hold; refuse what may not be imported."""
    root = data_dir()
    existing = root / plan.target
    row = next((r for r in sources if r.get("file") == plan.target), None)
    if existing.exists():
        old = existing.read_bytes()
        if (row or {}).get("sha256") == digest and old == plan.content:
            plan.action = "unchanged"
            return plan
        changes = _changes(old, plan.content) + _row_changes(row, plan.source_row)
        if not replace:
            listed = "; ".join(changes[:8]) + (f"; ... ({len(changes)} in all)" if len(changes) > 8 else "")
            raise ImportRefused(str(plan.source), f"data/ already holds {plan.period} (data/{plan.target}) from another file. "
                                f"Importing this one would change: {listed or 'nothing but the file'}",
                                hint="to use this file instead, run the import again with --replace")
        plan.action, plan.changes = "replace", changes
        return plan
    _refuse_older(plan)
    return plan


def refuse_state_without_national(plans: list[Planned]) -> None:
    """A state year needs the national figures of the same survey: every notebook sets a state beside the national
    median, and the kit never invents one. They come from the national file given in the same import, or are in data/."""
    given = {p.period for p in plans if p.kind == "OEWS national"}
    for plan in plans:
        if plan.kind != "OEWS state" or plan.action == "unchanged" or plan.period in given:
            continue
        if not _national_median_present(plan.period):
            year = plan.period[-4:]
            raise ImportRefused(str(plan.source), f"data/ holds no national {plan.period} median of {MEDICAL_RECORDS}, and "
                                f"no national file for {plan.period} is in this import; the notebooks set every state beside "
                                "the national figure of the same survey, and the kit never invents one",
                                hint=f"import the national file of the same release with it: `medcoding data import "
                                     f"{plan.source.name} oesm{year[2:]}nat.zip` (https://www.bls.gov/oes/tables.htm)")


def _national_median_present(period: str) -> bool:
    """Whether data/ (curated facts or an imported national file) has the national annual median of ``period``."""
    from analysis.data.evidence import load_national_facts

    facts = load_national_facts()
    return bool(((facts.period == period) & (facts.measure == "annual_median")).any())


def _refuse_older(plan: Planned) -> None:
    """Refuse a year (or projection round) older than the newest of its kind that data/ holds."""
    if plan.kind == "OEWS state":
        present = bls_years.state_years()
    elif plan.kind == "OEWS national":
        present = list(bls_years.national_files())
    else:
        present = [int(k[:4]) for k in _ep_rounds_present()]
    newest = max(present, default=None)
    year = int(plan.period[-4:]) if plan.kind != "Employment Projections" else int(plan.period[:4])
    if newest is not None and year < newest:
        label = f"May {newest}" if plan.kind != "Employment Projections" else f"the {max(_ep_rounds_present())} round"
        raise ImportRefused(str(plan.source), f"{plan.period} is older than {label}, which data/ already holds; "
                            "the kit adds newer years only",
                            hint="download the newest file from BLS; an older year stays as data/ has it")


def _ep_rounds_present() -> list[str]:
    """The projection rounds in data/: imported files and the curated national facts ("2024-34")."""
    from analysis.data.evidence import NATIONAL_FACTS_FILE

    rounds = set(bls_years.ep_files())
    path = data_dir() / NATIONAL_FACTS_FILE
    if path.exists():
        facts = pd.read_csv(path, dtype=str)
        rounds |= {s[3:] for s in facts.series.dropna() if re.fullmatch(r"EP \d{4}-\d{2}", s)}
    return sorted(rounds)


def _changes(old: bytes, new: bytes) -> list[str]:
    """Cell by cell, what the new file changes (first column is the row's key)."""
    before = pd.read_csv(io.BytesIO(old), dtype=str, keep_default_na=False)
    after = pd.read_csv(io.BytesIO(new), dtype=str, keep_default_na=False)
    if list(before.columns) != list(after.columns):
        return [f"columns {', '.join(before.columns)} -> {', '.join(after.columns)}"]
    key = ["state_abbr"] if "state_abbr" in after else ["OCC_CODE"] if "OCC_CODE" in after else ["period", "series", "measure"]
    before, after = before.set_index(key), after.set_index(key)
    found = []
    for index in after.index.difference(before.index):
        found.append(f"new row {index}")
    for index in before.index.difference(after.index):
        found.append(f"row {index} removed")
    for index in after.index.intersection(before.index):
        for column in after.columns:
            a, b = before.loc[index, column], after.loc[index, column]
            if isinstance(a, pd.Series) or isinstance(b, pd.Series):
                continue
            if a != b and column not in ("source", "source_quality"):
                found.append(f"{index if isinstance(index, str) else ' '.join(index)} {column}: {a} -> {b}")
    return found


def _row_changes(old: dict | None, new: dict) -> list[str]:
    """What the new sources.csv row changes in the old one (the dates aside)."""
    if old is None:
        return ["a new row of data/sources.csv"]
    return [f"sources.csv {name}: {old.get(name) or '(empty)'} -> {new.get(name) or '(empty)'}"
            for name in ("title", "source", "quality", "sha256") if (old.get(name) or "") != (new.get(name) or "")]
