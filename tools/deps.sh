#!/bin/sh
# tools/deps.sh -- make sure the Debian packages the build needs are here.
# As root, installs what is missing with apt-get; otherwise names it.
set -eu
# libmicrohttpd-dev libsqlite3-dev: polvm serve and its decision log; curl:
# tests/suites/serve.sh talks to the server with it
PKGS="gcc make flex bison pkg-config libffi-dev libcmocka-dev libjansson-dev libsodium-dev python3 \
libmicrohttpd-dev libsqlite3-dev curl"
# --extra: what `make valgrind`, `make fuzz` (clang with its libFuzzer runtime,
# libclang-rt-14-dev) and the optional tests use (chromium
# renders `polc doc --html` in tests/suites/doc.sh; vim checks editors/vim
# in tests/suites/editors.sh); those tests are skipped, with a message,
# without them
# apache2-utils: ab, the load test of tests/suites/serve.sh and make bench
# nodejs npm: the FHIR checks of tests/suites/fhir_out.sh (tests/fhir/install.sh)
[ "${1:-}" = "--extra" ] && PKGS="$PKGS clang libclang-rt-14-dev valgrind chromium vim nodejs npm apache2-utils"
missing=""
for p in $PKGS; do
  # a Node from elsewhere that brings its own npm will do
  case $p in nodejs|npm) command -v npm >/dev/null 2>&1 && continue ;; esac
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "deps: installing:$missing"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >/dev/null
else
  echo "deps: missing Debian packages:$missing" >&2
  echo "deps: install them with: sudo apt-get install$missing" >&2
  exit 1
fi
