#!/usr/bin/env python3
"""tests/doc/check_html.py PAGE.html POLICY.pol [DOM.html]

Checks a page of `polc doc --html`: well-formed (every element closed in
order, void elements aside), standalone (no script, no external resource:
no src=, no <link>, no url(), no http(s):// outside the text), one
element id="crit-ID" per criterion and exclusion of POLICY.pol, and -- when
DOM.html (chromium --dump-dom of the page) is given -- every criterion id
in the DOM the browser built, as an element id and as visible text.
Prints what is wrong; exits 1 if anything is.
"""
import html.parser
import re
import sys

VOID = {"meta", "br", "hr", "img", "input", "link", "col", "area", "base", "wbr", "source"}


class Page(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack, self.errors, self.ids, self.text = [], [], [], []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag in ("script", "link", "iframe", "object", "embed", "img"):
            self.errors.append(f"<{tag}> in a standalone page")
        if "src" in a or (tag == "a" and not (a.get("href") or "#").startswith("#")):
            self.errors.append(f"external reference in <{tag} {attrs}>")
        if "id" in a:
            self.ids.append(a["id"])
        if tag not in VOID:
            self.stack.append((tag, self.getpos()))

    def handle_endtag(self, tag):
        if tag in VOID:
            return
        if not self.stack or self.stack[-1][0] != tag:
            self.errors.append(f"</{tag}> at line {self.getpos()[0]} closes "
                               f"{self.stack[-1] if self.stack else 'nothing'}")
            return
        self.stack.pop()

    def handle_data(self, data):
        self.text.append(data)


def criterion_ids(pol):
    src = open(pol, encoding="utf-8").read()
    src = re.sub(r'"(?:[^"\\\n]|\\.)*"', lambda m: m.group(0).replace("//", "\0\0"), src)
    src = re.sub(r"//[^\n]*|/\*.*?\*/", "", src, flags=re.S).replace("\0\0", "//")
    return re.findall(r'\b(?:criterion|exclusion)\s+"((?:[^"\\]|\\.)*)"', src)


def main():
    page, pol = sys.argv[1], sys.argv[2]
    dom = sys.argv[3] if len(sys.argv) > 3 else None
    errors = []
    p = Page()
    p.feed(open(page, encoding="utf-8").read())
    p.close()
    errors += p.errors
    if p.stack:
        errors.append(f"unclosed elements: {p.stack[:5]}")
    style = re.findall(r"<style>(.*?)</style>", open(page, encoding="utf-8").read(), re.S)
    if any(re.search(r"url\(|@import|https?://", s) for s in style):
        errors.append("the style sheet loads something")
    ids = criterion_ids(pol)
    if not ids:
        errors.append(f"no criteria found in {pol}")
    for cid in ids:
        n = p.ids.count("crit-" + cid)
        if n != 1:
            errors.append(f"id crit-{cid}: {n} elements, expected 1")
    if dom:
        d = Page()
        d.feed(open(dom, encoding="utf-8").read())
        d.close()
        text = " ".join(d.text)
        if "<h1" not in open(dom, encoding="utf-8").read():
            errors.append("the browser's DOM has no <h1>: the page did not load")
        for cid in ids:
            if "crit-" + cid not in d.ids:
                errors.append(f"criterion {cid}: no element crit-{cid} in the browser's DOM")
            if not re.search(r"(?<![\w.])" + re.escape(cid) + r"(?![\w.])", text):
                errors.append(f"criterion {cid}: not in the text of the browser's DOM")
    for e in errors:
        print(e)
    if not errors:
        print(f"ok: {len(ids)} criteria" + (" in the browser's DOM" if dom else ""))
    sys.exit(1 if errors else 0)


if __name__ == "__main__":
    main()
