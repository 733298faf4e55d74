#!/usr/bin/env bash
# Times iac-fix over ../shared/corpus against its own parse-only floor and, when installed,
# cfn-lint and checkov over the same CloudFormation templates. Prints MB/s, files/s, ratios,
# peak memory, scaling at 1x/2x/4x the corpus and start-up time on one small file.
#   scripts/bench-corpus.sh [CORPUS] [CFN_SAMPLE]
# CFN_SAMPLE (default 60) templates are linted by cfn-lint/checkov, which take seconds each;
# iac-fix is timed on the same sample for that ratio.
set -euo pipefail
cd "$(dirname "$0")/.."
corpus=$(realpath "${1:-../shared/corpus}")
sample_size=${2:-60}
cargo build --release --quiet
bin=$PWD/target/release/iac-fix
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Best of 3 wall-clock seconds of a command.
best() {
  local best=""
  for _ in 1 2 3; do
    local t0 t1
    t0=$(date +%s.%N); "$@" >/dev/null 2>&1 || true; t1=$(date +%s.%N)
    best=$(echo "$t0 $t1 $best" | awk '{d=$2-$1; if ($3=="" || d<$3) print d; else print $3}')
  done
  echo "$best"
}
rate() { awk -v n="$1" -v t="$2" 'BEGIN { printf "%.1f", n / t }'; }

files=$(find "$corpus" -type f \( -name '*.ts' -o -name '*.json' -o -name '*.yaml' -o -name '*.yml' \) -not -path '*/node_modules/*' | wc -l)
bytes=$(find "$corpus" -type f \( -name '*.ts' -o -name '*.json' -o -name '*.yaml' -o -name '*.yml' \) -not -path '*/node_modules/*' -printf '%s\n' | awk '{s+=$1} END {print s}')
mb=$(awk -v b="$bytes" 'BEGIN { printf "%.1f", b / 1048576 }')
echo "machine: $(nproc) cores, $(uname -m), $(date -u +%F)"
echo "corpus: $files files, $mb MB"

parse=$(best "$bin" --parse-only "$corpus")
full=$(best "$bin" --dry-run --unsafe "$corpus")
echo
echo "| run | seconds | files/s | MB/s |"
echo "|---|---|---|---|"
echo "| parse only (floor) | $parse | $(rate "$files" "$parse") | $(rate "$mb" "$parse") |"
echo "| iac-fix --dry-run --unsafe | $full | $(rate "$files" "$full") | $(rate "$mb" "$full") |"
echo "full / parse-only: $(awk -v a="$full" -v b="$parse" 'BEGIN { printf "%.2f", a / b }')x (target <= 3x)"

if [ -x /usr/bin/time ]; then
  rss=$( (/usr/bin/time -f '%M' "$bin" --dry-run --unsafe --quiet "$corpus" 2>&1 >/dev/null || true) | tail -1)
  echo "peak RSS: $((rss / 1024)) MB (target < 200 MB)"
fi

echo
echo "scaling (copies of the corpus):"
for n in 1 2 4; do
  dir="$work/x$n"; mkdir -p "$dir"
  for i in $(seq 1 "$n"); do cp -r "$corpus" "$dir/c$i"; done
  t=$(best "$bin" --dry-run --unsafe "$dir")
  echo "  ${n}x: $t s ($(rate "$((files * n))" "$t") files/s)"
  rm -rf "$dir"
done

small=fixtures/kms-alias-split/cfn-alias-name.yaml
t0=$(date +%s.%N); for _ in $(seq 1 50); do "$bin" --dry-run "$small" >/dev/null 2>&1 || true; done; t1=$(date +%s.%N)
echo "start-up, one small file: $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", (b - a) * 1000 / 50 }') ms (target < 20 ms)"

# The same CloudFormation templates for every tool.
mkdir -p "$work/cfn"
i=0
while IFS= read -r f; do
  i=$((i + 1)); cp "$f" "$work/cfn/$i.${f##*.}"
done < <(grep -rlE '"?Resources"?[[:space:]]*:' "$corpus/cfn-yaml" "$corpus/cfn-json" 2>/dev/null | sort | head -n "$sample_size")
echo
echo "CloudFormation sample: $i templates"
ours=$(best "$bin" --dry-run --unsafe "$work/cfn")
echo "  iac-fix: $ours s"
cfn_lint=${CFN_LINT:-$(command -v cfn-lint || echo .oracle/venv/bin/cfn-lint)}
if [ -x "$cfn_lint" ] || command -v "$cfn_lint" >/dev/null 2>&1; then
  t0=$(date +%s.%N); "$cfn_lint" -- "$work"/cfn/* >/dev/null 2>&1 || true; t1=$(date +%s.%N)
  theirs=$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')
  echo "  cfn-lint: $theirs s → iac-fix is $(awk -v a="$theirs" -v b="$ours" 'BEGIN { printf "%.0f", a / b }')x faster (target >= 100x)"
else
  echo "  cfn-lint: not installed (scripts/oracle-install.sh installs it)"
fi
if command -v checkov >/dev/null 2>&1; then
  t0=$(date +%s.%N); checkov --quiet --framework cloudformation -d "$work/cfn" >/dev/null 2>&1 || true; t1=$(date +%s.%N)
  theirs=$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')
  echo "  checkov: $theirs s → iac-fix is $(awk -v a="$theirs" -v b="$ours" 'BEGIN { printf "%.0f", a / b }')x faster"
else
  echo "  checkov: not installed (pip install checkov)"
fi
