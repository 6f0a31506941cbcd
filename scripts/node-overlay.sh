#!/usr/bin/env bash
# Prepare a tree that runs this repository's tests on another Node version without touching ./node_modules:
#   scripts/node-overlay.sh <node-binary> <dir>
# <dir> gets a copy of the sources and a node_modules of symlinks to ./node_modules, except better-sqlite3
# (and its `bindings` helper), copied and built for that Node from the headers the npm `node` package
# ships (node-gyp cannot download them here). Reuses an addon already built for the same Node ABI.
set -euo pipefail
node_bin=$(readlink -f "$1")
dir=$2
repo=$(cd "$(dirname "$0")/.." && pwd)
abi=$("$node_bin" -p process.versions.modules)
# The npm `node` package puts the headers next to the binary's package: <pkg>/include/node/common.gypi.
nodedir=$(cd "$(dirname "$node_bin")/.." && pwd)
if [ ! -f "$nodedir/include/node/common.gypi" ]; then
  found=$(find "$nodedir" -path '*/include/node/common.gypi' -print -quit)
  [ -n "$found" ] || { echo "no Node headers next to $node_bin" >&2; exit 1; }
  nodedir=$(dirname "$(dirname "$(dirname "$found")")")
fi
gyp=${NODE_GYP:-$(npm root -g)/npm/node_modules/node-gyp/bin/node-gyp.js}

mkdir -p "$dir/node_modules"
for entry in "$repo"/node_modules/* "$repo"/node_modules/.bin; do
  name=$(basename "$entry")
  case "$name" in better-sqlite3 | bindings) continue ;; esac
  ln -sfn "$entry" "$dir/node_modules/$name"
done
cp -r "$repo/node_modules/bindings" "$dir/node_modules/" 2>/dev/null || cp -rL "$repo/node_modules/bindings" "$dir/node_modules/"
addon="$dir/node_modules/better-sqlite3"
if [ "$(cat "$addon/.abi" 2>/dev/null)" != "$abi" ]; then
  rm -rf "$addon"
  cp -rL "$repo/node_modules/better-sqlite3" "$addon"
  rm -rf "$addon/build"
  (cd "$addon" && PATH="$(dirname "$node_bin"):$PATH" "$node_bin" "$gyp" rebuild --release --nodedir="$nodedir" -j 2 >/dev/null)
  echo "$abi" >"$addon/.abi"
fi
# The sources (small): tests resolve packages from $dir/node_modules.
for item in src test bench examples bin scripts package.json tsconfig.json tsconfig.build.json vitest.config.ts biome.json; do
  [ -e "$repo/$item" ] || continue
  rm -rf "${dir:?}/$item"
  cp -r "$repo/$item" "$dir/$item"
done
"$node_bin" -e "new (require('$addon'))(':memory:').prepare('select 1').get()" ||
  { echo "better-sqlite3 does not load on $("$node_bin" -v)" >&2; exit 1; }
echo "$dir ready for Node $("$node_bin" -v) (ABI $abi)"
