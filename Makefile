# Docere — `make run` starts the site with a real Celery worker; `make test` runs every test.
# Both work on a fresh clone of a fresh Debian machine with only Python and make.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
# Links the site writes into certificates, e-mails and credentials follow the port it runs on,
# unless SITE_URL is set (a proxy in front, another host name).
SITE_URL ?= http://127.0.0.1:$(PORT)
# System libraries WeasyPrint needs (Pango, HarfBuzz with its fast subsetter) and the
# fonts certificates are set in.
APT_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core fonts-liberation2
# What the test suite adds: Chromium for the browser journeys, Redis for the broker-outage
# tests, nginx for the rate limits behind a proxy (each starts its own on a free port).
APT_TEST_PACKAGES := chromium redis-server nginx
# `make test` keeps its own database, broker and cache, so it never touches `make run`'s.
TEST_VAR_DIR := $(CURDIR)/var/test
# `make test` measures line and branch coverage of the apps ([tool.coverage] in pyproject.toml)
# and fails below the floor. The floor is a few points under the figure measured on the whole
# suite (93.2 % of lines and branches, December 2026, without tests/e2e); raise it when coverage
# rises, never lower it to let a change through.
COVERAGE_FLOOR ?= 90
COVERAGE_ARGS := --cov --cov-report=term:skip-covered --cov-fail-under=$(COVERAGE_FLOOR)

.PHONY: run test test-production setup system-packages migrate demo lint lock check-deploy bench-load bench-smoke clean

# Docere runs with DEBUG off unless told otherwise; the development targets turn it on (the
# development secret key, local hosts, plain HTTP, the demo accounts), for themselves and the
# processes they start. A DEBUG already in the environment wins: with DEBUG=0, seed_demo refuses.
run migrate demo: export DEBUG ?= 1

# honcho (a development tool, in requirements-dev.txt) hands each process a PORT of its own
# (web 8000, worker 8100, …), so the site URL is fixed here, once, for all three.
run: setup $(VENV)/.dev-installed migrate demo
	@echo
	@echo "Docere is starting on http://127.0.0.1:$(PORT)  (web + Celery workers + beat; Ctrl-C stops all)"
	@echo "  links in certificates, e-mails and credentials: $(SITE_URL)"
	@echo "  demo admin:   admin@docere.local   / docere-admin-demo   (asked to enrol MFA before the admin)"
	@echo "  demo learner: learner@docere.local / docere-learner-demo"
	@echo "  demo program director: director@docere.local    / docere-director-demo  (asked to enrol MFA)"
	@echo "  demo facilitator:      facilitator@docere.local / docere-facilitator-demo"
	@echo "  demo mentor:           mentor@docere.local      / docere-mentor-demo"
	@echo
	PORT=$(PORT) SITE_URL=$(SITE_URL) $(BIN)/honcho start -f Procfile

test: setup $(VENV)/.dev-installed
	@$(MAKE) --no-print-directory system-packages APT_PACKAGES="$(APT_TEST_PACKAGES)"
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	VAR_DIR=$(TEST_VAR_DIR) $(BIN)/pytest -m "not production" $(COVERAGE_ARGS)

# The production stack (tests/production): gunicorn behind Debian's nginx configured by
# deploy/nginx/docere.conf.template (TLS with a throw-away certificate), DEBUG off, PostgreSQL,
# a Redis server of its own, a Celery worker and beat; then the learner journey in Chromium, the
# rate and body limits through the proxy, and the Redis outage drill. It needs the PostgreSQL
# server DATABASE_URL names (it works in a scratch database, dropped afterwards). .ci/run runs it.
test-production: setup $(VENV)/.dev-installed
	@$(MAKE) --no-print-directory system-packages APT_PACKAGES="$(APT_TEST_PACKAGES)"
	VAR_DIR=$(CURDIR)/var/production $(BIN)/pytest tests/production -m production

setup: system-packages $(VENV)/.installed

system-packages:
	@missing=""; for pkg in $(APT_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$pkg 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$pkg"; \
	done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = "0" ]; then \
	    echo "Installing Debian packages:$$missing"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing >/dev/null || exit 1; \
	  else \
	    echo "Docere needs these Debian packages:$$missing"; \
	    echo "Run: sudo apt-get install -y$$missing"; exit 1; \
	  fi; \
	fi

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# Reinstall only when the locks change. Both are hashed (`make lock`): pip refuses any file
# whose hash is not in the lock, and any package the lock does not name.
$(VENV)/.installed: requirements.txt | $(VENV)/bin/python
	$(BIN)/pip install --quiet --require-hashes -r requirements.txt
	touch $@

$(VENV)/.dev-installed: requirements-dev.txt $(VENV)/.installed
	$(BIN)/pip install --quiet --require-hashes -r requirements-dev.txt
	touch $@

# Regenerate the hashed locks after editing requirements.in (runtime) or requirements-dev.in
# (tests and tools): `make lock`, or `make lock UPGRADE=1` to move the unpinned, indirect
# dependencies to their newest releases too. The runtime lock is compiled first because the
# development one is constrained by it. The locks are built from PyPI alone (pip's own
# configuration and PIP_* variables are ignored), so a machine's local mirrors or wheel folders
# never add hashes that exist nowhere else; installing still works from any mirror that serves
# the same files.
PIP_COMPILE := env -u PIP_FIND_LINKS -u PIP_INDEX_URL -u PIP_EXTRA_INDEX_URL -u PIP_CONSTRAINT \
	PIP_CONFIG_FILE=/dev/null CUSTOM_COMPILE_COMMAND="make lock" $(BIN)/pip-compile --quiet --generate-hashes --allow-unsafe --strip-extras \
	--no-emit-index-url --no-emit-find-links $(if $(UPGRADE),--upgrade)
lock: $(VENV)/.dev-installed
	$(PIP_COMPILE) --output-file requirements.txt requirements.in
	$(PIP_COMPILE) --output-file requirements-dev.txt requirements-dev.in

migrate: setup
	$(BIN)/python manage.py migrate --noinput

demo: migrate
	$(BIN)/python manage.py seed_demo

lint: $(VENV)/.dev-installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# Production settings need a signing key file: a throw-away one, in a folder removed afterwards.
check-deploy: setup
	@key_dir=$$(mktemp -d) && $(BIN)/python -m badges.keygen $$key_dir/open-badges.pem >/dev/null && \
	DEBUG=0 SECRET_KEY=check-deploy-$$(date +%s)-a-long-random-looking-value-for-the-check \
	  ALLOWED_HOSTS=docere.example.org SITE_URL=https://docere.example.org \
	  OPEN_BADGES_SIGNING_KEY_FILES=$$key_dir/open-badges.pem \
	  $(BIN)/python manage.py check --deploy --fail-level WARNING; status=$$?; rm -rf "$$key_dir"; exit $$status

# The load benchmark of docs/benchmarks.md, on the PostgreSQL that DATABASE_URL names (in a
# scratch database of its own) and a redis-server it starts for itself.
bench-load: setup
	@$(MAKE) --no-print-directory system-packages APT_PACKAGES="wrk redis-server"
	$(BIN)/python -m bench.load

# Every benchmark's quick form (--smoke), one after the other, on the same PostgreSQL and Redis
# (scratch databases and Redis indexes of their own, removed afterwards). Each checks that it
# produced its figures, not their size. The last line is a tally that CI can read. The
# reports benchmark needs PyOTP, a test tool, to play the administrator's authenticator app.
BENCH_SMOKE := bench.generate_dataset bench.reports bench.certificates bench.load
bench-smoke: setup $(VENV)/.dev-installed
	@$(MAKE) --no-print-directory system-packages APT_PACKAGES="wrk redis-server"
	@passed=0; failed=0; \
	for bench in $(BENCH_SMOKE); do \
	  echo "== $$bench --smoke"; started=$$(date +%s); \
	  if $(BIN)/python -m $$bench --smoke; then passed=$$((passed + 1)); outcome=done; \
	  else failed=$$((failed + 1)); outcome=FAILED; fi; \
	  echo "== $$bench --smoke $$outcome in $$(( $$(date +%s) - started )) s"; \
	done; \
	echo "bench-smoke: $$passed passed, $$failed failed"; \
	[ $$failed -eq 0 ]

clean:
	rm -rf $(VENV) var staticfiles
