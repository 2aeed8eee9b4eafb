#!/bin/sh
# tools/pol-files.sh -- the .pol sources kept in the canonical layout of
# `polc fmt` (make format, make format-check, tests/suites/fmt.sh): all of them
# but the deliberately broken inputs of the diagnostics goldens (whose
# expected messages carry line:col), the hostile inputs and fuzzer
# reproducers of the robustness tests (kept byte for byte), and the
# formatter's own test inputs.
# Run from the top of the tree.
find policies stdlib tests examples -name '*.pol' \
  -not -path 'tests/golden/errors/*' -not -path 'tests/hostile/*' \
  -not -path 'tests/fuzz/*' -not -path 'tests/fmt/*' 2>/dev/null | LC_ALL=C sort
