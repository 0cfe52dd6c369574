"""medcoding-outlook: helpers that turn a career article's claims and public evidence into tables and charts."""

from analysis.core import lazy_rfc3987

# Before anything imports jsonschema (altair, nbformat, papermill): saves ~2 s of grammar building per process.
lazy_rfc3987.install()

__version__ = "0.1.0"
