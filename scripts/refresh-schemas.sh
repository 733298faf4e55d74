#!/usr/bin/env bash
# Refresh data/cfn-schemas.jsonl, the CloudFormation resource model iac-fix ships
# (src/schema.rs), from the us-east-1 provider schemas bundled in cfn-lint (with the
# patches cfn-lint applies). Only what iac-fix uses is kept: property names per object
# shape ($refs resolved, shapes shared so recursive definitions stay finite), string
# enums, required, read-only and deprecated properties (scripts/refresh-schemas.py).
#   scripts/refresh-schemas.sh
# Uses .oracle/venv when it has the pinned cfn-lint, else installs it into a temp venv.
# Set CFN_LINT_VERSION to move the pin (then update the README and CHANGELOG).
set -euo pipefail
cd "$(dirname "$0")/.."
version=${CFN_LINT_VERSION:-1.58.0}
python=.oracle/venv/bin/python
if ! [ -x "$python" ] || [ "$("$python" -c 'from importlib.metadata import version; print(version("cfn-lint"))' 2>/dev/null)" != "$version" ]; then
  venv=$(mktemp -d)
  trap 'rm -rf "$venv"' EXIT
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet "cfn-lint==$version"
  python=$venv/bin/python
fi
mkdir -p data
"$python" scripts/refresh-schemas.py > data/cfn-schemas.jsonl.tmp
mv data/cfn-schemas.jsonl.tmp data/cfn-schemas.jsonl
echo "data/cfn-schemas.jsonl: cfn-lint $version, $(stat -c %s data/cfn-schemas.jsonl) bytes"
