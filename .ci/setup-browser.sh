#!/usr/bin/env bash
# Install what the browser tests (tests/browser/) and `kg render` need:
# Debian chromium + chromedriver, a CJK font, and the pinned Playwright for
# Python. Idempotent: when everything is present it only checks and exits.
# Playwright drives /usr/bin/chromium (executable_path); `playwright install`
# is never run, since browser downloads are not reachable here.
#
# Usage: .ci/setup-browser.sh            (uses $PYTHON, else .venv/bin/python, else python3)
set -euo pipefail
cd "$(dirname "$0")/.."

PLAYWRIGHT_VERSION="1.65.2"   # keep equal to the pin in pyproject.toml [test]
PYTHON="${PYTHON:-}"
if [ -z "$PYTHON" ]; then
  if [ -x .venv/bin/python ]; then PYTHON=.venv/bin/python; else PYTHON=python3; fi
fi

need_apt=0
[ -x /usr/bin/chromium ] || need_apt=1
[ -x /usr/bin/chromedriver ] || need_apt=1
fc-list 2>/dev/null | grep -qi "wenquanyi zen hei" || need_apt=1
if [ "$need_apt" = 1 ]; then
  echo "setup-browser: installing chromium, chromium-driver, fonts-wqy-zenhei" >&2
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    chromium chromium-driver fonts-wqy-zenhei >/dev/null
fi

have=$("$PYTHON" -c 'import importlib.metadata as m; print(m.version("playwright"))' 2>/dev/null || true)
if [ "$have" != "$PLAYWRIGHT_VERSION" ]; then
  echo "setup-browser: installing playwright==$PLAYWRIGHT_VERSION into $PYTHON" >&2
  "$PYTHON" -m pip install -q "playwright==$PLAYWRIGHT_VERSION"
fi

/usr/bin/chromium --version 2>/dev/null | grep -v "unexpected operator" >&2 || true
echo "setup-browser: ok (playwright $PLAYWRIGHT_VERSION, $PYTHON)" >&2
