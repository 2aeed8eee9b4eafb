#!/usr/bin/env python3
"""tests/fmt/sprinkle.py SEED N < in.pol > out.pol -- comments between tokens.

Inserts N comments, `/* kK */` or `// kK` (followed by a new line), into
white space between tokens chosen at random (never inside `not in`, a
duration such as `12 months` or `calendar year`), so that
tests/suites/fmt.sh can check that `polc fmt` keeps every comment, in
order, never changes the meaning and is idempotent wherever comments
stand.  Deterministic for a given seed.
"""
import random
import sys

sys.path.insert(0, __file__.rsplit("/", 1)[0])
from mangle import UNITS, chunks  # noqa: E402


def main():
    rnd = random.Random(int(sys.argv[1]))
    n = int(sys.argv[2])
    parts = chunks(sys.stdin.read())
    slots = []
    for k, (kind, text) in enumerate(parts):
        if kind != "ws" or k == 0 or k == len(parts) - 1:
            continue
        prev, nxt = parts[k - 1][1], parts[k + 1][1]
        if (prev.endswith("not") and nxt.startswith("in")) or \
           (prev[-1:].isdigit() and nxt.split()[0].rstrip(")],}") in UNITS) or \
           (prev.endswith("calendar") and nxt.split()[0] in ("year", "quarter", "month")):
            continue
        slots.append(k)
    for i, k in enumerate(sorted(rnd.sample(slots, min(n, len(slots))))):
        text = parts[k][1]
        c = f"// k{i}\n" if rnd.random() < 0.5 else f"/* k{i} */ "
        parts[k] = ("ws", " " + c + text if "\n" in c else text + c)
    sys.stdout.write("".join(t for _, t in parts))


if __name__ == "__main__":
    main()
