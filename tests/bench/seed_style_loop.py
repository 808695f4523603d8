#!/usr/bin/python3
"""The seed's sequential Python training loop, for tests/bench/bench_vs_python.

One process, no DataLoader workers: for each epoch, for each batch of training pairs, nibabel
load, per-image min-max of prior and current (the diff map as stored), resize only when a file
is not IMG_SIZE, forward, loss, backward, gradient accumulation over UPDATE_EVERY_BATCHES
batches, AdamW + OneCycleLR (beta1 cycled). No augmentation, no validation.

The model is the public reference's LongitudinalMIMModelBig, written here from its description
(/work/shared/reference/longitudinal_mim_reference.md) with the module and parameter names of
the C++ `reference` model (core/model/ReferenceModel.cpp): at the paper size both have
110,887,538 parameters and 287 state-dict keys. The loss is the C++ trainer's, not the seed's
(core/loss/LossComposer.cpp, core/train/Trainer.cpp): USE_L1 gives LAMBDA_L1_ALL x mean|p - t|
plus LAMBDA_L1_MASKED x the mean over |t| > CHANGE_THRESHOLD, USE_L2 gives LAMBDA_L2 x MSE, and
each batch's total is divided by the size of its accumulation group.

  /usr/bin/python3 tests/bench/seed_style_loop.py --data DIR [--img-size 512] [--epochs 10] ...
  /usr/bin/python3 tests/bench/seed_style_loop.py --count-only   # the parameter count, no data

Prints `parameters: N (K state-dict keys)`, then `epoch E: S.SS s` per epoch (the training loop
only, data loading included, checkpoint writing not) and `peak RSS: M MB` at the end.
"""

import argparse
import math
import os
import random
import resource
import sys
import time

import nibabel as nib
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

# --------------------------------------------------------------------------------------------
# The reference model (paper size)

BN_EPS = 1e-5
BN_MOMENTUM = 0.08  # depthwise and projection norms; the expansion norm keeps PyTorch's 0.1

# EfficientNet-B7 blocks 0, 4, 11, 18, 28, 38, 51, 52: (in, out, stride, expand, kernel, residual)
REFERENCE_BLOCKS = [
    (64, 32, 1, 1, 3, False),
    (32, 48, 2, 6, 3, False),
    (48, 80, 2, 6, 5, False),
    (80, 160, 2, 6, 3, False),
    (160, 224, 1, 6, 5, False),
    (224, 384, 2, 6, 5, False),
    (384, 640, 1, 6, 3, False),
    (640, 640, 1, 6, 3, True),
]
BLOCK52_DROP = 0.2 * 52 / 55


def groups_for(channels, wanted):
    """Largest divisor of `channels` not above `wanted`."""
    for g in range(min(wanted, channels), 1, -1):
        if channels % g == 0:
            return g
    return 1


class ChannelExpansionLayer(nn.Module):
    def __init__(self, cin, cout, kernel):
        super().__init__()
        self.conv = nn.Conv2d(cin, cout, kernel, padding="same", bias=False)
        self.norm = nn.GroupNorm(min(cout, 32), cout)

    def forward(self, x):
        return F.silu(self.norm(self.conv(x)))


class ChannelExpansionBlock(nn.Module):
    def __init__(self, cin, mid, cout):
        super().__init__()
        self.expansion_layer1 = ChannelExpansionLayer(cin, mid, 7)
        self.expansion_layer2 = ChannelExpansionLayer(mid, cout, 3)

    def forward(self, x):
        return self.expansion_layer2(self.expansion_layer1(x))


class ExpansionLayer(nn.Module):
    def __init__(self, cin, cout):
        super().__init__()
        self.expand_conv = nn.Conv2d(cin, cout, 1, bias=False)
        self.expand_bn = nn.BatchNorm2d(cout, eps=BN_EPS)


class DepthwiseLayer(nn.Module):
    def __init__(self, channels, kernel, stride):
        super().__init__()
        self.depthwise_conv = nn.Conv2d(channels, channels, kernel, stride=stride,
                                        padding="same" if stride == 1 else 0,
                                        groups=channels, bias=False)
        self.depthwise_norm = nn.BatchNorm2d(channels, eps=BN_EPS, momentum=BN_MOMENTUM)


class SqueezeExcite(nn.Module):
    def __init__(self, channels, squeezed):
        super().__init__()
        self.reduce = nn.Conv2d(channels, squeezed, 1)
        self.expand = nn.Conv2d(squeezed, channels, 1)

    def forward(self, x):
        s = F.adaptive_avg_pool2d(x, 1)
        return x * torch.sigmoid(self.expand(F.silu(self.reduce(s))))


class ProjectionLayer(nn.Module):
    def __init__(self, cin, cout):
        super().__init__()
        self.project_conv = nn.Conv2d(cin, cout, 1, bias=False)
        self.project_bn = nn.BatchNorm2d(cout, eps=BN_EPS, momentum=BN_MOMENTUM)


class MBConvBlock(nn.Module):
    def __init__(self, cin, cout, stride, expand, kernel, residual):
        super().__init__()
        self.stride, self.kernel, self.residual = stride, kernel, residual
        expanded = cin * expand
        if expand != 1:
            self.expansion = ExpansionLayer(cin, expanded)
        else:
            self.expansion = None
        self.depthwise_conv = DepthwiseLayer(expanded, kernel, stride)
        self.squeeze_excite = SqueezeExcite(expanded, max(1, int(cin * 0.25)))
        self.projection = ProjectionLayer(expanded, cout)
        self.drop = nn.Dropout(BLOCK52_DROP) if residual else None

    def forward(self, x):
        h = x
        if self.expansion is not None:
            h = F.silu(self.expansion.expand_bn(self.expansion.expand_conv(h)))
        if self.stride == 2:
            k = self.kernel // 2
            h = F.pad(h, (k - 1, k, k - 1, k))  # left, right, top, bottom, then a 'valid' conv
        d = self.depthwise_conv
        h = F.silu(d.depthwise_norm(d.depthwise_conv(h)))
        h = self.squeeze_excite(h)
        h = self.projection.project_bn(self.projection.project_conv(h))
        if self.residual:
            h = self.drop(h) + x
        return h


class EfficientNetMiniEncoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.input_expansion_block = ChannelExpansionBlock(1, 8, 64)
        self.blocks = nn.Sequential(*[MBConvBlock(*b) for b in REFERENCE_BLOCKS])

    def forward(self, x):
        return F.silu(self.blocks(self.input_expansion_block(x)))


class ConvBlockBranch(nn.Module):
    def __init__(self, channels, groups):
        super().__init__()
        self.conv_block = nn.Sequential(
            nn.Conv2d(channels, channels, 3, padding="same", bias=False),
            nn.GroupNorm(groups, channels), nn.ReLU(),
            nn.Conv2d(channels, channels, 3, padding="same", bias=False),
            nn.GroupNorm(groups, channels))

    def forward(self, x):
        return F.relu(self.conv_block(x) + x)


class SamplingConvBlock(nn.Module):
    def __init__(self, kernel, cin, cout, groups):
        super().__init__()
        self.sampling = nn.ConvTranspose2d(cin, cout, kernel, stride=kernel, bias=False)
        self.norm = nn.GroupNorm(groups, cout)

    def forward(self, x):
        return F.relu(self.norm(self.sampling(x)))


class DecoderBlock(nn.Module):
    def __init__(self, cin, cout, deconv_kernel, conv_kernel, groups):
        super().__init__()
        mid = (cin + cout) // 2
        self.deconv = nn.ConvTranspose2d(cin, mid, deconv_kernel, stride=deconv_kernel,
                                         bias=False)
        self.norm1 = nn.GroupNorm(groups_for(mid, groups), mid)
        self.conv = nn.Conv2d(mid, cout, conv_kernel, padding="same", bias=False)
        self.norm2 = nn.GroupNorm(groups_for(cout, groups), cout)

    def forward(self, x):
        return F.relu(self.norm2(self.conv(F.relu(self.norm1(self.deconv(x))))))


class Decoder6(nn.Module):
    def __init__(self, features=640, widths=(512, 384, 256, 128, 64), groups=16):
        super().__init__()
        ins = (features,) + tuple(widths[:4])
        deconv = (2, 2, 1, 2, 2)  # stage 3 keeps the resolution
        kernel = (3, 3, 5, 3, 3)
        stages = [DecoderBlock(ins[i], widths[i], deconv[i], kernel[i], groups) for i in range(5)]
        self.decoder_blocks = nn.Sequential(
            *stages, nn.Conv2d(widths[4], 1, 3, padding="same", bias=False),
            nn.GroupNorm(1, 1), nn.Tanh())

    def forward(self, x):
        return self.decoder_blocks(x)


def conv_stack(channels=640, depth=3, groups=32):
    return nn.Sequential(*[ConvBlockBranch(channels, groups_for(channels, groups))
                           for _ in range(depth)])


class ReferenceModel(nn.Module):
    """LongitudinalMIMModelBig(use_mask_token=False, dec=6, use_pos_embed=False)."""

    def __init__(self, dropout=0.1):
        super().__init__()
        self.encoder = EfficientNetMiniEncoder()
        self.dropout = nn.Dropout2d(dropout)
        self.encoded_bn = conv_stack()
        self.encoded_bn2 = conv_stack()
        # Built but never used in forward (the reference keeps it for its state dict).
        self.features_upsampling = nn.Sequential(SamplingConvBlock(1, 768, 704, groups_for(704, 32)),
                                                 SamplingConvBlock(2, 704, 640, groups_for(640, 32)))
        self.diff_processing = conv_stack()
        self.diff_processing2 = conv_stack()
        self.decoder = Decoder6()

    def forward(self, bl, fu):
        b = self.encoded_bn(self.encoder(bl))
        f = self.encoded_bn(self.encoder(fu))
        b2 = self.encoded_bn2(b)
        f2 = self.encoded_bn2(f)
        x = self.dropout(self.diff_processing(f - b))
        x = x + self.dropout(f2 - b2)
        x = self.dropout(self.diff_processing2(x))
        return self.decoder(x)

    def init_weights(self):
        """The reference's INIT_WEIGHTS (the C++ initialiseReferenceStyle + the head's Xavier)."""
        kaiming = lambda w: nn.init.kaiming_normal_(w, a=0.0, mode="fan_in", nonlinearity="relu")
        with torch.no_grad():
            for m in self.modules():
                if isinstance(m, ConvBlockBranch):
                    kaiming(m.conv_block[0].weight)
                    kaiming(m.conv_block[3].weight)
                elif isinstance(m, SamplingConvBlock):
                    kaiming(m.sampling.weight)
                elif isinstance(m, DecoderBlock):
                    kaiming(m.deconv.weight)
                    kaiming(m.conv.weight)
                elif isinstance(m, ChannelExpansionLayer):
                    nn.init.normal_(m.conv.weight, 0.0, 0.02)
                elif isinstance(m, MBConvBlock):
                    for name, p in m.named_parameters():
                        if "_bn." in name or "_norm." in name:
                            continue
                        if name.endswith(".bias"):
                            nn.init.zeros_(p)
                        else:
                            nn.init.normal_(p, 0.0, 0.02)
                if isinstance(m, (nn.GroupNorm, nn.BatchNorm2d)):
                    nn.init.ones_(m.weight)
                    nn.init.zeros_(m.bias)
            nn.init.xavier_uniform_(self.decoder.decoder_blocks[5].weight, gain=5.0 / 3.0)


# --------------------------------------------------------------------------------------------
# Data: the seed's get_DRR_pair and its in-loop normalisation

def find_pairs(root):
    """Folders holding prior.nii.gz, current.nii.gz and diff_map.nii.gz, found recursively."""
    pairs = []
    for folder, _dirs, files in os.walk(root):
        if {"prior.nii.gz", "current.nii.gz", "diff_map.nii.gz"} <= set(files):
            pairs.append(folder)
    return sorted(pairs)


def load_image(path, size):
    # nib.load(p).get_fdata().T[None]: float64 [1, H, W]; the seed's GPU path casts to fp16,
    # on the CPU the model runs in float32.
    x = torch.from_numpy(np.ascontiguousarray(nib.load(path).get_fdata().T)).float()[None]
    if tuple(x.shape[-2:]) != (size, size):
        x = F.interpolate(x[None], size=(size, size), mode="bilinear", align_corners=False)[0]
    return x


def min_max(x):
    """Per-image min-max to [0, 1] over each [1, H, W] of a [B, 1, H, W] batch."""
    lo = x.amin(dim=(1, 2, 3), keepdim=True)
    hi = x.amax(dim=(1, 2, 3), keepdim=True)
    return (x - lo) / (hi - lo).clamp_min(1e-12)


def load_batch(folders, size):
    bl = torch.stack([load_image(os.path.join(f, "prior.nii.gz"), size) for f in folders])
    fu = torch.stack([load_image(os.path.join(f, "current.nii.gz"), size) for f in folders])
    gt = torch.stack([load_image(os.path.join(f, "diff_map.nii.gz"), size) for f in folders])
    return min_max(bl), min_max(fu), gt


# --------------------------------------------------------------------------------------------

def loss_of(pred, gt, args):
    """The C++ LossComposer for USE_L1 / USE_L2 (the other terms are off in the bench)."""
    total = pred.new_zeros(())
    if args.use_l1:
        total = total + args.lambda_l1_all * (pred - gt).abs().mean()
        mask = (gt.abs() > args.change_threshold).to(pred.dtype)
        total = total + args.lambda_l1_masked * ((pred - gt).abs() * mask).sum() / mask.sum().clamp_min(1.0)
    if args.use_l2:
        total = total + args.lambda_l2 * (pred - gt).pow(2).mean()
    return total


def parse_args():
    bool_arg = lambda s: s.lower() in ("1", "true", "yes", "on")
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--data", help="dataset folder (case folders found recursively)")
    p.add_argument("--count-only", action="store_true",
                   help="print the model's parameter count and exit")
    # The paper preset's values (resources/presets/paper.json and the C++ defaults).
    p.add_argument("--img-size", type=int, default=512)
    p.add_argument("--batch-size", type=int, default=4)
    p.add_argument("--update-every", type=int, default=12)
    p.add_argument("--epochs", type=int, default=10)
    p.add_argument("--threads", type=int, default=0, help="0: leave torch's default")
    p.add_argument("--max-lr", type=float, default=6e-4)
    p.add_argument("--weight-decay", type=float, default=1e-2)
    p.add_argument("--pct-start", type=float, default=0.15)
    p.add_argument("--div-factor", type=float, default=25.0)
    p.add_argument("--final-div-factor", type=float, default=1e4)
    p.add_argument("--beta1-max", type=float, default=0.95)
    p.add_argument("--beta1-min", type=float, default=0.85)
    p.add_argument("--beta2", type=float, default=0.999)
    p.add_argument("--adam-eps", type=float, default=1e-8)
    p.add_argument("--dropout", type=float, default=0.1)
    p.add_argument("--use-l1", type=bool_arg, default=True)
    p.add_argument("--use-l2", type=bool_arg, default=True)
    p.add_argument("--lambda-l1-all", type=float, default=1.0)
    p.add_argument("--lambda-l1-masked", type=float, default=1.0)
    p.add_argument("--lambda-l2", type=float, default=1.0)
    p.add_argument("--change-threshold", type=float, default=0.015)
    p.add_argument("--seed", type=int, default=42)
    p.add_argument("--checkpoint", default="",
                   help="write model + optimizer + scheduler state here after every epoch, "
                        "overwriting it (as the seed does); default: none")
    args = p.parse_args()
    if not args.count_only and not args.data:
        p.error("--data is required")
    return args


def main():
    args = parse_args()
    if args.threads > 0:
        torch.set_num_interop_threads(args.threads)  # before any parallel work
        torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    model = ReferenceModel(args.dropout)
    model.init_weights()
    n_params = sum(p.numel() for p in model.parameters())
    print(f"parameters: {n_params} ({len(model.state_dict())} state-dict keys)", flush=True)
    if args.count_only:
        return 0
    if args.img_size % 32 != 0:
        sys.exit("--img-size must be a multiple of 32")

    pairs = find_pairs(args.data)
    if not pairs:
        sys.exit(f"{args.data}: no pair folder with prior, current and diff_map .nii.gz")
    batches = math.ceil(len(pairs) / args.batch_size)
    steps_per_epoch = math.ceil(batches / args.update_every)
    optimizer = torch.optim.AdamW(model.parameters(), lr=args.max_lr,
                                  betas=(args.beta1_max, args.beta2), eps=args.adam_eps,
                                  weight_decay=args.weight_decay)
    scheduler = torch.optim.lr_scheduler.OneCycleLR(
        optimizer, max_lr=args.max_lr, epochs=args.epochs, steps_per_epoch=steps_per_epoch,
        pct_start=args.pct_start, anneal_strategy="cos", cycle_momentum=True,
        base_momentum=args.beta1_min, max_momentum=args.beta1_max,
        div_factor=args.div_factor, final_div_factor=args.final_div_factor)
    print(f"{len(pairs)} pairs, {batches} batches of {args.batch_size} per epoch, "
          f"{steps_per_epoch} optimizer steps per epoch, {torch.get_num_threads()} threads, "
          f"{args.img_size} px", flush=True)

    order = random.Random(args.seed)
    for epoch in range(1, args.epochs + 1):
        model.train()
        start = time.perf_counter()
        shuffled = pairs[:]
        order.shuffle(shuffled)
        optimizer.zero_grad()
        loss_sum = 0.0
        last_lr = float("nan")
        for b in range(batches):
            bl, fu, gt = load_batch(shuffled[b * args.batch_size:(b + 1) * args.batch_size],
                                    args.img_size)
            pred = model(bl, fu)
            loss = loss_of(pred, gt, args)
            group = min(args.update_every, batches - (b // args.update_every) * args.update_every)
            (loss / group).backward()
            loss_sum += loss.item() * bl.shape[0]
            if (b + 1) % args.update_every == 0 or b + 1 == batches:
                last_lr = optimizer.param_groups[0]["lr"]  # the rate this step uses
                optimizer.step()
                optimizer.zero_grad()
                scheduler.step()
        seconds = time.perf_counter() - start
        print(f"epoch {epoch}: {seconds:.2f} s (train loss {loss_sum / len(pairs):.4f}, "
              f"last step's lr {last_lr:.3e})", flush=True)
        if args.checkpoint:
            torch.save({"epoch": epoch, "model_dict": model.state_dict(),
                        "optimizer_dict": optimizer.state_dict(),
                        "lr_scheduler": scheduler.state_dict()}, args.checkpoint)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
    print(f"peak RSS: {peak:.1f} MB", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
