# Switcher: `make run` starts the tray app, `make test` runs lint + the whole test suite.
# Both create .venv on first use; stamp files keyed on pyproject.toml make later runs quick.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
RUN_STAMP := $(VENV)/.installed-run
DEV_STAMP := $(VENV)/.installed-dev
LINT_PATHS := switcher tests $(wildcard bench) packaging setup.py
PIP := $(BIN)/python -m pip --disable-pip-version-check -q

PYTEST_ARGS ?=

.PHONY: run test pytest lint bench env dist clean distclean

run: $(RUN_STAMP)
	$(BIN)/switcher tray

test: lint pytest

# Tests must only see the displays, buses and keyrings their fixtures start, never the
# developer's own desktop: hence the unset variables. `make pytest PYTEST_ARGS=...` runs a
# subset without the lint step.
pytest: $(DEV_STAMP)
	env -u DISPLAY -u WAYLAND_DISPLAY -u DBUS_SESSION_BUS_ADDRESS \
		$(BIN)/python -m pytest -q $(PYTEST_ARGS); status=$$?; \
	if [ $$status -eq 5 ]; then echo "make test: pytest collected no tests" >&2; fi; \
	exit $$status

lint: $(DEV_STAMP)
	$(BIN)/lint-imports
	$(BIN)/ruff check $(LINT_PATHS)

bench: $(DEV_STAMP)
	@found=; failed=; for f in bench/bench_*.py; do \
		[ -e "$$f" ] || continue; found=1; echo "== $$f"; \
		env -u DISPLAY -u WAYLAND_DISPLAY -u DBUS_SESSION_BUS_ADDRESS \
			$(BIN)/python "$$f" || failed="$$failed $$f"; \
	done; \
	[ -n "$$found" ] || { echo "make bench: no bench/bench_*.py yet" >&2; exit 1; }; \
	[ -z "$$failed" ] || { echo "make bench: failed:$$failed" >&2; exit 1; }

# The dev environment without running anything (CI times this step on its own).
env: $(DEV_STAMP)

# The wheel and sdist (checked by twine), the PyInstaller bundle dist/switcher/ and the .deb,
# built from their own venv so that no dev tool can slip into the bundle.
DIST_VENV := .venv-dist
DIST_BIN := $(DIST_VENV)/bin
DIST_STAMP := $(DIST_VENV)/.installed-dist

dist: $(DIST_STAMP)
	rm -rf dist build/icons build/deb
	$(DIST_BIN)/python -m build --outdir dist .
	$(DIST_BIN)/twine check --strict dist/*.whl dist/*.tar.gz
	$(DIST_BIN)/python packaging/render_icons.py build/icons >/dev/null
	$(DIST_BIN)/pyinstaller --noconfirm --log-level WARN --distpath dist \
		--workpath build/pyinstaller packaging/switcher.spec
	$(DIST_BIN)/python packaging/build_deb.py
	dist/switcher/switcher --version

$(DIST_BIN)/python:
	$(PYTHON) -m venv $(DIST_VENV)

$(DIST_STAMP): pyproject.toml | $(DIST_BIN)/python
	$(DIST_BIN)/python -m pip --disable-pip-version-check -q install \
		--config-settings editable_mode=compat -e '.[dist]'
	touch $@

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(RUN_STAMP): pyproject.toml | $(BIN)/python
	$(PIP) install --config-settings editable_mode=compat -e '.[sandbox]'
	touch $@

# dev includes everything sandbox has, so it satisfies `make run` too.
$(DEV_STAMP): pyproject.toml | $(BIN)/python
	$(PIP) install --config-settings editable_mode=compat -e '.[sandbox,dev]'
	touch $@ $(RUN_STAMP)

clean:
	rm -rf build dist *.egg-info .pytest_cache .ruff_cache .hypothesis
	find switcher tests $(wildcard bench) -name __pycache__ -type d -prune -exec rm -rf {} +

distclean: clean
	rm -rf $(VENV) $(DIST_VENV)
