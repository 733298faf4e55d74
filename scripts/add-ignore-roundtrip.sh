#!/usr/bin/env bash
# `--add-ignore` round trip (issue 18) on a copy of a corpus folder:
#   1. `iac-fix --add-ignore=legacy COPY` writes a suppression for every finding;
#   2. `iac-fix --dry-run --unsafe COPY` must then report no finding (fixable or not);
#   3. every template it changed must pass cfn-lint with no rule the original did not
#      already break, and a sample of changed TypeScript files must gain no syntax error
#      (tsc TS1xxx diagnostics) over the original.
# Needs the oracles in .oracle (scripts/oracle-install.sh). Usage:
#   scripts/add-ignore-roundtrip.sh [CORPUS] [TS_SAMPLE]   (default /work/shared/corpus, 60)
# Set IAC_FIX_BIN to use a binary already built (otherwise a release build is made).
set -euo pipefail
corpus=${1:-/work/shared/corpus}
sample=${2:-60}
root=$(cd "$(dirname "$0")/.." && pwd)
oracle=$root/.oracle
if [[ -z "${IAC_FIX_BIN:-}" ]]; then
  (cd "$root" && cargo build --release --quiet)
  IAC_FIX_BIN=$root/target/release/iac-fix
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp -r "$corpus" "$work/original"
cp -r "$corpus" "$work/copy"
chmod -R u+w "$work"

set +e
"$IAC_FIX_BIN" --add-ignore=legacy --format json "$work/copy" > "$work/add.json"
"$IAC_FIX_BIN" --dry-run --unsafe --format json "$work/copy" > "$work/second.json"
set -e

python3 - "$work" "$oracle" "$sample" <<'PY'
import json, os, random, re, subprocess, sys, tempfile
work, oracle, sample = sys.argv[1], sys.argv[2], int(sys.argv[3])
add = json.load(open(f"{work}/add.json"))
second = json.load(open(f"{work}/second.json"))
print("add-ignore:", add["summary"], "errors:", len(add["errors"]))
print("second run:", second["summary"], "errors:", len(second["errors"]))
failed = False
left = [(f["path"], x["line"], x["transform"]) for f in second["files"] for x in f["fixes"]]
if left:
    failed = True
    print(f"FAIL: {len(left)} finding(s) remain after --add-ignore, e.g.:")
    for l in left[:20]:
        print("  ", *l)
# Errors of the second run must be the files that could not be read or parsed before.
first_errors = {e["path"].replace("/copy/", "/") for e in add["errors"]}
new_errors = [e for e in second["errors"] if e["path"].replace("/copy/", "/") not in first_errors]
if new_errors:
    failed = True
    print(f"FAIL: {len(new_errors)} new error(s) after --add-ignore:", new_errors[:5])

changed = []
for dirpath, _, names in os.walk(f"{work}/copy"):
    for n in names:
        p = os.path.join(dirpath, n)
        o = p.replace(f"{work}/copy", f"{work}/original", 1)
        if open(p, "rb").read() != open(o, "rb").read():
            changed.append((o, p))
print(f"{len(changed)} file(s) changed")

templates = [(o, p) for o, p in changed if p.endswith((".yaml", ".yml", ".json", ".template"))]
cfn_lint = f"{oracle}/venv/bin/cfn-lint"
worse = 0
if os.path.exists(cfn_lint):
    def lint(paths):
        """rule ids per file, one cfn-lint process per batch of files"""
        per = {}
        for i in range(0, len(paths), 200):
            out = subprocess.run([cfn_lint, "--format", "parseable", "--", *paths[i:i + 200]],
                                 capture_output=True, text=True).stdout
            for line in out.splitlines():
                m = re.match(r"^(.*?):\d+:\d+:\d+:\d+:([EWI]\d{4}):", line)
                if m:
                    per.setdefault(m.group(1), set()).add(m.group(2))
        return per
    before = lint([o for o, _ in templates])
    after = lint([p for _, p in templates])
    for o, p in templates:
        new = after.get(p, set()) - before.get(o, set())
        if new:
            worse += 1
            print(f"FAIL cfn-lint: {p}: new {sorted(new)}")
    print(f"cfn-lint: {len(templates)} changed template(s), {worse} with a new rule")
    failed |= worse > 0
else:
    print("cfn-lint not installed (.oracle): templates not linted")

ts = [(o, p) for o, p in changed if p.endswith(".ts")]
random.Random(18).shuffle(ts)
ts = ts[:sample]
tsc = f"{oracle}/node_modules/.bin/tsc"
if ts and os.path.exists(tsc):
    def syntax_errors(paths):
        out = subprocess.run([tsc, "--noEmit", "--noResolve", "--skipLibCheck", "--target", "es2020",
                              "--module", "commonjs", "--experimentalDecorators", *paths],
                             capture_output=True, text=True, cwd=work).stdout
        per = {}
        for m in re.finditer(r"^(.*?)\(\d+,\d+\): error (TS1\d{3})", out, re.M):
            path = os.path.normpath(os.path.join(work, m.group(1)))
            per.setdefault(path, set()).add(m.group(2))
        return per
    before = syntax_errors([o for o, _ in ts])
    after = syntax_errors([p for _, p in ts])
    bad = 0
    for o, p in ts:
        a = after.get(p, set()) - before.get(o, set())
        if a:
            bad += 1
            print(f"FAIL tsc: {p}: new syntax error(s) {sorted(a)}")
    print(f"tsc: {len(ts)} changed TypeScript file(s) sampled, {bad} with a new syntax error")
    failed |= bad > 0
sys.exit(1 if failed else 0)
PY
