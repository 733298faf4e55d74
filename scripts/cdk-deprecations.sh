#!/usr/bin/env bash
# Deprecated aws-cdk-lib API uses in the corpus CDK drafts (`cdk-ts/*/before`) as they are and
# after `iac-fix --unsafe`, counted the way an editor shows them: tsc's language service
# suggestion diagnostics 6385/6387 with the pinned .oracle/node_modules resolvable, plus the
# deprecated props written in object literals that tsc does not flag (`logRetention: …`), and
# tsc errors before/after. Prints the totals and the most frequent deprecated names.
#   scripts/cdk-deprecations.sh [CORPUS]
# IAC_FIX_ARGS adds arguments to the iac-fix run (e.g. `-t cdk-deprecated-api`).
set -euo pipefail
cd "$(dirname "$0")/.."
corpus=$(realpath "${1:-../shared/corpus}")
nm=$PWD/.oracle/node_modules
[ -d "$nm/aws-cdk-lib" ] || scripts/oracle-install.sh
# IAC_FIX_BIN: an iac-fix binary to use instead of a fresh release build.
if [ -z "${IAC_FIX_BIN:-}" ]; then
  cargo build --release --quiet
fi
bin=${IAC_FIX_BIN:-$PWD/target/release/iac-fix}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for p in "$corpus"/cdk-ts/*/; do
  [ -d "$p/before" ] || continue
  mkdir -p "$work/before/$(basename "$p")"
  cp -r "$p/before/." "$work/before/$(basename "$p")/"
done
chmod -R u+w "$work/before"
cp -r "$work/before" "$work/fixed"
# shellcheck disable=SC2086
"$bin" --unsafe --quiet ${IAC_FIX_ARGS:-} "$work/fixed" >/dev/null 2>&1 || true
node scripts/cdk-deprecations.js "$nm" "$work/before" --top 25 > "$work/before.json"
node scripts/cdk-deprecations.js "$nm" "$work/fixed" --top 25 > "$work/fixed.json"
node - "$work/before.json" "$work/fixed.json" <<'JS'
const [b, a] = process.argv.slice(2).map((f) => JSON.parse(require('fs').readFileSync(f, 'utf8')));
const pct = (x, y) => (x ? `${Math.round((100 * (y - x)) / x)} %` : '-');
console.log(`files (aws-cdk-lib v2)         ${b.files}`);
console.log(`deprecated uses (TS6385/6387)  ${b.deprecated} -> ${a.deprecated} (${pct(b.deprecated, a.deprecated)})`);
console.log(`deprecated props (literals)    ${b.deprecatedProps} -> ${a.deprecatedProps} (${pct(b.deprecatedProps, a.deprecatedProps)})`);
const tb = b.deprecated + b.deprecatedProps, ta = a.deprecated + a.deprecatedProps;
console.log(`deprecated, all                ${tb} -> ${ta} (${pct(tb, ta)})`);
console.log(`tsc errors                     ${b.errors} -> ${a.errors}`);
const after = Object.fromEntries(a.top);
console.log('\nmost frequent before -> after:');
for (const [k, n] of b.top) console.log(`  ${String(n).padStart(4)} -> ${String(after[k] || 0).padStart(4)}  ${k}`);
let worse = 0;
for (const [f, [d, p, e]] of Object.entries(a.perFile)) {
  const [, , e0] = b.perFile[f] || [0, 0, 0];
  if (e > e0) { worse++; if (worse <= 10) console.log(`  tsc errors rose in ${f}: ${e0} -> ${e}`); }
}
console.log(`files whose tsc errors rose: ${worse}`);
JS
