#!/usr/bin/env bash
# Run a command against a real but private OS keychain: a fresh D-Bus session with
# gnome-keyring's Secret Service, unlocked, its files in a temporary directory. Tests never
# touch the keychain of the person running them, and every run starts empty.
set -euo pipefail
if [ "${CUBBY_IN_TEST_KEYRING:-}" = 1 ]; then exec "$@"; fi
for tool in dbus-run-session gnome-keyring-daemon; do
  command -v "$tool" >/dev/null || { echo "missing $tool: apt-get install -y gnome-keyring dbus-x11 libsecret-1-dev" >&2; exit 1; }
done
keyring_home=$(mktemp -d)
trap 'rm -rf "$keyring_home"' EXIT
export XDG_DATA_HOME="$keyring_home/data" XDG_RUNTIME_DIR="$keyring_home/run" CUBBY_IN_TEST_KEYRING=1
mkdir -p "$XDG_DATA_HOME" "$XDG_RUNTIME_DIR" && chmod 700 "$XDG_RUNTIME_DIR"
# shellcheck disable=SC2016
dbus-run-session -- bash -c '
  echo -n test-keyring | gnome-keyring-daemon --unlock --components=secrets >/dev/null
  exec "$@"' bash "$@" 2> >(grep -v "Failed to set fd limit" >&2)
