#!/usr/bin/env bash
# Per-function CPU profile of a training step, ours and the authors' code, on the same config and machine:
# `perf record` of each side's step benchmark (the same as bench/side-by-side.sh runs), summed by kind of work by
# bench/perf_profile.py, and oneDNN's own per-kernel times (its verbose log) by bench/onednn_profile.py.
#
#   bench/profile-step.sh --reference DIR [--config configs/wsprites-narrowed.yaml] [--threads 2] [--steps 4]
#                         [--local-only] [--frames 6] [--gt N] [--batch N]
#
# Needs perf (Debian 12: apt install linux-perf) and, for the authors' side, python3-torch. The step figures
# include each side's warm-up step and start-up; the benchmark's own median is printed beside them.
set -euo pipefail
cd "$(dirname "$0")/.."

reference="" config="configs/wsprites-narrowed.yaml" threads=2 steps=4
source bench/step-args.sh
parse_step_args profile-step "$@"
command -v perf >/dev/null || { echo "profile-step: perf is needed: apt install linux-perf" >&2; exit 2; }

dotnet build -c Release bench/Glass.Bench -v quiet -nologo >/dev/null
bench="bench/Glass.Bench/bin/Release/net10.0/Glass.Bench.dll"
cpu="$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | xargs), family $(grep -m1 'cpu family' /proc/cpuinfo | cut -d: -f2 | xargs)"
echo "$(date -u +%F) on $cpu; $config, $threads threads, $steps timed steps + 1 warm-up per side ${common[*]:-}"

log=$(mktemp -d)
trap 'rm -rf "$log"' EXIT
# perf maps name the generated code: oneDNN's kernels (3.x and 2.x variable names) and .NET's methods.
export ONEDNN_JIT_PROFILE=6 DNNL_JIT_PROFILE=6 DOTNET_PerfMapEnabled=1
profile() { # name, command...
  local name="$1"; shift
  perf record -q -F 499 -o "$log/$name.data" -- "$@" > "$log/$name.out" 2>&1 || { cat "$log/$name.out" >&2; exit 1; }
  perf report -i "$log/$name.data" --stdio --no-children --sort dso,sym -F sample,dso,sym 2>/dev/null > "$log/$name.report"
  echo
  echo "== $name: $(grep -o 'seconds per step (median of [0-9]*): .*' "$log/$name.out")"
  python3 bench/perf_profile.py "$log/$name.report" --steps $((steps + 1)) --frequency 499
}
ours=(dotnet "$bench" train --config "$config" --threads "$threads" --steps "$steps" "${common[@]}" "${ours_only[@]}")
theirs=(/usr/bin/python3 bench/reference/time_reference_step.py --reference "$reference" --config "$config"
  --threads "$threads" --steps "$steps" "${common[@]}")
profile ours "${ours[@]}"
profile theirs "${theirs[@]}"

# oneDNN's verbose log: its kernels' own times, without perf's sampling.
for side in ours theirs; do
  declare -n cmd="$side"
  ONEDNN_VERBOSE=profile_exec DNNL_VERBOSE=1 "${cmd[@]}" > "$log/$side.verbose" 2>&1 || { tail -5 "$log/$side.verbose" >&2; exit 1; }
  echo
  echo "== $side, oneDNN verbose:"
  python3 bench/onednn_profile.py "$log/$side.verbose" --steps $((steps + 1))
done
