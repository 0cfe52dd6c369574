"""A package only so that its conftest.py is imported as ``export.conftest``: a second top-level module named
``conftest`` would take the place of tests/conftest.py, which the test modules import helpers from."""
