# Two commands: `make run` (the platform, zero setup) and `make test` (everything CI checks).
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
STAMP := $(VENV)/.installed
PYTEST_WORKERS ?= 2

.PHONY: run test install services system-packages messages messages-update lint migrations-check pytest clean backup restore

$(STAMP): pyproject.toml
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "Python 3.11 is required ($(PYTHON) not found)."; exit 1; }
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install -q --upgrade pip
	$(PIP) install -q -e ".[test]"
	touch $(STAMP)

install: $(STAMP)

system-packages:
	bash scripts/ensure_system_packages.sh

messages: install system-packages
	$(PY) manage.py compilemessages --ignore=.venv -v0

run: messages
	bash scripts/run.sh

services:
	bash scripts/ensure_services.sh

# The same checks as .pre-commit-config.yaml (pre-commit run --all-files).
lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/djlint --lint .
	$(VENV)/bin/mypy .
	$(MAKE) migrations-check
	$(VENV)/bin/pytest -q tests/core/test_layers.py

migrations-check: install
	DJANGO_SETTINGS_MODULE=umkm_program.settings.test $(PY) manage.py makemigrations --check --dry-run

pytest: install
	$(VENV)/bin/pytest -n $(PYTEST_WORKERS) --dist loadfile $(PYTEST_ARGS)
	$(VENV)/bin/pytest -q --ds=umkm_program.settings.test_sqlite tests/sqlite

test: install services messages
	bash scripts/ensure_system_packages.sh --with-browser
	$(MAKE) lint migrations-check pytest

clean:
	rm -rf $(VENV) var staticfiles

# After adding user-facing strings: update catalogues, fill English and the Indonesian dictionaries.
messages-update: install system-packages
	$(PY) manage.py makemessages -l id -l en --no-location --ignore=.venv --ignore=var --ignore=tests --ignore=bench --ignore=static --ignore=scripts -v0
	$(PY) scripts/i18n_fill.py locale/translations/*.json

# Encrypted database backup (needs DATABASE_URL and BACKUP_PASSPHRASE; see docs/operations.md).
backup: install
	$(PY) manage.py backup_database $(if $(OUTPUT),--output $(OUTPUT),)

# Restore one: make restore FILE=var/backups/laju-....dump.enc (asks for the database name to confirm).
restore: install
	@test -n "$(FILE)" || { echo "Usage: make restore FILE=<backup file>"; exit 1; }
	$(PY) manage.py restore_database $(FILE)
