#!/usr/bin/env bash
# Installs the oracles the type-check / lint tests use, pinned, into .oracle/
# (gitignored). Re-running is cheap: a stamp records what is installed.
#   .oracle/node_modules : typescript, aws-cdk-lib, constructs, cdktf, @cdktf/provider-aws
#   .oracle/venv         : cfn-lint
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p .oracle

NPM_PACKAGES=(
  typescript@5.9.3
  @types/node@20.19.25
  aws-cdk-lib@2.269.0
  constructs@10.5.1
  @aws-cdk/aws-lambda-python-alpha@2.269.0-alpha.0
  cdktf@0.21.0
  @cdktf/provider-aws@21.22.1
)
PIP_PACKAGES=(cfn-lint==1.58.0)

stamp="${NPM_PACKAGES[*]} ${PIP_PACKAGES[*]}"
if [ -f .oracle/stamp ] && [ "$(cat .oracle/stamp)" = "$stamp" ]; then
  echo "oracles already installed: $stamp"
  exit 0
fi

echo "installing npm oracles: ${NPM_PACKAGES[*]}"
[ -f .oracle/package.json ] || echo '{ "name": "iac-fix-oracle", "private": true }' > .oracle/package.json
(cd .oracle && npm install --no-audit --no-fund --loglevel=error --save-exact "${NPM_PACKAGES[@]}")

echo "installing pip oracles: ${PIP_PACKAGES[*]}"
[ -x .oracle/venv/bin/python ] || python3 -m venv .oracle/venv
.oracle/venv/bin/pip install --quiet --disable-pip-version-check "${PIP_PACKAGES[@]}"

echo "$stamp" > .oracle/stamp
