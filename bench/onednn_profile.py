#!/usr/bin/env python3
"""Per-kernel profile of a training step from oneDNN's own log (ONEDNN_VERBOSE=profile_exec, DNNL_VERBOSE=1).

Both implementations run their convolutions (and the weight reorders around them) through oneDNN, so the same
log line gives the same figure for ours and for the authors' code: which kernel ran on which shape, and for how
long. Usage: python3 bench/onednn_profile.py LOG --steps N [--top K]; N = the steps the log holds (warm-up
included). Prints milliseconds per step by kernel kind and the K most expensive problems, then the share of the
step's time spent inside oneDNN (the step time is read from the benchmark's `seconds per step` line).
"""
import argparse, collections, re, sys


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('log')
    ap.add_argument('--steps', type=int, required=True, help='steps in the log, warm-up included')
    ap.add_argument('--top', type=int, default=8)
    args = ap.parse_args()
    by_kind, by_problem = collections.Counter(), collections.Counter()
    step_seconds = None
    with open(args.log, errors='replace') as f:
        for line in f:
            if line.startswith('seconds per step'):
                step_seconds = float(re.search(r':\s*([0-9.]+)', line).group(1))
            # oneDNN 3.x: onednn_verbose,v1,primitive,exec,cpu,KIND,IMPL,PROP,MDS,ATTR,AUX,PROBLEM,TIME
            # oneDNN 2.x: dnnl_verbose,exec,cpu,KIND,IMPL,PROP,MDS,ATTR,AUX,PROBLEM,TIME
            if not (line.startswith('onednn_verbose') or line.startswith('dnnl_verbose')) or ',exec,' not in line:
                continue
            fields = line.rstrip('\n').split(',')
            start = fields.index('exec')
            kind, impl, prop = fields[start + 2], fields[start + 3], fields[start + 4]
            problem, ms = fields[-2], float(fields[-1])
            key = kind if kind == 'reorder' else f'{kind} {prop}'
            by_kind[key] += ms
            by_problem[f'{key} {problem} [{impl}]'] += ms
    if not by_kind:
        sys.exit(f'error: {args.log}: no oneDNN exec lines; run the step with ONEDNN_VERBOSE=profile_exec DNNL_VERBOSE=1')
    total = sum(by_kind.values()) / args.steps
    print(f'oneDNN time per step: {total:.0f} ms')
    for key, ms in by_kind.most_common():
        print(f'  {key:<40} {ms / args.steps:8.0f} ms')
    print(f'most expensive problems (ms per step):')
    for key, ms in by_problem.most_common(args.top):
        print(f'  {ms / args.steps:8.0f}  {key}')
    if step_seconds:
        print(f'step {step_seconds * 1000:.0f} ms (median), of which inside oneDNN about {100 * total / (step_seconds * 1000):.0f}%')


if __name__ == '__main__':
    main()
