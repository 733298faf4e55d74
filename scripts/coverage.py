#!/usr/bin/env python3
"""Regenerate the counts and the per-rule table of COVERAGE.md from the registry.

    scripts/coverage.py [--check] [IAC_FIX_BINARY]

Reads the rule classification (data/coverage-classes.tsv: checkov CloudFormation checks and
cdk-nag AwsSolutions rules, each A, B or N) and the transforms' declared equivalents
(`iac-fix --list-transforms --format json`), and rewrites the part of COVERAGE.md between
`<!-- BEGIN GENERATED -->` and `<!-- END GENERATED -->`. A rule counts as covered when a
transform declares it as an equivalent (so `--list-transforms`, suppressions and COVERAGE.md
agree by construction). `--check` fails instead of writing when the file is out of date.
The binary defaults to target/debug/iac-fix (built with `cargo build`).
"""
import collections
import json
import pathlib
import subprocess
import sys

root = pathlib.Path(__file__).resolve().parent.parent
args = [a for a in sys.argv[1:] if a != "--check"]
check = "--check" in sys.argv[1:]
binary = args[0] if args else str(root / "target/debug/iac-fix")

rules = []  # (id, class, text, fix shape)
for line in (root / "data/coverage-classes.tsv").read_text().splitlines():
    if line.startswith("#") or not line.strip():
        continue
    rid, cls, text, shape = line.split("\t")
    rules.append((rid, cls, text, shape))

registry = json.loads(subprocess.run([binary, "--list-transforms", "--format", "json"],
                                     check=True, capture_output=True, text=True).stdout)
covered_by = collections.defaultdict(list)
for t in registry:
    for e in t["equivalents"]:
        covered_by[e].append(t["id"])
known = {r[0] for r in rules}

def sets():
    for title, prefix in (("checkov CFN (CKV_AWS_*, CKV2_AWS_*)", "CKV"), ("cdk-nag AwsSolutions", "AwsSolutions-")):
        yield title, [r for r in rules if r[0].startswith(prefix)]

out = ["<!-- BEGIN GENERATED -->",
       f"<!-- scripts/coverage.py from data/coverage-classes.tsv and the registry ({len(registry)} transforms) -->",
       "",
       "| Rule set | Total | A | B | N | Fixable (A+B) | iac-fix covers | …of which A / B / N | Uncovered fixable |",
       "|---|---|---|---|---|---|---|---|---|"]
for title, rs in sets():
    c = collections.Counter(r[1] for r in rs)
    cov = [r for r in rs if r[0] in covered_by]
    cc = collections.Counter(r[1] for r in cov)
    fixable = c["A"] + c["B"]
    unc_a = c["A"] - cc["A"]
    unc_b = c["B"] - cc["B"]
    out.append(f"| {title} | **{len(rs)}** | {c['A']} | {c['B']} | {c['N']} | **{fixable}** | **{len(cov)}** | "
               f"{cc['A']} / {cc['B']} / {cc['N']} | **{unc_a + unc_b}** ({unc_a} A + {unc_b} B) |")
out.append("")
out.append("N-class rules a transform declares are narrowed (partly fixed), not solved.")
out.append("")
for title, rs in sets():
    cov = [r[0] for r in rs if r[0] in covered_by]
    out.append(f"Covered, {title}: " + (", ".join(cov) if cov else "none") + ".")
    out.append("")
other = sorted(e for e in covered_by if e.startswith(("CKV", "AwsSolutions-")) and e not in known)
if other:
    out.append("Declared but not in the classification (Terraform-only or newer ids): " + ", ".join(other) + ".")
    out.append("")
out.append("| Id | Rule | Class | Fix shape | iac-fix |")
out.append("|---|---|---|---|---|")
for _, rs in sets():
    for rid, cls, text, shape in rs:
        by = ", ".join(covered_by.get(rid, [])) or "—"
        out.append(f"| {rid} | {text} | {cls} | {shape} | {by} |")
out.append("<!-- END GENERATED -->")
generated = "\n".join(out)

path = root / "COVERAGE.md"
head = ("# Rule coverage\n\n"
        "Which checkov CloudFormation checks and cdk-nag AwsSolutions rules iac-fix fixes. Classes:\n"
        "**A** a property on the flagged resource, **B** a generated companion (key, log bucket, queue…),\n"
        "**N** a decision or data that is not in the code. The counts and the table below are generated\n"
        "by `scripts/coverage.py` from `data/coverage-classes.tsv` and the transforms' declared\n"
        "equivalents (`iac-fix --list-transforms --format json`); do not edit them by hand.\n\n")
text = path.read_text() if path.exists() else head + "<!-- BEGIN GENERATED -->\n<!-- END GENERATED -->\n"
start, end = text.index("<!-- BEGIN GENERATED -->"), text.index("<!-- END GENERATED -->") + len("<!-- END GENERATED -->")
new = text[:start] + generated + text[end:]
if check:
    if new != text:
        sys.exit("COVERAGE.md is out of date: run scripts/coverage.py")
    sys.exit(0)
path.write_text(new)
print("\n".join(out[3:8]))
