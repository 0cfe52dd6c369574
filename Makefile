# Two commands a newcomer needs:  `make reports`  and  `make test`.
# Set-up is idempotent: it re-runs only when requirements.lock or pyproject.toml changed.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
KERNEL := medcoding-outlook
UV_VERSION := 0.13.9
SETUP_STAMP := $(VENV)/.setup-done
# axe-core (accessibility rules) for the browser tests, from the npm registry, pinned by its package-lock.json.
TEST_JS := tests/browser_deps
TEST_JS_STAMP := $(TEST_JS)/node_modules/.installed

.PHONY: all setup reports test lab system-deps clean-reports lock help

all: reports

help:
	@echo "make reports      set up, then build every report (HTML + PDF) into reports/"
	@echo "make test         set up, then run the tests"
	@echo "make lab          set up, then open JupyterLab on notebooks/"
	@echo "make system-deps  install Chromium and poppler-utils with apt (for PDFs; needs root)"
	@echo "make lock         re-resolve requirements.lock from pyproject.toml"

setup: $(SETUP_STAMP)

$(SETUP_STAMP): pyproject.toml requirements.lock
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "medcoding-outlook needs Python 3.11 or newer; found " + sys.version.split()[0] + ". Run: make PYTHON=python3.11 ...")'
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV) || { rm -rf $(VENV); echo "Could not create $(VENV). On Debian/Ubuntu: sudo apt-get install python3-venv"; exit 1; }
	$(BIN)/python -m pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)
	$(BIN)/uv pip sync --quiet --compile-bytecode --python $(BIN)/python requirements.lock
	$(BIN)/uv pip install --quiet --python $(BIN)/python --no-deps -e .
	$(BIN)/python -m ipykernel install --sys-prefix --name $(KERNEL) --display-name "Python ($(KERNEL))" >/dev/null
	@touch $@
	@echo "Set-up done: $(VENV) with kernel '$(KERNEL)'."

reports: setup
	$(BIN)/medcoding build

test: setup $(TEST_JS_STAMP)
	$(BIN)/python -m pytest -n 2 --dist loadgroup

# Without npm the accessibility tests are skipped (or fail, when MEDCODING_REQUIRE_BROWSER=1 as in CI).
$(TEST_JS_STAMP): $(TEST_JS)/package.json $(TEST_JS)/package-lock.json
	@if command -v npm >/dev/null; then \
	  npm ci --prefix $(TEST_JS) --no-audit --no-fund --silent && touch $@; \
	else echo "npm not found: the accessibility tests (axe-core) will not run. Debian: sudo make system-deps"; fi

lab: setup
	$(BIN)/jupyter lab notebooks/

# Chromium prints the PDF reports (its headless shell where Debian has it: lighter; else the full browser);
# poppler-utils (pdftotext, pdfinfo) lets the tests read them; npm installs axe-core for the accessibility tests.
system-deps:
	apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq poppler-utils $$(command -v npm >/dev/null || echo npm)
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium-headless-shell || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium

lock:
	$(BIN)/uv pip compile --quiet pyproject.toml --extra test --extra dask -o requirements.lock

clean-reports:
	rm -rf reports/states reports/topics reports/_failed reports/index.html reports/.build-manifest.json
