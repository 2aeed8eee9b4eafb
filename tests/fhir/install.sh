#!/bin/sh
# tests/fhir/install.sh DIR -- installs the test-only FHIR tools (package.json,
# pinned by package-lock.json: the official FHIR R4 JSON Schema, ajv,
# HL7's fhirpath) into DIR/node_modules with `npm ci`, unless DIR already
# holds this exact lock.  Used by tests/suites/fhir_out.sh and .ci/run;
# nothing else needs Node.  Exit 0 when DIR is ready, 1 otherwise (the
# reason on stderr).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
dir=${1:?usage: install.sh DIR}
mkdir -p "$dir"
if [ -d "$dir/node_modules/ajv" ] && cmp -s "$here/package-lock.json" "$dir/package-lock.json"; then
  exit 0
fi
command -v npm >/dev/null 2>&1 || { echo "install.sh: npm not found (Debian: apt-get install nodejs npm)" >&2; exit 1; }
cp "$here/package.json" "$here/package-lock.json" "$dir/"
# --ignore-scripts: fhirpath's install scripts build its own demo and
# benchmarks, which the tests do not use
(cd "$dir" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error >/dev/null) || {
  rm -f "$dir/package-lock.json"
  echo "install.sh: npm ci failed (no network to the npm registry?)" >&2
  exit 1
}
