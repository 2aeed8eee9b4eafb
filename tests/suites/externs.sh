#!/bin/sh
# tests/suites/externs.sh BUILD_DIR -- native code only where the user allows
# it (docs/security.md): extern libraries pinned by SHA-256 at compile time,
# loaded only from --allow-extern places, never by verify or dump, never
# from the current directory; bad results of a native function never crash.
set -u
B=${1:-build}
POLC=$B/polc
POLVM=$B/polvm
. tests/lib.sh
unset POL_PATH POLVM_TRUST POLVM_BUNDLE POLVM_ALLOW_EXTERN XDG_DATA_HOME
export HOME="$T/home"
mkdir -p "$HOME"
CC=${CC:-cc}
ABS_POLVM=$(cd "$(dirname "$POLVM")" && pwd)/polvm   # for runs in other directories
ABS_POLC=$(cd "$(dirname "$POLC")" && pwd)/polc

expect_rc() { want=$1; shift; "$@" > "$T/o" 2> "$T/e"; rc=$?; [ $rc -eq "$want" ] && ok || ko "'$*' exited $rc, expected $want: $(head -3 "$T/e")"; }
no_marker() { if [ -e "$1" ]; then ko "$2: native code ran ($1 exists)"; rm -f "$1"; else ok; fi; }

# A library whose constructor leaves a marker: loading it is running it.
M=$T/marker
cat > "$T/evil.c" <<EOF
#include <stdio.h>
__attribute__((constructor)) static void run_on_load(void)
{
  FILE *f = fopen("$M", "w");
  if (f) fclose(f);
}
int code_in_set(const char *set, const char *code) { (void)set; (void)code; return 1; }
EOF
# Functions that return what their declaration does not promise.
cat > "$T/bad.c" <<'EOF'
#include <stdlib.h>
#include <string.h>
const char *small_int(const char *s) { return (const char *)(size_t)strlen(s); }
const char *no_nul(const char *s) { (void)s; static char b[70000]; memset(b, 'x', sizeof b); return b; }
const char *too_long(const char *s) { (void)s; static char b[70000]; memset(b, 'x', sizeof b - 1); return b; }
const char *not_utf8(const char *s) { (void)s; return "caf\xe9"; }
const char *null_str(const char *s) { (void)s; return NULL; }
const char *shout(const char *s)
{
  static char b[64];
  size_t i = 0;
  for (; s[i] && i < sizeof b - 1; i++) b[i] = (char)(s[i] >= 'a' && s[i] <= 'z' ? s[i] - 32 : s[i]);
  b[i] = '\0';
  return b;
}
double answer(void) { return 42; }
EOF
mkdir -p "$T/lib" "$T/other"
$CC -shared -fPIC -o "$T/lib/libpolext_codes.so" "$T/evil.c" || ko "cannot build the evil library"
$CC -shared -fPIC -o "$T/lib/libbad.so" "$T/bad.c" || ko "cannot build the bad-results library"
rm -f "$M"

CASE=$T/case.json
printf '{"case_id": "c", "request": {"procedures": [{"cpt": "99999"}], "date": "2025-01-01"}}\n' > "$CASE"
tr -d '\n' < "$CASE" > "$T/case.ndjson"; echo >> "$T/case.ndjson"
pol() {   # pol FILE 'extern ...' 'criterion body'
  { printf 'policy "X" {\n  title "x"\n  version "1"\n  effective 2020-01-01\n  codes "99999"\n}\nimport "case"\n%s\n' "$2"
    printf 'branch "R" "r" when cpt == "99999" {\n%s\n}\n' "$3"; } > "$1"
}

# ---- 1. an unsigned bundle calling libc's system(): never without --allow-extern
LIBC=$(ldd "$POLVM" | sed -n 's/.*libc\.so\.6 => \([^ ]*\) .*/\1/p')
LIBCDIR=$(dirname "$LIBC")
pol "$T/sys.pol" 'extern "libc.so.6" system(string): bool' "  criterion \"R.1\" \"x\" { system(\"touch $M\") }"
expect_rc 1 $POLC -o "$T/sys.polb" "$T/sys.pol"
grep -q 'error\[E0243\]: extern library libc.so.6 not found: name its directory with --extern-dir DIR' "$T/e" \
  && ok || ko "polc without --extern-dir: $(cat "$T/e")"
expect_rc 0 $POLC --extern-dir "$LIBCDIR" -o "$T/sys.polb" "$T/sys.pol"
for cmd in "trace --bundle $T/sys.polb $CASE" "test --bundle $T/sys.polb $T/none.test.json"; do
  expect_rc 4 $POLVM $cmd
  grep -q 'B0004 the bundle calls native code (extern system in libc.so.6); run with --allow-extern' "$T/e" \
    && ok || ko "polvm $cmd without --allow-extern: $(cat "$T/e")"
  no_marker "$M" "polvm $cmd without --allow-extern"
done
expect_rc 4 $POLVM eval --bundle "$T/sys.polb" < "$T/case.ndjson"
no_marker "$M" "polvm eval without --allow-extern"
expect_rc 4 $POLVM diff "$T/sys.polb" "$T/sys.polb" "$T/case.ndjson"
no_marker "$M" "polvm diff without --allow-extern"
# a library of the allowed place cannot lend a function of its dependencies
pol "$T/dep.pol" 'extern "libbad.so" system(string): bool' "  criterion \"R.1\" \"x\" { system(\"touch $M\") }"
expect_rc 0 $POLC --extern-dir "$T/lib" -o "$T/dep.polb" "$T/dep.pol"
expect_rc 4 $POLVM --allow-extern "$T/lib" trace --bundle "$T/dep.polb" "$CASE"
grep -q 'B0003 extern system: no function system defined in libbad.so' "$T/e" && ok || ko "dependency symbol: $(cat "$T/e")"
no_marker "$M" "system() through a dependency of an allowed library"
# names polvm would refuse, refused by polc
for lib in "$LIBC" ../libc.so.6 .. lib/x.so .hidden.so; do
  pol "$T/path.pol" "extern \"$lib\" system(string): bool" '  criterion "R.1" "x" { system("true") }'
  expect_rc 1 $POLC --check --extern-dir "$LIBCDIR" "$T/path.pol"
  grep -q "error\[E0242\]: extern library \"$lib\" must be a plain file name" "$T/e" && ok || ko "polc, library $lib: $(cat "$T/e")"
done

# ---- 2. pinned: only the bytes compiled against load, from allowed places only
pol "$T/codes.pol" 'extern "libpolext_codes.so" code_in_set(string, string): bool' \
  '  criterion "R.1" "fusion code" { code_in_set("sij_fusion", cpt) }'
sed -i 's/"99999"/"27279"/g' "$T/codes.pol"
sed 's/99999/27279/' "$T/case.ndjson" > "$T/codes.ndjson"
sed 's/99999/27279/' "$CASE" > "$T/codes.json"
mkdir -p "$T/bundle"
expect_rc 0 $POLC --extern-dir "$B" -o "$T/bundle/codes.polb" "$T/codes.pol"
rm -f "$M"
for how in "--allow-extern $B" "--allow-extern $B/libpolext_codes.so" "--allow-extern $T/other --allow-extern $B"; do
  expect_rc 0 $POLVM $how eval --criteria --bundle "$T/bundle/codes.polb" < "$T/codes.ndjson"
  grep -q '"criteria": \[{"id": "R.1", "status": "met"}\]' "$T/o" && ok || ko "example library with $how: $(cat "$T/o" "$T/e")"
done
expect_rc 0 env POLVM_ALLOW_EXTERN="$T/other:$B" $POLVM trace --bundle "$T/bundle/codes.polb" "$T/codes.json"
# two bundles pinning the same library in one process (each its own copy)
cp "$T/bundle/codes.polb" "$T/bundle/codes2.polb"
expect_rc 0 $POLVM --allow-extern "$B" diff "$T/bundle/codes.polb" "$T/bundle/codes2.polb" "$T/codes.ndjson"
grep -qx 'unchanged: 1' "$T/o" && ok || ko "diff of two bundles with externs: $(cat "$T/o" "$T/e")"
printf '{"tests": [{"name": "fusion", "case": "%s", "expect": {"determination": "approve"}}]}\n' "$T/codes.json" > "$T/codes.test.json"
expect_rc 0 $POLVM --allow-extern "$B" test --bundle "$T/bundle/codes.polb" "$T/codes.test.json"
# the evil library has the example's file name but not its bytes
expect_rc 4 $POLVM --allow-extern "$T/lib" trace --bundle "$T/bundle/codes.polb" "$T/codes.json"
grep -q 'B0003 extern library libpolext_codes.so has SHA-256 [0-9a-f]*, the bundle was built against [0-9a-f]*' "$T/e" \
  && ok || ko "hash mismatch: $(cat "$T/e")"
no_marker "$M" "a library whose SHA-256 is not the pinned one"
# first allowed place that has the file decides; a place without it is no error
expect_rc 4 $POLVM --allow-extern "$T/lib" --allow-extern "$B" trace --bundle "$T/bundle/codes.polb" "$T/codes.json"
no_marker "$M" "the first allowed place has the wrong library"
expect_rc 4 $POLVM --allow-extern "$T/other" trace --bundle "$T/bundle/codes.polb" "$T/codes.json"
grep -q 'B0003 extern library libpolext_codes.so is not in an allowed place' "$T/e" && ok || ko "not found: $(cat "$T/e")"
expect_rc 4 $POLVM --allow-extern "$T/lib/libbad.so" trace --bundle "$T/bundle/codes.polb" "$T/codes.json"
expect_rc 2 $POLVM --allow-extern
# the dynamic loader never searches: LD_LIBRARY_PATH does not count
expect_rc 4 env LD_LIBRARY_PATH="$B" $POLVM trace --bundle "$T/bundle/codes.polb" "$T/codes.json"

# ---- 3. inspection never loads native code, even a library next to the bundle
cp "$T/lib/libpolext_codes.so" "$T/bundle/"
pol "$T/evil.pol" 'extern "libpolext_codes.so" code_in_set(string, string): bool' \
  '  criterion "R.1" "x" { code_in_set("a", cpt) }'
expect_rc 0 $POLC --extern-dir "$T/bundle" -o "$T/bundle/evil.polb" "$T/evil.pol"
no_marker "$M" "polc hashing a library"
for b in evil codes; do
  expect_rc 0 $POLVM verify "$T/bundle/$b.polb"
  grep -q "^  extern library libpolext_codes.so sha256 [0-9a-f]\{64\}$" "$T/o" && ok || ko "verify lists the pinned library: $(cat "$T/o")"
  no_marker "$M" "polvm verify $b.polb"
  expect_rc 0 $POLVM dump "$T/bundle/$b.polb"
  grep -q "^library libpolext_codes.so sha256 [0-9a-f]\{64\}$" "$T/o" && ok || ko "dump lists the pinned library"
  no_marker "$M" "polvm dump $b.polb"
  expect_rc 0 $POLVM --allow-extern "$T/other" verify "$T/bundle/$b.polb"
  no_marker "$M" "polvm --allow-extern verify $b.polb"
  expect_rc 4 $POLVM trace --bundle "$T/bundle/$b.polb" "$T/codes.json"
  no_marker "$M" "polvm trace $b.polb without --allow-extern, library next to it"
done
(cd "$T/bundle" && "$ABS_POLVM" trace --bundle codes.polb "$T/codes.json" > /dev/null 2>&1)
no_marker "$M" "trace from the bundle's directory"

# ---- 4. the default bundle is never a file of the current directory
mkdir -p "$T/checkout/build"
cp "$T/sys.polb" "$T/checkout/build/policies.polb"
cp "$T/sys.polb" "$T/checkout/policies.polb"
(cd "$T/checkout" && "$ABS_POLVM" --allow-extern "$LIBCDIR" trace "$CASE") > "$T/o" 2> "$T/e"
[ $? -eq 4 ] && grep -q "$HOME/.local/share/polc/policies.polb: B0002 cannot read the bundle" "$T/e" \
  && ok || ko "default bundle in a checkout: $(cat "$T/e")"
no_marker "$M" "polvm trace in a checkout with build/policies.polb"
(cd "$T/checkout" && POLVM_BUNDLE=build/policies.polb "$ABS_POLVM" trace "$CASE") > "$T/o" 2> "$T/e"
[ $? -eq 2 ] && grep -q 'POLVM_BUNDLE must be an absolute path' "$T/e" && ok || ko "relative POLVM_BUNDLE: $(cat "$T/e")"
# polc writes the same default polvm reads: $XDG_DATA_HOME, else ~/.local/share;
# never into the current directory
mkdir -p "$T/cwd"
(cd "$T/cwd" && "$ABS_POLC" "$OLDPWD/policies/caresource-nc-sij-fusion.pol") > "$T/o" 2> "$T/e" && ok || ko "polc without -o: $(cat "$T/e")"
[ -z "$(ls -A "$T/cwd")" ] && ok || ko "polc wrote into the current directory: $(ls -A "$T/cwd")"
[ -f "$HOME/.local/share/polc/policies.polb" ] && ok || ko "polc did not write ~/.local/share/polc/policies.polb"
expect_rc 0 $POLVM trace examples/caresource-sij/denied-one-injection.json
expect_rc 0 env XDG_DATA_HOME="$T/xdg" $POLC policies/caresource-nc-sij-fusion.pol
[ -f "$T/xdg/polc/policies.polb" ] && ok || ko "polc did not write \$XDG_DATA_HOME/polc/policies.polb"
expect_rc 0 env XDG_DATA_HOME="$T/xdg" $POLVM verify "$T/xdg/polc/policies.polb"
expect_rc 0 env POLVM_BUNDLE="$T/env.polb" $POLC policies/caresource-nc-sij-fusion.pol
expect_rc 0 env POLVM_BUNDLE="$T/env.polb" $POLVM trace examples/caresource-sij/denied-one-injection.json
expect_rc 2 env HOME=relative $POLVM trace examples/caresource-sij/denied-one-injection.json
(cd "$T/cwd" && HOME=relative "$ABS_POLC" "$OLDPWD/policies/caresource-nc-sij-fusion.pol") > "$T/o" 2> "$T/e"
[ $? -eq 3 ] && grep -q 'E0901.*give the output with -o BUNDLE' "$T/e" && [ -z "$(ls -A "$T/cwd")" ] \
  && ok || ko "polc without a default path: $(cat "$T/e")"

# ---- 5. results a declaration does not promise: unknown, never a crash
pol "$T/bad.pol" "$(printf '%s\n' 'extern "libbad.so" small_int(string): string' 'extern "libbad.so" no_nul(string): string' \
  'extern "libbad.so" too_long(string): string' 'extern "libbad.so" not_utf8(string): string' \
  'extern "libbad.so" null_str(string): string' 'extern "libbad.so" shout(string): string' \
  'extern "libbad.so" answer(): number')" "$(printf '%s\n' \
  '  criterion "S" "" { known(small_int("abc")) }' '  criterion "N" "" { known(no_nul("a")) }' \
  '  criterion "L" "" { known(too_long("a")) }' '  criterion "U" "" { known(not_utf8("a")) }' \
  '  criterion "Z" "" { known(null_str("a")) }' '  criterion "H" "" { shout("abc") == "ABC" and shout("xyz") == "XYZ" }' \
  '  criterion "A" "" { answer() == 42 and known(answer()) }' \
  '  criterion "C" "a copy, not a bundle string" { known(shout("hello")) and shout("hello") != "HELLX" }')"
expect_rc 0 $POLC --extern-dir "$T/lib" -o "$T/bad.polb" "$T/bad.pol"
expect_rc 0 $POLVM --allow-extern "$T/lib" eval --criteria --bundle "$T/bad.polb" < "$T/case.ndjson"
for c in S N L U Z; do
  grep -q "{\"id\": \"$c\", \"status\": \"not_met\"}" "$T/o" && ok || ko "extern result $c is not unknown: $(cat "$T/o" "$T/e")"
done
for c in H A C; do
  grep -q "{\"id\": \"$c\", \"status\": \"met\"}" "$T/o" && ok || ko "extern result $c: $(cat "$T/o" "$T/e")"
done

echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
