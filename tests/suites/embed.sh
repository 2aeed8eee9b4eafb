#!/bin/sh
# tests/suites/embed.sh BUILD_DIR -- the public library as a user gets it:
# `make install` into a scratch DESTDIR, then examples/embed/embed.c built
# with pkg-config against that tree (shared, then static) and run on
# example cases; its output must agree with `polvm trace`.  Also: the
# installed tree's layout, and that the libraries define polvm_* only.
set -u
. tests/lib.sh
B=${1:-build}
POLVM=$B/polvm
BUNDLE=$B/policies.polb
ROOT=$T/root
LIB=$ROOT/usr/lib

# a make of its own (not part of the caller's jobserver); SANFLAGS and
# CFLAGS come through the environment in `make check`
if env MAKEFLAGS= MFLAGS= make -s B="$B" DESTDIR="$ROOT" PREFIX=/usr install > "$T/install" 2>&1; then ok
else ko "make install:"; tail -20 "$T/install"; fi

for f in usr/bin/polc usr/bin/polvm usr/include/polvm.h usr/lib/libpolvm.a usr/lib/pkgconfig/polvm.pc \
         usr/share/polc/stdlib/case.pol usr/share/man/man1/polvm.1; do
  [ -f "$ROOT/$f" ] && ok || ko "not installed: /$f"
done
so=$(sed -n 's/^#define POLVM_VERSION_STRING "\(.*\)"/\1/p' vm/polvm.h)
[ "$(readlink "$LIB/libpolvm.so")" = libpolvm.so.0 ] && [ "$(readlink "$LIB/libpolvm.so.0")" = "libpolvm.so.$so" ] \
  && [ -f "$LIB/libpolvm.so.$so" ] && ok || ko "symlinks libpolvm.so -> .so.0 -> .so.$so: $(ls -l "$LIB" | tr '\n' ' ')"
readelf -d "$LIB/libpolvm.so.$so" | grep -q 'SONAME.*\[libpolvm.so.0\]' && ok || ko "SONAME is not libpolvm.so.0"

# only the API is visible (POLVM_0: the version node)
other=$(nm -D --defined-only "$LIB/libpolvm.so" | awk '$3 !~ /^polvm_/ && $3 != "POLVM_0"')
[ -z "$other" ] && ok || ko "libpolvm.so exports more than polvm_*: $other"
other=$(nm -g --defined-only "$LIB/libpolvm.a" | awk 'NF == 3 && $3 !~ /^polvm_/')
[ -z "$other" ] && ok || ko "libpolvm.a defines more than polvm_*: $other"
# ... and all of it: every function the header declares
sed -n 's/^POLVM_API .*[ *]\(polvm_[a-z0-9_]*\)(.*/\1/p' "$ROOT/usr/include/polvm.h" | sort > "$T/declared"
nm -D --defined-only "$LIB/libpolvm.so" | awk '$3 ~ /^polvm_/ {sub(/@.*/, "", $3); print $3}' | sort > "$T/exported"
[ -s "$T/declared" ] && cmp -s "$T/declared" "$T/exported" && ok \
  || { ko "declared and exported functions differ:"; diff "$T/declared" "$T/exported" | head; }
# the header stands alone, in C99 and in C++
echo '#include <polvm.h>' > "$T/h.c"
${CC:-cc} -std=c99 -Wall -Wextra -Wpedantic -Werror -fsyntax-only -I "$ROOT/usr/include" "$T/h.c" > "$T/cc" 2>&1 \
  && ok || { ko "polvm.h alone (C99):"; cat "$T/cc"; }
if command -v c++ > /dev/null; then
  c++ -Wall -Wextra -Wpedantic -Werror -fsyntax-only -x c++ -I "$ROOT/usr/include" "$T/h.c" > "$T/cc" 2>&1 \
    && ok || { ko "polvm.h alone (C++):"; cat "$T/cc"; }
fi

export PKG_CONFIG_SYSROOT_DIR="$ROOT" PKG_CONFIG_PATH="$LIB/pkgconfig"
[ "$(pkg-config --modversion polvm)" = "$so" ] && ok || ko "pkg-config --modversion: $(pkg-config --modversion polvm 2>&1)"
cflags= libs=
if cflags=$(pkg-config --cflags polvm) && libs=$(pkg-config --libs polvm); then ok
else ko "pkg-config --cflags --libs polvm fails"; fi
CC=${CC:-cc}
WARN="-std=c11 -Wall -Wextra -Wpedantic -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Werror"
# shellcheck disable=SC2086
if $CC $WARN ${SANFLAGS:-} $cflags -o "$T/embed" examples/embed/embed.c $libs > "$T/cc" 2>&1; then ok
else ko "cc embed.c against the installed tree:"; cat "$T/cc"; fi
# the same against libpolvm.a: pkg-config --static adds the private libraries
# shellcheck disable=SC2086
if $CC $WARN ${SANFLAGS:-} $cflags -o "$T/embed-static" examples/embed/embed.c "$LIB/libpolvm.a" \
     $(pkg-config --static --libs-only-l polvm | sed 's/-lpolvm //') > "$T/cc" 2>&1; then ok
else ko "cc embed.c with libpolvm.a:"; cat "$T/cc"; fi
readelf -d "$T/embed-static" 2>/dev/null | grep -q 'NEEDED.*libpolvm' && ko "embed-static needs libpolvm.so" || ok

export LD_LIBRARY_PATH="$LIB"
for f in examples/caresource-sij/denied-one-injection.json examples/caresource-sij/approve-all-criteria.json \
         examples/seeds/*.json; do
  [ -f "$f" ] || continue
  for prog in embed embed-static; do
    # the traces, byte for byte
    for fmt in json text; do
      "$T/$prog" --$fmt "$BUNDLE" "$f" > "$T/got" 2> "$T/err" || { ko "$prog --$fmt $f: $(cat "$T/err")"; continue; }
      $POLVM trace --format $fmt --bundle "$BUNDLE" "$f" > "$T/want"
      cmp -s "$T/got" "$T/want" && ok || { ko "$prog --$fmt $f differs from polvm trace:"; diff "$T/want" "$T/got" | head -10; }
    done
    # the summary walks the results: its determinations are the trace's
    "$T/$prog" "$BUNDLE" "$f" > "$T/sum" 2> "$T/err" || { ko "$prog $f: $(cat "$T/err")"; continue; }
    sed -n 's/^line \([0-9-]*\) [^:]*: \([a-z_]*\).*/\1 \2/p' "$T/sum" > "$T/got"
    $POLVM trace --format json --bundle "$BUNDLE" "$f" |
      python3 -c 'import json,sys; [print(d["line"], d["determination"]) for d in json.load(sys.stdin)["determinations"]]' > "$T/want"
    [ -s "$T/want" ] && cmp -s "$T/got" "$T/want" && ok || { ko "$prog $f: determinations differ:"; diff "$T/want" "$T/got" | head -10; }
  done
done

# docs/embedding.md shows the example as it is
awk '/^<!-- examples\/embed\/embed.c -->$/ { want = 1; next }
     want && /^```c$/ { inblk = 1; next }
     inblk && /^```$/ { exit }
     inblk { print }' docs/embedding.md > "$T/doc.c"
cmp -s "$T/doc.c" examples/embed/embed.c && ok || { ko "docs/embedding.md: the example differs from examples/embed/embed.c:"; diff examples/embed/embed.c "$T/doc.c" | head; }

# refusals reach the caller as codes
printf '{"case_id": "x",\n "patient": 7 oops}' > "$T/bad.json"
"$T/embed" "$BUNDLE" "$T/bad.json" > /dev/null 2> "$T/err"
[ $? -eq 1 ] && grep -q "bad.json:2:[0-9]*: C0001 invalid JSON" "$T/err" && ok || ko "bad JSON: $(cat "$T/err")"
head -c 100 "$BUNDLE" > "$T/cut.polb"
"$T/embed" "$T/cut.polb" examples/seeds/seed-000-ifuse-loi.json > /dev/null 2> "$T/err"
[ $? -eq 1 ] && grep -q "B0001 bundle refused: content hash mismatch" "$T/err" && ok || ko "cut bundle: $(cat "$T/err")"

echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
