# The front door: `make` sets everything up and builds decks/; `make test` runs the tests.
PY := .venv/bin/python
DECKBUILD := .venv/bin/deckbuild

.PHONY: all setup venv npm browser tools build decks shots pdf posts index test lint golden bench mutation wheel clean

# A second `make` with nothing changed starts no browser and rewrites no file: each step skips what is current.
all: setup build shots index

setup: venv npm browser tools

venv: .venv/.installed
.venv/.installed: pyproject.toml
	python3 -m venv .venv
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $@

npm: node_modules/.package-lock.json
node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund

# A Chromium for screenshots and browser tests: Playwright's own or the system's, and on Debian the
# Noto fonts, so that Chinese, Japanese, Korean, Arabic, Hebrew, Devanagari and emoji show real glyphs.
FONT_PACKAGES := fonts-noto-core fonts-noto-cjk fonts-noto-color-emoji
browser: venv
	@if $(DECKBUILD) browser >/dev/null 2>&1; then \
		echo "browser: $$($(DECKBUILD) browser)"; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-dejavu-core fonts-liberation >/dev/null && \
		echo "browser: $$($(DECKBUILD) browser)"; \
	else \
		echo "No Chromium found. Run: $(PY) -m playwright install chromium  (or: sudo apt-get install chromium)"; \
		exit 1; \
	fi
	@missing=$$(for p in $(FONT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -z "$$missing" ] || ! command -v dpkg >/dev/null; then \
		true; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null && \
		echo "fonts: installed" $$missing; \
	else \
		echo "Fonts missing for some scripts and emoji. Run: sudo apt-get install" $$missing "(see docs/screenshots.md)"; \
	fi

# Real tools the tests use as oracles: pandoc (its Markdown), jekyll (a blog that publishes decks).
TOOLS := pandoc jekyll
tools:
	@missing=""; for tool in $(TOOLS); do command -v $$tool >/dev/null || missing="$$missing $$tool"; done; \
	if [ -z "$$missing" ]; then echo "tools: $(TOOLS)"; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null && echo "tools:$$missing installed"; \
	else \
		echo "Missing:$$missing. Install them (Debian/Ubuntu: sudo apt-get install$$missing); their tests are skipped without them."; \
	fi

build: venv npm
	$(DECKBUILD) build

decks: build

shots: venv npm browser
	$(DECKBUILD) shots

pdf: venv npm browser
	$(DECKBUILD) pdf

# The talks index (site/index.html) with each deck's title-slide thumbnail, once shots has taken them.
index: shots
	$(DECKBUILD) build

# Blog posts: `make posts POSTS="_posts/2018-12-08-ml-communities.md decks/talk.md"` (a post, or a deck
# whose post is created in _posts/); BASE_URL sets where the decks are hosted if their url: does not.
POSTS ?=
BASE_URL ?=
posts: shots
	@if [ -z "$(POSTS)" ]; then echo "posts: name them, e.g. make posts POSTS=_posts/my-talk.md"; fi
	@for post in $(POSTS); do \
		$(DECKBUILD) shots "$$post" && $(DECKBUILD) post "$$post" $(if $(BASE_URL),--base-url "$(BASE_URL)") || exit 1; \
	done

bench: venv npm browser
	$(PY) bench/shots_bench.py
	$(PY) bench/pdf_bench.py
	$(PY) bench/build_bench.py
	$(PY) bench/seed_bench.py

test: venv npm
	$(PY) -m pytest -q

lint: venv
	$(PY) -m ruff check deckbuild tests
	$(PY) -m ruff format --check deckbuild tests
	$(PY) -m mypy

# Mutation testing of the screenshot side (slow: not part of `make test`); score in docs/development.md.
# Two phases: every mutant not yet checked (or of changed code) with the tests that start no Chromium, then
# only that phase's survivors with all their tests (tests/mutation.py marks them unchecked, keeps which had them).
# MUTANTS='deckbuild.browser.images*' (names or globs): phase 1 re-runs just those, checked or not.
# Niced to 19, two children: it yields to anything else the machine runs.
mutation: venv npm browser
	mkdir -p mutants && ln -sfn ../node_modules mutants/node_modules
	DECKBUILD_MUTATION_FAST=1 nice -n 19 $(PY) -m mutmut run --max-children 2 $(MUTANTS)
	$(PY) -m tests.mutation reopen
	nice -n 19 $(PY) -m mutmut run --max-children 2
	$(PY) -m tests.mutation record
	$(PY) -m tests.mutation table

golden: venv npm
	$(PY) -m tests.golden

# The wheel, with the browser files decks load taken from node_modules (.ci/wheel_assets.py): no Node.js to use it.
wheel: venv npm
	$(PY) -m pip wheel --quiet --no-deps --no-build-isolation -w dist .
	@ls -l dist/deckbuild-*.whl

clean:
	rm -rf site mutants .pytest_cache .mypy_cache .ruff_cache
