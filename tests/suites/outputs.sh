#!/bin/sh
# tests/suites/outputs.sh BUILD_DIR -- what polc and polvm write is safe
# whatever the case and wherever it goes (docs/security.md "Outputs"):
#   * values from a case are escaped: a case cannot forge a line of the
#     text report, of `polvm diff` or of `polvm test`, nor hide text behind
#     bidirectional overrides (JSON keeps them as \uXXXX);
#   * write errors (/dev/full) end every command with its output-error
#     exit code and a message;
#   * output files are replaced atomically through a fresh temporary
#     file: planted symlinks are not followed, non-regular files (a FIFO,
#     a symlink) are refused, the mode of a replaced file is kept;
#   * `polvm eval` answers each line while its input stays open, and
#     SIGINT / SIGTERM end it after the current line with every answer
#     whole (exit 130 / 143);
#   * `polvm diff` and `polvm test` read cases with eval's limits.
set -u
B=${1:-build}
POLC=$B/polc
POLVM=$B/polvm
BUNDLE=$B/policies.polb
EX=examples/caresource-sij/denied-one-injection.json
. tests/lib.sh
unset POLVM_TRUST POLVM_BUNDLE

# "expect_rc N CMD...": stdout in $T/o, stderr in $T/e
expect_rc() { want=$1; shift; "$@" > "$T/o" 2> "$T/e"; rc=$?; [ $rc -eq "$want" ] && ok || ko "'$*' exited $rc, expected $want: $(head -3 "$T/e")"; }
# "full N CMD...": CMD with stdout on /dev/full exits N and says why
full() {
  want=$1; shift
  "$@" > /dev/full 2> "$T/e" < "${FULL_IN:-/dev/null}"; rc=$?
  if [ $rc -eq "$want" ] && grep -q 'cannot write' "$T/e"; then ok
  else ko "'$* > /dev/full' exited $rc, expected $want and a message: $(head -3 "$T/e")"; fi
}
one_line() { tr -d '\n' < "$1"; echo; }

# ---- escaping: a case cannot forge the report -----------------------------
# forge SRC OUT: SRC with a case_id that tries to start a new report line
forge() {
  python3 - "$1" > "$2" <<'EOF'
import json, sys
c = json.load(open(sys.argv[1]))
c["case_id"] = "X\n\n== Line 1  CPT 27279  ->  APPROVE ==\nPolicy forged\x1b[2J\u202eevil"
print(json.dumps(c))
EOF
}
forge "$EX" "$T/forged.json"
expect_rc 0 $POLVM trace --bundle "$BUNDLE" "$T/forged.json"
[ "$(grep -c '^== Line' "$T/o")" -eq 1 ] && ! grep -q '^Policy forged' "$T/o" && ok \
  || ko "text report: the case_id forged a line: $(head -8 "$T/o")"
head -1 "$T/o" | grep -qF 'Case X\n\n== Line 1  CPT 27279  ->  APPROVE ==\nPolicy forged\x1b[2J\u202eevil' && ok \
  || ko "text report: case_id not shown escaped: $(head -1 "$T/o" | od -c | head -5)"
LC_ALL=C grep -q "$(printf '\033')" "$T/o" && ko "text report holds an ESC byte" || ok
LC_ALL=C grep -q "$(printf '\342\200\256')" "$T/o" && ko "text report holds U+202E" || ok
expect_rc 0 $POLVM trace --format json --bundle "$BUNDLE" "$T/forged.json"
grep -qF '"case_id": "X\n\n== Line 1  CPT 27279  ->  APPROVE ==\nPolicy forged\u001b[2J\u202eevil"' "$T/o" && ok \
  || ko "JSON trace: case_id not escaped: $(grep case_id "$T/o")"
# a string fact in the evidence, and the request line's code
python3 -c 'import json, sys; c = json.load(open(sys.argv[1])); c["request"]["procedures"][0]["cpt"] = "27279\n== Line 2  CPT 1  ->  APPROVE =="; print(json.dumps(c))' "$EX" > "$T/cpt.json"
$POLVM trace --bundle "$BUNDLE" "$T/cpt.json" > "$T/o" 2> "$T/e"
[ "$(grep -c '^== Line' "$T/o")" -eq 1 ] && grep -qF 'CPT 27279\n== Line 2' "$T/o" && ok \
  || ko "text report: the cpt forged a line: $(grep -A1 '^== Line' "$T/o" | head -4)"
# eval: the same escapes in every NDJSON line (one line per case)
one_line "$T/forged.json" | $POLVM eval --bundle "$BUNDLE" > "$T/o"
[ "$(wc -l < "$T/o")" -eq 1 ] && grep -qF '\u202eevil' "$T/o" && ok || ko "eval: case_id escape: $(cat "$T/o")"
# polvm diff lists the case_id escaped
sed 's/pain_nrs >= 5/pain_nrs >= 9/' policies/caresource-nc-sij-fusion.pol > "$T/caresource-nc-sij-fusion.pol"
$POLC -o "$T/new.polb" "$T/caresource-nc-sij-fusion.pol" $(ls policies/*.pol | grep -v caresource-nc-sij-fusion) 2> "$T/e" \
  && ok || ko "diff: the changed policy does not compile: $(head -3 "$T/e")"
forge examples/caresource-sij/approve-all-criteria.json "$T/a.json"
one_line "$T/a.json" > "$T/cases.ndjson"
expect_rc 0 $POLVM diff "$BUNDLE" "$T/new.polb" "$T/cases.ndjson"
[ "$(grep -c 'line 1:' "$T/o")" -eq 1 ] && ! grep -q '^== Line' "$T/o" && grep -qF 'X\n\n== Line 1' "$T/o" && ok \
  || ko "diff: case_id not escaped: $(cat "$T/o")"
# polvm test: a failing test's line names the test escaped
cat > "$T/t.test.json" <<EOF
[{"name": "n\\n1 passed, 0 failed", "case": "$(pwd)/$EX", "expect": {"determination": "approve"}}]
EOF
expect_rc 1 $POLVM test --bundle "$BUNDLE" "$T/t.test.json"
[ "$(grep -c '^[0-9]* passed' "$T/o")" -eq 1 ] && grep -qF 'n\n1 passed, 0 failed: line 1: determination deny' "$T/o" && ok \
  || ko "test: name not escaped: $(cat "$T/o")"

# ---- write errors ------------------------------------------------------------
one_line "$EX" > "$T/one.ndjson"
full 5 $POLVM trace --bundle "$BUNDLE" "$EX"
full 5 $POLVM trace --format json --bundle "$BUNDLE" "$EX"
full 5 $POLVM verify "$BUNDLE"
full 5 $POLVM dump "$BUNDLE"
FULL_IN=$T/one.ndjson full 5 $POLVM eval --bundle "$BUNDLE"
full 5 $POLVM test --bundle "$BUNDLE" policies/caresource-nc-sij-fusion.test.json
full 5 $POLVM diff "$BUNDLE" "$T/new.polb" "$T/cases.ndjson"
full 5 $POLVM --help
full 3 $POLC --dump policies/caresource-nc-sij-fusion.pol
full 3 $POLC fmt policies/caresource-nc-sij-fusion.pol
full 3 $POLC doc policies/caresource-nc-sij-fusion.pol
full 3 $POLC --version
full 3 $POLC keygen "$T/k-full"
expect_rc 5 $POLVM test --bundle "$BUNDLE" --coverage-json /dev/full policies/caresource-nc-sij-fusion.test.json
# standard output closed: an error only for a command that has something to say
$POLVM verify "$BUNDLE" >&- 2> "$T/e"; rc=$?
[ $rc -eq 5 ] && grep -q 'cannot write' "$T/e" && ok || ko "polvm verify >&-: exit $rc: $(cat "$T/e")"
$POLC -o "$T/closed.polb" policies/caresource-nc-sij-fusion.pol >&- 2> "$T/e" && ok || ko "polc -o with stdout closed: $(cat "$T/e")"

# ---- output files: atomic, no symlink followed, nothing but regular files replaced --
D=$T/files
mkdir -p "$D"
P=policies/caresource-nc-sij-fusion.pol
echo victim > "$D/victim"
# the old fixed temporary names, planted as symlinks
ln -s victim "$D/out.polb.tmp"
expect_rc 0 $POLC -o "$D/out.polb" "$P"
[ "$(cat "$D/victim")" = victim ] && [ -L "$D/out.polb.tmp" ] && $POLVM verify "$D/out.polb" > /dev/null && ok \
  || ko "polc -o followed a planted OUT.tmp symlink: victim now $(head -c 40 "$D/victim" | od -c | head -2)"
cp tests/fmt/comments-odd.pol "$D/f.pol"
ln -s victim "$D/f.pol.fmt-tmp"
chmod 640 "$D/f.pol"
expect_rc 0 $POLC fmt -w "$D/f.pol"
[ "$(cat "$D/victim")" = victim ] && cmp -s "$D/f.pol" tests/fmt/comments-odd.expected && ok \
  || ko "fmt -w followed a planted FILE.fmt-tmp symlink, or did not format: $(head -c 40 "$D/victim")"
[ "$(stat -c %a "$D/f.pol")" = 640 ] && [ "$(stat -c %a "$D/victim")" != 640 ] && ok \
  || ko "fmt -w: mode $(stat -c %a "$D/f.pol"), victim $(stat -c %a "$D/victim")"
# the output itself a symlink, a FIFO: refused, left as it was
ln -s victim "$D/link.polb"
expect_rc 3 $POLC -o "$D/link.polb" "$P"
[ -L "$D/link.polb" ] && [ "$(cat "$D/victim")" = victim ] && grep -q 'not a regular file' "$T/e" && ok \
  || ko "polc -o SYMLINK: $(ls -l "$D/link.polb") $(cat "$T/e")"
mkfifo "$D/fifo"
expect_rc 3 timeout 10 $POLC -o "$D/fifo" "$P"
[ -p "$D/fifo" ] && ok || ko "polc -o FIFO replaced the FIFO"
expect_rc 3 timeout 10 $POLC doc -o "$D/fifo" "$P"
[ -p "$D/fifo" ] && ok || ko "polc doc -o FIFO replaced the FIFO"
expect_rc 3 timeout 10 $POLC doc -o "$D/link.polb" "$P"
[ -L "$D/link.polb" ] && [ "$(cat "$D/victim")" = victim ] && ok || ko "polc doc -o SYMLINK followed it"
# a replaced bundle keeps its mode; nothing else is left in the directory
chmod 600 "$D/out.polb"
expect_rc 0 $POLC -o "$D/out.polb" "$P"
[ "$(stat -c %a "$D/out.polb")" = 600 ] && ok || ko "polc -o: mode $(stat -c %a "$D/out.polb"), expected 600 kept"
expect_rc 0 $POLC doc -o "$D/doc.md" "$P"
expect_rc 0 $POLC keygen "$D/key"
[ "$(stat -c %a "$D/key")" = 600 ] && [ "$(stat -c %a "$D/key.pub")" = 644 ] && ok || ko "keygen modes"
ln -s victim "$D/key2"
expect_rc 3 $POLC keygen "$D/key2"
[ "$(cat "$D/victim")" = victim ] && ok || ko "keygen wrote through a symlink"
[ "$(ls -A "$D" | tr '\n' ' ')" = "doc.md f.pol f.pol.fmt-tmp fifo key key.pub key2 link.polb out.polb out.polb.tmp victim " ] && ok \
  || ko "files left behind: $(ls -A "$D" | tr '\n' ' ')"

# ---- eval answers at once, and stops cleanly on SIGINT / SIGTERM ------------------
one_line "$EX" > "$T/line"
python3 - "$POLVM" "$BUNDLE" "$T/line" > "$T/py" 2>&1 <<'EOF'
import json, os, select, signal, subprocess, sys, threading, time
polvm, bundle, line = sys.argv[1], sys.argv[2], open(sys.argv[3], "rb").read()
fails = []

def start():
    # SIGINT and SIGTERM as an interactive shell leaves them
    return subprocess.Popen([polvm, "eval", "--bundle", bundle], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            preexec_fn=lambda: (signal.signal(signal.SIGINT, signal.SIG_DFL),
                                                signal.signal(signal.SIGTERM, signal.SIG_DFL)))

def read_line(p, timeout):
    buf = b""
    end = time.time() + timeout
    while not buf.endswith(b"\n"):
        left = end - time.time()
        if left <= 0 or not select.select([p.stdout], [], [], left)[0]:
            return None
        c = os.read(p.stdout.fileno(), 1)
        if not c:
            return None
        buf += c
    return buf

def whole(data, what):
    if data and not data.endswith(b"\n"):
        fails.append(what + ": the last line is cut: %r" % data[-80:])
    for k, l in enumerate(data.splitlines()):
        try:
            json.loads(l)
        except ValueError:
            fails.append(what + ": line %d is not JSON: %r" % (k + 1, l[:80]))
            return

# 7: one line in, one answer out, the input still open
for sig, code in ((signal.SIGINT, 130), (signal.SIGTERM, 143)):
    p = start()
    answers = 0
    for k in range(3):
        p.stdin.write(line)
        p.stdin.flush()
        got = read_line(p, 20)
        if got is None:
            fails.append("eval did not answer line %d within 20 s while its input stayed open" % (k + 1))
            break
        answers += 1
        whole(got, "eval answer")
    # 10: a signal while eval waits for input
    p.send_signal(sig)
    try:
        rc = p.wait(20)
    except subprocess.TimeoutExpired:
        p.kill()
        rc = p.wait()
        fails.append("eval did not stop on %s" % sig.name)
    rest = p.stdout.read()
    if rc != code:
        fails.append("eval waiting, %s: exit %s, expected %d" % (sig.name, rc, code))
    if rest:
        fails.append("eval waiting, %s: unexpected output %r" % (sig.name, rest[:80]))

# 10: a signal in the middle of a batch: every line written is whole
p = start()
def feed():
    try:
        for _ in range(20000):
            p.stdin.write(line)
        p.stdin.close()
    except (BrokenPipeError, ValueError, OSError):
        pass
t = threading.Thread(target=feed)
t.start()
first = read_line(p, 20)
p.send_signal(signal.SIGINT)
rest = p.stdout.read()
rc = p.wait(60)
t.join()
data = (first or b"") + rest
whole(data, "eval interrupted")
n = data.count(b"\n")
if rc != 130 and not (rc == 0 and n == 20000):
    fails.append("eval interrupted in a batch: exit %s after %d lines" % (rc, n))
for f in fails:
    print("FAIL: " + f)
print("eval and signals: %d failures" % len(fails))
EOF
if grep -q '^eval and signals: 0 failures$' "$T/py"; then ok; else ko "eval streaming and signals:"; cat "$T/py"; fi

# ---- diff and test read cases as eval does ----------------------------------------
python3 - "$EX" > "$T/deep.json" <<'EOF'
import json, sys
c = json.load(open(sys.argv[1]))
deep = "x"
for _ in range(100):
    deep = [deep]
c["notes"] = deep
print(json.dumps(c))
EOF
cp "$T/deep.json" "$T/deep.ndjson"
expect_rc 3 $POLVM diff "$BUNDLE" "$BUNDLE" "$T/deep.ndjson"
grep -q 'deep.ndjson:1:[0-9]*: C0003 JSON nested too deeply' "$T/e" && ok || ko "diff: 100 levels of nesting: $(cat "$T/e")"
$POLVM eval --bundle "$BUNDLE" < "$T/deep.ndjson" > "$T/o"
grep -q '"error": "C0003' "$T/o" && ok || ko "eval: 100 levels of nesting: $(cat "$T/o")"
cat > "$T/deep.test.json" <<EOF
[{"name": "deep", "case": "deep.json", "expect": {"determination": "deny"}}]
EOF
expect_rc 1 $POLVM test --bundle "$BUNDLE" "$T/deep.test.json"
grep -q 'FAIL.*deep: case: .*deep.json:1:[0-9]*: C0003' "$T/o" && ok || ko "test: a case nested 100 deep: $(cat "$T/o")"
# a line over 16 MiB: refused as C0002 like eval does
python3 -c 'import sys; sys.stdout.write("{\"case_id\": \"big\", \"pad\": \"" + "a" * (17 << 20) + "\"}\n")' > "$T/big.ndjson"
one_line "$EX" >> "$T/big.ndjson"
expect_rc 3 $POLVM diff "$BUNDLE" "$BUNDLE" "$T/big.ndjson"
grep -q 'big.ndjson:1: C0002 case too large: more than 16777216 bytes' "$T/e" && grep -q '^unchanged: 1$' "$T/o" && ok \
  || ko "diff: a 17 MiB line: $(cat "$T/e" "$T/o")"

echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
