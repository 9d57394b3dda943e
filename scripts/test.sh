#!/usr/bin/env bash
# Runs every opswall test. Headless snapshot and render tests draw with Mesa's
# software Vulkan (lavapipe): on Debian this script installs it when missing
# and it is run as root; otherwise install mesa-vulkan-drivers yourself.
# The tests against real servers (Prometheus, Alertmanager, node_exporter,
# VictoriaMetrics, Zabbix) run on backends that scripts/backends.sh installs
# (as root, from Debian's packages), starts on 127.0.0.1 and stops again.
# WITH_ZABBIX=0 leaves Zabbix out.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! ls /usr/share/vulkan/icd.d/lvp_icd*.json >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    [ "${OPSWALL_APT_UPDATED:-0}" = 1 ] || apt-get update -q
    export OPSWALL_APT_UPDATED=1
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends mesa-vulkan-drivers libvulkan1
  else
    echo "scripts/test.sh: Mesa's lavapipe is missing; install mesa-vulkan-drivers" >&2
    exit 1
  fi
fi

# Mesa wants a runtime directory; a private one keeps its warning quiet.
if [ -z "${XDG_RUNTIME_DIR:-}" ] || [ ! -d "$XDG_RUNTIME_DIR" ]; then
  XDG_RUNTIME_DIR="$(mktemp -d)"
  export XDG_RUNTIME_DIR
fi

# The simulator behind the backends is the release binary.
cargo build --release --bin opswall
export OPSWALL_BIN="${OPSWALL_BIN:-${CARGO_TARGET_DIR:-target}/release/opswall}"
export BACKENDS_DIR="${BACKENDS_DIR:-target/backends}"

# Always stop the backends, whatever happens from here on.
trap 'rc=$?; scripts/backends.sh stop || true; exit $rc' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
if ! scripts/backends.sh start; then
  echo "scripts/test.sh: a backend failed to start (its log is printed above; all logs in $BACKENDS_DIR/logs)" >&2
  exit 1
fi
# shellcheck disable=SC1091
. "$BACKENDS_DIR/env"
# A missing server fails the real-server tests instead of skipping them.
export OPSWALL_REQUIRE_BACKENDS=1

cargo test --release --all-targets "$@"
