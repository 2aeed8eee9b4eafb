#!/bin/sh
# fuse_break.sh [BUILD_DIR] -- shows that the unit tests catch a broken
# superinstruction (vm/wide.def FUSE): for each one in turn, builds
# test_exec with POL_BREAK_FUSE naming it (exec.c: the superinstruction
# skips its first half) and expects the tests to fail.  Prints the ones
# that passed anyway; exit status 1 if any did.  Slow (one build of exec.c
# a superinstruction): not part of `make test`.
set -u
B=${1:-build-brk}
fused=${FUSE_ONLY:-}
[ -n "$fused" ] || fused=$(sed -n 's/^FUSE(\([A-Z0-9]*\), \([A-Z0-9_]*\))$/\1_\2/p' vm/wide.def)
survived=""
n=0
for f in $fused; do
  n=$((n + 1))
  rm -f "$B/vm/exec.o" "$B/libpolvm.a" "$B/tests/test_exec"
  if ! make -s B="$B" CFLAGS="-O1 -g -DPOL_BREAK_FUSE=OPW_$f" "$B/tests/test_exec" >/dev/null 2>&1; then
    echo "fuse_break: $f: build failed" >&2
    exit 2
  fi
  if "$B/tests/test_exec" >/dev/null 2>&1; then
    survived="$survived $f"
    echo "fuse_break: $f broken, yet the tests pass"
  fi
done
echo "fuse_break: $n superinstructions broken in turn; not caught:${survived:- none}"
[ -z "$survived" ]
