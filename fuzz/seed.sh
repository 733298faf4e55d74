#!/usr/bin/env bash
# Seeds fuzz/corpus/<target>/ from fixtures/ and the regression crashers.
set -euo pipefail
cd "$(dirname "$0")"
for t in ts json yaml; do
  mkdir -p corpus/$t
  find ../fixtures regressions -name "*.$t" -exec cp {} corpus/$t/ \; 2>/dev/null || true
done
[ -d corpus/yaml ] && find ../fixtures -name '*.yml' -exec cp {} corpus/yaml/ \; || true
