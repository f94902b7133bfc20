#!/usr/bin/env python3
"""Times one training step of the authors' GLASS code on this machine, the way
`bench/Glass.Bench train` times ours: paper config, batch 4 x 6 frames, 5 ground truth, random
clips, both perceptual terms on with a randomly initialised VGG-19 (no weights are downloaded).

Needs a checkout of github.com/Araachie/glass and PyTorch (Debian 12: apt install python3-torch).
torchvision, PIL, wandb and tqdm are only imported by parts of that code a step does not use, so
they are replaced by stand-ins here.

    /usr/bin/python3 bench/reference/time_reference_step.py --reference ~/glass [--threads 2] [--steps 2]
"""
import argparse, os, resource, statistics, sys, time, types

import torch
import torch.nn as nn


def stand_ins():
    def vgg19(weights=None):  # torchvision's vgg19().features layout, random weights
        layers, c = [], 3
        for v in [64, 64, 'M', 128, 128, 'M', 256, 256, 256, 256, 'M', 512, 512, 512, 512, 'M', 512, 512, 512, 512, 'M']:
            if v == 'M':
                layers.append(nn.MaxPool2d(2, 2))
            else:
                layers += [nn.Conv2d(c, v, 3, padding=1), nn.ReLU(inplace=True)]
                c = v
        return types.SimpleNamespace(features=nn.Sequential(*layers))

    def module(name, **attrs):
        m = types.ModuleType(name)
        m.__dict__.update(attrs)
        sys.modules[name] = m
        return m

    models = module('torchvision.models', vgg19=vgg19, VGG19_Weights=types.SimpleNamespace(DEFAULT=None))
    module('torchvision', models=models, utils=module('torchvision.utils', make_grid=None))
    module('PIL', Image=module('PIL.Image'))
    module('wandb')
    module('tqdm', tqdm=lambda it, **_: it)
    module('dataset', __path__=[], DatasetSplitter=object, TransformsGenerator=object, VideoDataset=object)
    module('dataset.batching', single_batch_elements_collate_fn=None)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--reference', required=True, help='checkout of github.com/Araachie/glass')
    ap.add_argument('--threads', type=int, default=2)
    ap.add_argument('--steps', type=int, default=2)
    args = ap.parse_args()
    if not os.path.isfile(os.path.join(args.reference, 'model', 'model.py')):
        sys.exit(f'error: {args.reference}: not a checkout of Araachie/glass (model/model.py missing)')
    sys.path.insert(0, args.reference)
    stand_ins()
    torch.set_num_threads(args.threads)
    from utils.configuration import Configuration
    from model.model import Model
    from training.trainer import Trainer
    from training import losses as L

    config = Configuration(os.path.join(args.reference, 'configs', 'wsprites.yaml'))
    training = config['training']
    torch.manual_seed(1)
    model = Model(config['model'])
    model.train()
    # Trainer.calculate_loss on an object holding only the loss modules its __init__ would build.
    trainer = Trainer.__new__(Trainer)
    trainer.config = training
    trainer.reconstruction_loss = L.ReconstructionLoss()
    trainer.background_loss = L.BackgroundShiftLoss()
    trainer.background_perceptual_loss = L.PerceptualLoss()
    trainer.foreground_loss = L.ForegroundTransformLoss()
    trainer.binary_mask_loss = L.BinaryMaskLoss()
    trainer.mask_size_loss = L.MaskSizeLoss(training['loss_params']['mask_size'])
    trainer.multiscale_local_reconstruction_loss = L.MultiscaleLoss(L.ReconstructionLoss())
    trainer.multiscale_local_perceptual_loss = L.MultiscaleLoss(L.PerceptualLoss())
    trainer.local_state_reconstruction_loss = nn.L1Loss()
    trainer.mask_reconstruction_loss = nn.L1Loss()
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-4)
    print(f'reference model: {sum(p.numel() for p in model.parameters()):,} parameters, '
          f'torch {torch.__version__}, {torch.get_num_threads()} threads, batch 4 x 6 frames (5 ground truth) at 128x96', flush=True)

    times = []
    for step in range(args.steps + 1):  # step 0 warms up
        x = torch.rand(4, 6, 3, 96, 128) * 2 - 1
        t0 = time.perf_counter()
        out = model(x, path='main', num_ground_truth_observations=5, gumbel_temperature=0.4)
        t1 = time.perf_counter()
        loss, _ = trainer.calculate_loss(out, 'full')
        loss.item()
        t2 = time.perf_counter()
        model.zero_grad()
        loss.backward()
        t3 = time.perf_counter()
        optimizer.step()
        t4 = time.perf_counter()
        print(f'step {step}: {t4 - t0:.1f} s = forward {t1 - t0:.1f} + losses {t2 - t1:.1f} + backward {t3 - t2:.1f} + optimizer {t4 - t3:.2f}', flush=True)
        if step > 0:
            times.append((t4 - t0, t1 - t0, t2 - t1, t3 - t2))
    med = lambda i: statistics.median(t[i] for t in times)
    print(f'seconds per step (median of {len(times)}): {med(0):.1f} = forward {med(1):.1f} + losses {med(2):.1f} + backward {med(3):.1f}')
    print(f'peak resident memory: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:,.0f} MiB')


if __name__ == '__main__':
    main()
