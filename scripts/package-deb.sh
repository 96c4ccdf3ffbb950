#!/usr/bin/env bash
# Builds tillbridge_<version>_<arch>.deb with dpkg-deb, from a clean build of the sources in this
# checkout, for the machine's architecture (amd64 or arm64: build on the target architecture, see
# docs/operations.md "The Debian package"). It carries its own Node.js LTS (scripts/node-lts.sh)
# and better-sqlite3 compiled against that Node's headers.
# Usage: npm run package:deb   (writes the .deb into the checkout's root and prints its path)
set -euo pipefail
cd "$(dirname "$0")/.."
repo="$(pwd)"
version="$(node -p 'require("./package.json").version')"
arch="$(dpkg --print-architecture)"
nodedir="$(scripts/node-lts.sh 24)"
work="$repo/build/deb"
pkg="$work/root"
app="$pkg/opt/tillbridge"
deb="$repo/tillbridge_${version}_${arch}.deb"

rm -rf "$work" && mkdir -p "$work/src" "$app"

# A clean build: only the files git knows (committed or not, never ignored ones such as dist/ or
# node_modules/), installed from the lockfile and compiled by the Node.js the package carries.
git ls-files -z --cached --others --exclude-standard -- package.json package-lock.json tsconfig.json src migrations config \
  | xargs -0 cp --parents -t "$work/src"
(
  cd "$work/src"
  export PATH="$nodedir/bin:$PATH" npm_config_nodedir="$nodedir" npm_config_build_from_source=true
  npm ci --no-audit --no-fund --loglevel=error
  npm run --silent build
  npm prune --omit=dev --no-audit --no-fund --loglevel=error
  # The addon must load in the carried Node.js, or the package is useless.
  node -e 'new (require("better-sqlite3"))(":memory:").close()'
)

# /opt/tillbridge: what the daemon needs at run time, nothing of the build.
cp -a "$work/src/package.json" "$work/src/dist" "$work/src/migrations" "$work/src/config" "$work/src/node_modules" "$app/"
sqlite="$app/node_modules/better-sqlite3"
find "$sqlite/build" -mindepth 1 -maxdepth 1 ! -name Release -exec rm -rf {} +
find "$sqlite/build/Release" -mindepth 1 ! -name better_sqlite3.node -exec rm -rf {} +
rm -rf "$sqlite/deps" "$sqlite/src" "$app/node_modules/.package-lock.json"
find "$app/node_modules" \( -name '*.md' -o -name '*.markdown' -o -name '.npmignore' -o -name '.eslintrc*' -o -name '*.map' \
  -o -name '.travis.yml' -o -name '.github' -o -name 'test' -o -name 'tests' \) -prune -exec rm -rf {} +
find "$app/node_modules" \( -name '*.gyp*' -o -name '.git*' \) -delete
rm -rf "$app/node_modules/.bin"
# Nothing under /opt/tillbridge is run by its #! line: the carried node runs dist/main.js.
find "$app" -type f -exec chmod 0644 {} + && find "$app" -type d -exec chmod 0755 {} +
strip --strip-unneeded "$sqlite/build/Release/better_sqlite3.node"
install -D -m 0755 "$nodedir/bin/node" "$app/node/bin/node"
strip --strip-unneeded "$app/node/bin/node"
install -m 0644 "$nodedir/LICENSE" "$app/node/LICENSE"

install -D -m 0755 packaging/debian/tillbridge.sh "$pkg/usr/bin/tillbridge"
# The unit of systemd/ with the carried Node.js; fail rather than ship a unit that runs another.
install -d "$pkg/lib/systemd/system"
sed 's#^ExecStart=\(/usr/bin/env node\|/usr/bin/node\) #ExecStart=/opt/tillbridge/node/bin/node #; s#^Documentation=.*#Documentation=file:/usr/share/doc/tillbridge/README.md#' \
  systemd/tillbridge.service >"$pkg/lib/systemd/system/tillbridge.service"
grep -q '^ExecStart=/opt/tillbridge/node/bin/node ' "$pkg/lib/systemd/system/tillbridge.service" \
  || { echo "package-deb: systemd/tillbridge.service has no ExecStart=/usr/bin/env node line to point at the carried Node.js" >&2; exit 1; }
chmod 0644 "$pkg/lib/systemd/system/tillbridge.service"

doc="$pkg/usr/share/doc/tillbridge"
install -d "$doc" "$pkg/usr/share/lintian/overrides"
install -m 0644 config/production.example.json README.md "$doc/"
cp -r docs "$doc/docs" && chmod -R u=rwX,go=rX "$doc/docs"
install -m 0644 packaging/debian/copyright "$doc/copyright"
printf 'tillbridge (%s) stable; urgency=medium\n\n  * Release %s; see /usr/share/doc/tillbridge/CHANGELOG.md.gz.\n\n -- tillbridge maintainers <tillbridge@users.noreply.github.com>  %s\n' \
  "$version" "$version" "$(date -R -d "@$(git log -1 --format=%ct)")" | gzip -9n >"$doc/changelog.gz"
gzip -9n <CHANGELOG.md >"$doc/CHANGELOG.md.gz"
install -D -m 0644 packaging/debian/tillbridge.1 "$pkg/usr/share/man/man1/tillbridge.1"
gzip -9n "$pkg/usr/share/man/man1/tillbridge.1"
install -m 0644 packaging/debian/lintian-overrides "$pkg/usr/share/lintian/overrides/tillbridge"

install -d -m 0755 "$pkg/DEBIAN"
for script in postinst prerm postrm; do install -m 0755 "packaging/debian/$script" "$pkg/DEBIAN/$script"; done
size="$(du -sk --exclude=DEBIAN "$pkg" | cut -f1)"
sed -e "s/@VERSION@/$version/" -e "s/@ARCH@/$arch/" -e "s/@SIZE@/$size/" packaging/debian/control >"$pkg/DEBIAN/control"
(cd "$pkg" && find . -path ./DEBIAN -prune -o -type f -printf '%P\0' | sort -z | xargs -0 md5sum >DEBIAN/md5sums)
chmod 0644 "$pkg/DEBIAN/md5sums" "$pkg/DEBIAN/control"

find "$pkg" -type d -exec chmod 0755 {} +
dpkg-deb --root-owner-group -Zxz --build "$pkg" "$deb" >/dev/null
rm -rf "$work"
echo "$deb"
