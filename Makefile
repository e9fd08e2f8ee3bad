# Set-up is automatic: each target makes .venv when it is missing or older than pyproject.toml.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint format bench eval mutate clean truth

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

# mutmut for `make mutate` only; `make test` and CI never install it.
$(VENV)/.mutate-installed: $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[test,mutate]'
	touch $@

run: $(STAMP)
	$(BIN)/camerabot

test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/python -m pytest

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

bench: $(STAMP)
	$(BIN)/python -m benchmarks

# The truth tests of issue #17: thousands of probe questions per base, a table of contradictions.
truth: $(STAMP)
	$(BIN)/python -m tests.truth

# Mutation testing of the critical modules (README, "Mutation testing"); niced: it takes a while.
mutate: $(VENV)/.mutate-installed
	nice -n 15 $(BIN)/python -m mutation.mutate $(MUTATE_ARGS)

eval: $(STAMP)
	@test -f ../shared/eval/score.py || { echo "make eval scores answers with ../shared/eval/score.py (the project's shared evaluation set, kept beside this repository); it is not there, so there is nothing to run. Without it: make test (tests/data/golden.jsonl is the golden question set)." >&2; exit 2; }
	$(BIN)/python ../shared/eval/score.py --cmd "$(BIN)/camerabot ask --json" --show-failures

clean:
	rm -rf $(VENV) mutants
