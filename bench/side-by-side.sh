#!/usr/bin/env bash
# Times one training step of Glass and of the authors' code on this machine, alternately, on the same
# config, batch and thread count, and prints the ratio (ours / theirs). Both sides print their last line as
# `seconds per step (median of N): X`.
#
#   bench/side-by-side.sh --reference DIR [--config configs/wsprites-narrowed.yaml] [--threads 2]
#                         [--steps 5] [--rounds 2] [--local-only [--cached-masks]] [--frames 6] [--gt N] [--batch N]
#                         [--convolution-precision float32|bfloat16]
#
# DIR is a checkout of github.com/Araachie/glass; the authors' code needs PyTorch (Debian 12:
# apt install python3-torch). Compare only figures from one run: the CPU and its load change between runs.
set -euo pipefail
cd "$(dirname "$0")/.."

reference="" config="configs/wsprites-narrowed.yaml" threads=2 steps=5 rounds=2
source bench/step-args.sh
parse_step_args side-by-side "$@"

dotnet build -c Release bench/Glass.Bench -v quiet -nologo >/dev/null
bench="bench/Glass.Bench/bin/Release/net10.0/Glass.Bench.dll"
cpu="$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | xargs), family $(grep -m1 'cpu family' /proc/cpuinfo | cut -d: -f2 | xargs)"
echo "$(date -u +%F) on $cpu; $config, $threads threads, $steps timed steps per side, $rounds rounds ${common[*]:-} ${ours_only[*]:-}"

per_step() { grep -o 'seconds per step (median of [0-9]*): [0-9.]*' "$1" | awk '{print $NF}'; }
log=$(mktemp -d)
ratios=()
for round in $(seq 1 "$rounds"); do
  dotnet "$bench" train --config "$config" --threads "$threads" --steps "$steps" "${common[@]}" "${ours_only[@]}" > "$log/ours" 2>&1 \
    || { cat "$log/ours" >&2; exit 1; }
  /usr/bin/python3 bench/reference/time_reference_step.py --reference "$reference" --config "$config" \
    --threads "$threads" --steps "$steps" "${common[@]}" > "$log/theirs" 2>&1 || { cat "$log/theirs" >&2; exit 1; }
  ours=$(per_step "$log/ours") theirs=$(per_step "$log/theirs")
  ratio=$(awk -v a="$ours" -v b="$theirs" 'BEGIN { printf "%.2f", a / b }')
  ratios+=("$ratio")
  echo "round $round: ours $(tail -n1 "$log/ours" | sed 's/^seconds per step //')"
  echo "         theirs $(tail -n1 "$log/theirs" | sed 's/^seconds per step //')"
  echo "         peak memory: ours $(grep -o 'peak resident memory: .*' "$log/ours" | cut -d: -f2 | xargs), theirs $(grep -o 'peak resident memory: .*' "$log/theirs" | cut -d: -f2 | xargs); ratio $ratio"
done
rm -rf "$log"
echo "ours / theirs per round: ${ratios[*]}"
