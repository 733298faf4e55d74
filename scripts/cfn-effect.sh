#!/bin/sh
# Print what a fixture's fix changes in the deployable result (CloudFormation template
# as data; CDK/CDKTF synthesized), as lines for its `<case>.effect` file.
#   scripts/cfn-effect.sh fixtures/lambda-dead-letter-queue/cfn-lambda.yaml
#   scripts/cfn-effect.sh lambda-dead-letter-queue/      # every fixture of a transform
# Needs .oracle/ (scripts/oracle-install.sh) for CDK/CDKTF fixtures. See tests/cfn_effect.rs.
set -eu
[ $# -eq 1 ] || { echo "usage: $0 <fixture path or part of it>" >&2; exit 2; }
cd "$(dirname "$0")/.."
IAC_FIX_EFFECT="$1" exec cargo test -q --test cfn_effect print_effect -- --nocapture --exact --ignored
