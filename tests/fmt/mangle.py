#!/usr/bin/env python3
"""tests/fmt/mangle.py SEED < in.pol > out.pol -- the same tokens, other spacing.

Rewrites every run of white space between two tokens (one space, several,
a new line with some indentation) so that `polc fmt` has to rebuild the
layout from scratch.  It keeps what the formatter is allowed to read from
the spacing: blank lines (a run holding two new lines), the white space
next to a comment (whether a comment trails code or stands on its line),
and the single space inside the tokens `not in`, `12 months` and
`calendar year`, where
the scanner allows no new line.  Strings and comments are copied as they
are.  Deterministic for a given seed.
"""
import random
import re
import sys

UNITS = {"day", "days", "week", "weeks", "month", "months", "year", "years"}


def chunks(src):
    """Splits src into ('ws', text), ('comment', text) and ('code', text)."""
    out = []
    i, n = 0, len(src)
    while i < n:
        c = src[i]
        if c in " \t\r\n":
            j = i
            while j < n and src[j] in " \t\r\n":
                j += 1
            out.append(("ws", src[i:j]))
            i = j
        elif src.startswith("//", i):
            j = src.find("\n", i)
            j = n if j < 0 else j
            out.append(("comment", src[i:j]))
            i = j
        elif src.startswith("/*", i):
            j = src.find("*/", i + 2)
            j = n if j < 0 else j + 2
            out.append(("comment", src[i:j]))
            i = j
        elif c == '"':
            j = i + 1
            while j < n and src[j] not in '"\n':
                j += 2 if src[j] == "\\" and j + 1 < n and src[j + 1] != "\n" else 1
            j = j + 1 if j < n and src[j] == '"' else j
            out.append(("code", src[i:j]))
            i = j
        else:
            j = i
            while j < n and src[j] not in ' \t\r\n"' and not src.startswith("//", j) \
                    and not src.startswith("/*", j):
                j += 1
            out.append(("code", src[i:j]))
            i = j
    return out


def main():
    rnd = random.Random(int(sys.argv[1]) if len(sys.argv) > 1 else 1)
    parts = chunks(sys.stdin.read())
    out = []
    for k, (kind, text) in enumerate(parts):
        if kind != "ws" or k == 0 or k == len(parts) - 1:
            out.append(text)
            continue
        prev_kind, prev = parts[k - 1]
        next_kind, nxt = parts[k + 1]
        if prev_kind == "comment" or next_kind == "comment" or text.count("\n") >= 2:
            out.append(text)
            continue
        last_word = re.findall(r"[A-Za-z_0-9]+$", prev)
        first_word = re.findall(r"^[A-Za-z_]+", nxt)
        if (last_word and last_word[0] == "not" and first_word and first_word[0] == "in") or \
           (last_word and last_word[0].isdigit() and first_word and first_word[0] in UNITS) or \
           (last_word and last_word[0] == "calendar" and first_word and
            first_word[0] in ("year", "quarter", "month")):
            out.append(" ")
            continue
        out.append(rnd.choice([" ", "   ", "\n", "\n" + " " * rnd.randint(0, 12), " \t "]))
    sys.stdout.write("".join(out))


if __name__ == "__main__":
    main()
