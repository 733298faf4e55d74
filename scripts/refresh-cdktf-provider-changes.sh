#!/usr/bin/env bash
# Refresh data/cdktf-provider-changes.json, what cdktf-provider-upgrade knows about
# @cdktf/provider-aws: the pinned package's construct classes per module, and the modules,
# classes and config attributes that older majors exported and the pinned one no longer does
# (scripts/refresh-cdktf-provider-changes.js). The older packages are fetched with `npm pack`
# (nothing is installed or run) into a temporary folder: by default the newest release of each
# major from 10 (the first with one `lib/<module>/` per resource) up to the pinned one.
#   scripts/refresh-cdktf-provider-changes.sh [VERSION...]
# The pinned package is .oracle/node_modules/@cdktf/provider-aws (scripts/oracle-install.sh);
# move the pin there, re-run this, and the new versions show in `--explain cdktf-provider-upgrade`.
set -euo pipefail
cd "$(dirname "$0")/.."
pinned=.oracle/node_modules/@cdktf/provider-aws
[ -f "$pinned/package.json" ] || scripts/oracle-install.sh
pinned_version=$(node -p "require('./$pinned/package.json').version")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
versions=("$@")
if [ ${#versions[@]} -eq 0 ]; then
  # The newest release of every major from 10 below the pinned major.
  mapfile -t versions < <(npm view @cdktf/provider-aws versions --json | node -e '
    const all = JSON.parse(require("fs").readFileSync(0, "utf8"));
    const pinnedMajor = Number(process.argv[1].split(".")[0]);
    const newest = {};
    for (const v of all) {
      if (!/^\d+\.\d+\.\d+$/.test(v)) continue;
      const major = Number(v.split(".")[0]);
      if (major < 10 || major >= pinnedMajor) continue;
      newest[major] = v; // npm lists versions oldest first
    }
    console.log(Object.values(newest).join("\n"));' "$pinned_version")
fi
dirs=()
for v in "${versions[@]}"; do
  mkdir -p "$work/$v"
  (cd "$work/$v" && npm pack --quiet "@cdktf/provider-aws@$v" >/dev/null)
  tar -xzf "$work/$v"/*.tgz -C "$work/$v" --wildcards 'package/package.json' 'package/lib/*/index.d.ts'
  rm "$work/$v"/*.tgz
  dirs+=("$work/$v/package")
done
mkdir -p data
node scripts/refresh-cdktf-provider-changes.js "$pinned" data/cdktf-provider-changes.json.tmp "${dirs[@]}"
mv data/cdktf-provider-changes.json.tmp data/cdktf-provider-changes.json
echo "data/cdktf-provider-changes.json: @cdktf/provider-aws $pinned_version against ${versions[*]}, $(stat -c %s data/cdktf-provider-changes.json) bytes"
