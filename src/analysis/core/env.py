"""Every environment variable the kit reads, named once.

>>> sorted(name for name in globals() if name.endswith("_ENV"))
['ANSWERS_ENV', 'CACHE_DIR_ENV', 'CHROMIUM_ENV', 'DATA_DIR_ENV', 'KEEP_WARM_ENV', 'STRICT_ENV', 'TARGET_ENV', 'WARM_DIR_ENV']
"""

#: Folder to read data from instead of the kit's ``data/`` (the tests and the builder's workers set it).
DATA_DIR_ENV = "MEDCODING_DATA_DIR"
#: Output target of the chart renderer: ``lab`` (unset), ``html`` or ``pdf``.
TARGET_ENV = "MEDCODING_TARGET"
#: A Chrome or Chromium to print PDFs with.
CHROMIUM_ENV = "MEDCODING_CHROMIUM"
#: Extra exercise answer files (paths separated by ``os.pathsep``).
ANSWERS_ENV = "MEDCODING_EXERCISE_ANSWERS"
#: ``strict`` makes a failing exercise check raise.
STRICT_ENV = "MEDCODING_EXERCISES"
#: Folder for what the kit keeps between runs (the Vega bundle) instead of the user's cache folder.
CACHE_DIR_ENV = "MEDCODING_CACHE_DIR"
#: Minutes a warm builder waits for the next build (``medcoding build --keep-warm``; 0: none).
KEEP_WARM_ENV = "MEDCODING_KEEP_WARM"
#: Folder for the warm builder's socket, key and log (default: ``$XDG_RUNTIME_DIR/medcoding-outlook``).
WARM_DIR_ENV = "MEDCODING_WARM_DIR"
