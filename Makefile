# Purpose Case werkboek. Two commands do all set-up on a fresh Debian machine:
#   make serve   create .venv, install, start the workbook on http://127.0.0.1:8866
#   make test    install test needs (Chromium via apt when missing and root), run every test
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: serve test install lint chromium fonts haproxy nginx axe chp bench burst clean

serve: $(STAMP)
	$(VENV)/bin/purposecase serve

install: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[test]"
	touch $(STAMP)

chromium:
	@if [ -x /usr/bin/chromium ]; then :; \
	elif [ "$$(id -u)" = "0" ]; then \
		echo "Installing Debian's chromium for the browser tests"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-dejavu-core >/dev/null; \
	else echo "chromium is missing and we are not root: browser tests will be skipped"; fi

# Symbola (Debian's fonts-symbola) draws the emoji DejaVu Sans lacks on the poster; without it the poster
# names them visibly ("[pushpin]"), so this only installs when missing and root.
fonts:
	@if [ -f /usr/share/fonts/truetype/ancient-scripts/Symbola_hint.ttf ]; then :; \
	elif [ "$$(id -u)" = "0" ]; then \
		echo "Installing Debian's fonts-symbola for emoji on the poster"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-symbola >/dev/null \
			|| echo "fonts-symbola could not be installed: the poster names emoji instead"; \
	else echo "fonts-symbola is missing and we are not root: the poster names emoji instead of drawing them"; fi

# HAProxy (Debian) for tests/test_scale_haproxy.py: three serve processes behind deploy/haproxy/werkboek.cfg.
haproxy:
	@if command -v haproxy >/dev/null || [ -x /usr/sbin/haproxy ]; then :; \
	elif [ "$$(id -u)" = "0" ]; then \
		echo "Installing Debian's haproxy for the load-balancer test"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq haproxy >/dev/null; \
	else echo "haproxy is missing and we are not root: the load-balancer test will be skipped"; fi

# axe-core (npm) for the accessibility scans of the browser tests, in a project-local, git-ignored folder.
AXE := .cache/node_modules/axe-core/axe.min.js
axe: $(AXE)

$(AXE):
	@if ! command -v npm >/dev/null; then \
		if [ "$$(id -u)" = "0" ]; then \
			echo "Installing Debian's npm for the accessibility scans"; \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq npm >/dev/null; \
		else echo "npm is missing and we are not root: accessibility scans will be skipped"; exit 0; fi; \
	fi; \
	mkdir -p .cache && npm install --prefix .cache --no-audit --no-fund --no-save --silent axe-core@4

# configurable-http-proxy (npm) for JupyterHub (deploy/jupyterhub, tests/test_hub.py), project-local like axe-core.
CHP := .cache/chp/node_modules/.bin/configurable-http-proxy
chp: $(CHP)

$(CHP):
	@if ! command -v npm >/dev/null; then \
		if [ "$$(id -u)" = "0" ]; then \
			echo "Installing Debian's npm for configurable-http-proxy"; \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq npm >/dev/null; \
		else echo "npm is missing and we are not root: the JupyterHub test will be skipped"; exit 0; fi; \
	fi; \
	mkdir -p .cache/chp && npm install --prefix .cache/chp --no-audit --no-fund --no-save --silent configurable-http-proxy@5.3.0

lint: $(STAMP)
	$(PY) -m ruff check purposecase tests benchmarks

test: $(STAMP) chromium fonts haproxy nginx axe chp lint
	$(PY) -m pytest

bench: $(STAMP) chromium
	$(PY) benchmarks/pages.py --runs 5

# N people open one chapter at once (1, 10, 30), cold and in workshop mode, their browsers off this machine
# (remote clients + one real browser's drawing time), the workshop also behind nginx's static cache
burst: $(STAMP) chromium nginx
	$(PY) benchmarks/burst.py --sizes 1 10 30 --modes cold workshop --clients remote
	$(PY) benchmarks/burst.py --sizes 1 10 30 --modes workshop --clients remote --proxy nginx

# nginx (Debian) in front of Voilà for benchmarks/burst.py --proxy nginx and the deploy config's check
nginx:
	@if [ -x /usr/sbin/nginx ]; then :; \
	elif [ "$$(id -u)" = "0" ]; then \
		echo "Installing Debian's nginx"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx >/dev/null; \
	else echo "nginx is missing and we are not root: the nginx checks will be skipped"; fi

clean:
	rm -rf $(VENV) .pytest_cache build *.egg-info .cache
