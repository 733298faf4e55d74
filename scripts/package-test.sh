#!/usr/bin/env bash
# Installs what scripts/package.sh built (dist/) the way users do, in throw-away places, and runs
# it: the wheel into a fresh venv, the npm tarballs into a fresh npm project, the pre-commit
# mirror's hook through pre-commit against the wheel. Each check prints ok/FAIL; the last line
# is "package: N passed, M failed". Exits non-zero when any check failed.
set -uo pipefail
cd "$(dirname "$0")/.."
root=$PWD
version=$(sed -n 's/^version = "\(.*\)"$/\1/p' Cargo.toml | head -1)
fixture=fixtures/s3-bucket-key/cfn-buckets.yaml
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
passed=0 failed=0
check() { # check NAME COMMAND...: the command's exit status decides
  local name=$1; shift
  if out=$("$@" 2>&1); then
    echo "ok   $name"; passed=$((passed + 1))
  else
    echo "FAIL $name"; echo "$out" | tail -20 | sed 's/^/     /'; failed=$((failed + 1))
  fi
}
# dry_run BIN: a dry run on a fixture exits 1 (findings remain) and prints its diff; nothing written.
dry_run() {
  cp "$root/$fixture" "$work/t.yaml"
  local out status
  out=$("$@" --dry-run "$work/t.yaml"); status=$?
  [ "$status" -eq 1 ] && grep -q '^+++ b/' <<<"$out" && cmp -s "$root/$fixture" "$work/t.yaml"
}
version_is() { [ "$("$@" --version)" = "iac-fix $version" ]; }

echo "== pip: the wheel in a fresh venv"
python3 -m venv "$work/venv"
check "pip install the wheel (no index)" "$work/venv/bin/pip" install --quiet --no-index --disable-pip-version-check dist/iac_fix-"$version"-*.whl
check "iac-fix --version on PATH (pip)" version_is "$work/venv/bin/iac-fix"
check "iac-fix --dry-run on a fixture (pip)" dry_run "$work/venv/bin/iac-fix"

echo "== npm: the launcher and the platform package in a fresh project"
mkdir -p "$work/npm-project"
(cd "$work/npm-project" && npm init -y >/dev/null)
platform_tgz=$(ls dist/iac-fix-cli-*-"$version".tgz)
# Both tarballs at once: the platform package then satisfies the launcher's optional dependency;
# the other platforms' packages do not match this os/cpu and are skipped.
check "npm install the tarballs" bash -c "cd '$work/npm-project' && npm install --no-audit --no-fund --loglevel=error '$root/$platform_tgz' '$root/dist/iac-fix-$version.tgz'"
check "npx iac-fix --version" bash -c "cd '$work/npm-project' && [ \"\$(npx --no-install iac-fix --version)\" = 'iac-fix $version' ]"
check "npx iac-fix --dry-run on a fixture" bash -c "cd '$work/npm-project' && cp '$root/$fixture' t.yaml && npx --no-install iac-fix --dry-run t.yaml > out.txt; [ \$? -eq 1 ] && grep -q '^+++ b/' out.txt && cmp -s '$root/$fixture' t.yaml"
check "npx iac-fix passes the exit status (2 for a missing file)" bash -c "cd '$work/npm-project' && npx --no-install iac-fix no-such-file.yaml; [ \$? -eq 2 ]"

echo "== pre-commit: the mirror's hook installs the wheel, no Rust toolchain involved"
python3 -m venv "$work/pc-venv"
if "$work/pc-venv/bin/pip" install --quiet --disable-pip-version-check 'pre-commit>=3,<5' >/dev/null 2>&1; then
  mkdir -p "$work/mirror" "$work/repo"
  cp -r pre-commit-mirror/. "$work/mirror/"
  (cd "$work/mirror" && git init -q && git add -A && git -c user.name=t -c user.email=t@t commit -qm mirror)
  (cd "$work/repo" && git init -q && cp "$root/$fixture" t.yaml && git add t.yaml)
  # PIP_FIND_LINKS: the mirror pins iac-fix==$version, found here in dist/ before any index.
  check "pre-commit try-repo mirror iac-fix-check fails while findings remain" bash -c "cd '$work/repo' && PATH='$work/pc-venv/bin:/usr/bin:/bin' PRE_COMMIT_HOME='$work/pc-home' PIP_FIND_LINKS='$root/dist' '$work/pc-venv/bin/pre-commit' try-repo '$work/mirror' iac-fix-check --all-files > out.txt 2>&1; s=\$?; cat out.txt; [ \$s -eq 1 ] && grep -q '^+++ b/' out.txt"
else
  echo "FAIL pre-commit could not be installed from the package index"; failed=$((failed + 1))
fi

echo "package: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
