#!/usr/bin/env bash
# Runs the release binary with --unsafe over a copy of a corpus folder, then again:
# fails on a crash (exit code other than 0/1/2: 1 means findings remain, which a corpus
# always has), on an internal error (a fix that
# would have broken a file), or when the second run still changes something.
# Prints fixes per transform and flavor, and lambda-dead-letter-queue findings by invoker class.
set -euo pipefail
corpus=${1:-../shared/corpus}
cargo build --release --quiet
bin=$PWD/target/release/iac-fix
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp -r "$corpus" "$work/corpus"
chmod -R u+w "$work/corpus"

set +e
# Invoker classes of lambda-dead-letter-queue, on the untouched copy (report-skipped on).
printf '[transform.lambda-dead-letter-queue]\nreport-skipped = true\n' > "$work/dlq.toml"
"$bin" --dry-run --unsafe --format json -t lambda-dead-letter-queue --config "$work/dlq.toml" "$work/corpus" > "$work/dlq.json"
"$bin" --unsafe --format json "$work/corpus" > "$work/first.json"
first=$?
"$bin" --dry-run --unsafe --format json "$work/corpus" > "$work/second.json"
second=$?
set -e

python3 - "$work/first.json" "$work/second.json" "$first" "$second" "$work/dlq.json" <<'PY'
import collections, json, sys
first, second = (json.load(open(p)) for p in sys.argv[1:3])
codes = list(map(int, sys.argv[3:5]))
def dlq_class(x):
    m = x["message"]
    if "add a dead-letter queue by hand" in m:
        return "report-only"
    if "on-failure destination" in m:
        return "skipped-on-failure"
    if "only synchronous and poll-based" in m:
        return "skipped-sync+poll"
    if "only synchronous" in m:
        return "skipped-sync"
    if "only poll-based" in m:
        return "skipped-poll"
    if "invoker unknown" in m:
        return "unknown"
    if "invoked asynchronously" in m:
        return "asynchronous"
    return "other"
dlq = collections.Counter()
for f in json.load(open(sys.argv[5]))["files"]:
    for x in f["fixes"]:
        if x["transform"] == "lambda-dead-letter-queue":
            fix = x["applicability"] if x["fixable"] else "no fix"
            dlq[(dlq_class(x), fix, f["flavor"])] += 1
print("lambda-dead-letter-queue by invoker class (class, fix, flavor):")
for (c, a, fl), n in sorted(dlq.items()):
    print(f"  {c:<20} {a:<7} {fl:<9} {n}")
counts = collections.Counter()
for f in first["files"]:
    for x in f["fixes"]:
        if x["applied"]:
            counts[(x["transform"], f["flavor"])] += 1
s = first["summary"]
print(f"files scanned: {s['files_scanned']}, changed: {s['files_changed']}, fixes applied: {s['fixes_applied']}, pending: {s['fixes_pending']}")
print(f"files reported as errors (unreadable or not parsing on input): {len(first['errors'])}")
for (t, fl), n in sorted(counts.items()):
    print(f"  {t:<32} {fl:<9} {n}")
problems = []
if any(c not in (0, 1, 2) for c in codes):
    problems.append(f"unexpected exit codes {codes} (a crash?)")
internal = [e for e in first["errors"] + second["errors"] if "internal error" in e["message"] or "converge" in e["message"]]
problems += [f"{e['path']}: {e['message']}" for e in internal]
if second["summary"]["files_changed"]:
    problems += [f"second run still changes {f['path']}" for f in second["files"] if f.get("diff")]
for p in problems:
    print("FAIL:", p)
print("corpus gate:", "FAILED" if problems else "passed")
sys.exit(1 if problems else 0)
PY
