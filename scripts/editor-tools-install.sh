#!/usr/bin/env bash
# Installs what tests/server.rs needs to type-check the VS Code extension
# (editors/vscode), pinned, into target/editor-tools/ (a cache: re-running is cheap,
# a stamp records what is installed). The extension's own package.json lists the same
# packages as devDependencies for `npm install` + `vsce package` in editors/vscode.
set -euo pipefail
cd "$(dirname "$0")/.."
dir=target/editor-tools
mkdir -p "$dir"

NPM_PACKAGES=(
  typescript@5.9.3
  @types/node@20.19.25
  @types/vscode@1.82.0
  vscode-languageclient@9.0.1
)

stamp="${NPM_PACKAGES[*]}"
if [ -f "$dir/stamp" ] && [ "$(cat "$dir/stamp")" = "$stamp" ]; then
  echo "editor tools already installed: $stamp"
  exit 0
fi
echo "installing editor tools: ${NPM_PACKAGES[*]}"
[ -f "$dir/package.json" ] || echo '{ "name": "iac-fix-editor-tools", "private": true }' > "$dir/package.json"
(cd "$dir" && npm install --no-audit --no-fund --loglevel=error --save-exact "${NPM_PACKAGES[@]}")
echo "$stamp" > "$dir/stamp"
