#!/usr/bin/env bash
# Per transform and flavor: findings with a fix on the corpus `before/` files (what the
# tool would change in the drafts) and on the `after/` files (what it still finds once
# reviewers were done: likely false positives or review misses, to be read).
#   scripts/catalogue-counts.sh [CORPUS]
set -euo pipefail
cd "$(dirname "$0")/.."
corpus=$(realpath "${1:-../shared/corpus}")
cargo build --release --quiet
bin=$PWD/target/release/iac-fix
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

for side in before after; do
  find "$corpus" -mindepth 3 -maxdepth 3 -type d -name "$side" -print0 |
    xargs -0 "$bin" --dry-run --unsafe --quiet --format json > "$work/$side.json" || true
done

python3 - "$work/before.json" "$work/after.json" <<'PY'
import collections, json, sys
flavors = ["cdk-ts", "cdktf-ts", "cfn-json", "cfn-yaml"]
counts = {}
for side, path in zip(["before", "after"], sys.argv[1:3]):
    c = collections.Counter()
    for f in json.load(open(path))["files"]:
        for x in f["fixes"]:
            key = (x["transform"], f["flavor"], "fix" if x["fixable"] else "report")
            c[key] += 1
    counts[side] = c
ids = sorted({k[0] for c in counts.values() for k in c})
print("| transform | " + " | ".join(flavors) + " |")
print("|---|" + "---|" * len(flavors))
for t in ids:
    cells = []
    for fl in flavors:
        b = counts["before"][(t, fl, "fix")]
        a = counts["after"][(t, fl, "fix")]
        rb = counts["before"][(t, fl, "report")]
        ra = counts["after"][(t, fl, "report")]
        cell = f"{b} → {a}"
        if rb or ra:
            cell += f" (+{rb} → {ra} report-only)"
        cells.append(cell)
    print(f"| `{t}` | " + " | ".join(cells) + " |")
print()
print("cells: fixes found on before/ → still found on after/")
PY
