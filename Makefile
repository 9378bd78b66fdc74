# Qualframe — two commands from a fresh clone:
#   make run    set up, build the demo project if missing, open the GUI on it
#   make test   set up (with dev tools), run the whole test suite (GUI tests offscreen)
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
DEMO := build/demo.qualframe
# Qt's runtime libraries on a bare Debian/Ubuntu, plus fonts (CJK for Hangul transcripts, colour
# emoji for the emoji in chat-like transcripts); poppler-utils/poppler-data: pdftotext, the
# independent reference of the PDF corpus test and the reader of the REFI-QDA specification;
# a virtual X screen, a small window manager and xdotool for the real-X smoke test
# (tests/app/test_real_x.py, ~10 s).
SYSTEM_PACKAGES := libegl1 libgl1 libxkbcommon0 libxkbcommon-x11-0 libfontconfig1 libfreetype6 \
	libdbus-1-3 libglib2.0-0 libx11-xcb1 libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 \
	libxcb-image0 libxcb-render-util0 libxcb-randr0 libxcb-shape0 libxcb-xkb1 \
	fonts-dejavu-core fonts-noto-cjk fonts-noto-color-emoji poppler-utils poppler-data \
	xvfb openbox xdotool
APT_LINE := apt-get install -y --no-install-recommends $(SYSTEM_PACKAGES)

# The team server (issue 17): `make test-postgres` runs the whole suite once more with every
# project fixture on a PostgreSQL server on loopback (tests/postgres/loopback.sh starts one in
# $(PG_DIR) on port $(PG_PORT) and stops it afterwards; a server already running there is used
# and left running).
POSTGRES_PACKAGES := postgresql
PG_DIR ?= /tmp/qualframe-pg
PG_PORT ?= 55432

.PHONY: run test test-postgres postgres-deps bench mutate lint typecheck check system-deps install install-dev demo screenshot review-screenshots clean

run: install $(DEMO)
	$(BIN)/qualframe gui $(DEMO)

test: install-dev
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -q

test-postgres: install-dev postgres-deps
	@url=$$(QUALFRAME_PG_DIR=$(PG_DIR) QUALFRAME_PG_PORT=$(PG_PORT) tests/postgres/loopback.sh start) || exit 1; \
	echo "PostgreSQL on $$url"; \
	QT_QPA_PLATFORM=offscreen QUALFRAME_TEST_DATABASE=$$url $(BIN)/python -m pytest -q; rc=$$?; \
	QUALFRAME_PG_DIR=$(PG_DIR) QUALFRAME_PG_PORT=$(PG_PORT) tests/postgres/loopback.sh stop; exit $$rc

# The PostgreSQL server package, for test-postgres only (the app itself needs no server).
postgres-deps:
	@if ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		echo "Installing $(POSTGRES_PACKAGES)"; export DEBIAN_FRONTEND=noninteractive; \
		apt-get update -qq && apt-get install -y -qq --no-install-recommends $(POSTGRES_PACKAGES) >/dev/null; \
	else \
		echo "make test-postgres needs a PostgreSQL server; run once: sudo apt-get install $(POSTGRES_PACKAGES)"; exit 1; \
	fi

bench: install-dev
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -q -p no:randomly tests/bench --benchmark-enable -s

# Mutation testing ([tool.mutmut] in pyproject.toml), one module group at a time; slow (tens
# of minutes on 2 cores), so not part of `make test`. Prints the kill rate per module.
MUTATE_GROUPS := "qualframe.app.gui.offsets*" "qualframe.coding.codebook.tallies*" \
	"qualframe.coding.corpus.segments*" "qualframe.coding.query.*" \
	"qualframe.coding.analysis.matrix.*" \
	"qualframe.coding.analysis.survey.*" "qualframe.coding.importing.*"
MUTATE_JOBS ?= 2
mutate: install-dev
	mkdir -p build
	for group in $(MUTATE_GROUPS); do \
		QT_QPA_PLATFORM=offscreen $(BIN)/mutmut run --max-children $(MUTATE_JOBS) "$$group" \
			> build/mutmut-last.log 2>&1 || { tail -20 build/mutmut-last.log; exit 1; }; \
	done
	$(BIN)/python tests/mutation/report.py

lint: install-dev
	$(BIN)/ruff check src tests
	$(BIN)/ruff format --check src tests
	$(BIN)/lint-imports

typecheck: install-dev
	$(BIN)/mypy
	$(BIN)/mypy --strict src/qualframe/coding src/qualframe/storage

check: lint typecheck test

demo: install
	rm -f $(DEMO) $(DEMO)-wal $(DEMO)-shm $(DEMO).lock
	$(MAKE) $(DEMO)

$(DEMO): | install
	mkdir -p build
	$(BIN)/qualframe demo $(DEMO)

screenshot: install $(DEMO)
	QT_QPA_PLATFORM=offscreen $(BIN)/qualframe gui $(DEMO) --screenshot docs/screenshot.png \
		--document fgi_mentees --code "Factors of success"

# The review workspace, the Disputes list and the Log view on the demo project, reviewed.
review-screenshots: install-dev
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m tests.app.review_screenshots docs

# System libraries: installed when we are root with apt-get, otherwise the one line to run.
system-deps:
	@missing=$$(for p in $(SYSTEM_PACKAGES); do dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q "install ok installed" || echo $$p; done); \
	if [ -z "$$missing" ]; then exit 0; fi; \
	if ! command -v apt-get >/dev/null; then \
		echo "Qt needs these system libraries (install them with your package manager): $$missing"; \
	elif [ "$$(id -u)" = 0 ]; then \
		echo "Installing system libraries for Qt: $$missing"; \
		export DEBIAN_FRONTEND=noninteractive; \
		apt-get update -qq && apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	else \
		echo "Qt needs system libraries that are missing. Run this once, then run make again:"; \
		echo "  sudo $(APT_LINE)"; exit 1; \
	fi

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e ".[dev]"
	touch $(VENV)/.installed $@

install: system-deps $(VENV)/.installed

install-dev: system-deps $(VENV)/.installed-dev

clean:
	rm -rf $(VENV) build *.egg-info
