#!/usr/bin/env bash
# Runs a command with another Node first on PATH: .ci/with-node.sh NODE_DIR COMMAND...
# NODE_DIR holds bin/node and include/node (scripts/node-lts.sh prints it). better-sqlite3 is a
# native addon built for one Node ABI, so for the command its binary is swapped for one built
# against NODE_DIR's headers (built once with node-gyp, cached beside that Node), and the
# original is put back afterwards. Nothing else may use this node_modules meanwhile.
set -euo pipefail
node_dir="$1"
shift
addon=node_modules/better-sqlite3/build/Release/better_sqlite3.node
version="$(node -p 'require("./node_modules/better-sqlite3/package.json").version')"
abi="$("$node_dir/bin/node" -p process.versions.modules)"
cached="$node_dir/better-sqlite3-$version-abi$abi.node"
backup="$(mktemp)"
cp "$addon" "$backup"
trap 'cp "$backup" "$addon"; rm -f "$backup"' EXIT
if [ ! -f "$cached" ]; then
  # Built in a copy of the package, so node_modules keeps a working addon all along.
  echo "building better-sqlite3 $version for Node $("$node_dir/bin/node" --version) (ABI $abi)" >&2
  gyp="$(npm root -g)/npm/node_modules/node-gyp/bin/node-gyp.js"
  work="$(mktemp -d)"
  cp -r node_modules/better-sqlite3/. "$work"
  rm -rf "$work/build"
  if ! (cd "$work" && npm_config_nodedir="$node_dir" "$node_dir/bin/node" "$gyp" rebuild --release >"$work/gyp.log" 2>&1); then
    tail -n 40 "$work/gyp.log" >&2
    exit 1
  fi
  cp "$work/build/Release/better_sqlite3.node" "$cached.tmp" && mv "$cached.tmp" "$cached"
  rm -rf "$work"
fi
cp "$cached" "$addon"
PATH="$node_dir/bin:$PATH" "$@"
