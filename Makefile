# Otonari — the two commands: `make run` (serve a demo on http://127.0.0.1:8000) and `make test`.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

# make test talks to the real services that run on every machine of this kind.
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/otonari
TEST_REDIS_URL ?= redis://127.0.0.1:6379/15
PYTEST_ARGS ?=

.PHONY: help install browser-deps run serve migrate messages demo test lint makemessages worker beat check-deploy clean

# Browser tests drive Debian's Chromium (Playwright cannot download its own browser here), with
# fonts that render Japanese and Devanagari in the screenshots.
BROWSER_PACKAGES := chromium fonts-noto-cjk fonts-lohit-deva

help:
	@echo "make run    - install, migrate, load demo data and serve on http://$(HOST):$(PORT)"
	@echo "make test   - lint, translation checks and the whole test suite (PostgreSQL + Redis)"
	@echo "make worker / make beat - a Celery worker / the periodic scheduler (needs REDIS_URL)"

# torch goes first, pinned: it takes the CPU wheel on disk instead of a multi-GB CUDA build.
$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet "torch==2.13.0"
	$(PY) -m pip install --quiet ".[dev]"
	touch $(STAMP)

install: $(STAMP)

browser-deps:
	@if [ ! -x /usr/bin/chromium ] || ! fc-list | grep -qi "noto sans cjk" || ! fc-list | grep -qi lohit; then \
	  echo "Installing $(BROWSER_PACKAGES) from Debian for the browser tests"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $(BROWSER_PACKAGES) >/dev/null; \
	fi

messages: install
	$(PY) manage.py compilemessages --ignore=$(VENV) --ignore=node_modules -v 0

migrate: install
	$(PY) manage.py migrate --noinput

demo: migrate
	$(PY) manage.py load_demo

run: messages demo
	$(PY) manage.py runserver $(HOST):$(PORT)

serve: run

# mypy (with django-stubs) checks the services, where the business rules live.
SERVICES := accounts/services.py requests_app/services.py volunteers/services.py \
	matching/services.py matching/ranking_services.py notifications/services.py \
	donations/services.py otonari/queue.py otonari/leases.py otonari/cache.py

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/djlint --check --lint templates */templates
	$(VENV)/bin/mypy $(SERVICES)

makemessages: install
	$(PY) manage.py makemessages -l ja -l ne --ignore=$(VENV) --ignore=node_modules --ignore=staticfiles --no-obsolete

test: install browser-deps messages lint
	DATABASE_URL=$(TEST_DATABASE_URL) REDIS_URL=$(TEST_REDIS_URL) CACHE_KEY_PREFIX=otonari-test \
	$(PY) -m pytest $(PYTEST_ARGS)

worker: install
	$(VENV)/bin/celery -A otonari worker --loglevel=info --concurrency=2

beat: install
	$(VENV)/bin/celery -A otonari beat --loglevel=info --schedule=/tmp/otonari-celerybeat-schedule

check-deploy: install
	DEBUG=0 SECRET_KEY=$$(head -c 48 /dev/urandom | base64) ALLOWED_HOSTS=otonari.example \
	$(PY) manage.py check --deploy --fail-level WARNING

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache .mypy_cache
