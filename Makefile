# `make` = lint + types + tests, the same as CI (.ci/run) but in the current environment.
.PHONY: check lint types test fix samples
check: lint types test
lint:
	ruff check archiver cli tests bench samples
types:
	mypy archiver
test:
	python -m pytest -q
fix:
	ruff check --fix archiver cli tests bench samples
	ruff format archiver cli tests bench samples
samples:
	python samples/build_samples.py
