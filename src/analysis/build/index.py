"""The index page: a generated notebook (a map of the states and lists of links) and its links."""

from __future__ import annotations

from pathlib import Path

from analysis.build.plan import INDEX_ID


def index_notebook() -> dict:
    """The index page's notebook (generated, so it needs no file in notebooks/): a map and link lists."""

    def cell(kind, source, **extra):
        cell = {"cell_type": kind, "metadata": extra.pop("metadata", {}), "source": source}
        if kind == "code":
            cell.update(execution_count=None, outputs=[])
        return cell

    return {
        "nbformat": 4, "nbformat_minor": 5,
        "metadata": {"kernelspec": {"name": "medcoding-outlook", "display_name": "Python (medcoding-outlook)",
                                    "language": "python"}, "language_info": {"name": "python"}},
        "cells": [
            cell("markdown", "Every report of the kit, built by `medcoding build`. Click a state on the map to open its "
                             "report; the topic reports follow. Each report is one offline page (and a PDF beside it)."),
            cell("code", "state_links = {}\ntopic_links = []\nother_links = []", metadata={"tags": ["parameters"]}),
            cell("code", "from analysis.present import rendering\nfrom analysis.topics import state_report as report\n\nrendering.configure();"),
            cell("markdown", "## States"),
            cell("code", "report.overview_map(state_links)"),
            cell("markdown", "## Topics"),
            cell("code", "report.report_list(topic_links)"),
            cell("code", "report.report_list(other_links, 'Reports with other parameters')"),
        ],
    }


def index_parameters(manifest: dict, out: Path) -> dict:
    """Links for the index: every report recorded in the manifest whose HTML is on disk."""
    state_links, topic_links, other_links = {}, [], []
    for report_id, entry in sorted(manifest.get("reports", {}).items()):
        if report_id == INDEX_ID or not (Path(out) / f"{report_id}.html").exists():
            continue
        address, title = f"{report_id}.html", entry.get("title", report_id)
        folder, _, name = report_id.partition("/")
        if folder == "states" and "--" not in name:
            state_links[name] = address
        elif folder == "topics" and "--" not in name:
            topic_links.append([title, address])
        else:
            other_links.append([title, address])
    return {"state_links": state_links, "topic_links": topic_links, "other_links": other_links}
