# Một Cửa — the two commands: `make run` and `make test`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PORT ?= 8000

.PHONY: run test install lint format demo worker migrate bench clean

$(STAMP): pyproject.toml requirements.lock
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -c requirements.lock -e '.[test,bench]'
	touch $(STAMP)

install: $(STAMP)

## make run: migrate the SQLite database in var/, load the demo province if empty,
## start the task worker and the web server on http://127.0.0.1:$(PORT)
## (a development environment: DEBUG, the payment sandbox and the demo data are on)
run: export MOTCUA_SITE_URL ?= http://127.0.0.1:$(PORT)
run: export MOTCUA_ENV ?= development
# local development only: the demo admins log in without a TOTP code (production: on)
run: export MOTCUA_REQUIRE_OTP ?= 0
run: $(STAMP)
	mkdir -p var
	@# static files are collected (and compressed) on the other core while the database is
	@# prepared: first what a visitor needs (units, catalog, logins, a first batch of
	@# dossiers); the rest of the history loads in the background while the site answers
	$(BIN)/motcua serve --collect-only & COLLECT=$$!; \
	  $(BIN)/motcua migrate --noinput && $(BIN)/motcua demo --if-empty --first && \
	  $(BIN)/motcua schedule && $(BIN)/motcua logins && wait $$COLLECT
	@echo "Một Cửa đang chạy tại http://127.0.0.1:$(PORT)/  (quản trị: /admin/, API: /api/docs)"
	@# MOTCUA_INTEROP_FAKE=1: the fake National Public Service Portal (docs/interop.md) too
	FAKE=; if [ "$$MOTCUA_INTEROP_FAKE" = 1 ]; then \
	  $(BIN)/python -m motcua.interop.fake_portal $${MOTCUA_INTEROP_FAKE_PORT:-8765} & FAKE=$$!; fi; \
	  $(BIN)/motcua worker --supervise & WORKER=$$!; $(BIN)/motcua demo --rest & REST=$$!; \
	  trap "kill $$WORKER $$REST $$FAKE 2>/dev/null" EXIT INT TERM; \
	  $(BIN)/motcua serve --port $(PORT)

## make test: the whole suite (DATABASE_URL picks the database; SQLite by default)
test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports && $(BIN)/mypy
	@# PYTHONDONTWRITEBYTECODE (set in some containers) would make every test process and every
	@# child `motcua` compile the sources again and pytest rewrite the test modules and its
	@# plugins' packages again (~6 s of CPU per process): the test run keeps its bytecode
	PYTHONDONTWRITEBYTECODE= $(BIN)/python -m pytest -n 2 --dist loadgroup --durations=25

lint: $(STAMP)
	$(BIN)/ruff check . && $(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff check --fix . && $(BIN)/ruff format .

demo: $(STAMP)
	$(BIN)/motcua migrate --noinput && $(BIN)/motcua demo

worker: $(STAMP)
	$(BIN)/motcua worker

bench: $(STAMP)
	@# Every bench runs: a bench exits 0 after printing a missed target (CHƯA ĐẠT / MISSED),
	@# non-zero only when it crashed, and a crash stops the run. bench/_*.py are helpers.
	@for b in bench/[!_]*.py; do \
	  echo "== $$b"; \
	  $(BIN)/python $$b || { echo "$$b dừng vì lỗi (mã $$?)"; exit 1; }; \
	done

clean:
	rm -rf $(VENV) var build *.egg-info src/*.egg-info
