"""medcoding-outlook: helpers that turn a career article's claims and public evidence into tables and charts."""

__version__ = "0.1.0"
