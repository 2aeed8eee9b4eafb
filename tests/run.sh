#!/bin/sh
# tests/run.sh BUILD_DIR -- `make test`: runs every suite tests/suites/NAME.sh
# (the contract: tests/suites/README.md; the list: docs/testing.md), or only
# those named in $SUITE (comma-separated), in name order.  Prints one line
# per suite, "NAME: N passed, N failed", each failing suite's output before
# it, and last the total of every check of every suite,
# "N passed, N failed".  Exits 1 on any failure, 2 on an unknown suite.
# UPDATE_GOLDEN=1 (make golden-update) is passed on to the suites that keep
# goldens.
set -u
B=${1:-build}
. tests/lib.sh

if [ -n "${SUITE:-}" ]; then
  names=$(echo "$SUITE" | tr ',' ' ')
  for name in $names; do
    [ -f "tests/suites/$name.sh" ] || {
      echo "tests/run.sh: no suite '$name' (tests/suites/$name.sh); the suites:" \
        $(ls tests/suites/*.sh | sed 's|.*/||; s|\.sh$||') >&2
      exit 2; }
  done
else
  names=$(ls tests/suites/*.sh | sed 's|.*/||; s|\.sh$||')
fi

summary='^[0-9][0-9]* passed, [0-9][0-9]* failed$'
for name in $names; do
  sh "tests/suites/$name.sh" "$B" > "$T/out" 2>&1
  rc=$?
  last=$(tail -n 1 "$T/out")
  # a suite that ends without its summary, or fails without counting a
  # failure, still counts as one failure
  if echo "$last" | grep -q "$summary"; then
    p=${last%% passed*}
    f=${last#*passed, }; f=${f%% failed}
    [ $rc -eq 0 ] || [ "$f" -gt 0 ] || { f=1; echo "  $name exited $rc"; }
  else
    p=0 f=1
    echo "  $name ended (exit $rc) without its summary line"
    echo >> "$T/out"
  fi
  pass=$((pass + p)) fail=$((fail + f))
  if [ "$f" -ne 0 ]; then sed '$d' "$T/out" | head -n 60 | sed 's/^/  /'
  else grep '^SKIP' "$T/out" | sed 's/^/  /'; fi
  echo "$name: $p passed, $f failed"
done

echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
