#!/usr/bin/env bash
# Refresh data/lambda-runtimes.json, the Lambda runtime lifecycle data iac-fix ships
# (transforms/shared/lambda_runtimes.rs, used by lambda-runtime-upgrade): cfn-lint's
# LmbdRuntimeLifecycle.json (deprecated / create-block / update-block dates and successor
# per runtime) merged with scripts/lambda-runtimes-extra.json (facts cfn-lint lacks, each
# with its AWS source). See scripts/refresh-lambda-runtimes.py.
#   scripts/refresh-lambda-runtimes.sh
# Installs the pinned cfn-lint into a temporary venv outside the repository.
# Set CFN_LINT_VERSION to move the pin (then update the README and CHANGELOG).
set -euo pipefail
cd "$(dirname "$0")/.."
version=${CFN_LINT_VERSION:-1.58.0}
venv=$(mktemp -d)
trap 'rm -rf "$venv"' EXIT
python3 -m venv "$venv"
"$venv/bin/pip" install --quiet --no-deps "cfn-lint==$version"
mkdir -p data
"$venv/bin/python" scripts/refresh-lambda-runtimes.py scripts/lambda-runtimes-extra.json data/lambda-runtimes.json.tmp
mv data/lambda-runtimes.json.tmp data/lambda-runtimes.json
echo "data/lambda-runtimes.json: cfn-lint $version, $(stat -c %s data/lambda-runtimes.json) bytes"
