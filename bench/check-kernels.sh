#!/usr/bin/env bash
# Checks this CPU's float32 convolution kernels, guarded and with the workaround switched off
# (docs/cpu-kernels.md, "Checking a CPU"):
#
#   bench/check-kernels.sh [--reference ../shared/reference] [--skip-tests]
#
# 1. `glass info --all` at 1 and 2 threads: the CPU, the libtorch build and the self-check of every case.
# 2. `glass analyze` with the authors' checkpoint on the fixture's clips at 1 and 2 threads, guarded and with
#    GLASS_CONVOLUTION_KERNELS=direct, against the authors' local action ids and shifts.
# 3. The kernel tests guarded (they must pass), then Float64AgreementTests and AnalyzeCommandTests with the
#    workaround off: on a CPU with faulty kernels those fail, which shows the tests catch the fault.
# Prints a verdict per part; exits non-zero only if a guarded part fails.
set -uo pipefail
cd "$(dirname "$0")/.."

reference="../shared/reference" skip_tests=0
while [ $# -gt 0 ]; do
  case "$1" in
    --reference) reference="$2"; shift 2 ;;
    --skip-tests) skip_tests=1; shift ;;
    *) echo "error: unknown option $1 (use --reference DIR, --skip-tests)" >&2; exit 1 ;;
  esac
done
seed="$reference/wsprites-seed1"
[ -f "$seed/checkpoint.pt" ] || { echo "error: $seed/checkpoint.pt not found; pass --reference with the shared fixtures' folder" >&2; exit 1; }

dotnet build -c Release -v quiet -nologo >/dev/null || { echo "error: dotnet build -c Release failed" >&2; exit 1; }
glass="dotnet src/Glass.Cli/bin/Release/net10.0/Glass.Cli.dll"
echo "$(date -u +%FT%TZ) on $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | xargs), family $(grep -m1 'cpu family' /proc/cpuinfo | cut -d: -f2 | xargs), model $(grep -m1 '^model[[:space:]]*:' /proc/cpuinfo | cut -d: -f2 | xargs)"
failed=0

echo "== 1. glass info"
for t in 1 2; do $glass info --all --threads "$t" || failed=1; done

echo "== 2. glass analyze on $seed against the authors' outputs"
out=$(mktemp -d)
for mode in guarded direct; do
  for t in 1 2; do
    for clip in clip0 clip1; do
      dir="$out/$mode-$t-$clip"
      GLASS_CONVOLUTION_KERNELS=$mode $glass analyze --checkpoint "$seed/checkpoint.pt" --config "$reference/configs/wsprites.yaml" \
        --frames "$seed/$clip" --out "$dir" --threads "$t" >/dev/null 2>"$dir.err" \
        || { echo "  $mode, $t thread(s), $clip: FAILED: $(tail -n1 "$dir.err")"; [ "$mode" = guarded ] && failed=1; continue; }
      verdict=$(python3 - "$seed/$clip/expected_analysis.json" "$dir/analysis.json" <<'EOF'
import json, sys
e, a = (json.load(open(p)) for p in sys.argv[1:3])
shift = max(abs(x - y) for k in ("foreground_shifts", "background_shifts") for p, q in zip(e[k], a[k]) for x, y in zip(p, q))
mask = max(abs(x - y) for x, y in zip(e["mask_mean"], a["mask_mean"]))
same = e["local_actions"] == a["local_actions"]
ok = same and shift < 1e-4 and mask < 1e-4
print(f"{'right' if ok else 'WRONG'}: ids {a['local_actions']} (authors' {e['local_actions']}), max shift error {shift:.2e}, max mask-mean error {mask:.2e}")
EOF
)
      echo "  $mode, $t thread(s), $clip: $verdict"
      [ "$mode" = guarded ] && [[ "$verdict" == WRONG* ]] && failed=1
    done
  done
done
rm -rf "$out"

if [ "$skip_tests" = 0 ]; then
  # The test names, each failure's first message line.
  results() { grep -E "^\s+(Passed|Failed) Glass|float32 differs from float64|shift error|Assert\.\w+\(\) Failure|^\s+(Passed|Failed): " "$1" | cut -c1-220; }
  log=$(mktemp)
  echo "== 3. kernel tests, guarded (must pass)"
  dotnet test -c Release --no-build --logger "console;verbosity=normal" \
    --filter "FullyQualifiedName~Float64AgreementTests|FullyQualifiedName~ConvolutionSelfCheckTests|FullyQualifiedName~AnalyzeCommandTests|FullyQualifiedName~ReferenceParityTests" \
    >"$log" 2>&1 || failed=1
  results "$log"
  echo "== 3b. the same float64 and fixture tests with GLASS_CONVOLUTION_KERNELS=direct (they fail on a CPU with faulty kernels)"
  GLASS_CONVOLUTION_KERNELS=direct dotnet test -c Release --no-build --logger "console;verbosity=normal" \
    --filter "FullyQualifiedName~Float64AgreementTests|FullyQualifiedName~AnalyzeCommandTests.MatchesTheReference" >"$log" 2>&1 \
    && echo "  all passed: the direct kernels are right on this CPU" || echo "  some FAILED: the direct kernels are wrong on this CPU, and the tests catch it"
  results "$log"
  rm -f "$log"
fi

[ "$failed" = 0 ] && echo "verdict: the guarded kernels are right on this CPU" || echo "verdict: a GUARDED part failed (above)"
exit "$failed"
