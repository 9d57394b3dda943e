#!/usr/bin/env bash
# Runs every opswall test. Headless snapshot and render tests draw with Mesa's
# software Vulkan (lavapipe): on Debian this script installs it when missing
# and it is run as root; otherwise install mesa-vulkan-drivers yourself.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! ls /usr/share/vulkan/icd.d/lvp_icd*.json >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    apt-get update -q
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

cargo test --release --all-targets "$@"
