#!/usr/bin/python3
"""Draws docs/images/learning-*.png: baseline | follow-up | predicted | ground-truth difference for a
few held-out pairs, from the folder `longmim predict --data` wrote. Development tool (python3-nibabel
and python3-matplotlib from Debian), not part of the product.

    learning_figure.py DATA_DIR PREDICTIONS_DIR OUT.png [CASE ...]
"""
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import nibabel as nib  # noqa: E402
import numpy as np  # noqa: E402


def load(path):
    return np.asarray(nib.load(path).get_fdata(), dtype=np.float32)


def minmax(a):
    lo, hi = float(a.min()), float(a.max())
    return (a - lo) / (hi - lo) if hi > lo else np.zeros_like(a)


def main():
    data, predictions, out = sys.argv[1:4]
    cases = sys.argv[4:] or ["case_000/pair_000", "case_001/pair_000", "case_002/pair_000"]
    fig, axes = plt.subplots(len(cases), 4, figsize=(10, 2.6 * len(cases)), squeeze=False)
    for row, case in enumerate(cases):
        prior = minmax(load(f"{data}/{case}/prior.nii.gz"))
        current = minmax(load(f"{data}/{case}/current.nii.gz"))
        truth = load(f"{data}/{case}/diff_map.nii.gz")
        pred = load(f"{predictions}/{case}/prediction.nii.gz")
        limit = max(0.05, float(np.percentile(np.abs(np.concatenate([truth, pred])), 99.5)))
        for col, (image, title, cmap, lim) in enumerate(
            [(prior, "baseline", "gray", None), (current, "follow-up", "gray", None),
             (pred, "predicted difference", "RdBu_r", limit),
             (truth, "ground truth", "RdBu_r", limit)]):
            ax = axes[row][col]
            if lim is None:
                ax.imshow(image, cmap=cmap)
            else:
                ax.imshow(image, cmap=cmap, vmin=-lim, vmax=lim)
            ax.set_xticks([])
            ax.set_yticks([])
            if row == 0:
                ax.set_title(title, fontsize=10)
        r = np.corrcoef(pred.ravel(), truth.ravel())[0, 1]
        axes[row][0].set_ylabel(f"{case}\nr = {r:.2f}", fontsize=8)
    fig.tight_layout()
    fig.savefig(out, dpi=90)


if __name__ == "__main__":
    main()
