#!/usr/bin/env python3
"""Times one training step of the authors' GLASS code on this machine, the way
`bench/Glass.Bench train` times ours: a config (by default the paper's, batch 4 x 6 frames, 5 ground
truth), random clips, perceptual terms with a randomly initialised VGG-19 where their weight is not 0 (no
weights are downloaded). --local-only times the staged local-motion step. The last line is
`seconds per step (median of N): X`, as ours, so bench/side-by-side.sh can put the two side by side.

Needs a checkout of github.com/Araachie/glass and PyTorch (Debian 12: apt install python3-torch).
torchvision, PIL, wandb and tqdm are only imported by parts of that code a step does not use, so
they are replaced by stand-ins here.

    /usr/bin/python3 bench/reference/time_reference_step.py --reference ~/glass [--config configs/wsprites-narrowed.yaml]
        [--batch N] [--frames 6] [--gt N] [--local-only] [--threads 2] [--steps 2]
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


def narrow_masking_network(model, cfg):
    """The authors' masking network has fixed widths (64, 256 x 11 blocks, 64); our configs may set
    others (stem_channels, hidden_channels, num_extra_blocks, decoder_channels): rebuild it at those
    widths from their own blocks, in their layer order."""
    from model.layers import ResidualBlock, UpBlock
    stem, hidden = cfg.get('stem_channels', 64), cfg.get('hidden_channels', 256)
    extra, decoder = cfg.get('num_extra_blocks', 9), cfg.get('decoder_channels', 64)
    if (stem, hidden, extra, decoder) == (64, 256, 9, 64):
        return 'paper widths'
    net = model.masking_network.backbone
    net.conv1 = nn.Conv2d(cfg['in_channels'], stem, kernel_size=(3, 3), stride=(1, 1), padding=(1, 1))
    net.bn1 = nn.BatchNorm2d(stem)
    blocks = [ResidualBlock(stem, hidden, downsample_factor=2), ResidualBlock(hidden, hidden, downsample_factor=2)]
    blocks += [ResidualBlock(hidden, hidden, downsample_factor=1) for _ in range(extra)]
    blocks += [UpBlock(hidden, decoder, scale_factor=2, upscaling_mode='bilinear'), ResidualBlock(decoder, decoder),
               UpBlock(decoder, decoder, scale_factor=2, upscaling_mode='bilinear'), ResidualBlock(decoder, decoder),
               nn.Conv2d(decoder, 1, kernel_size=(3, 3), stride=(1, 1), padding=(1, 1))]
    net.residuals = nn.Sequential(*blocks)
    return f'narrowed: stem {stem}, hidden {hidden} + {extra} extra blocks, decoder {decoder}'


class Zero(nn.Module):
    """A loss term whose weight is 0: the authors' trainer would still compute it (a VGG-19 pass)."""
    def forward(self, *args, **kwargs):
        return torch.zeros(())


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--reference', required=True, help='checkout of github.com/Araachie/glass')
    ap.add_argument('--config', help="a Glass or reference YAML config (default: the reference's configs/wsprites.yaml)")
    ap.add_argument('--batch', type=int, help="clips per step (default: the config's training.batching.batch_size)")
    ap.add_argument('--frames', type=int, default=6)
    ap.add_argument('--gt', type=int, help='teacher-forced frames (default: min(5, frames - 1))')
    ap.add_argument('--local-only', action='store_true',
                    help='staged local-motion step: global-motion networks frozen in eval mode, local losses only')
    ap.add_argument('--threads', type=int, default=2)
    ap.add_argument('--steps', type=int, default=2)
    args = ap.parse_args()
    if not os.path.isfile(os.path.join(args.reference, 'model', 'model.py')):
        sys.exit(f'error: {args.reference}: not a checkout of Araachie/glass (model/model.py missing)')
    config_path = os.path.abspath(args.config or os.path.join(args.reference, 'configs', 'wsprites.yaml'))
    if not os.path.isfile(config_path):
        sys.exit(f'error: {config_path}: config not found (--config)')
    sys.path.insert(0, args.reference)
    stand_ins()
    torch.set_num_threads(args.threads)
    from utils.configuration import Configuration
    from model.model import Model
    from training.trainer import Trainer
    from training import losses as L

    config = Configuration(config_path)
    training = config['training']
    weights = training['loss_weights']
    width, height = config['data']['input_size']
    batch = args.batch or training['batching']['batch_size']
    gt = args.gt if args.gt is not None else min(5, args.frames - 1)
    torch.manual_seed(1)
    model = Model(config['model'])
    masking = narrow_masking_network(model, config['model']['masking_network'])
    model.train()
    # Trainer.calculate_loss on an object holding only the loss modules its __init__ would build.
    trainer = Trainer.__new__(Trainer)
    trainer.config = training
    trainer.reconstruction_loss = L.ReconstructionLoss()
    trainer.background_loss = L.BackgroundShiftLoss()
    trainer.background_perceptual_loss = L.PerceptualLoss() if weights['background_perceptual_loss'] else Zero()
    trainer.foreground_loss = L.ForegroundTransformLoss()
    trainer.binary_mask_loss = L.BinaryMaskLoss()
    trainer.mask_size_loss = L.MaskSizeLoss(training['loss_params']['mask_size'])
    trainer.multiscale_local_reconstruction_loss = L.MultiscaleLoss(L.ReconstructionLoss())
    trainer.multiscale_local_perceptual_loss = (
        L.MultiscaleLoss(L.PerceptualLoss()) if weights['multiscale_local_perceptual_loss'] else Zero())
    trainer.local_state_reconstruction_loss = nn.L1Loss()
    trainer.mask_reconstruction_loss = nn.L1Loss()
    trained = model.parameters()
    if args.local_only:
        # Our staged step's counterpart: global motion frozen (no graph, eval-mode BatchNorm), local motion trained.
        global_nets = [model.masking_network, model.foreground_transform_predictor,
                       model.background_shift_predictor, model.inpainting_network]
        for net in global_nets:
            net.requires_grad_(False)
        trained = model.local_action_separator.parameters()
        local_terms = ['multiscale_global_reconstruction_loss', 'multiscale_local_reconstruction_loss',
                       'multiscale_local_perceptual_loss', 'local_state_reconstruction_loss',
                       'local_action_vq_loss', 'mask_reconstruction_loss']
        training['loss_weights'] = {k: (v if k in local_terms else 0.0) for k, v in weights.items()}
    optimizer = torch.optim.Adam(trained, lr=1e-4)
    params = sum(p.numel() for p in model.parameters())
    print(f'reference model ({os.path.basename(config_path)}, masking network {masking}): {params:,} parameters, '
          f'torch {torch.__version__}, {torch.get_num_threads()} threads, batch {batch} x {args.frames} frames '
          f'({gt} ground truth) at {width}x{height}, {"local-motion-only step" if args.local_only else "full step"}, '
          f'perceptual {"on (random VGG)" if weights["background_perceptual_loss"] or weights["multiscale_local_perceptual_loss"] else "off"}',
          flush=True)

    times = []
    for step in range(args.steps + 1):  # step 0 warms up
        x = torch.rand(batch, args.frames, 3, height, width) * 2 - 1
        if args.local_only:
            model.train()
            for net in global_nets:
                net.eval()
        t0 = time.perf_counter()
        out = model(x, path='main', num_ground_truth_observations=gt, gumbel_temperature=0.4)
        t1 = time.perf_counter()
        loss, _ = trainer.calculate_loss(out, 'full')
        loss.item()
        t2 = time.perf_counter()
        model.zero_grad()
        loss.backward()
        t3 = time.perf_counter()
        optimizer.step()
        t4 = time.perf_counter()
        print(f'step {step}: {t4 - t0:.3f} s = forward {t1 - t0:.3f} + losses {t2 - t1:.3f} + backward {t3 - t2:.3f} + optimizer {t4 - t3:.3f}', flush=True)
        if step > 0:
            times.append((t4 - t0, t1 - t0, t2 - t1, t3 - t2, t4 - t3))
    med = lambda i: statistics.median(t[i] for t in times)
    print(f'peak resident memory: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:,.0f} MiB')
    print(f'seconds per step (median of {len(times)}): {med(0):.3f}  = forward {med(1):.3f} + losses {med(2):.3f} '
          f'+ backward {med(3):.3f} + optimizer {med(4):.3f}')


if __name__ == '__main__':
    main()
