# Options shared by bench/side-by-side.sh and bench/profile-step.sh (sourced; set the defaults first):
# --reference DIR --config FILE --threads N --steps N --rounds N --local-only --frames N --gt N --batch N --cached-masks
# --convolution-precision float32|bfloat16.
# Sets reference, config, threads, steps, rounds, common (the options both implementations' step benchmarks take)
# and ours_only (options of our benchmark alone, which the authors' code has no counterpart of: --cached-masks, the
# local step on cached frozen masks; --convolution-precision bfloat16, convolutions in bfloat16).
parse_step_args() {
  local script="$1"; shift
  common=() ours_only=()
  while [ $# -gt 0 ]; do
    case "$1" in
      --reference) reference="$2"; shift 2 ;;
      --config) config="$2"; shift 2 ;;
      --threads) threads="$2"; shift 2 ;;
      --steps) steps="$2"; shift 2 ;;
      --rounds) rounds="$2"; shift 2 ;;
      --local-only) common+=(--local-only); shift ;;
      --cached-masks) ours_only+=(--cached-masks); shift ;;
      --convolution-precision) ours_only+=("$1" "$2"); shift 2 ;;
      --frames|--gt|--batch) common+=("$1" "$2"); shift 2 ;;
      *) echo "$script: unknown option $1 (see the header of bench/$script.sh)" >&2; exit 2 ;;
    esac
  done
  [ -n "$reference" ] || { echo "$script: --reference DIR (a checkout of github.com/Araachie/glass) is required" >&2; exit 2; }
  [ -f "$config" ] || { echo "$script: $config: config not found (--config)" >&2; exit 2; }
  /usr/bin/python3 -c "import torch" 2>/dev/null || { echo "$script: the authors' code needs PyTorch: apt install python3-torch" >&2; exit 2; }
}
