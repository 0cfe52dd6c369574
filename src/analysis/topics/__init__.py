"""One module per topic notebook; its name is the topic id (see :mod:`analysis.core.topics`).

Each declares ``PARAMETERS`` (a :class:`~analysis.core.params.ParameterSet`) and the helpers its
notebook calls. :func:`start` is what every topic notebook calls first.
"""

from __future__ import annotations

import types

from analysis.core.params import check_notebook_parameters
from analysis.present import rendering


def start(notebook: str, namespace: dict) -> types.SimpleNamespace:
    """Configure the chart renderer for the output target, then check the notebook's parameters.

    The first code cell after a notebook's ``parameters`` cell is ``p = start("salary_by_state", globals())``;
    ``p`` then holds the checked values (``p.state`` is a :class:`~analysis.data.states.State`).
    """
    import pandas as pd

    rendering.configure()
    # Show claims and occupation titles in full: a cut-off quote could change its meaning.
    pd.set_option("display.max_colwidth", None)
    # Text in a styled table comes from data files: shown as text, never read as HTML.
    pd.set_option("styler.format.escape", "html")
    return check_notebook_parameters(notebook, namespace)
