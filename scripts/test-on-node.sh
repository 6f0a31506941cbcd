#!/usr/bin/env bash
# Run the unit, adapter and store suites that need no Django on another Node major version:
#   scripts/test-on-node.sh 24 [vitest args...]
# The Node binary comes from $SESSIONKIT_NODE_BIN if set, else from the npm registry (the `node@<major>`
# package) into a cache directory; better-sqlite3 is built for it in a private tree there
# (scripts/node-overlay.sh), so ./node_modules is never touched. Reruns reuse both.
set -euo pipefail
major=${1:?usage: test-on-node.sh <node major> [vitest args...]}
shift
repo=$(cd "$(dirname "$0")/.." && pwd)
cache=${SESSIONKIT_NODE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/sessionkit-node}/$major
mkdir -p "$cache"
node_bin=${SESSIONKIT_NODE_BIN:-$cache/node/node_modules/node/bin/node}
if [ ! -x "$node_bin" ]; then
  npm install --prefix "$cache/node" --no-save --no-audit --no-fund --loglevel=error "node@$major"
fi
case "$("$node_bin" -v)" in
  "v$major".*) ;;
  *) echo "$node_bin is $("$node_bin" -v), not Node $major" >&2; exit 1 ;;
esac
bash "$repo/scripts/node-overlay.sh" "$node_bin" "$cache/tree"
suites=(test/core test/signing test/http test/adapters
  test/stores/memory.test.ts test/stores/sqlite.test.ts test/stores/file.test.ts
  test/stores/signed-cookie.test.ts test/stores/redis.test.ts)
[ $# -gt 0 ] || set -- "${suites[@]}"
cd "$cache/tree"
echo "# vitest on Node $("$node_bin" -v)"
exec "$node_bin" node_modules/vitest/vitest.mjs run "$@"
