#!/bin/sh
# tests/suites/startup.sh BUILD_DIR -- what polvm loads at start
#   (docs/performance.md "Start-up", docs/security.md "Loading"): the
#   executable does not link libmicrohttpd, libsqlite3 or what they pull in
#   (gnutls ...); trace, eval and verify never load them; serve, replay and
#   metrics load them by soname (cli/lazylib.c) and say C0160 when they
#   cannot.
# Prints each failure, then "N passed, N failed"; exits 1 on a failure.
set -u
B=${1:-build}
POLVM=$B/polvm
BUNDLE=$B/policies.polb
CASE=examples/caresource-sij/denied-one-injection.json
. tests/lib.sh

# linked: none of the serve-only libraries
readelf -d "$POLVM" > "$T/dyn" 2>&1 || ko "readelf -d $POLVM failed"
for lib in libmicrohttpd libsqlite3 libgnutls libp11-kit libhogweed libgmp; do
  grep -q "NEEDED.*$lib" "$T/dyn" && ko "polvm links $lib: $(grep NEEDED "$T/dyn" | tr '\n' ' ')" || ok
done

# loaded: not by the one-shot commands
for cmd in "trace --bundle $BUNDLE $CASE" "verify $BUNDLE" "--version"; do
  # shellcheck disable=SC2086
  LD_DEBUG=libs $POLVM $cmd > /dev/null 2> "$T/ld" || ko "polvm $cmd failed: $(grep -v ' ld.so\|^ *[0-9]*:' "$T/ld" | head -3)"
  grep -q "calling init:.*\(libmicrohttpd\|libsqlite3\|libgnutls\)" "$T/ld" &&
    ko "polvm $cmd loads a serve library: $(grep 'calling init' "$T/ld" | tr '\n' ' ')" || ok
done
echo '{"case_id": "s1", "request": {"date": "2025-03-01"}}' |
  LD_DEBUG=libs $POLVM eval --bundle "$BUNDLE" > /dev/null 2> "$T/ld"
grep -q "calling init:.*\(libmicrohttpd\|libsqlite3\|libgnutls\)" "$T/ld" &&
  ko "polvm eval loads a serve library" || ok

# loaded on demand: metrics opens the log through libsqlite3 (its own message)
LD_DEBUG=libs $POLVM metrics "$T/no-such.db" > /dev/null 2> "$T/ld"
grep -q "calling init:.*libsqlite3" "$T/ld" && ok || ko "polvm metrics does not load libsqlite3"
grep -q "no-such.db: cannot open the decision log" "$T/ld" && ok ||
  ko "polvm metrics: no message from sqlite: $(grep -v '^ *[0-9]*:' "$T/ld" | head -3)"
expect_rc 0 $POLVM serve --help
expect_rc 0 $POLVM help replay

# cannot be loaded: C0160, exit 5, the soname and the reason
mkdir -p "$T/lib"
printf 'not a library' > "$T/lib/$(objdump -p "$(cc -print-file-name=libsqlite3.so)" 2>/dev/null |
  awk '$1 == "SONAME" { print $2 }')"
LD_LIBRARY_PATH="$T/lib" expect_rc 5 $POLVM metrics "$T/no-such.db"
grep -q "^polvm metrics: C0160 cannot load libsqlite3\.so\.[0-9]*: " "$T/e" && ok ||
  ko "unloadable libsqlite3: $(cat "$T/e")"
LD_LIBRARY_PATH="$T/lib" expect_rc 5 $POLVM replay "$T/no-such.db"
grep -q "^polvm replay: C0160 cannot load libsqlite3" "$T/e" && ok || ko "replay: $(cat "$T/e")"
# a library of that name without the functions
printf 'int pol_not_sqlite(void);\nint pol_not_sqlite(void) { return 0; }\n' > "$T/stub.c"
rm -f "$T/lib"/*
MHD=$(objdump -p "$(cc -print-file-name=libmicrohttpd.so)" 2>/dev/null | awk '$1 == "SONAME" { print $2 }')
cc -shared -fPIC -o "$T/lib/$MHD" "$T/stub.c" || ko "cannot build the stub library"
LD_LIBRARY_PATH="$T/lib" expect_rc 5 $POLVM serve --bundle "$BUNDLE" --port 0
grep -q "^polvm serve: C0160 libmicrohttpd\.so\.[0-9]* has no function MHD_" "$T/e" && ok ||
  ko "stub libmicrohttpd: $(cat "$T/e")"
# the other commands do not care
LD_LIBRARY_PATH="$T/lib" expect_rc 0 $POLVM verify "$BUNDLE"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
