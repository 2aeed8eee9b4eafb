#!/bin/sh
# tools/pol-files.sh -- the .pol sources kept in the canonical layout of
# `polc fmt` (make format, make format-check, tests/fmt.sh): all of them
# but the deliberately broken inputs of the diagnostics goldens (whose
# expected messages carry line:col), the hostile inputs of the robustness
# tests and the formatter's own test inputs.
# Run from the top of the tree.
find policies stdlib tests examples -name '*.pol' \
  -not -path 'tests/golden/errors/*' -not -path 'tests/hostile/*' -not -path 'tests/fmt/*' 2>/dev/null | LC_ALL=C sort
