# carercheck: `make chat` to talk to the bot in the terminal, `make test` for every check.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
ARGS ?=

.PHONY: chat telegram test lint typecheck imports flows pytest bench screenshots clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev,postgres]'
	# Services run with PYTHONOPTIMIZE=2, as deployed: their compiled files, made once.
	$(BIN)/python -OO -m compileall -q $(VENV)/lib bot
	touch $(STAMP)

chat: $(STAMP)
	$(BIN)/carercheck chat $(ARGS)

telegram: $(STAMP)
	$(BIN)/carercheck telegram $(ARGS)

test: lint typecheck imports flows pytest

lint: $(STAMP)
	$(BIN)/ruff check bot tests bench
	$(BIN)/ruff format --check bot tests bench

typecheck: $(STAMP)
	$(BIN)/mypy

imports: $(STAMP)
	$(BIN)/lint-imports

flows: $(STAMP)
	$(BIN)/carercheck flows check

pytest: $(STAMP)
	$(BIN)/pytest -q

bench: $(STAMP)
	$(BIN)/python bench/engine.py
	$(BIN)/python bench/telegram.py
	$(BIN)/python bench/telegram.py --http
	$(BIN)/python bench/crypto.py
	$(BIN)/python bench/scale.py
	$(BIN)/python bench/drill.py

screenshots: $(STAMP)
	$(BIN)/python -m bot.testing.screenshots docs/screenshots

clean:
	rm -rf $(VENV) .mypy_cache .pytest_cache .ruff_cache
