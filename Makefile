PYTHON ?= python3

.PHONY: test deps lint typecheck unit docs

# The README's test command: system tools, lint, types, the test suite.
test: deps lint typecheck docs unit

deps:
	bash scripts/ensure-system-deps.sh

lint:
	$(PYTHON) -m ruff check reference model proofs tests

typecheck:
	bash scripts/typecheck.sh

# The generated documentation; warnings are errors (issue 8). -E re-reads every
# page, so a warning in a page an incremental build would skip still fails.
docs:
	$(PYTHON) -m sphinx -E -W --keep-going -b html docs docs/_build/html

unit:
	$(PYTHON) -m pytest -q -p no:cacheprovider
