#!/usr/bin/env python3
"""Where a training step's CPU time goes, per native function, from a `perf record` of the step.

Reads `perf report --stdio --no-children --sort dso,sym -F sample,dso,sym` (bench/profile-step.sh makes it) and
sums the samples into kinds of work that both implementations share (oneDNN's convolution kernels and reorders,
ATen's BatchNorm and element-wise kernels, copies, the kernel's page faults, malloc, the managed or Python runtime,
OpenMP), then lists the most expensive functions. oneDNN's and .NET's generated code is named through the perf
maps the script asks both to write (ONEDNN_JIT_PROFILE / DNNL_JIT_PROFILE, DOTNET_PerfMapEnabled).
Usage: python3 bench/perf_profile.py REPORT --frequency HZ --steps N [--top K]: HZ = perf record's -F, N = the steps
recorded; figures are CPU-seconds per step (summed over threads, start-up included).
"""
import argparse, collections, re, sys

# First match wins; patterns see "dso sym".
KINDS = [
    ('oneDNN kernel generation (Xbyak)', r'Xbyak'),
    ('oneDNN convolution kernels', r'conv|brgemm|brg_|gemm_.*kernel|jit_avx|jit_uni_(?!reorder)|jit_sse'),
    ('oneDNN reorders (layout changes)', r'reorder|single_blk'),
    ('BatchNorm (ATen)', r'batch_norm'),
    ('grid sampling (ATen)', r'grid_sampler'),
    ('element-wise and reductions (ATen)', r'VectorizedLoop|vectorized_loop|basic_loop|_kernel\(at::TensorIterator|reduce|'
                                           r'sum_kernel|mean_kernel|abs|threshold|leaky_relu|sigmoid|tanh|softmax|'
                                           r'add_kernel|mul_kernel|div_|clamp|where_kernel|lerp|cat|index'),
    ('copies (ATen)', r'copy|contiguous|memmove|memcpy'),
    ('page faults and memory (kernel)', r'^\[kernel'),
    ('malloc / free / memset (libc)', r'libc\.so.*(malloc|free|memset|calloc|realloc|_int_|tcache)'),
    ('pooling (ATen)', r'pool2d|pool_'),
    ('OpenMP', r'libgomp|libiomp|libomp|kmp_'),
    ('start-up (loading, op registration)', r'ld-linux|_dl_|registerDef|torch::jit|Dispatcher::register'),
    ('dispatch and autograd bookkeeping (ATen)', r'c10::|torch::autograd|at::Tensor|TensorImpl|intrusive_ptr|operator new|'
                                                 r'pthread_mutex|__tls_get_addr'),
    ('runtime (.NET / Python)', r'coreclr|clrjit|System\.|\[JIT\] tid.*(\[|::|Glass|TorchSharp)|python|libpython|memfd:doublemapper'),
]


def short_name(sym):
    """A function's name without its arguments, templates and generated-code serial number."""
    sym = sym.replace('(anonymous namespace)::', '')
    if 'function_ref' in sym or 'VectorizedLoop' in sym:  # ATen's element-wise loops: name the kernel inside
        inner = re.search(r'native::(?:\w+::)*?(\w+_kernel\w*)', sym)
        if inner:
            return f'ATen {inner.group(1)}'
    sym = re.split(r'[(<]', sym, maxsplit=1)[0]
    return re.sub(r'\.\d+$', '', sym)[:110]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('report')
    ap.add_argument('--frequency', type=float, required=True, help="perf record's sampling frequency (-F)")
    ap.add_argument('--steps', type=int, default=1, help='steps recorded (to print seconds per step)')
    ap.add_argument('--top', type=int, default=12)
    ap.add_argument('--show-other', action='store_true', help='list the samples no kind matched')
    args = ap.parse_args()
    rows = []
    line_re = re.compile(r'^\s*(\d+)\s+(.*?)\s+\[([.k])\]\s+(.*)$')
    with open(args.report, errors='replace') as f:
        for line in f:
            m = line_re.match(line)
            if m:
                rows.append((int(m.group(1)), m.group(2).strip(), m.group(4).strip()))
    if not rows:
        sys.exit(f'error: {args.report}: no samples; make it with perf report --stdio --no-children --sort dso,sym -F sample,dso,sym')
    total = sum(n for n, _, _ in rows)
    kinds, functions = collections.Counter(), collections.Counter()
    for n, dso, sym in rows:
        text = f'{dso} {sym}'
        kind = next((k for k, pattern in KINDS if re.search(pattern, text)), 'other')
        if kind == 'other' and args.show_other:
            print(f'other: {n} {text[:160]}')
        kinds[kind] += n
        functions[(kind, dso, short_name(sym))] += n
    per_sample = 1 / args.frequency / args.steps
    print(f'{total} samples, {total * per_sample:.2f} CPU-seconds per step; by kind of work:')
    for kind, n in kinds.most_common():
        print(f'  {kind:<42} {n * per_sample:7.3f} s  {100 * n / total:5.1f}%')
    print(f'most expensive functions:')
    for (kind, dso, sym), n in functions.most_common(args.top):
        print(f'  {100 * n / total:5.1f}%  {sym}  [{dso}; {kind}]')


if __name__ == '__main__':
    main()
