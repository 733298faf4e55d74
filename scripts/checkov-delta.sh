#!/usr/bin/env bash
# checkov over the corpus CloudFormation templates (`before/` files of cfn-json and cfn-yaml) as
# they are and after `iac-fix --unsafe` on a copy: failed checks per check id before -> after,
# the totals, and the templates where an id gained failures. Fails when a check id gains.
#   scripts/checkov-delta.sh [CORPUS]
# checkov: $CHECKOV, else `checkov` on PATH, else a venv made under .oracle/checkov-venv with
# the pinned checkov==3.3.30 (needs network once). `cargo test` never needs checkov.
# IAC_FIX names an iac-fix binary to use instead of this checkout's release build (a baseline);
# IAC_FIX_ARGS adds arguments to its run (e.g. `-t ecr-repository-hardening`).
# CHECKOV_REPORTS=DIR keeps both checkov reports in DIR and reuses DIR/before.json when it
# exists (the `before/` side only depends on the corpus: a second run scans one side).
set -euo pipefail
cd "$(dirname "$0")/.."
corpus=$(realpath "${1:-../shared/corpus}")
checkov=${CHECKOV:-$(command -v checkov || true)}
if [ -z "$checkov" ]; then
  venv=$PWD/.oracle/checkov-venv
  if [ ! -x "$venv/bin/checkov" ]; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet 'checkov==3.3.30'
  fi
  checkov=$venv/bin/checkov
fi
if [ -n "${IAC_FIX:-}" ]; then
  bin=$(realpath "$IAC_FIX")
else
  cargo build --release --quiet
  bin=$PWD/target/release/iac-fix
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

mkdir -p "$work/before"
for flavor in cfn-json cfn-yaml; do
  [ -d "$corpus/$flavor" ] && cp -r "$corpus/$flavor" "$work/before/"
done
find "$work/before" -type d -name after -prune -exec rm -rf {} +
chmod -R u+w "$work/before"
cp -r "$work/before" "$work/fixed"
# shellcheck disable=SC2086
"$bin" --unsafe --quiet ${IAC_FIX_ARGS:-} "$work/fixed" >/dev/null 2>&1 || true

# One checkov run per side (the CloudFormation framework, its graph checks included); the
# JSON report lists every failed check with its file and resource.
scan() {
  (cd "$1" && "$checkov" -d . --framework cloudformation -o json --quiet --compact \
    --skip-download 2>"$2.err" >"$2") || true
}
reports=${CHECKOV_REPORTS:-}
if [ -n "$reports" ] && [ -s "$reports/before.json" ]; then
  cp "$reports/before.json" "$work/before.json"
else
  scan "$work/before" "$work/before.json"
fi
# Only the templates iac-fix changed are scanned again (an unchanged file fails the same checks);
# the merge below takes the other files' results from the before side.
mkdir -p "$work/changed"
(cd "$work/fixed" && find . -type f | while read -r f; do
  cmp -s "$f" "$work/before/$f" || { mkdir -p "$work/changed/$(dirname "$f")"; cp "$f" "$work/changed/$f"; }
done)
echo "templates changed by iac-fix: $(find "$work/changed" -type f | wc -l)" >&2
scan "$work/changed" "$work/fixed.json"
if [ -n "$reports" ]; then
  mkdir -p "$reports"
  cp "$work/before.json" "$work/fixed.json" "$reports/"
fi

python3 - "$work/before.json" "$work/fixed.json" "$(cd "$work/changed" && find . -type f | sed 's|^\./||')" <<'PY'
import collections, json, sys
def read(path):
    text = open(path).read().strip()
    if not text:
        sys.exit(f"checkov wrote no report for {path} (see {path}.err)")
    data = json.loads(text)
    reports = data if isinstance(data, list) else [data]
    per_id, per_id_file = collections.Counter(), collections.Counter()
    resources = collections.defaultdict(list)
    for report in reports:
        for c in report.get("results", {}).get("failed_checks", []):
            f = c["file_path"].lstrip("/")
            per_id[c["check_id"]] += 1
            per_id_file[(c["check_id"], f)] += 1
            resources[(c["check_id"], f)].append(c["resource"])
    return per_id, per_id_file, resources
b, bf, br = read(sys.argv[1])
c, cf, cr = read(sys.argv[2])
# After = the changed files' new results + every other file's results from before.
changed = set(sys.argv[3].split("\n")) - {""}
af = collections.Counter({k: n for k, n in bf.items() if k[1] not in changed})
af.update(cf)
ar = {k: v for k, v in br.items() if k[1] not in changed}
ar.update(cr)
a = collections.Counter()
for (cid, _), n in af.items():
    a[cid] += n
print(f"{'check id':<14}{'before':>8}{'after':>8}{'change':>8}")
key = lambda i: (i.split("_")[0], int(i.rsplit("_", 1)[1]) if i.rsplit("_", 1)[1].isdigit() else 0, i)
for i in sorted(set(b) | set(a), key=key):
    print(f"{i:<14}{b[i]:>8}{a[i]:>8}{a[i] - b[i]:>+8d}")
nb, na = sum(b.values()), sum(a.values())
fall = 100 * (nb - na) / nb if nb else 0
print(f"checkov failed checks: before {nb}, after iac-fix --unsafe {na} ({na - nb:+d}, -{fall:.1f} %)")
fell = [i for i in b if a[i] < b[i]]
print(f"check ids that fell: {len(fell)}; ids with no failure left: {sum(1 for i in b if a[i] == 0)}")
gained = [i for i in sorted(a, key=key) if a[i] > b[i]]
print(f"check ids that gained failures: {len(gained)}")
for i in gained:
    print(f"  {i}: {b[i]} -> {a[i]}")
    for (cid, f), n in sorted(af.items()):
        if cid == i and n > bf[(cid, f)]:
            print(f"    {f}: {bf[(cid, f)]} -> {n} ({', '.join(ar[(cid, f)][:3])})")
sys.exit(1 if gained else 0)
PY
