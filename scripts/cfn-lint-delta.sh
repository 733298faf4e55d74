#!/usr/bin/env bash
# cfn-lint over the corpus CloudFormation templates (`before/` files of cfn-json and cfn-yaml) as
# they are and after `iac-fix --unsafe`: findings per rule id before -> after, the totals and the
# errors before/after. Fails when a rule id gains findings or a template gains an error rule it
# did not have before (both listed).
#   scripts/cfn-lint-delta.sh [CORPUS]
# Uses .oracle/venv/bin/cfn-lint (scripts/oracle-install.sh) unless CFN_LINT is set, and a fresh
# release build unless IAC_FIX_BIN names a binary to measure (say, main's, for a baseline).
set -euo pipefail
cd "$(dirname "$0")/.."
corpus=$(realpath "${1:-../shared/corpus}")
cfn_lint=${CFN_LINT:-$PWD/.oracle/venv/bin/cfn-lint}
[ -x "$cfn_lint" ] || scripts/oracle-install.sh
[ -n "${IAC_FIX_BIN:-}" ] || cargo build --release --quiet
bin=${IAC_FIX_BIN:-$PWD/target/release/iac-fix}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

mkdir -p "$work/before"
for flavor in cfn-json cfn-yaml; do
  [ -d "$corpus/$flavor" ] && cp -r "$corpus/$flavor" "$work/before/"
done
find "$work/before" -type d -name after -prune -exec rm -rf {} +
chmod -R u+w "$work/before"
cp -r "$work/before" "$work/fixed"
"$bin" --unsafe --quiet "$work/fixed" >/dev/null 2>&1 || true

# cfn-lint in batches; a batch that crashes (killed, out of memory: not an exit status made of
# the finding bits 2|4|8) is re-run file by file, and a file that still fails is listed as
# `FILE:0:0:0:0:LINTFAIL:` so that it is left out of both sides instead of counting as clean.
lint() {
  python3 - "$1" "$cfn_lint" <<'PY'
import os, subprocess, sys
root, cfn_lint = sys.argv[1], sys.argv[2]
files = sorted(
    os.path.relpath(os.path.join(d, f), root)
    for d, _, names in os.walk(root)
    for f in names
    if f.endswith((".json", ".yaml", ".yml"))
)
def run(batch):
    p = subprocess.run([cfn_lint, "--format", "parseable", "--", *batch], cwd=root,
                       capture_output=True, text=True)
    return p.returncode & ~14 == 0, p.stdout
for i in range(0, len(files), 25):
    batch = files[i:i + 25]
    ok, out = run(batch)
    if ok:
        sys.stdout.write(out)
        continue
    for f in batch:
        ok, out = run([f])
        sys.stdout.write(out if ok else f"{f}:0:0:0:0:LINTFAIL:cfn-lint failed\n")
PY
}
lint "$work/before" > "$work/before.txt"
lint "$work/fixed" > "$work/fixed.txt"

python3 - "$work/before.txt" "$work/fixed.txt" <<'PY'
import collections, re, sys
failed = set()
for path in sys.argv[1:3]:
    failed |= {l.split(":", 1)[0] for l in open(path) if ":LINTFAIL:" in l}
def read(path):
    per_file, rules = collections.defaultdict(set), collections.Counter()
    per_rule_file, messages = collections.Counter(), collections.defaultdict(list)
    n = 0
    for line in open(path):
        # file:line:col:endline:endcol:RULE:message
        parts = line.split(":", 6)
        if len(parts) < 7 or not re.fullmatch(r"[EWI]\d+", parts[5]) or parts[0] in failed:
            continue
        n += 1
        rules[parts[5]] += 1
        per_file[parts[0]].add(parts[5])
        per_rule_file[(parts[5], parts[0])] += 1
        messages[(parts[5], parts[0])].append(f"{parts[1]}: {parts[6].strip()}")
    return n, rules, per_file, per_rule_file, messages
nb, rb, fb, cb, _ = read(sys.argv[1])
na, ra, fa, ca, ma = read(sys.argv[2])
eb = sum(n for r, n in rb.items() if r.startswith("E"))
ea = sum(n for r, n in ra.items() if r.startswith("E"))
if failed:
    print(f"cfn-lint failed on {len(failed)} template(s), left out of both sides: {', '.join(sorted(failed)[:5])}")
print(f"{'rule':<8}{'before':>8}{'after':>8}{'change':>8}")
for r in sorted(set(rb) | set(ra)):
    print(f"{r:<8}{rb[r]:>8}{ra[r]:>8}{ra[r] - rb[r]:>+8d}")
fall = 100 * (nb - na) / nb if nb else 0
print(f"cfn-lint findings: before {nb}, after iac-fix --unsafe {na} ({na - nb:+d}, -{fall:.1f} %)")
print(f"errors (E…): before {eb}, after {ea} ({ea - eb:+d})")
gained = [r for r in sorted(ra) if ra[r] > rb[r]]
print(f"rule ids that gained findings: {len(gained)}")
for r in gained:
    print(f"  {r}: {rb[r]} -> {ra[r]}")
    # Where: the templates whose count of r rose, with what cfn-lint says after the fix.
    for (rule, f), n in sorted(ca.items()):
        if rule == r and n > cb[(rule, f)]:
            print(f"    {f}: {cb[(rule, f)]} -> {n}")
            for m in ma[(rule, f)][:5]:
                print(f"      line {m}")
new_errors = [(f, sorted(r for r in fa[f] - fb[f] if r.startswith("E"))) for f in fa]
new_errors = [(f, r) for f, r in new_errors if r]
print(f"templates with an error rule they did not have before: {len(new_errors)}")
for f, r in new_errors[:20]:
    print(f"  {f}: {', '.join(r)}")
sys.exit(1 if new_errors or gained else 0)
PY
