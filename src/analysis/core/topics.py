"""The topic registry: every notebook that gets a report, by its one name.

A topic's id is its module's name under :mod:`analysis.topics` and its notebook's file name without
the number prefix (``salary_by_state`` -> ``analysis.topics.salary_by_state``, a package of small modules
or a single module, and ``notebooks/01_salary_by_state.ipynb``). Its module declares ``PARAMETERS``.

>>> notebook_topic("notebooks/01_salary_by_state.ipynb")
'salary_by_state'
>>> TOPICS["state_report"]
'state_report.ipynb'
"""

from __future__ import annotations

import importlib
import types

from analysis.core.errors import lookup

#: topic id -> its notebook's file name under notebooks/.
TOPICS = {
    "salary_by_state": "01_salary_by_state.ipynb",
    "job_outlook": "02_job_outlook.ipynb",
    "specialty": "03_specialty.ipynb",
    "certification_premium": "04_certification_premium.ipynb",
    "ai_impact": "05_ai_impact.ipynb",
    "state_report": "state_report.ipynb",
}
#: The topic whose report is built once per state (the others: once per topic).
STATE_TOPIC = "state_report"


def notebook_topic(name: str) -> str:
    """ "notebooks/01_salary_by_state.ipynb" -> "salary_by_state" (the topic id of a notebook file).

    >>> notebook_topic("05_ai_impact")
    'ai_impact'
    """
    stem = str(name).replace("\\", "/").rsplit("/", 1)[-1].removesuffix(".ipynb")
    head, _, rest = stem.partition("_")
    return rest if head.isdigit() and rest else stem


def topic_module(topic: str) -> types.ModuleType:
    """The module of a topic (imported on first use: topic modules import pandas and altair).

    Topics sit above this layer, so they are found by the naming rule, not imported here.
    """
    key = lookup("notebook", notebook_topic(topic), TOPICS, given=topic)
    return importlib.import_module(f"analysis.topics.{key}")
