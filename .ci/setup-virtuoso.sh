#!/usr/bin/env bash
# Install Virtuoso Open Source for the `kg load` integration tests.
#
# Idempotent: does nothing when virtuoso-t is already there. The Debian
# package would start its own instance on 0.0.0.0:1111/8890; a policy-rc.d
# that exits 101 keeps it from starting (the tests run a private instance on
# a loopback port with a temporary database instead).
set -euo pipefail

if command -v virtuoso-t >/dev/null 2>&1 && command -v isql-vt >/dev/null 2>&1; then
  echo "virtuoso already installed: $(command -v virtuoso-t)"
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

policy=/usr/sbin/policy-rc.d
created_policy=0
if [ ! -e "$policy" ]; then
  printf '#!/bin/sh\nexit 101\n' | $SUDO tee "$policy" >/dev/null
  $SUDO chmod 755 "$policy"
  created_policy=1
fi

export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get -o DPkg::Lock::Timeout=600 update -qq
$SUDO apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends virtuoso-opensource >/dev/null

# A leftover package instance would hold port 1111/8890; stop it if it got started anyway.
if command -v service >/dev/null 2>&1; then
  $SUDO service virtuoso-opensource-7 stop >/dev/null 2>&1 || true
fi
if [ "$created_policy" = 1 ]; then
  $SUDO rm -f "$policy"
fi
echo "virtuoso installed: $(command -v virtuoso-t)"
