#!/usr/bin/env python3
"""Random valid policies and random cases for them (Python 3 stdlib only).

Usage:
    python3 tests/gen/genpol.py --seed S --out DIR [--cases N] [--policies K]
                                [--completions] [--open] [--externs]

Writes into DIR (created):
    gen.pol        a module: the records and facts every policy imports
    pN.pol         K random policies (1 to 3 by default)
    cases.ndjson   N random cases, one per line
    meta.json      per policy and criterion id: the primitives its
                   expression uses (for the completion check's report)

Everything depends on the seed alone: the same seed writes the same files.

The policies use every construct of the language, nested: lets with and
without parameters, windows, coverage (`days of W covered by L where P
from S to E`), counts, `count distinct`, quantifiers over records and
nested quantifiers (named binders, `it`, outer fields), sums, `latest` /
`earliest` (with and without `by`), quantifiers and counts over set
literals, `if … then … else`, `days(n)` / `weeks(n)` / `years(n)`,
`count x in L` and `count distinct` without `where`, `for each`,
decision rules with tags and every outcome, `assess` blocks, `authorize`
blocks (every field, `period S to E` and `for D`), plans and
effective dates (several policies and versions competing for a code),
several branches, `??`, `known`, arithmetic, dates and durations,
`at least K of`, composites all / any / at least, calendar windows
(`calendar_month/quarter/year(d)`), contiguity (`longest run of W covered
by …`, `longest gap in W of K of L where P`), sliding periods (`exists p in
periods(D, W) where …`), `for each s in sides(ls)`, prerequisites (of every
main branch or of the ones they name) and `next` steps.  The cases leave facts
and fields absent, use empty lists, and take numbers and dates at and
around the thresholds the policies compare them with.

--completions: the cases are "bases" with at most 6 unknown facts or
fields each, every base followed by its completions: copies in which every
unknown takes a value (numbers at and around every numeric constant of the
policies, dates at and around every date and offset, strings of the
policies, empty, one-item and three-item lists).  A base has case_id "bK", its
completions "bK.cJ".  tests/gen/completion.py checks them.

Known-open classes (KNOWN_OPEN below) are defects other changes are fixing;
by default the generator avoids them so that a run is green now.  --open
generates them too (the long run, `make fuzz-diff`, reports them apart).

--externs declares an extern function and calls it (left unbound by the
differential test, so unknown); not with --completions (polvm eval would
look for its library).
"""

import argparse
import itertools
import json
import os
import random
import re
import sys

# Defects known and being fixed elsewhere, which the generator avoids unless
# --open is given.  Remove an entry once its fix has landed.
KNOWN_OPEN = set()
# Closed: "unknown-branch-condition" (an unknown branch condition now
# leaves open which branch judges: the line pends) and
# "coverage-unknown-where" (a coverage is a [sure, possible] range that
# counts the items whose `where` is unknown as possible); both generated
# always (docs/language.md, "Three-valued rules").

STRS = ["a", "b", "c", "d"]
NUMS = [0, 1, 2, 3, 5, 10, 2.5]
DURS = ["1 day", "7 days", "2 weeks", "30 days", "1 month", "3 months", "6 months", "1 year"]
DUR_DAYS = [1, 7, 14, 30, 31, 91, 92, 182, 183, 365, 366]
REQ_DATES = ["2024-12-31", "2025-01-01", "2025-05-31", "2025-06-01", "2025-06-15"]
LIT_DATES = ["2024-06-01", "2025-01-01", "2025-03-01"]
EFFECTIVE = ["2024-01-01", "2025-01-01", "2025-06-01"]
CODES = ["C1", "C2", "C3"]
# value sets (docs/language.md, "Codes and value sets"): every file declares
# these; string facts sometimes hold codes, spelled as cases do (with or
# without the dot, lower case), and some not codes at all
VALUESETS = ['valueset VSA "gen A" icd10cm { "A00.*", "B03" .. "B05", except "B04.9" }',
             'valueset VSB icd10cm { VSA, "Z99", except "A00.1" }',
             'valueset VSD "gen drugs" rxnorm { "1991302", "99999" }',
             'valueset VSN "gen products" ndc { "0169-4130-13", "000021433*" }']
VS_NAMES = ["VSA", "VSB"]
# lookup tables (docs/language.md, "Unknown, min and max, first, tables"):
# every file declares these; TBL has no default (an absent key: unknown)
TABLES = ['table TBL { "a" => 1, "b" => 2.5, "c" => -3 }',
          'table TBD "with a default" { "a" => 3, "d" => 10, default 2 }',
          'table TBT { "a" => 2025-03-01, "b" => 2024-06-01 }']
VS_CODES = ["A00", "A00.1", "a001", "A01", "B03", "B04.9", "B049", "B05.77", "B06", "Z99", "Z99.1"]
# routing by range and family: some policies add one of these to `codes`,
# and lines sometimes carry the procedure codes around them
ROUTE_RANGES = ['"97110" .. "97120"', '"9711*"', '"97115" .. "97546"']
ROUTE_CODES = ["97110", "97112", "97119", "97120", "97121", "97546", "97547", "9711"]
# routing by drug code (docs/language.md "Routing by drug code"): some
# policies add VSD or VSN to `codes`; lines sometimes carry a drug code (in
# the sets or not, spelled differently, or not a code), some no CPT at all
ROUTE_DRUGS = ["VSD", "VSN"]
RXNORM_CODES = ["1991302", "01991302", "99999", "475968", "abc"]
NDC_CODES = ["00169413013", "0169-4130-13", "00002-1433-80", "00002143381", "12345"]
PLANS = ["p1", "p2", "p3"]
TAGS = ["doc", "judg", "adm"]
OUTCOMES = ["approve", "deny", "pend", "loi", "refer"]
SIDES = ["left", "right", "bilateral", "a"]   # a line's side (sides(ls))

# records: field -> type
SUB = {"cd": "string", "val": "number", "dt": "date"}
EV = {"kind": "string", "grp": "string", "score": "number", "ok": "bool", "day": "date",
      "start": "date", "stop": "date", "labels": "list<string>", "subs": "list<Sub>"}
RECS = {"Ev": EV, "Sub": SUB}
# fields always present in a case
ALWAYS_FIELDS = {"grp"}
# facts: name -> (type, path)
FACTS = {
    "rd": ("date", "request.date"),
    "na": ("number", "f.na"), "nb": ("number", "f.nb"), "nc": ("number", "f.nc"),
    "ba": ("bool", "f.ba"), "bb": ("bool", "f.bb"),
    "sa": ("string", "f.sa"), "sb": ("string", "f.sb"),
    "da": ("date", "f.da"), "db": ("date", "f.db"),
    "strs": ("list<string>", "f.strs"),
    "evs": ("list<Ev>", "f.evs"), "evt": ("list<Ev>", "f.evt"),
    "route": ("string", "f.route"),       # always present: branch conditions
    "lv": ("list<string>", "line.levels"),
    "lu": ("number", "line.units"),
    "lm": ("string", "line.modifier"),
    "ls": ("string", "line.side"),        # sides(ls): `for each` per side
}
ALWAYS_FACTS = {"route", "rd"}

MODULE = """// generated by tests/gen/genpol.py: the facts of the random policies
record Sub {
  cd: string
  val: number
  dt: date
}

record Ev {
  kind: string
  grp: string
  score: number
  ok: bool
  day: date
  start: date
  stop: date
  labels: list<string>
  subs: list<Sub>
}

%s

let past(n: duration): window = [rd - n, rd]
""" % "\n".join("fact %s: %s = %s" % (n, t, p) for n, (t, p) in FACTS.items())


def q(s):
    return '"%s"' % s


def num_lit(x):
    t = ("%d" % x) if x == int(x) else repr(x)
    return t if x >= 0 else "(%s)" % t


class Gen:
    def __init__(self, rng, open_classes, externs, monotone=False):
        self.r = rng
        # no `known` and no `??`: they look at whether a fact is known, so
        # a completion may rightly change what they say (--completions)
        self.monotone = monotone
        self.open = open_classes
        self.externs = externs
        self.prims = set()
        self.lets = []          # (name, params [(n, t)], type, text)
        self.nums = set(NUMS)   # numeric constants used (for completions)
        self.each = None        # (name, type) of the enclosing for each
        self.params = []        # [(name, type)] of the let being written
        self.nlet = 0
        self.wins = []          # names of the period windows in scope

    # ---- helpers ---------------------------------------------------------
    def chance(self, p):
        return self.r.random() < p

    def pick(self, xs):
        return self.r.choice(xs)

    def scope_fields(self, scopes, typ):
        """Field references of type typ visible in scopes (innermost last)."""
        out = []
        for i, (rec, binder) in enumerate(scopes):
            if rec is None:
                continue
            for f, t in RECS[rec].items():
                if t != typ:
                    continue
                if binder:
                    out.append("%s.%s" % (binder, f))
                elif not any(r2 and f in RECS[r2] for r2, _ in scopes[i + 1:]):
                    out.append(f)
                if not binder and i == len(scopes) - 1 and self.r.random() < 0.3:
                    out.append("it.%s" % f)   # the innermost item by `it`
        return out

    def names(self, scopes, typ, known_only=False):
        out = [n for n, (t, _) in FACTS.items() if t == typ and (not known_only or n in ALWAYS_FACTS)]
        if known_only:
            return out
        out += [n for n, t in self.params if t == typ]
        out += self.scope_fields(scopes, typ)
        if self.each and self.each[1] == typ:
            out.append(self.each[0])
        if self.each and self.each[1] == "Ev":
            out += ["%s.%s" % (self.each[0], f) for f, t in EV.items() if t == typ]
        if scopes and scopes[-1][0] is None and scopes[-1][1] is None and typ == "string":
            out.append("it")
        return [n for n in out if not (self.shadowed(n, scopes))]

    def shadowed(self, name, scopes):
        # a fact or parameter name hidden by a field of an item in scope
        if "." in name or name == "it":
            return False
        is_field = any(rec and name in RECS[rec] for rec, b in scopes if not b)
        is_fact = name in FACTS or any(name == n for n, _ in self.params)
        return is_fact and is_field and not any(
            rec and name in RECS[rec] and not b for rec, b in scopes[-1:])

    # ---- expressions -------------------------------------------------------
    def e_bool(self, d, sc):
        r = self.r.random()
        if d <= 0 or r < 0.25:
            return self.bool_leaf(sc)
        k = self.pick(["and", "or", "not", "quant", "quant", "count", "countd", "cover",
                       "atleast", "within", "call", "coal", "cmpnum", "cmpdate", "instr",
                       "known", "ext", "setq", "if", "latest", "sum",
                       "run", "gap", "periods", "unknown", "minmax", "table"])
        if k == "unknown":
            self.prims.add("unknown literal")
            return 'unknown "open %d"' % self.r.randint(1, 3)
        if k == "minmax":
            self.prims.add("min/max compared")
            return "(%s %s %s)" % (self.minmax(d, sc), self.cmp(), self.e_num(d - 1, sc))
        if k == "table":
            self.prims.add("table lookup")
            return "(%s %s %s)" % (self.lookup(sc), self.cmp(), num_lit(self.pick(sorted(self.nums))))
        if k == "and" or k == "or":
            return "(%s %s %s)" % (self.e_bool(d - 1, sc), k, self.e_bool(d - 1, sc))
        if k == "not":
            return "not (%s)" % self.e_bool(d - 1, sc)
        if k == "quant":
            return self.quant(d, sc)
        if k == "count":
            return "(%s %s %s)" % (self.count(d, sc), self.cmp(), num_lit(self.pick([0, 1, 2, 3])))
        if k == "countd":
            return "(%s %s %s)" % (self.countd(d, sc), self.cmp(), num_lit(self.pick([0, 1, 2])))
        if k == "cover":
            return "(%s %s %s)" % (self.cover(d, sc), self.cmp(), num_lit(self.pick([0, 1, 7, 30, 31, 90, 92])))
        if k == "run":
            return "(%s %s %s)" % (self.run(d, sc), self.cmp(), num_lit(self.pick([0, 1, 7, 30, 31, 90, 92])))
        if k == "gap":
            return "(%s %s %s)" % (self.gap(d, sc), self.cmp(), num_lit(self.pick([0, 1, 7, 30, 31, 90, 92, 183])))
        if k == "periods":
            return self.periods(d, sc)
        if k == "atleast":
            n = self.r.randint(2, 5)
            kk = self.r.randint(1, n)
            self.prims.add("at least K of")
            return "at least %d of (%s)" % (kk, ", ".join(self.e_bool(d - 1, sc) for _ in range(n)))
        if k == "within":
            self.prims.add("within")
            return "(%s within %s)" % (self.e_date(d - 1, sc), self.e_win(d - 1, sc))
        if k == "call":
            return self.call("bool", d, sc)
        if k == "coal" and not self.monotone:
            self.prims.add("??")
            return "(%s ?? %s)" % (self.bool_leaf(sc), self.e_bool(d - 1, sc))
        if k == "cmpnum":
            return "(%s %s %s)" % (self.e_num(d - 1, sc), self.cmp(), self.e_num(d - 1, sc))
        if k == "cmpdate":
            self.prims.add("date compare")
            return "(%s %s %s)" % (self.e_date(d - 1, sc), self.cmp(), self.e_date(d - 1, sc))
        if k == "instr":
            return self.instr(d, sc)
        if k == "known" and not self.monotone:
            self.prims.add("known")
            t = self.pick(["number", "string", "date", "bool"])
            return "known(%s)" % self.leaf(t, sc)
        if k == "ext" and self.externs:
            self.prims.add("extern")
            return "ext_pos(%s)" % self.e_num(d - 1, sc)
        if k == "setq":
            return self.set_quant(d, sc)
        if k == "if":
            self.prims.add("if then else")
            return "(if %s then %s else %s)" % (self.e_bool(d - 1, sc), self.e_bool(d - 1, sc),
                                                self.e_bool(d - 1, sc))
        if k == "latest":
            t = self.pick(["string", "bool", "number", "date"])
            v = self.latest(d, sc, t)
            if t == "string":
                return "(%s %s %s)" % (v, self.pick(["==", "!="]), q(self.pick(STRS)))
            if t == "bool":
                return "(%s == %s)" % (v, self.pick(["true", "false"]))
            if t == "number":
                return "(%s %s %s)" % (v, self.cmp(), num_lit(self.pick(sorted(self.nums))))
            return "(%s %s %s)" % (v, self.cmp(), self.e_date(1, sc))
        if k == "sum":
            return "(%s %s %s)" % (self.sum(d, sc), self.cmp(), num_lit(self.pick([0, 1, 2, 5, 10])))
        return self.bool_leaf(sc)

    # ---- sum, latest / earliest, sets -------------------------------------
    def set_quant(self, d, sc):
        """exists / every / no / count over a set literal, its item named."""
        if len(sc) >= 3:
            return self.bool_leaf(sc)
        b = "x%d" % len(sc)
        lit = "{%s}" % ", ".join(q(x) for x in self.r.sample(STRS, self.r.randint(1, 3)))
        inner = sc + [(None, b)]
        r = self.r.random()
        if r < 0.5:
            body = self.pick(["(%s %s %s)" % (b, self.pick(["==", "!="]), self.leaf("string", inner)),
                              "(%s in %s)" % (b, self.leaf("list<string>", inner)),
                              "(%s and (%s == %s))" % (self.e_bool(d - 1, inner), b, self.leaf("string", inner))])
        else:
            body = "(%s %s %s)" % (b, self.pick(["==", "!="]), self.leaf("string", inner))
        op = self.pick(["exists", "every", "no", "count"])
        self.prims.add(op + " over a set")
        if op == "count":
            return "((count %s in %s where %s) %s %s)" % (b, lit, body, self.cmp(), num_lit(self.pick([0, 1, 2])))
        return "(%s %s in %s where %s)" % (op, b, lit, body)

    def sum(self, d, sc):
        l, rec = self.pick([x for x in self.lists(sc) if x[1]] or [("evs", "Ev")])
        self.prims.add("sum")
        b = self.binder_for(sc, rec, 0.3)
        inner = sc + [(rec, b)]
        f = (b + ".") if b else ""
        val = "%sval" % f if rec == "Sub" else "%sscore" % f
        if self.chance(0.2):
            val = "(%s)" % self.e_num(1, inner)
        item = "%s in %s" % (b, l) if b else l
        if self.chance(0.25):
            return "(sum %s of %s)" % (val, item)
        return "(sum %s of %s where %s)" % (val, item, self.where(d, sc, rec, binder=b))

    def latest(self, d, sc, t):
        """(latest|earliest V of L where P [by K]), V of type t."""
        l, rec = self.pick([x for x in self.lists(sc) if x[1]] or [("evs", "Ev")])
        op = self.pick(["latest", "earliest"])
        self.prims.add(op)
        b = self.binder_for(sc, rec, 0.3)
        inner = sc + [(rec, b)]
        f = (b + ".") if b else ""
        fields = [x for x, ft in RECS[rec].items() if ft == t]
        if fields:
            val = f + self.pick(fields)
        else:
            val = self.leaf(t, inner)
        if rec == "Sub":
            order = self.pick(["", " by %sdt" % f, " by %sval" % f])
        else:
            order = self.pick(["", " by %sday" % f, " by %sstart" % f, " by %sscore" % f])
        if rec == "Sub" and order == "":
            order = " by %sdt" % f   # Sub has no `date` field
        if rec == "Ev" and order == "":
            order = " by %sday" % f  # nor has Ev
        if rec == "Ev" and self.chance(0.15):
            # a computed key, perhaps with a count or a latest inside
            self.prims.add(op + " computed key")
            order = " by (%sday + days(%s))" % (f, self.e_num(d - 1, inner))
        item = "%s in %s" % (b, l) if b else l
        if self.chance(0.2):
            return "(%s %s of %s%s)" % (op, val, item, order)
        return "(%s %s of %s where %s%s)" % (op, val, item, self.where(d, sc, rec, binder=b), order)

    def minmax(self, d, sc):
        """min(...) / max(...) of 2 or 3 numbers, sometimes unknown."""
        args = [self.e_num(d - 1, sc) for _ in range(self.r.randint(2, 3))]
        if self.chance(0.15):
            args[self.r.randrange(len(args))] = 'unknown "open"'
        return "%s(%s)" % (self.pick(["min", "max"]), ", ".join(args))

    def lookup(self, sc):
        """TBL[s] or TBD[s], the key a string expression."""
        t = self.pick(["TBL", "TBD"])
        k = self.leaf("string", sc)
        if t == "TBL" and k in ('"d"',):   # a literal key TBL lacks is an error (E0420)
            k = q(self.pick(["a", "b", "c"]))
        return "%s[%s]" % (t, k)

    def cmp(self):
        return self.pick(["==", "!=", "<", "<=", ">", ">="])

    def bool_leaf(self, sc):
        r = self.r.random()
        if r < 0.35:
            ns = self.names(sc, "bool")
            if ns:
                if self.chance(0.15):   # a bool compared
                    return "(%s %s %s)" % (self.pick(ns), self.pick(["==", "!="]), self.pick(["true", "false"]))
                return self.pick(ns)
        if r < 0.6:
            self.prims.add("number compare")
            return "(%s %s %s)" % (self.leaf("number", sc), self.cmp(), num_lit(self.pick(sorted(self.nums))))
        if r < 0.75:
            return "(%s %s %s)" % (self.leaf("string", sc), self.pick(["==", "!="]), q(self.pick(STRS)))
        if r < 0.85:
            self.prims.add("date compare")
            return "(%s %s %s)" % (self.leaf("date", sc), self.cmp(), self.e_date(1, sc))
        if r < 0.97:
            if self.each and self.each[0] == "sd" and self.chance(0.5):
                return "(sd %s %s)" % (self.pick(["==", "!="]), q(self.pick(["left", "right", "a"])))
            return self.instr(1, sc)
        return self.pick(["true", "false"])

    def instr(self, d, sc):
        s = self.leaf("string", sc)
        op = self.pick(["in", "not in"])
        if self.chance(0.3):
            self.prims.add("in valueset")
            if s.startswith('"'):   # a literal is checked against the set's system
                s = q(self.pick(VS_CODES))
            return "(%s %s %s)" % (s, op, self.pick(VS_NAMES))
        if self.chance(0.5):
            self.prims.add("in set")
            return "(%s %s {%s})" % (s, op, ", ".join(q(x) for x in self.r.sample(STRS, self.r.randint(1, 3))))
        self.prims.add("in list")
        return "(%s %s %s)" % (s, op, self.leaf("list<string>", sc))

    def leaf(self, t, sc):
        ns = self.names(sc, t)
        if t == "number":
            if not ns or self.chance(0.15):
                return num_lit(self.pick(sorted(self.nums)))
        if t == "string":
            if not ns or self.chance(0.15):
                return q(self.pick(STRS))
        if t == "date":
            if not ns or self.chance(0.15):
                return self.pick(LIT_DATES)
        if t == "bool" and not ns:
            return self.pick(["true", "false"])
        return self.pick(ns)

    def lists(self, sc):
        """(expression, element record or None) of the lists in scope."""
        out = [("evs", "Ev"), ("evt", "Ev"), ("strs", None), ("lv", None)]
        for f in self.scope_fields(sc, "list<Sub>"):
            out.append((f, "Sub"))
        for f in self.scope_fields(sc, "list<string>"):
            out.append((f, None))
        return out

    def collides(self, sc, rec):
        """Would a field of rec, used bare, have a second meaning here (a
        field of an unnamed outer item, a fact, a parameter, the for-each
        name)?  Then the item must be named (E0208, docs/language.md)."""
        if rec is None:
            return False
        others = set(FACTS) | {n for n, _ in self.params} | ({self.each[0]} if self.each else set())
        for r2, b in sc:
            if r2 and not b:
                others |= set(RECS[r2])
        return bool(set(RECS[rec]) & others)

    def binder_for(self, sc, rec, p=0.0):
        """A name for the item of a list of rec: always when its fields
        would collide, else with probability p."""
        if self.collides(sc, rec) or self.chance(p):
            return "x%d" % len(sc)
        return None

    def quant(self, d, sc):
        if len(sc) >= 3:
            return self.bool_leaf(sc)
        l, rec = self.pick(self.lists(sc))
        op = self.pick(["exists", "every", "no", "first"])
        self.prims.add(op + (" nested" if sc else ""))
        binder = self.binder_for(sc, rec, 0.3)
        inner = sc + [(rec, binder)]
        if rec is None and binder is None:
            body = self.str_body(d, inner)
        elif rec is None:
            body = "(%s %s %s)" % (binder, self.pick(["==", "!="]), q(self.pick(STRS)))
        else:
            body = self.e_bool(d - 1, inner)
        if binder:
            return "(%s %s in %s where %s)" % (op, binder, l, body)
        return "(%s %s where %s)" % (op, l, body)

    def str_body(self, d, sc):
        if self.chance(0.5):
            return "(it %s %s)" % (self.pick(["==", "!="]), q(self.pick(STRS)))
        if self.chance(0.5):
            return "(it in {%s})" % ", ".join(q(x) for x in self.r.sample(STRS, 2))
        return "(%s and (it == %s))" % (self.e_bool(d - 1, sc), q(self.pick(STRS)))

    def where(self, d, sc, rec, binder=None):
        """A `where` body over the items of rec (named binder, or unnamed)."""
        inner = sc + [(rec, binder)]
        if rec is None:
            return self.str_body(d, inner)
        return self.e_bool(d - 1, inner)

    def count(self, d, sc):
        l, rec = self.pick(self.lists(sc))
        if self.chance(0.2):
            self.prims.add("count")
            if rec and self.chance(0.3):
                return "(count x%d in %s)" % (len(sc), l)
            return "(count %s)" % l
        self.prims.add("count where")
        b = self.binder_for(sc, rec)
        if b:
            return "(count %s in %s where %s)" % (b, l, self.where(d, sc, rec, binder=b))
        return "(count %s where %s)" % (l, self.where(d, sc, rec))

    def countd(self, d, sc):
        l, rec = self.pick([x for x in self.lists(sc) if x[1]] or [("evs", "Ev")])
        self.prims.add("count distinct")
        b = self.binder_for(sc, rec)
        inner = sc + [(rec, b)]
        keyt = self.pick(["string", "date", "number", "bool"])
        key = self.pick([f for f, t in RECS[rec].items() if t == keyt] or ["day" if rec == "Ev" else "dt"])
        if b:
            key = "%s.%s" % (b, key)
        if self.chance(0.15):
            key = "(%s)" % self.e_num(1, inner)
            self.prims.add("count distinct computed key")
        if self.chance(0.15):
            self.prims.add("count distinct, no where")
            return "(count distinct %s of %s in %s)" % (key, b, l) if b else "(count distinct %s of %s)" % (key, l)
        if b:
            return "(count distinct %s of %s in %s where %s)" % (key, b, l, self.where(d, sc, rec, binder=b))
        return "(count distinct %s of %s where %s)" % (key, l, self.where(d, sc, rec))

    def cover(self, d, sc):
        l, rec = self.pick([x for x in self.lists(sc) if x[1]] or [("evs", "Ev")])
        self.prims.add("coverage")
        b = self.binder_for(sc, rec)
        f = (b + ".") if b else ""
        if rec == "Ev":
            s = self.pick(["%sstart" % f, "%sday" % f] + ([] if self.monotone else ["(%sstart ?? %sday)" % (f, f)]))
            e = self.pick(["%sstop" % f, "%sday" % f, "(%sday + %s)" % (f, self.pick(DURS))] +
                          ([] if self.monotone else ["(%sstop ?? rd)" % f]))
        else:
            s = "%sdt" % f
            e = self.pick(["%sdt" % f, "(%sdt + %s)" % (f, self.pick(DURS))])
        w = self.e_win(d - 1, sc)
        item = "%s in %s" % (b, l) if b else l
        if self.chance(0.2):
            return "(days of %s covered by %s from %s to %s)" % (w, item, s, e)
        body = self.where(d, sc, rec, binder=b)
        return "(days of %s covered by %s where %s from %s to %s)" % (w, item, body, s, e)

    def run(self, d, sc):
        """longest run of W covered by L …: the coverage's forms."""
        self.prims.add("longest run")
        text = self.cover(d, sc)
        return "(longest run of " + text[len("(days of "):]

    def gap(self, d, sc):
        l, rec = self.pick([x for x in self.lists(sc) if x[1]] or [("evs", "Ev")])
        self.prims.add("longest gap")
        b = self.binder_for(sc, rec)
        f = (b + ".") if b else ""
        if rec == "Ev":
            key = self.pick(["%sday" % f, "%sstart" % f, "(%sday + %s)" % (f, self.pick(DURS))] +
                            ([] if self.monotone else ["(%sstop ?? rd)" % f]))
        else:
            key = "%sdt" % f
        w = self.e_win(d - 1, sc)
        item = "%s in %s" % (b, l) if b else l
        if self.chance(0.2):
            return "(longest gap in %s of %s of %s)" % (w, key, item)
        return "(longest gap in %s of %s of %s where %s)" % (w, key, item, self.where(d, sc, rec, binder=b))

    def periods(self, d, sc):
        """exists/every/no p in periods(D, W) where …p…"""
        if len(sc) >= 2:
            return self.bool_leaf(sc)
        op = self.pick(["exists", "every", "no"])
        self.prims.add("periods " + op)
        dur = self.pick(["1 day", "7 days", "2 weeks", "30 days", "1 month"])
        w = self.e_win(d - 1, sc)
        p = "p%d" % len(self.wins)
        inner = sc + [(None, p)]
        self.wins.append(p)
        r = self.r.random()
        if r < 0.3:
            body = "(%s within %s)" % (self.e_date(d - 1, inner), p)
        elif r < 0.7:
            x = "x%d" % len(inner)
            body = "((count %s in evs where (%s.day within %s) and %s) %s %s)" % (
                x, x, p, self.e_bool(d - 2, inner + [("Ev", x)]), self.cmp(), num_lit(self.pick([0, 1, 2])))
        else:
            body = self.e_bool(d - 1, inner)
        self.wins.pop()
        return "(%s %s in periods(%s, %s) where %s)" % (op, p, dur, w, body)

    def e_num(self, d, sc):
        if d <= 0 or self.chance(0.3):
            return self.leaf("number", sc)
        k = self.pick(["arith", "arith", "count", "countd", "cover", "coal", "floor", "datediff",
                       "neg", "call", "sum", "latest", "if", "run", "gap", "minmax", "table", "big", "big"])
        if k == "big":
            # a product out of range when the case's number is far out
            # (Cases.num): an error where evaluation reaches it, nothing
            # where `and`, `or`, `??`, `if` or a quantifier stops before it
            # (docs/language.md, "Evaluation order and errors")
            self.prims.add("arithmetic *")
            return "(%s * 1000000000)" % self.leaf("number", sc)
        if k == "minmax":
            self.prims.add("min/max")
            return self.minmax(d, sc)
        if k == "table":
            self.prims.add("table lookup")
            return self.lookup(sc)
        if k == "sum":
            return self.sum(d, sc)
        if k == "latest":
            return self.latest(d, sc, "number")
        if k == "if":
            self.prims.add("if then else")
            return "(if %s then %s else %s)" % (self.e_bool(d - 1, sc), self.e_num(d - 1, sc),
                                                self.e_num(d - 1, sc))
        if k == "arith":
            op = self.pick(["+", "-", "*", "/"])
            self.prims.add("arithmetic " + op)
            b = self.e_num(d - 1, sc) if op != "/" else num_lit(self.pick([1, 2, 3, 4, 0.5]))
            if op == "*" and self.chance(0.5):
                b = num_lit(self.pick([2, 0.5, -1, 3, 1000000000]))
            return "(%s %s %s)" % (self.e_num(d - 1, sc), op, b)
        if k == "count":
            return self.count(d, sc)
        if k == "countd":
            return self.countd(d, sc)
        if k == "cover":
            return self.cover(d, sc)
        if k == "run":
            return self.run(d, sc)
        if k == "gap":
            return self.gap(d, sc)
        if k == "coal" and not self.monotone:
            self.prims.add("??")
            return "(%s ?? %s)" % (self.leaf("number", sc), self.e_num(d - 1, sc))
        if k == "floor":
            self.prims.add("floor")
            return "floor(%s)" % self.e_num(d - 1, sc)
        if k == "datediff":
            self.prims.add("date - date")
            return "(%s - %s)" % (self.e_date(d - 1, sc), self.e_date(d - 1, sc))
        if k == "neg":
            self.prims.add("unary minus")
            return "(-%s)" % self.e_num(d - 1, sc)
        return self.call("number", d, sc)

    def e_date(self, d, sc):
        if d <= 0 or self.chance(0.4):
            return self.leaf("date", sc)
        k = self.pick(["dur", "dur", "coal", "part", "call", "ndur", "latest", "if", "minmax", "table"])
        if k == "minmax":
            self.prims.add("min/max of dates")
            return "%s(%s)" % (self.pick(["min", "max"]),
                               ", ".join(self.e_date(d - 1, sc) for _ in range(self.r.randint(2, 3))))
        if k == "table":
            self.prims.add("table lookup")
            k = self.leaf("string", sc)
            if k in ('"c"', '"d"'):   # a literal key TBT lacks is an error (E0420)
                k = q("a")
            return "TBT[%s]" % k
        if k == "ndur":
            self.prims.add("days/weeks/years(n)")
            return "(%s %s %s(%s))" % (self.leaf("date", sc), self.pick(["+", "-"]),
                                       self.pick(["days", "weeks", "years"]), self.e_num(d - 1, sc))
        if k == "latest":
            return self.latest(d, sc, "date")
        if k == "if":
            self.prims.add("if then else")
            return "(if %s then %s else %s)" % (self.e_bool(d - 1, sc), self.e_date(d - 1, sc),
                                                self.e_date(d - 1, sc))
        if k == "dur":
            self.prims.add("date +- duration")
            dur = self.pick(DURS) if self.chance(0.97) else "8000 years"
            return "(%s %s %s)" % (self.leaf("date", sc), self.pick(["+", "-"]), dur)
        if k == "coal" and not self.monotone:
            self.prims.add("??")
            return "(%s ?? %s)" % (self.leaf("date", sc), self.e_date(d - 1, sc))
        if k == "part":
            self.prims.add("start_of/end_of")
            return "%s(%s)" % (self.pick(["start_of", "end_of"]), self.e_win(d - 1, sc))
        return self.call("date", d, sc)

    def e_win(self, d, sc):
        self.prims.add("window")
        r = self.r.random()
        if self.wins and r < 0.3:
            self.prims.add("period window")
            return self.pick(self.wins)
        if r < 0.08:
            self.prims.add("calendar window")
            return "%s(%s)" % (self.pick(["calendar_month", "calendar_quarter", "calendar_year"]),
                               self.e_date(d - 1, sc))
        if r < 0.4:
            return "past(%s)" % self.pick(DURS)
        if r < 0.6:
            return "[rd - %s, rd]" % self.pick(DURS)
        return "[%s, %s]" % (self.e_date(d - 1, sc), self.e_date(d - 1, sc))

    def call(self, t, d, sc):
        cands = [x for x in self.lets if x[2] == t]
        if not cands:
            return self.leaf(t, sc) if t != "bool" else self.bool_leaf(sc)
        name, params, _, _ = self.pick(cands)
        self.prims.add("let")
        if not params:
            return name
        args = []
        for _, pt in params:
            args.append({"number": lambda: self.e_num(d - 1, sc), "string": lambda: self.leaf("string", sc),
                         "date": lambda: self.e_date(d - 1, sc), "bool": lambda: self.e_bool(d - 1, sc)}[pt]())
        return "%s(%s)" % (name, ", ".join(args))

    def make_lets(self):
        """Lets with and without parameters, some calling earlier ones."""
        out = []
        for _ in range(self.r.randint(2, 5)):
            self.nlet += 1
            name = "l%d" % self.nlet
            t = self.pick(["bool", "bool", "number", "date"])
            params = []
            if self.chance(0.6):
                for i in range(self.r.randint(1, 3)):
                    params.append(("q%d" % i, self.pick(["number", "string", "date", "bool"])))
            self.params = params
            saved = self.prims
            self.prims = set()
            body = {"bool": lambda: self.e_bool(2, []), "number": lambda: self.e_num(2, []),
                    "date": lambda: self.e_date(2, [])}[t]()
            self.prims = saved
            self.params = []
            if params:
                out.append("let %s(%s): %s = %s" % (name, ", ".join("%s: %s" % p for p in params), t, body))
            else:
                out.append("let %s = %s" % (name, body))
            self.lets.append((name, params, t, body))
        if self.chance(0.5):   # a reviewer-chosen param: a let whose value is a literal
            self.nlet += 1
            name = "l%d" % self.nlet
            lit = num_lit(self.pick([0, 1, 2, 5, 7, 0.5, 90, -1]))
            self.prims.add("param")
            out.append('param %s = %s "generated: a reviewer-chosen value"' % (name, lit))
            self.lets.append((name, [], "number", lit))
        return out


class PolicyGen:
    def __init__(self, rng, g, idx, meta):
        self.r = rng
        self.g = g
        self.idx = idx
        self.meta = meta
        self.ncrit = 0
        self.tags_used = set()
        self.assess_auth = False   # an assess block of this policy authorizes
        # the review flow (docs/language.md, `decision review`): every
        # criterion classified documentation or clinical, by its own tag or
        # an enclosing one's
        self.review = False
        self.inherit = None

    def cid(self, prefix):
        self.ncrit += 1
        return "%s.%d" % (prefix, self.ncrit)

    def review_tag(self):
        """The review tag of the next criterion: its ancestor's (written or
        not), else one of the two; sets self.inherit for its children."""
        if self.inherit:
            t, own = self.inherit, self.r.random() < 0.3
        else:
            t, own = self.r.choice(["documentation", "clinical"]), True
        self.inherit = t
        return " tag %s" % t if own else ""

    def tags(self):
        if self.review:
            outer = self.inherit
            s = self.review_tag()
            if self.r.random() < 0.3:
                s += " tag %s" % self.r.choice(TAGS)
            self.review_last = outer
            return s
        out = []
        for t in TAGS:
            if self.r.random() < 0.2:
                out.append(t)
                self.tags_used.add(t)
        return "".join(" tag %s" % t for t in out)

    def leaf(self, prefix, excl=False, depth=3):
        g = self.g
        g.prims = set()
        body = g.e_bool(depth, [])
        i = self.cid(prefix)
        self.meta[i] = sorted(g.prims)
        kw = "exclusion" if excl else "criterion"
        t = self.tags()
        if self.review:
            self.inherit = self.review_last
        return '%s "%s" "t"%s { %s }' % (kw, i, t, body)

    def clause(self, prefix, depth):
        if depth < 2 and self.r.random() < 0.3:
            i = self.cid(prefix)
            n = self.r.randint(2, 4)
            comb = self.r.choice(["all of", "any of", "at least %d of" % self.r.randint(1, n)])
            t = self.tags()
            outer = self.review_last if self.review else None
            kids = [self.clause(prefix, depth + 1) for _ in range(n)]
            if self.review:
                self.inherit = outer
            self.meta[i] = []
            return 'criterion "%s" "t"%s %s {\n%s\n}' % (i, t, comb, "\n".join(kids))
        return self.leaf(prefix)

    def branch_cond(self):
        g = self.g
        if self.r.random() < 0.6:
            g.prims = set()
            return g.e_bool(2, [])
        r = self.r.random()
        if r < 0.3:
            return "true"
        if r < 0.6:
            return "route == %s" % q(self.r.choice(STRS))
        return "route in {%s}" % ", ".join(q(x) for x in self.r.sample(STRS, 2))

    def branch(self, name, assess=False, last=False):
        prefix = name
        clauses = []
        simple_each = not assess and self.r.random() < 0.3
        for _ in range(self.r.randint(0 if simple_each else 1, 1 if simple_each else 4)):
            if self.r.random() < 0.15:
                clauses.append(self.leaf(prefix, excl=True))
            else:
                clauses.append(self.clause(prefix, 0))
        if simple_each or (not assess and self.r.random() < 0.3):
            g = self.g
            if self.r.random() < 0.25:
                g.each = ("sd", "string")
                lst = "sides(ls)"
            elif self.r.random() < 0.6:
                g.each = ("lvl", "string")
                lst = self.r.choice(["lv", "strs", "lv"])
            else:
                g.each = ("e", "Ev")
                lst = self.r.choice(["evs", "evt"])
            g.prims = set()
            if simple_each:   # simple items: approved and denied ones side by side (partial)
                items = [self.leaf(prefix, depth=1) for _ in range(self.r.randint(1, 2))]
            else:
                items = [self.clause(prefix, 1) for _ in range(self.r.randint(1, 3))]
            g.each = None
            pos = self.r.randint(0, len(clauses))
            clauses.insert(pos, "for each %s in %s {\n%s\n}" % (
                "sd" if lst == "sides(ls)" else "lvl" if lst in ("lv", "strs") else "e", lst, "\n".join(items)))
        if self.r.random() < 0.3:   # a `next` step of the branch
            clauses.insert(self.r.randint(0, len(clauses)), self.next_step())
        kw = "assess" if assess else "branch"
        cond = "true" if last and self.r.random() < 0.5 else self.branch_cond()
        auth = self.authorize(assess)
        if auth:
            clauses.append(auth)
        return '%s "%s" "t" when %s {\n%s\n}' % (kw, name, cond, "\n".join(clauses))

    def authorize(self, assess):
        """An `authorize` block, or "".  Main branches state quantity, per,
        the period and levels; one assess block of a policy may state the
        setting and inpatient days (a field comes from one source)."""
        if self.r.random() < 0.45:
            return ""
        g = self.g
        g.prims = set()
        fields = []
        if assess:
            if self.assess_auth:
                return ""
            self.assess_auth = True
            if self.r.random() < 0.7:
                fields.append("setting %s" % g.leaf("string", []))
            if not fields or self.r.random() < 0.6:
                fields.append("inpatient_days %s" % g.e_num(2, []))
        else:
            if self.r.random() < 0.6:
                f = "quantity %s" % g.e_num(2, [])
                if self.r.random() < 0.5:
                    f += " per %s" % self.r.choice(DURS)
                fields.append(f)
            if self.r.random() < 0.4:
                if self.r.random() < 0.5:
                    fields.append("period %s to %s" % (g.e_date(1, []), g.e_date(1, [])))
                else:
                    fields.append("period %s for %s" % (g.e_date(1, []), self.r.choice(DURS)))
            if not fields or self.r.random() < 0.3:
                fields.append("levels %s" % self.r.choice(
                    ["lv", "strs", "{%s}" % ", ".join(q(x) for x in self.r.sample(STRS, 2))]))
        return "authorize {\n%s\n}" % "\n".join("  " + f for f in fields)

    def prerequisite(self, branches):
        """A prerequisite: a clause that reads no fact of the request line
        (nor a let, which might), governing every main branch or some."""
        for _ in range(20):
            saved, saved_tags = self.ncrit, set(self.tags_used)
            text = self.clause("R", 0)
            if re.search(r"\b(lv|lu|lm|ls|l\d+)\b", text):
                self.ncrit, self.tags_used = saved, saved_tags
                continue
            gov = ""
            if self.r.random() < 0.4:
                gov = " for %s" % ", ".join(q(b) for b in self.r.sample(branches, self.r.randint(1, len(branches))))
            head, rest = text.split('"t"', 1)
            return "prerequisite" + head[len("criterion"):] + '"t"' + gov + rest
        return None

    def next_step(self):
        return 'next "step %d"' % self.r.randint(1, 9)

    def decision(self):
        tags = sorted(self.tags_used)

        def cond(d):
            r = self.r.random()
            if d > 0 and r < 0.25:
                return "(%s %s %s)" % (cond(d - 1), self.r.choice(["and", "or"]), cond(d - 1))
            if d > 0 and r < 0.35:
                return "not %s" % cond(d - 1)
            if tags and r < 0.75:
                t = self.r.choice(tags)
                return self.r.choice(["any failed tagged %s", "every failed tagged %s",
                                      "any unknown tagged %s"]) % t
            return self.r.choice(["failed", "unknown"])
        rules = ["%s when %s" % (self.r.choice(OUTCOMES), cond(2)) for _ in range(self.r.randint(1, 4))]
        rules.append("%s otherwise" % self.r.choice(OUTCOMES))
        return "decision {\n  %s\n}" % "\n  ".join(rules)


def gen_policies(rng, g, npol, dr=None, drug_routes=None):
    """The policy files' texts and the criteria metadata; drug_routes gets
    the drug codes (system, codes) of the policies routed by drug, by
    (plan, effective)."""
    files, meta, routes = [], {}, []
    if drug_routes is None:
        drug_routes = {}
    # routing: each policy a distinct (plan, effective) pair; codes overlap
    pairs = [(p, e) for p in [None] + PLANS for e in EFFECTIVE]
    rng.shuffle(pairs)
    pairs.sort(key=lambda x: x[0] is not None and rng.random() < 0.5)
    ids = []
    for k in range(npol):
        plan, eff = pairs[k]
        # sometimes a new version of an earlier policy (same id)
        older = [i for i, e in ids if e != eff and (i, eff) not in ids]
        pid = rng.choice(older) if older and rng.random() < 0.3 else "P%d" % k
        ids.append((pid, eff))
        codes = rng.sample(CODES, rng.randint(1, 3))
        ranges = [rng.choice(ROUTE_RANGES)] if rng.random() < 0.3 else []
        # drawn from a generator of its own (dr), as the plan declarations
        drugs = [dr.choice(ROUTE_DRUGS)] if dr and dr.random() < 0.25 else []
        m = meta.setdefault("%s@%s" % (pid, eff), {})
        lets = g.make_lets()
        pg = PolicyGen(rng, g, k, m)
        pg.review = rng.random() < 0.2
        out = ['policy "%s" {' % pid, '  title "random %d"' % k, '  version "%s"' % eff,
               "  effective %s" % eff, "  codes %s" % ", ".join([q(c) for c in codes] + ranges + drugs)]
        if plan:
            out.append("  plans %s" % q(plan))
        out.append("}")
        out.append('import "gen"')
        out += VALUESETS
        out += TABLES
        if g.externs:
            out.append('extern "libpolgen_none.so" ext_pos(number): bool')
        out += lets
        nb = rng.randint(1, 3)
        for _ in range(rng.choice([0, 0, 1, 2])):   # prerequisites of the request
            pre = pg.prerequisite(["B%d" % b for b in range(nb)])
            if pre:
                out.append(pre)
        if rng.random() < 0.3:
            out.append(pg.next_step())
        for b in range(nb):
            out.append(pg.branch("B%d" % b, last=b == nb - 1))
        for a in range(rng.choice([0, 0, 1, 2])):
            out.append(pg.branch("A%d" % a, assess=True))
        if pg.review:
            out.append("decision review")   # the review flow decides
        elif rng.random() < 0.5:
            out.append(pg.decision())
        else:
            meta.setdefault("_default_rule", []).append("%s@%s" % (pid, eff))
        files.append("\n".join(out) + "\n")
        routes.append((codes + (ROUTE_CODES if ranges else []), plan, eff))
        if drugs:   # lines aimed at this policy may name its drug
            drug_routes[(plan, eff)] = (("rxnorm", RXNORM_CODES) if drugs[0] == "VSD"
                                        else ("ndc", NDC_CODES))
        g.lets = []   # lets are per file
    return files, meta, routes


# ---- cases ------------------------------------------------------------------

def days_to_date(n):
    import datetime
    return (datetime.date(1970, 1, 1) + datetime.timedelta(days=n)).isoformat()


def date_days(s):
    import datetime
    y, m, d = map(int, s.split("-"))
    return (datetime.date(y, m, d) - datetime.date(1970, 1, 1)).days


OFFSETS = sorted({0, 1, 2, -1} | {s * (x + e) for x in DUR_DAYS for s in (-1, 1) for e in (-1, 0, 1)})


class CaseGen:
    def __init__(self, rng, nums, routes, p_absent=0.2, drug_routes=None, dr=None):
        self.r = rng
        self.routes = routes    # (codes, plan, effective) of each policy
        # routing by drug: the drug codes of policies routed by drug, by
        # (plan, effective), and a generator of their own (None: no drugs)
        self.drug_routes = drug_routes or {}
        self.dr = dr
        self.nums = sorted(nums)
        self.p_absent = p_absent

    def drug_code(self, pr, plan):
        """Sometimes a drug code on line pr (rxnorm or ndc, in a policy's set
        or not, or not a code), sometimes without its CPT code: a pharmacy
        line (docs/language.md "Routing by drug code")."""
        d = self.dr
        if d is None:
            return
        aimed = [v for (p, _), v in sorted(self.drug_routes.items(), key=repr) if p == plan]
        if aimed and d.random() < 0.5:
            key, codes = d.choice(aimed)
        elif d.random() < 0.1:
            key, codes = d.choice([("rxnorm", RXNORM_CODES), ("ndc", NDC_CODES)])
        else:
            return
        pr[key] = d.choice(codes)
        if d.random() < 0.5:
            del pr["cpt"]

    def num(self):
        if self.r.random() < 0.05:   # far out: ranges and dates past their limits
            # (numbers stay within +-92233720368.54775807: beyond is a case
            # error, docs/language.md "Numbers"), and products of
            # 1000000000 (Gen.e_num "big") out of range
            return self.r.choice([3e9, -3e9, 5e10, -5e10, 100, -100])
        t = self.r.choice(self.nums)
        return t + self.r.choice([-1, -0.5, 0, 0, 0.5, 1])

    def date(self, rd):
        if self.r.random() < 0.15:
            return days_to_date(date_days(self.r.choice(LIT_DATES)) + self.r.choice([-1, 0, 1]))
        return days_to_date(rd + self.r.choice(OFFSETS))

    def value(self, t, rd, depth=0):
        if t == "number":
            return self.num()
        if t == "string":
            if self.r.random() < 0.25:
                return self.r.choice(VS_CODES)
            return self.r.choice(STRS + ["e"])
        if t == "bool":
            return self.r.random() < 0.5
        if t == "date":
            return self.date(rd)
        if t == "list<string>":
            return [self.r.choice(STRS) for _ in range(self.r.choice([0, 1, 1, 2, 3]))]
        rec = t[5:-1]
        return [self.record(rec, rd) for _ in range(self.r.choice([0, 1, 1, 2, 3]))]

    def record(self, rec, rd):
        out = {}
        for f, t in RECS[rec].items():
            if f not in ALWAYS_FIELDS and self.r.random() < self.p_absent:
                continue
            out[f] = self.value(t, rd)
        return out

    def case(self, cid):
        r = self.r
        rd_s = r.choice(REQ_DATES)
        rd = date_days(rd_s)
        req = {"date": rd_s, "procedures": []}
        if r.random() < 0.03:
            del req["date"]
        if r.random() < 0.2:
            req["service_date"] = days_to_date(rd + r.choice([-1, 0, 1, 30, 200]))
        plan = r.choice([None] + PLANS)
        codes = CODES + ["ZZ", "97112", "97547"]
        if r.random() < 0.8:   # most cases aim at a policy: its plan, codes, dates
            pcodes, plan, eff = r.choice(self.routes)
            codes = pcodes * 6 + codes
            if date_days(eff) > rd and r.random() < 0.9:
                req["service_date"] = days_to_date(date_days(eff) + r.choice([0, 1, 30]))
        if plan:
            req["plan"] = plan
        for i in range(r.randint(1, 3)):
            pr = {"line": i + 1, "cpt": r.choice(codes)}
            self.drug_code(pr, plan)
            if r.random() > self.p_absent:
                pr["levels"] = self.value("list<string>", rd)
            if r.random() > self.p_absent:
                pr["units"] = self.num()
            if r.random() > self.p_absent:
                pr["modifier"] = r.choice(STRS)
            if r.random() > self.p_absent:
                pr["side"] = r.choice(SIDES)
            req["procedures"].append(pr)
        f = {"route": r.choice(STRS)}
        for n, (t, p) in FACTS.items():
            if not p.startswith("f.") or n == "route":
                continue
            if r.random() < self.p_absent:
                continue
            f[n] = self.value(t, rd)
        return {"case_id": cid, "request": req, "f": f}


# ---- completions --------------------------------------------------------------

def unknown_slots(case):
    """Paths of the unknown facts and fields of a case: (container, key, type)."""
    out = []
    for n, (t, p) in FACTS.items():
        if p.startswith("f.") and p[2:] not in case["f"]:
            out.append((case["f"], p[2:], t))
    for it in case["f"].get("evs", []) + case["f"].get("evt", []):
        for f, t in EV.items():
            if f not in it:
                out.append((it, f, t))
        for s in it.get("subs", []):
            for f, t in SUB.items():
                if f not in s:
                    out.append((s, f, t))
    for pr in case["request"]["procedures"]:
        for k, t in (("levels", "list<string>"), ("units", "number"), ("modifier", "string"),
                     ("side", "side")):
            if k not in pr:
                out.append((pr, k, t))
    return out


def candidates(t, nums, rd, rng):
    if t == "number":
        # and one far out: 100 * 1000000000 (Gen.e_num "big") is out of
        # range, so a completion may stop where its base did not
        vals = sorted({x + e for x in nums for e in (-1, -0.5, 0, 0.5, 1)} | {100})
        return vals
    if t == "string":
        return STRS + ["e"]
    if t == "side":
        return SIDES
    if t == "bool":
        return [False, True]
    if t == "date":
        ds = {rd + o for o in OFFSETS} | {date_days(x) + e for x in LIT_DATES for e in (-1, 0, 1)}
        return [days_to_date(x) for x in sorted(ds)]
    if t == "list<string>":
        return [[]] + [[s] for s in STRS] + [STRS[:3]]
    rec = t[5:-1]

    def item(k):
        return {f: (STRS[k] if tt == "string" else k + 0.5 * (k == 2) if tt == "number" else k != 1
                    if tt == "bool" else days_to_date(rd - 30 * k) if tt == "date" else [])
                for f, tt in RECS[rec].items()}
    # empty, one item, three different items (a count of an unknown list
    # may be more than 1)
    return [[], [item(0)], [item(0), item(1), item(2)]]


def completions(rng, base, nums, maxc):
    """Copies of base with every unknown slot filled: the cartesian product
    of the candidates, or maxc random picks of it when it is larger."""
    rd = date_days(base["request"].get("date", REQ_DATES[0]))
    slots = unknown_slots(base)
    if not slots:
        return []
    cands = [candidates(t, nums, rd, rng) for _, _, t in slots]
    total = 1
    for c in cands:
        total *= len(c)
    if total <= maxc:
        combos = list(itertools.product(*[range(len(c)) for c in cands]))
    else:
        combos = {tuple(rng.randrange(len(c)) for c in cands) for _ in range(maxc)}
        combos = sorted(combos)
    out = []
    text = json.dumps(base)
    for j, combo in enumerate(combos):
        # fill, copy, unfill: the slots point into base
        for (cont, key, _), c, k in zip(slots, cands, combo):
            cont[key] = c[k]
        cc = json.loads(json.dumps(base))
        cc["case_id"] = "%s.c%d" % (base["case_id"], j)
        out.append(cc)
        for cont, key, _ in slots:
            del cont[key]
    assert json.dumps(base) == text
    return out


def blank(rng, case, k):
    """Removes up to k facts or fields of a complete-ish case."""
    cands = []
    for key in list(case["f"]):
        if key != "route":
            cands.append((case["f"], key))
    for it in case["f"].get("evs", []) + case["f"].get("evt", []):
        for f in it:
            if f not in ALWAYS_FIELDS:
                cands.append((it, f))
    for pr in case["request"]["procedures"]:
        for f in ("levels", "units", "modifier", "side"):
            if f in pr:
                cands.append((pr, f))
    rng.shuffle(cands)
    for cont, key in cands[:k]:
        del cont[key]


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seed", type=int, required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--cases", type=int, default=200)
    ap.add_argument("--policies", type=int, default=0, help="0: 1 to 3")
    ap.add_argument("--completions", action="store_true")
    ap.add_argument("--max-completions", type=int, default=48)
    ap.add_argument("--open", action="store_true", help="also generate the known-open classes")
    ap.add_argument("--externs", action="store_true")
    a = ap.parse_args()
    rng = random.Random(a.seed)
    open_classes = set(KNOWN_OPEN) if a.open else set()
    g = Gen(rng, open_classes, a.externs and not a.completions, monotone=a.completions)
    npol = a.policies or rng.randint(1, 3)
    # routing by drug code: drawn from a generator of its own as well
    dr = random.Random(a.seed * 7919 + 2)
    drug_routes = {}
    files, meta, routes = gen_policies(rng, g, npol, dr, drug_routes)
    # plan declarations (docs/language.md "Plans"): recommended denials
    # become refer; drawn from a generator of their own so the rest of the
    # files and cases stay what the seed made them before
    pr = random.Random(a.seed * 7919 + 1)
    if not a.completions and pr.random() < 0.5:
        files[0] += 'plan "p1" {\n  denials recommended\n}\n'
        if pr.random() < 0.5:
            files[0] += 'plan "p2" {\n  denials final\n}\n'
    os.makedirs(a.out, exist_ok=True)
    with open(os.path.join(a.out, "gen.pol"), "w") as f:
        f.write(MODULE)
    for k, text in enumerate(files):
        with open(os.path.join(a.out, "p%d.pol" % k), "w") as f:
            f.write(text)
    with open(os.path.join(a.out, "meta.json"), "w") as f:
        json.dump(meta, f, indent=1, sort_keys=True)
    cg = CaseGen(rng, g.nums, routes, p_absent=0.03 if a.completions else 0.2,
                 drug_routes=drug_routes, dr=None if a.completions else dr)
    with open(os.path.join(a.out, "cases.ndjson"), "w") as f:
        for i in range(a.cases):
            if not a.completions:
                f.write(json.dumps(cg.case("s%d.%d" % (a.seed, i))) + "\n")
                continue
            base = cg.case("b%d" % i)
            blank(rng, base, rng.randint(1, 6))
            f.write(json.dumps(base) + "\n")
            for c in completions(rng, base, g.nums, a.max_completions):
                f.write(json.dumps(c) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
