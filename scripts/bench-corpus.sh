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

# Median CPU seconds (user+sys) of RUNS runs of a command: stable where wall time is not
# (a loaded machine), and what a fixer costs whatever the number of cores.
runs=${RUNS:-5}
cpu() {
  local out="$work/cpu.txt" n=${RUNS:-$runs}; : >"$out"
  for _ in $(seq 1 "$n"); do
    /usr/bin/time -f '%U %S' -o "$work/one.txt" "$@" >/dev/null 2>&1 || true
    awk '{ print $1 + $2 }' "$work/one.txt" >>"$out"
  done
  sort -g "$out" | awk '{ v[NR] = $1 } END { printf "%.3f", (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }

# fix/parse-only CPU ratio of one folder: "name files parse fix ratio".
slice_row() {
  local name=$1 dir=$2 n p f
  n=$(find "$dir" -type f | wc -l)
  p=$(cpu "$bin" --parse-only "$dir")
  f=$(cpu "$bin" --dry-run --unsafe --quiet "$dir")
  echo "| $name | $n | $p | $f | $(ratio "$f" "$p")x |"
}

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

# Per flavor and per slice (issue 20: fix <= 3x parse-only on every flavor and on any
# 40-file slice, target 2x). Slices: the first 40 `before/` files of each flavor (CDK and
# CDKTF: `lib/` stacks), every flavor's fixtures, and generated large stacks.
slices="$work/slices"
mkdir -p "$slices"/{cdk-ts,cdktf-ts,cfn-json,cfn-yaml,fixtures,large}
for fl in cdk-ts cdktf-ts; do
  i=0
  while IFS= read -r f; do i=$((i + 1)); cp "$f" "$slices/$fl/$i.ts"; done \
    < <(find "$corpus/$fl" -path '*/before/lib/*' -name '*.ts' -not -path '*/lambda/*' 2>/dev/null | sort | head -n 40)
done
for fl in cfn-json cfn-yaml; do
  i=0
  while IFS= read -r f; do i=$((i + 1)); cp "$f" "$slices/$fl/$i.${f##*.}"; done \
    < <(grep -rlE '"?Resources"?[[:space:]]*:' "$corpus/$fl" 2>/dev/null | grep /before/ | sort | head -n 40)
done
find fixtures -type f \( -name '*.ts' -o -name '*.json' -o -name '*.yaml' \) -not -name '*.expected.*' \
  | while IFS= read -r f; do cp "$f" "$slices/fixtures/$(echo "$f" | tr '/' '_')"; done
# One large stack per flavor: the corpus's largest `before/` file of each, repeated.
for fl in cdk-ts cfn-yaml; do
  big=$(find "$corpus/$fl" -path '*/before/*' -type f \( -name '*.ts' -o -name '*.yaml' \) -printf '%s %p\n' 2>/dev/null | sort -rn | head -1 | cut -d' ' -f2-)
  [ -n "$big" ] && for i in 1 2 3 4; do cp "$big" "$slices/large/$fl-$i.${big##*.}"; done
done
echo
echo "CPU seconds (user+sys), median of $runs runs:"
echo "| slice | files | parse-only | fix --dry-run --unsafe | fix/parse |"
echo "|---|---|---|---|---|"
for s in cdk-ts cdktf-ts cfn-json cfn-yaml fixtures large; do
  [ -n "$(ls -A "$slices/$s")" ] && slice_row "$s" "$slices/$s"
done
slice_row "whole corpus" "$corpus"
for threads in 2 16; do
  echo "RAYON_NUM_THREADS=$threads, whole corpus: wall $(RAYON_NUM_THREADS=$threads best "$bin" --dry-run --unsafe "$corpus") s"
done

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
  echo "  cfn-lint: $theirs s → iac-fix is $(awk -v a="$theirs" -v b="$ours" 'BEGIN { printf "%.0f", a / b }')x faster (wall)"
  ours_cpu=$(RUNS=3 cpu "$bin" --dry-run --unsafe "$work/cfn")
  theirs_cpu=$(RUNS=1 cpu "$cfn_lint" -- "$work"/cfn/*)
  echo "  CPU: iac-fix $ours_cpu s, cfn-lint $theirs_cpu s → $(awk -v a="$theirs_cpu" -v b="$ours_cpu" 'BEGIN { printf "%.0f", a / b }')x (target >= 100x)"
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
