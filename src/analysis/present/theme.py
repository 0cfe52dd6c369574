"""The kit's chart colours: one altair theme and the named colours charts use, all colour-blind safe.

The categorical colours are Okabe and Ito's palette (*Color Universal Design*, 2008), chosen to stay
distinct for the common kinds of colour blindness. A chart highlights the reader's choice in
:data:`HIGHLIGHT` against :data:`MUTED` for everything else, and never by colour alone: the chosen
mark also carries a second cue (a bold label, a stroke, or its name in the title).

:func:`enable` registers the theme with altair 6's theme API and turns it on; the renderer set-up
(:func:`analysis.present.rendering.configure`, called by ``start()``) does it, so notebooks, HTML
and PDF reports draw with the same colours.

>>> HIGHLIGHT in PALETTE and MUTED in PALETTE
True
>>> len(CATEGORICAL), len(set(CATEGORICAL))
(8, 8)
>>> colours_outside_palette({"mark": {"type": "bar", "color": HIGHLIGHT},
...                          "encoding": {"color": {"scale": {"range": [BLUE, "#4c78a8"]}}}})
['#4c78a8']
>>> colours_outside_palette({"mark": {"type": "rule", "color": "black"}, "title": "Rank #1"})
['black']
"""

from __future__ import annotations

import re

#: Okabe-Ito colours by name (hex as published by Wong, Nature Methods 8:441, 2011).
ORANGE = "#E69F00"
SKY_BLUE = "#56B4E9"
BLUISH_GREEN = "#009E73"
YELLOW = "#F0E442"
BLUE = "#0072B2"
VERMILLION = "#D55E00"
REDDISH_PURPLE = "#CC79A7"
BLACK = "#000000"

#: The categorical palette, in the order altair gives it to nominal fields (yellow late: it is pale on white).
CATEGORICAL = (BLUE, ORANGE, BLUISH_GREEN, VERMILLION, SKY_BLUE, REDDISH_PURPLE, YELLOW, BLACK)

#: The reader's choice (the chosen specialty, source, occupation...).
HIGHLIGHT = VERMILLION
#: What is compared with the choice, when a chart marks a second group.
COMPARED = BLUE
#: Everything else: a light grey, well apart from HIGHLIGHT in lightness as well as hue.
MUTED = "#BBBBBB"
#: Text and reference lines drawn as marks (black: full contrast on the white page).
INK = BLACK

#: Every colour a chart of the kit may use.
PALETTE = frozenset(CATEGORICAL) | {MUTED}

THEME_NAME = "medcoding"

_HEX = re.compile(r"#[0-9a-fA-F]{6}\b|#[0-9a-fA-F]{3}\b")
_COLOUR_KEYS = {"color", "fill", "stroke", "background"}


def theme_config() -> dict:
    """The theme's Vega-Lite config: the palette for nominal fields and the default mark colour.

    altair's default view size is kept, so charts keep their size.

    >>> config = theme_config()["config"]
    >>> config["range"]["category"][:2] == [BLUE, ORANGE], config["mark"]["color"] == BLUE
    (True, True)
    >>> config["view"]
    {'continuousWidth': 300, 'continuousHeight': 300}
    """
    return {
        "config": {
            "view": {"continuousWidth": 300, "continuousHeight": 300},
            "range": {"category": list(CATEGORICAL)},
            "mark": {"color": BLUE},
        }
    }


def enable() -> str:
    """Register the kit's theme with altair (once) and make it the active one; returns its name.

    >>> import altair as alt
    >>> enable()
    'medcoding'
    >>> alt.theme.active
    'medcoding'
    >>> alt.Chart().mark_bar().to_dict()["config"]["mark"] == {"color": BLUE}
    True
    """
    import altair as alt

    if THEME_NAME not in alt.theme.names():
        alt.theme.register(THEME_NAME, enable=False)(theme_config)
    alt.theme.enable(THEME_NAME)
    return THEME_NAME


def colours_outside_palette(spec) -> list[str]:
    """The colours in a chart spec (a dict from ``chart.to_dict()``) that are not in :data:`PALETTE`.

    Looks at every hex colour anywhere in the spec and at named colours (``"black"``) given to a
    ``color``, ``fill``, ``stroke`` or ``background`` key or in a colour scale's ``range``;
    sorted, each once. A ``#`` in text that is not a full hex colour does not count.
    """
    found: set[str] = set()
    allowed = {c.lower() for c in PALETTE}

    def walk(node, colour_context: bool = False):
        if isinstance(node, dict):
            for key, value in node.items():
                walk(value, colour_context=key in _COLOUR_KEYS or (colour_context and key in ("value", "range", "scale", "condition")))
        elif isinstance(node, list):
            for item in node:
                walk(item, colour_context)
        elif isinstance(node, str):
            found.update(_HEX.findall(node))
            if colour_context and not node.startswith("#") and re.fullmatch(r"[a-z]+", node):
                found.add(node)

    walk(spec)
    return sorted(c for c in found if c.lower() not in allowed)
