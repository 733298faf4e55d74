#!/usr/bin/env bash
# Refresh data/cdk-deprecations.json, the deprecated aws-cdk-lib APIs cdk-deprecated-api
# reports and rewrites: every deprecated class, interface, enum and enum member, static and
# instance member, construct prop (per class, inherited props included) and struct prop, with
# aws-cdk-lib's own deprecation text. The source is the pinned aws-cdk-lib's jsii manifest,
# generated from the `@deprecated` TSDoc of its `.d.ts` files (scripts/refresh-cdk-deprecations.js).
#   scripts/refresh-cdk-deprecations.sh
# Reads .oracle/node_modules/aws-cdk-lib (scripts/oracle-install.sh pins the version); move the
# pin there, re-run this, and update the version in transforms/cdk_deprecated_api.rs's docs,
# the README and the CHANGELOG.
set -euo pipefail
cd "$(dirname "$0")/.."
lib=.oracle/node_modules/aws-cdk-lib
[ -f "$lib/package.json" ] || scripts/oracle-install.sh
mkdir -p data
node scripts/refresh-cdk-deprecations.js "$lib" data/cdk-deprecations.json.tmp
mv data/cdk-deprecations.json.tmp data/cdk-deprecations.json
echo "data/cdk-deprecations.json: aws-cdk-lib $(node -p "require('./$lib/package.json').version"), $(stat -c %s data/cdk-deprecations.json) bytes"
