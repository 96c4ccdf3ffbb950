#!/usr/bin/env bash
# Checks the unit file as CI does: syntax and references (verify), and a hardening exposure of
# at most 2.5 (security --offline; --threshold is in tenths).
set -euo pipefail
cd "$(dirname "$0")"
if ! command -v systemd-analyze >/dev/null; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq systemd >/dev/null
fi
systemd-analyze verify tillbridge.service
systemd-analyze security --offline=true --threshold=25 tillbridge.service | tail -1
echo "systemd unit: verify OK, exposure within 2.5"
