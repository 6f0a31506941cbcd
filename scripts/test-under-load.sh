#!/usr/bin/env bash
# Run the test suite (or the given command) beside CPU hogs, to find tests that only pass on an idle
# machine (issue 17, defect 9). One busy-looping process per core plus one more by default
# (SESSIONKIT_HOGS); the hogs stop when the command ends, and after SESSIONKIT_HOG_SECONDS (default
# 1800) whatever happens.
#   bash scripts/test-under-load.sh                     # npm test beside the hogs
#   bash scripts/test-under-load.sh npx vitest run test/core
set -euo pipefail
cd "$(dirname "$0")/.."
hogs=${SESSIONKIT_HOGS:-$(($(nproc) + 1))}
seconds=${SESSIONKIT_HOG_SECONDS:-1800}
pids=()
stop_hogs() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; }
trap stop_hogs EXIT
for _ in $(seq "$hogs"); do
  node -e "const end = Date.now() + ${seconds} * 1000; while (Date.now() < end) {}" &
  pids+=("$!")
done
echo "[test-under-load] ${hogs} CPU hogs running (at most ${seconds} s); load average: $(cut -d' ' -f1-3 /proc/loadavg)"
if [ "$#" -eq 0 ]; then set -- npm test; fi
"$@"
