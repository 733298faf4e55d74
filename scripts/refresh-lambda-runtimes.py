"""Write data/lambda-runtimes.json, the Lambda runtime lifecycle data iac-fix ships
(transforms/shared/lambda_runtimes.rs), from cfn-lint's bundled table
(cfnlint/data/AdditionalSpecs/LmbdRuntimeLifecycle.json: deprecated, create-block,
update-block and successor per runtime id) plus the hand-maintained facts in
scripts/lambda-runtimes-extra.json (each with its source).
Run through scripts/refresh-lambda-runtimes.sh, which pins the cfn-lint version."""

import json
import sys
from importlib.metadata import distribution, version

extra_path, out_path = sys.argv[1], sys.argv[2]
# Read the file from the installed distribution without importing cfnlint (no dependencies needed).
table = json.loads(
    distribution("cfn-lint").locate_file("cfnlint/data/AdditionalSpecs/LmbdRuntimeLifecycle.json").read_text()
)
extra = json.load(open(extra_path))
runtimes = {}
for rid in sorted(table):
    row = table[rid]
    runtimes[rid] = {k: row.get(k) for k in ("deprecated", "create-block", "update-block", "successor")}
for rid, successor in extra["successors"]["values"].items():
    runtimes.setdefault(rid, {"deprecated": None, "create-block": None, "update-block": None, "successor": None})
    if runtimes[rid]["successor"] is None:
        runtimes[rid]["successor"] = successor
        runtimes[rid]["successor-source"] = extra["successors"]["source"]
out = {
    "source": f"cfn-lint {version('cfn-lint')}, cfnlint/data/AdditionalSpecs/LmbdRuntimeLifecycle.json",
    "cfn-lint": version("cfn-lint"),
    "runtimes": runtimes,
    "nodejs-sdk-v2-last": {k: extra["nodejs_sdk_v2_last"][k] for k in ("value", "source")},
    "nodejs-callbacks-first-removed": {k: extra["nodejs_callbacks_first_removed"][k] for k in ("value", "source")},
    "python-removed-modules": {k: extra["python_removed_modules"][k] for k in ("value", "source")},
}
with open(out_path, "w") as f:
    json.dump(out, f, indent=1, sort_keys=False)
    f.write("\n")
