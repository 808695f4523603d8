#!/usr/bin/python3
"""Writes the seed corpora of the fuzz targets (tests/fuzz/corpus/*) from real files.

  /usr/bin/python3 tests/fuzz/make_corpus.py RUN_DIR

RUN_DIR is a finished `longmim train` run folder (its training_params.json and one checkpoint are
shrunk to seed size, keeping every key the program writes). NIfTI seeds come from nibabel, state
dicts from Python's torch.save, configurations from resources/presets. Needs python3-nibabel and
python3-torch. The output is committed; re-run only to refresh it.
"""
import json
import pathlib
import sys

import nibabel
import numpy as np
import torch

here = pathlib.Path(__file__).resolve().parent
root = here.parent.parent
run_dir = pathlib.Path(sys.argv[1])
corpus = here / "corpus"

# --- NIfTI: the data types and layouts users' tools write --------------------------------------
nifti = corpus / "nifti"
nifti.mkdir(parents=True, exist_ok=True)
rng = np.random.default_rng(7)
plane = rng.random((8, 6), dtype=np.float32)
nibabel.save(nibabel.Nifti1Image(plane, np.eye(4)), nifti / "float32_2d.nii")
nibabel.save(nibabel.Nifti1Image((plane * 255).astype(np.uint8), np.eye(4)), nifti / "uint8_2d.nii")
scaled = nibabel.Nifti1Image((plane * 1000).astype(np.int16), np.eye(4))
scaled.header.set_slope_inter(0.001, -0.5)
nibabel.save(scaled, nifti / "int16_scaled.nii")
nibabel.save(nibabel.Nifti1Image(plane[:, :, None], np.eye(4)), nifti / "float32_singleton_3d.nii")
nibabel.save(nibabel.Nifti1Image(rng.random((4, 4, 3)).astype(np.float64), np.eye(4)),
             nifti / "float64_3d.nii")
nibabel.save(nibabel.Nifti2Image(plane, np.eye(4)), nifti / "nifti2_float32.nii")
rgb = np.zeros((4, 4), dtype=[("R", "u1"), ("G", "u1"), ("B", "u1")])
nibabel.save(nibabel.Nifti1Image(rgb, np.eye(4)), nifti / "rgb24.nii")
big_endian = nibabel.Nifti1Image(plane.astype(">f4"), np.eye(4))
nibabel.save(big_endian, nifti / "float32_big_endian.nii")

# --- params JSON: presets, and a run's training_params.json with its history cut to 2 epochs ----
params = corpus / "params_json"
params.mkdir(parents=True, exist_ok=True)
for preset in (root / "resources" / "presets").glob("*.json"):
    (params / f"preset_{preset.name}").write_bytes(preset.read_bytes())
run = json.loads((run_dir / "training_params.json").read_text())
history = run.get("history", {})
if isinstance(history.get("epochs"), list):
    history["epochs"] = history["epochs"][:2]
(params / "training_params.json").write_text(json.dumps(run, indent=2) + "\n")
(params / "config_subset.json").write_text(
    json.dumps({"PRESET": "tiny", "LONGITUDINAL_MIM_EPOCHS": 3, "LAMBDA_L1": 0.5}) + "\n")

# --- checkpoints and state dicts -------------------------------------------------------------
checkpoint = corpus / "checkpoint"
checkpoint.mkdir(parents=True, exist_ok=True)
torch.manual_seed(0)
state = {"conv.weight": torch.randn(2, 1, 3, 3), "conv.bias": torch.zeros(2)}
torch.save(state, checkpoint / "state_dict.pt")
torch.save({"model_state_dict": state, "epoch": 3}, checkpoint / "nested_state_dict.pt")
torch.save(state, checkpoint / "state_dict_legacy.pt", _use_new_zipfile_serialization=False)
# A checkpoint of this program, every key kept, tensors cut to the first two parameters.
newest = max(run_dir.glob("longitudinal_mim_epoch_*.pt"), key=lambda p: p.stat().st_mtime)
ours = torch.load(newest, map_location="cpu")
names = list(ours["model_state_dict"].keys())[:2]
ours["model_state_dict"] = {k: ours["model_state_dict"][k][:1].clone() for k in names}
ours["optimizer_state_dict"]["state"] = {
    i: {k: (v[:1].clone() if v.dim() > 0 else v) for k, v in s.items()}
    for i, s in ours["optimizer_state_dict"]["state"].items() if i < 2}
ours["optimizer_state_dict"]["param_groups"][0]["params"] = [0, 1]
ours["history"] = json.dumps({"epochs": []})
torch.save(ours, checkpoint / "longmim_checkpoint_small.pt")
print("corpus written to", corpus)
