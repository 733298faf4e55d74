#!/usr/bin/env bash
# Times iac-fix over ../shared/corpus against its own parse-only floor and, when installed,
# cfn-lint and checkov over the same CloudFormation templates. Prints, per flavor slice (40
# files each), the fixtures and generated large stacks: CPU seconds of parse-only and of a
# fix run and their ratio, and, when valgrind is installed, the same in instructions
# (callgrind, one thread: exact where CPU time on a loaded machine is not); for the whole
# corpus files/s, MB/s, the fix/parse ratio and peak memory; the cfn-lint/iac-fix CPU
# ratio on the same templates; start-up time on one small file. Bounded: a few minutes.
#   scripts/bench-corpus.sh [CORPUS] [CFN_SAMPLE]
# CFN_SAMPLE (default 60) templates are linted by cfn-lint/checkov, which take seconds each;
# iac-fix is timed on the same sample for that ratio. cfn-lint is the pinned one in
# .oracle/venv (scripts/oracle-install.sh) when present, else CFN_LINT or the one on PATH.
# Environment: RUNS (default 3) runs per CPU median; LONG=1 adds the slow parts (thread
# counts, 1x/2x/4x copies of the corpus); BIN=path measures that binary (no build).
set -euo pipefail
cd "$(dirname "$0")/.."
corpus=$(realpath "${1:-../shared/corpus}")
sample_size=${2:-60}
# BIN: a built binary to measure instead of building this checkout's release one.
if [ -n "${BIN:-}" ]; then
  bin=$(realpath "$BIN")
else
  cargo build --release --quiet
  bin=$PWD/target/release/iac-fix
fi
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
runs=${RUNS:-3}
cpu() {
  local out="$work/cpu.txt" n=${RUNS:-$runs}; : >"$out"
  for _ in $(seq 1 "$n"); do
    /usr/bin/time -f '%U %S' -o "$work/one.txt" "$@" >/dev/null 2>&1 || true
    # The last line: a run that exits non-zero (findings) gets a "Command exited…" line first.
    tail -1 "$work/one.txt" | awk '{ print $1 + $2 }' >>"$out"
  done
  sort -g "$out" | awk '{ v[NR] = $1 } END { printf "%.3f", (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }

# Instructions of one run (callgrind, one thread), or "" without valgrind.
have_valgrind=$(command -v valgrind >/dev/null 2>&1 && echo 1 || true)
instr() {
  [ -n "$have_valgrind" ] || return 0
  RAYON_NUM_THREADS=1 valgrind --tool=callgrind --callgrind-out-file="$work/cg.out" "$@" 2>&1 >/dev/null \
    | grep -oP 'Collected : \K[0-9]+' || true
}
giga() { [ -n "$1" ] && awk -v n="$1" 'BEGIN { printf "%.3f G", n / 1e9 }' || echo "n/a"; }

# One folder: "| name | files | parse CPU | fix CPU | ratio | parse instr | fix instr | ratio |".
slice_row() {
  local name=$1 dir=$2 n p f pi="" fx="" ir="n/a"
  n=$(find "$dir" -type f | wc -l)
  p=$(cpu "$bin" --parse-only "$dir")
  f=$(cpu "$bin" --dry-run --unsafe --quiet "$dir")
  pi=$(instr "$bin" --parse-only "$dir")
  fx=$(instr "$bin" --dry-run --unsafe --quiet "$dir")
  [ -n "$pi" ] && [ -n "$fx" ] && ir="$(ratio "$fx" "$pi")x"
  echo "| $name | $n | $p | $f | $(ratio "$f" "$p")x | $(giga "$pi") | $(giga "$fx") | $ir |"
}

files=$(find "$corpus" -type f \( -name '*.ts' -o -name '*.json' -o -name '*.yaml' -o -name '*.yml' \) -not -path '*/node_modules/*' | wc -l)
bytes=$(find "$corpus" -type f \( -name '*.ts' -o -name '*.json' -o -name '*.yaml' -o -name '*.yml' \) -not -path '*/node_modules/*' -printf '%s\n' | awk '{s+=$1} END {print s}')
mb=$(awk -v b="$bytes" 'BEGIN { printf "%.1f", b / 1048576 }')
echo "machine: $(nproc) cores, $(uname -m), $(date -u +%F)"
echo "corpus: $files files, $mb MB"

# One run each (wall, CPU and peak memory from /usr/bin/time): the corpus takes minutes.
timed() { /usr/bin/time -f '%e %U %S %M' -o "$work/t.txt" "$@" >/dev/null 2>&1 || true; tail -1 "$work/t.txt"; }
read -r parse parse_u parse_s _ < <(timed "$bin" --parse-only "$corpus")
read -r full full_u full_s full_rss < <(timed "$bin" --dry-run --unsafe --quiet "$corpus")
parse_cpu=$(awk -v u="$parse_u" -v s="$parse_s" 'BEGIN { printf "%.2f", u + s }')
full_cpu=$(awk -v u="$full_u" -v s="$full_s" 'BEGIN { printf "%.2f", u + s }')
echo
echo "| whole corpus, one run | wall s | CPU s | files/s (wall) | MB/s (wall) |"
echo "|---|---|---|---|---|"
echo "| parse only (floor) | $parse | $parse_cpu | $(rate "$files" "$parse") | $(rate "$mb" "$parse") |"
echo "| iac-fix --dry-run --unsafe | $full | $full_cpu | $(rate "$files" "$full") | $(rate "$mb" "$full") |"
echo "full / parse-only: wall $(ratio "$full" "$parse")x, CPU $(ratio "$full_cpu" "$parse_cpu")x (target <= 3x)"
echo "peak RSS: $((full_rss / 1024)) MB (target < 200 MB)"

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
echo "CPU seconds (user+sys), median of $runs runs; instructions: callgrind, one thread$([ -n "$have_valgrind" ] || echo ' (valgrind not installed: n/a)'):"
echo "| slice | files | parse-only CPU s | fix CPU s | fix/parse CPU | parse-only instr | fix instr | fix/parse instr |"
echo "|---|---|---|---|---|---|---|---|"
for s in cdk-ts cdktf-ts cfn-json cfn-yaml fixtures large; do
  [ -n "$(ls -A "$slices/$s")" ] && slice_row "$s" "$slices/$s"
done
# The whole corpus: the one-run table above (RUNS medians of it take too long here).

if [ "${LONG:-0}" = 1 ]; then
  for threads in 2 16; do
    echo "RAYON_NUM_THREADS=$threads, whole corpus: wall $(RAYON_NUM_THREADS=$threads best "$bin" --dry-run --unsafe "$corpus") s"
  done
  echo
  echo "scaling (copies of the corpus):"
  for n in 1 2 4; do
    dir="$work/x$n"; mkdir -p "$dir"
    for i in $(seq 1 "$n"); do cp -r "$corpus" "$dir/c$i"; done
    t=$(best "$bin" --dry-run --unsafe "$dir")
    echo "  ${n}x: $t s ($(rate "$((files * n))" "$t") files/s)"
    rm -rf "$dir"
  done
fi

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
ours_cpu=$(cpu "$bin" --dry-run --unsafe "$work/cfn")
echo "  iac-fix: wall $ours s (best of 3), CPU $ours_cpu s (median of $runs)"
# The pinned cfn-lint (scripts/oracle-install.sh) first: the PATH may hold another version.
if [ -x .oracle/venv/bin/cfn-lint ]; then
  cfn_lint=$PWD/.oracle/venv/bin/cfn-lint
else
  cfn_lint=${CFN_LINT:-$(command -v cfn-lint || true)}
fi
if [ -n "$cfn_lint" ] && [ -x "$cfn_lint" ]; then
  echo "  cfn-lint: $cfn_lint ($("$cfn_lint" --version 2>/dev/null | head -1))"
  read -r theirs theirs_u theirs_s _ < <(timed "$cfn_lint" -- "$work"/cfn/*)
  theirs_cpu=$(awk -v u="$theirs_u" -v s="$theirs_s" 'BEGIN { printf "%.2f", u + s }')
  echo "  cfn-lint: wall $theirs s, CPU $theirs_cpu s (one run)"
  echo "  cfn-lint / iac-fix: wall $(awk -v a="$theirs" -v b="$ours" 'BEGIN { printf "%.0f", a / b }')x, CPU $(awk -v a="$theirs_cpu" -v b="$ours_cpu" 'BEGIN { printf "%.0f", a / b }')x (target >= 100x)"
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
