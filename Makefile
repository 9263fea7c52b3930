# Two commands on a fresh machine: `make archive` and `make test`.
# Both build .venv, install the package with its test dependencies, make sure a
# Chromium is available, then run.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
SEEDS ?= seeds/
ARCHIVE ?= archive/

.PHONY: archive test setup chromium lint clean bench

archive: setup
	$(BIN)/archiver --archive $(ARCHIVE) run $(SEEDS) || [ $$? -eq 1 ]  # 1: complete, with failures recorded

test: setup
	$(BIN)/python -m pytest

# Benchmarks, not tests (never part of `make test`): prints a table and rewrites
# docs/benchmarks.md. Generated inputs are cached in BENCH_CACHE (~/.cache/archiver-bench).
bench: setup
	$(BIN)/python -m bench

lint: setup
	$(BIN)/ruff check archiver tests

# The package's modules compiled once here: a process that finds no bytecode compiles
# every module it imports (0.07 CPU s a start), and PYTHONDONTWRITEBYTECODE, where
# set, would have each process do so again. Cheap when nothing changed.
setup: $(STAMP) chromium
	@$(BIN)/python -m compileall -q archiver

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

# Playwright's own download is tried first; where it is unreachable the
# distribution's package is installed. ARCHIVER_BROWSER, when set, wins.
chromium: $(STAMP)
	@if [ -n "$$ARCHIVER_BROWSER" ] && [ -x "$$ARCHIVER_BROWSER" ]; then \
		echo "Chromium: $$ARCHIVER_BROWSER (ARCHIVER_BROWSER)"; \
	elif $(BIN)/python -m archiver.browser >/dev/null 2>&1; then \
		echo "Chromium: $$($(BIN)/python -m archiver.browser)"; \
	elif timeout 120 $(BIN)/playwright install chromium >/dev/null 2>&1 && $(BIN)/python -m archiver.browser >/dev/null 2>&1; then \
		echo "Chromium: $$($(BIN)/python -m archiver.browser) (Playwright download)"; \
	else \
		echo "Playwright's Chromium download failed; installing the distribution's chromium package"; \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium >/dev/null; \
		echo "Also installing chromium-headless-shell (a third of the CPU per capture), where the distribution has it"; \
		DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium-headless-shell >/dev/null 2>&1 || true; \
		$(BIN)/python -m archiver.browser; \
	fi

clean:
	rm -rf $(VENV)
