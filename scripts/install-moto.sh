#!/usr/bin/env bash
# Installs the moto AWS API emulator used by the tooling tests into .moto/venv (a private
# virtualenv, so it works on machines whose system Python refuses pip installs).
# Idempotent: does nothing when .moto/venv already serves moto.
set -euo pipefail
cd "$(dirname "$0")/.."
venv=.moto/venv
if [ -x "$venv/bin/python" ] && "$venv/bin/python" -c 'import moto.server, flask' 2>/dev/null; then
  echo "moto: already installed in $venv"
  exit 0
fi
python3 -m venv "$venv"
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check 'moto[server]>=5,<6'
"$venv/bin/python" -c 'import moto; print("moto", moto.__version__, "installed in '"$venv"'")'
