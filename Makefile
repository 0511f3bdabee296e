PYTHON ?= python3

.PHONY: test deps lint typecheck unit docs

# The README's test command: system tools, lint, types, the test suite.
test: deps lint typecheck unit

deps:
	bash scripts/ensure-system-deps.sh

lint:
	$(PYTHON) -m ruff check reference model proofs tests

typecheck:
	bash scripts/typecheck.sh

unit:
	$(PYTHON) -m pytest -q -p no:cacheprovider
