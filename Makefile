# Reply Desk: `make run` to try it, `make test` to check it. Both set everything up.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1:8000

.PHONY: run serve test setup syslibs browser mailserver migrate seed lint check-migrations pytest clean

run: setup migrate seed
	@echo "Reply Desk on http://$(HOST)/  (Ctrl-C to stop)"
	$(PY) manage.py runserver $(HOST)

# Production: migrations, static files, then gunicorn (WEB_CONCURRENCY workers, BIND address).
serve: setup migrate
	$(PY) manage.py collectstatic --noinput
	$(VENV)/bin/gunicorn --config config/gunicorn.py config.wsgi

test: setup browser lint check-migrations pytest

setup: $(STAMP) syslibs mailserver var node_modules/.installed

var:
	mkdir -p var

$(STAMP): requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $(STAMP)

# System packages, from Debian (installed with apt-get when missing and running as root;
# otherwise `make` names them and stops, or, for the browser, says what will be skipped).
# WeasyPrint needs Pango; without libharfbuzz-subset0 it still works but ~3x slower, silently.
# The letter's fonts ship in static/fonts, so no font package is needed.
SYSLIBS := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0
# The browser and accessibility tests drive Debian's Chromium at /usr/bin/chromium.
BROWSER := chromium
APT_INSTALL := apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq
syslibs:
	@if ldconfig -p | grep -q 'libpango-1.0.so.0' && ldconfig -p | grep -q 'libpangoft2-1.0.so.0' \
	    && ldconfig -p | grep -q 'libharfbuzz-subset.so.0'; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "Installing WeasyPrint's system libraries: $(SYSLIBS)"; \
	    $(APT_INSTALL) $(SYSLIBS) >/dev/null; \
	else \
	    echo "WeasyPrint needs these system packages; please install them: $(SYSLIBS)"; exit 1; \
	fi

browser:
	@if [ -x /usr/bin/chromium ]; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "Installing Chromium for the browser tests: $(BROWSER)"; \
	    $(APT_INSTALL) $(BROWSER) >/dev/null || echo "Could not install $(BROWSER): browser tests will be skipped"; \
	else \
	    echo "The browser tests need Debian's $(BROWSER) (apt-get install $(BROWSER)); without it they are skipped"; \
	fi

# Dovecot's IMAP server for the fetch_mail tests (each test run starts its own on loopback, with its
# own configuration in a temporary folder); optional: without it those tests are skipped.
mailserver:
	@if command -v dovecot >/dev/null || [ -x /usr/sbin/dovecot ]; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "Installing the IMAP server for the fetch_mail tests: dovecot-imapd"; \
	    $(APT_INSTALL) dovecot-imapd >/dev/null; \
	else \
	    echo "dovecot-imapd not installed: the fetch_mail tests will be skipped"; \
	fi

# axe-core for the accessibility checks in the browser tests (npm registry; optional).
node_modules/.installed: package.json
	@if command -v npm >/dev/null; then npm install --silent --no-audit --no-fund && touch $@; \
	else echo "npm not found: browser accessibility checks will be skipped"; fi

migrate:
	$(PY) manage.py migrate --noinput

seed:
	$(PY) manage.py seed_demo

lint:
	$(VENV)/bin/ruff check .

check-migrations:
	$(PY) manage.py makemigrations --check --dry-run

pytest:
	$(VENV)/bin/pytest $(PYTEST_ARGS)

clean:
	rm -rf $(VENV) var node_modules
