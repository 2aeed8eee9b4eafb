#!/usr/bin/env python3
"""tests/editors/check_textmate.py GRAMMAR.json LEXER.l FILE.pol...

Checks the TextMate grammar of .pol files against the language itself:

  * the JSON is valid, scopeName is source.pol, every `include` resolves
    and every regex compiles with Python's `re` (the grammar keeps to the
    subset Oniguruma and `re` share, so it can be run here);
  * a small TextMate engine (line by line; match, begin/end, captures,
    include) scopes each FILE, and an independent scan of the same text,
    following compiler/lexer.l, finds its tokens; then
      - every keyword of the lexer (read from LEXER.l, so the grammar
        cannot fall behind it) gets a keyword.* scope -- except the
        literals true/false (constant.language.*) and `it`
        (variable.language.*);
      - every string gets a string.* scope, and a criterion's or
        exclusion's id also an entity.name.* scope;
      - every comment a comment.* scope; every date, duration and number
        a constant.numeric.* scope (date / duration for those two).
Prints each mismatch (file:line:col, token, scopes); exits 1 if any.
"""
import json
import re
import sys


def load_grammar(path):
    g = json.load(open(path, encoding="utf-8"))
    errors = []
    if g.get("scopeName") != "source.pol":
        errors.append(f"scopeName is {g.get('scopeName')!r}, expected 'source.pol'")
    if "pol" not in g.get("fileTypes", []):
        errors.append("fileTypes does not list pol")
    repo = g.get("repository", {})

    def walk(rule, where):
        for key in ("match", "begin", "end"):
            if key in rule:
                try:
                    rule["_" + key] = re.compile(rule[key])
                except re.error as e:
                    errors.append(f"{where}: {key} {rule[key]!r} is not portable: {e}")
        inc = rule.get("include")
        if inc is not None and not (inc in ("$self", "$base") or (inc.startswith("#") and inc[1:] in repo)):
            errors.append(f"{where}: include {inc!r} does not resolve")
        for i, p in enumerate(rule.get("patterns", [])):
            walk(p, f"{where}.patterns[{i}]")

    walk(g, "grammar")
    for name, rule in repo.items():
        walk(rule, f"repository.{name}")
    return g, errors


def flatten(g, patterns, seen=()):
    """The match/begin rules of a pattern list, includes expanded, in order."""
    out = []
    for p in patterns:
        inc = p.get("include")
        if inc:
            target = g if inc in ("$self", "$base") else g["repository"][inc[1:]]
            if id(target) in seen:
                continue
            if "_match" in target or "_begin" in target:
                out.append(target)
            else:
                out += flatten(g, target.get("patterns", []), seen + (id(target),))
        elif "_match" in p or "_begin" in p:
            out.append(p)
        else:
            out += flatten(g, p.get("patterns", []), seen)
    return out


def names(s):
    return s.split() if s else []


def scope_lines(g, text):
    """Scopes of every character: a list (per line) of lists of scope lists."""
    stack = []  # (rule, scopes of the region)
    result = []
    for line in text.split("\n"):
        scopes = [None] * len(line)
        pos = 0
        while pos <= len(line):
            rule, base = (stack[-1] if stack else (None, ["source.pol"]))
            pats = flatten(g, rule.get("patterns", []) if rule else g["patterns"])
            best = None  # (start, order, kind, rule, match)
            if rule is not None:
                m = rule["_end"].search(line, pos)
                if m:
                    best = (m.start(), -1, "end", rule, m)
            for i, p in enumerate(pats):
                rx = p.get("_match") or p.get("_begin")
                m = rx.search(line, pos)
                if m and (best is None or (m.start(), i) < best[:2]):
                    best = (m.start(), i, "match" if "_match" in p else "begin", p, m)
            if best is None:
                for k in range(pos, len(line)):
                    scopes[k] = base
                break
            start, _, kind, p, m = best
            for k in range(pos, start):
                scopes[k] = base
            if kind == "end":
                inner = base
                stack.pop()
                caps = p.get("endCaptures", p.get("captures", {}))
            elif kind == "match":
                inner = base + names(p.get("name"))
                caps = p.get("captures", {})
            else:
                inner = base + names(p.get("name"))
                caps = p.get("beginCaptures", p.get("captures", {}))
            for k in range(m.start(), m.end()):
                scopes[k] = inner
            for num, cap in caps.items():
                n = int(num)
                if m.group(n) is not None:
                    for k in range(m.start(n), m.end(n)):
                        scopes[k] = inner + names(cap.get("name"))
            if kind == "begin":
                stack.append((p, inner))
            pos = m.end() if m.end() > pos else pos + 1
        result.append(scopes)
    return result


def lexer_keywords(path):
    return set(re.findall(r'^"([a-z]+)"\s+return\s+[A-Z]+;', open(path, encoding="utf-8").read(), re.M))


def tokens(text, keywords):
    """(kind, start, end) of the tokens the checks care about, as compiler/lexer.l scans them."""
    rx = re.compile(r"""
        (?P<ws>[ \t\r\n]+)
      | (?P<comment>//[^\n]*|/\*(?:[^*]|\*+[^*/])*\*+/)
      | (?P<date>[0-9]{4}-[0-9]{2}-[0-9]{2})
      | (?P<duration>[0-9]+[ \t\r]+(?:days?|weeks?|months?|years?)(?![A-Za-z0-9_]))
      | (?P<number>[0-9]+(?:\.[0-9]+)?)
      | (?P<ident>[A-Za-z_][A-Za-z0-9_]*)
      | (?P<string>"(?:[^"\\\n]|\\.)*")
      | (?P<other>.)""", re.X | re.S)
    out, prev_ident = [], None
    for m in rx.finditer(text):
        kind = m.lastgroup
        if kind == "ident" and m.group() in keywords:
            kind = "keyword"
        if kind == "string" and prev_ident in ("criterion", "exclusion"):
            kind = "critid"
        if kind not in ("ws", "comment"):
            prev_ident = m.group() if kind in ("keyword", "ident") else None
        out.append((kind, m.start(), m.end(), m.group()))
    return out


EXPECT = {
    "comment": ("comment.",),
    "date": ("constant.numeric.date",),
    "duration": ("constant.numeric.duration",),
    "number": ("constant.numeric",),
    "string": ("string.",),
    "critid": ("string.", "entity.name."),
}


def main():
    grammar, lexer, files = sys.argv[1], sys.argv[2], sys.argv[3:]
    g, errors = load_grammar(grammar)
    keywords = lexer_keywords(lexer)
    if len(keywords) < 40:
        errors.append(f"found only {len(keywords)} keywords in {lexer}")
    counts = {}
    for path in files:
        text = open(path, encoding="utf-8").read()
        scoped = [s for line in scope_lines(g, text) for s in line + [["source.pol"]]]
        for kind, start, end, word in tokens(text, keywords):
            if kind == "keyword":
                want = ("constant.language.",) if word in ("true", "false") else \
                       ("variable.language.",) if word == "it" else ("keyword.",)
            else:
                want = EXPECT.get(kind)
            if not want:
                continue
            counts[kind] = counts.get(kind, 0) + 1
            for k in range(start, end):
                if text[k] in " \t\r\n":
                    continue
                got = scoped[k] or []
                if not all(any(s.startswith(w) for s in got) for w in want):
                    line = text.count("\n", 0, k) + 1
                    col = k - (text.rfind("\n", 0, k) + 1) + 1
                    errors.append(f"{path}:{line}:{col}: {kind} {word[:40]!r}: scopes {got}, expected {' and '.join(w + '*' for w in want)}")
                    break
    for e in errors[:40]:
        print(e)
    if len(errors) > 40:
        print(f"... {len(errors) - 40} more")
    if not errors:
        print("ok: " + ", ".join(f"{n} {k}" for k, n in sorted(counts.items())))
    sys.exit(1 if errors else 0)


if __name__ == "__main__":
    main()
