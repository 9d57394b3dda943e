#!/usr/bin/env bash
# Measures the running wall at rest: a real window under Xvfb (1920x1080,
# software GL), data every 5 s, nothing animating. Reports frames drawn,
# process CPU and resident memory over the app's second minute (the first
# includes start-up and the history backfill).
# Needs: xvfb, Mesa GL (libegl-mesa0, libgl1-mesa-dri); a release build.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=60
bin=target/release/opswall
[ -x "$bin" ] || cargo build --release
export XDG_RUNTIME_DIR=${XDG_RUNTIME_DIR:-$(mktemp -d)}
display=:97
Xvfb $display -screen 0 1920x1080x24 -nolisten tcp >/dev/null 2>&1 &
xvfb=$!
trap 'kill $xvfb 2>/dev/null; kill $app 2>/dev/null' EXIT
sleep 1
log=$(mktemp)
DISPLAY=$display OPSWALL_LOG=info "$bin" --tick 5 --no-animations --frame-stats --size 1920x1080 2>"$log" &
app=$!
sleep 61   # the first minute (start-up, backfill) is not "at rest"
ticks() { awk '{print $14 + $15}' "/proc/$app/stat"; }
t0=$(ticks); f0=$(date +%s.%N)
sleep "$seconds"
t1=$(ticks); f1=$(date +%s.%N)
hz=$(getconf CLK_TCK)
rss=$(awk '/VmRSS/ {print $2}' "/proc/$app/status")
hwm=$(awk '/VmHWM/ {print $2}' "/proc/$app/status")
cpu=$(echo "scale=2; 100 * ($t1 - $t0) / $hz / ($f1 - $f0)" | bc)
echo "window: ${seconds}s; data updates expected: $((seconds / 5))"
echo "process CPU: ${cpu}% of one core"
echo "RSS: $((rss / 1024)) MB (peak $((hwm / 1024)) MB)"
sleep 2    # the app logs its second minute's frame count at 120 s
echo "frames drawn, per minute since start:"
grep "frames drawn" "$log" | sed 's/\x1b\[[0-9;]*m//g; s/.*frames=/  /; s/ seconds=.*//'
