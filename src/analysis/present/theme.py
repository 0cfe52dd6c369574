"""The kit's chart colours: one altair theme and the named colours charts use, all colour-blind safe.

The categorical colours are Okabe and Ito's palette (*Color Universal Design*, 2008), chosen to stay
distinct for the common kinds of colour blindness. A chart highlights the reader's choice in
:data:`HIGHLIGHT` against :data:`MUTED` for everything else, and never by colour alone: the chosen
mark also carries a second cue (a bold label, a stroke, or its name in the title).

A quantity on a map is drawn on :data:`SEQUENTIAL` (light to dark); a tile with no figure is
:data:`MISSING` and says "n/a". Text on such a fill is :data:`INK` or :data:`PAPER`, whichever
:func:`text_colour` finds keeps WCAG AA contrast (4.5:1) with the tile under it.

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
#: The page's white: the gaps between tiles, and text on a dark fill.
PAPER = "#FFFFFF"
#: A tile or mark with no figure ("not available"): a pale neutral grey, lighter than every step of
#: :data:`SEQUENTIAL` (so it differs in lightness too, also when printed in grey); never the only cue.
MISSING = "#E5E5E5"

#: Vega's sequential scheme for a quantity (the wage tile maps): one hue family whose lightness falls
#: steadily from light to dark, so it reads with every common colour-vision deficiency.
SEQUENTIAL = "tealblues"
#: Its steps as Vega defines them (vega-scale's ``tealBlues``), lightest first; Vega interpolates
#: linearly in RGB between them. Kept to know how dark a tile is (:func:`text_colour`), not drawn.
_SEQUENTIAL_STEPS = ("#bce4d8", "#9dd3d1", "#81c3cb", "#65b3c2", "#45a2b9", "#368fae", "#347da0", "#306a93",
                     "#2c5985")

#: Every colour a chart of the kit may use.
PALETTE = frozenset(CATEGORICAL) | {MUTED, PAPER, MISSING}

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


def _luminance(colour: str) -> float:
    """WCAG 2.1 relative luminance of a ``#rrggbb`` colour (0 = black, 1 = white)."""
    def linear(channel: int) -> float:
        c = channel / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (linear(int(colour[i:i + 2], 16)) for i in (1, 3, 5))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_ratio(first: str, second: str) -> float:
    """WCAG 2.1 contrast ratio of two ``#rrggbb`` colours, from 1 (none) to 21 (black on white).

    >>> round(contrast_ratio(INK, PAPER), 1), round(contrast_ratio(INK, MISSING), 1)
    (21.0, 16.7)
    """
    light, dark = sorted((_luminance(first), _luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def sequential_colour(fraction: float) -> str:
    """The :data:`SEQUENTIAL` colour ``fraction`` of the way from its lightest (0) to its darkest (1) step,
    as Vega draws it (linear RGB between the steps, rounded).

    >>> sequential_colour(0), sequential_colour(1), sequential_colour(0.75)
    ('#bce4d8', '#2c5985', '#347da0')
    """
    position = min(max(fraction, 0.0), 1.0) * (len(_SEQUENTIAL_STEPS) - 1)
    i = min(int(position), len(_SEQUENTIAL_STEPS) - 2)
    low, high = _SEQUENTIAL_STEPS[i], _SEQUENTIAL_STEPS[i + 1]
    mix = [round(int(low[k:k + 2], 16) + (int(high[k:k + 2], 16) - int(low[k:k + 2], 16)) * (position - i))
           for k in (1, 3, 5)]
    return "#" + "".join(f"{c:02x}" for c in mix)


def text_colour(value, low, high) -> str:
    """:data:`INK` or :data:`PAPER` for text on the :data:`SEQUENTIAL` fill of ``value`` on a scale from
    ``low`` to ``high``: the one with the higher contrast (at least 4.5:1, WCAG AA, anywhere on the scale).
    A missing ``value`` (drawn on :data:`MISSING`) gets INK.

    >>> text_colour(60, 0, 100) == INK, text_colour(90, 0, 100) == PAPER, text_colour(None, 0, 100) == INK
    (True, True, True)
    >>> min(max(contrast_ratio(c, INK), contrast_ratio(c, PAPER)) for c in map(sequential_colour,
    ...     [i / 200 for i in range(201)])) >= 4.5
    True
    """
    if value is None or value != value or low is None or high is None or not high > low:  # missing, or NaN
        return INK
    fill = sequential_colour((float(value) - float(low)) / (float(high) - float(low)))
    return PAPER if contrast_ratio(fill, PAPER) > contrast_ratio(fill, INK) else INK


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
