#!/bin/sh
# tests/suites/docs_tables.sh BUILD_DIR -- the generated tables of
# docs/bundle-format.md (between <!-- BEGIN GENERATED NAME --> and
# <!-- END GENERATED NAME -->) are what tools/doc_tables prints from the
# .def lists: a document that drifts from vm/opcodes.def or vm/sections.def
# fails.
# `make docs-tables` rewrites them.
set -u
. tests/lib.sh
B=${1:-build}
gen="$B/tools/doc_tables"
doc=docs/bundle-format.md

if [ -x "$gen" ]; then ok; else ko "$gen not built (make all)"; fi

for name in opcodes sections; do
  if grep -q "^<!-- BEGIN GENERATED $name" "$doc" && grep -q "^<!-- END GENERATED $name -->" "$doc"
  then ok; else ko "$doc: no generated region '$name'"; fi
done

if "$gen" < "$doc" > "$T/doc.md" 2> "$T/err"; then ok; else ko "doc_tables failed: $(cat "$T/err")"; fi
if cmp -s "$T/doc.md" "$doc"; then ok
else
  ko "$doc: generated tables differ from the .def lists (make docs-tables):"
  diff "$doc" "$T/doc.md" | head -20
fi

# the check bites: a changed line in the region is found
sed 's/^| 0 | `LOADK` |/| 0 | `LOADX` |/' "$doc" > "$T/drift.md"
"$gen" < "$T/drift.md" > "$T/fixed.md" 2>/dev/null
if ! cmp -s "$T/drift.md" "$T/fixed.md" && cmp -s "$T/fixed.md" "$T/doc.md"; then ok
else ko "a drifted opcode row is not caught"; fi

# an unknown table name and an unclosed region are errors
printf '<!-- BEGIN GENERATED nosuch -->\n<!-- END GENERATED nosuch -->\n' > "$T/bad.md"
if "$gen" < "$T/bad.md" > /dev/null 2>&1; then ko "unknown table accepted"; else ok; fi
printf '<!-- BEGIN GENERATED opcodes -->\n' > "$T/open.md"
if "$gen" < "$T/open.md" > /dev/null 2>&1; then ko "unclosed region accepted"; else ok; fi

echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
