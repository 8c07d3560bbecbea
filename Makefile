# tinhso — the two commands: `make demo` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
PORT   ?= 8000
export PORT

.PHONY: demo test lint typecheck pytest serve worker clean messages openapi bench help

help:
	@echo "make demo   — cài đặt, migrate SQLite, nạp dữ liệu mẫu, chạy http://127.0.0.1:$(PORT)"
	@echo "make test   — ruff, mypy, kiểm tra migration/OpenAPI, pytest (SQLite, và PostgreSQL nếu DATABASE_URL trỏ tới)"

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "tinhso cần Python 3.11 trở lên")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	@touch $@

$(VENV)/.dev-installed: pyproject.toml $(VENV)/.installed
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $@

demo: $(VENV)/.installed
	env -u DATABASE_URL TINHSO_ENV=demo $(BIN)/tinhso demo --port $(PORT)

lint: $(VENV)/.dev-installed
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench

typecheck: $(VENV)/.dev-installed
	$(BIN)/mypy

openapi: $(VENV)/.installed
	@mkdir -p var
	env -u DATABASE_URL $(BIN)/tinhso export_openapi_schema --api tinhso.api.api --output var/openapi.json
	@echo "OpenAPI: var/openapi.json"

# pytest exits 5 when it collected no test: report it instead of failing obscurely.
define run_pytest
	$(BIN)/pytest $(PYTEST_ARGS); rc=$$?; if [ $$rc -eq 5 ]; then echo "pytest: no tests ran"; rc=0; fi; exit $$rc
endef

pytest: $(VENV)/.dev-installed
	@echo "== pytest on SQLite"
	@env -u DATABASE_URL sh -c '$(run_pytest)'
	@case "$$DATABASE_URL" in postgres*) echo "== pytest on PostgreSQL ($$DATABASE_URL)"; sh -c '$(run_pytest)';; *) echo "(DATABASE_URL is not PostgreSQL: PostgreSQL suite skipped)";; esac

test: lint typecheck openapi $(VENV)/.dev-installed
	env -u DATABASE_URL $(BIN)/tinhso makemigrations --check --dry-run
	@$(MAKE) --no-print-directory pytest

messages: $(VENV)/.installed
	cd src/tinhso && ../../$(BIN)/tinhso makemessages -l en --no-obsolete && ../../$(BIN)/tinhso compilemessages -l en

serve: $(VENV)/.installed
	$(BIN)/tinhso serve

worker: $(VENV)/.installed
	$(BIN)/tinhso worker

clean:
	rm -rf $(VENV) var/tinhso.sqlite3* var/media
