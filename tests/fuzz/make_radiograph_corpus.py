#!/usr/bin/python3
"""Writes the seed corpus of FuzzRadiograph (tests/fuzz/corpus/radiograph/) as other tools write
X-rays: pydicom (MONOCHROME1 / MONOCHROME2, 8 / 12 / 16 bits, signed, implicit and explicit VR,
rescaled, multi-frame, colour) and PIL (8 / 16-bit grey, RGB and palette PNG, grey and RGB JPEG).

  /usr/bin/python3 tests/fuzz/make_radiograph_corpus.py

Needs python3-pydicom, python3-pil and python3-numpy. The output is committed (small files: the
fuzzer's -max_len is 64 KiB); re-run only to refresh it.
"""
import pathlib

import numpy as np
import pydicom
from PIL import Image
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.uid import ExplicitVRLittleEndian, ImplicitVRLittleEndian, generate_uid

out = pathlib.Path(__file__).resolve().parent / "corpus" / "radiograph"
out.mkdir(parents=True, exist_ok=True)
rng = np.random.default_rng(11)


def dicom(name, pixels, photometric="MONOCHROME2", bits_stored=None, signed=False,
          syntax=ExplicitVRLittleEndian, frames=1, samples=1, extra=None):
    meta = FileMetaDataset()
    meta.TransferSyntaxUID = syntax
    meta.MediaStorageSOPClassUID = "1.2.840.10008.5.1.4.1.1.1.1"  # digital X-ray
    meta.MediaStorageSOPInstanceUID = generate_uid()
    ds = Dataset()
    ds.file_meta = meta
    ds.preamble = b"\0" * 128
    ds.is_little_endian = True
    ds.is_implicit_VR = syntax == ImplicitVRLittleEndian
    ds.SOPClassUID = meta.MediaStorageSOPClassUID
    ds.SOPInstanceUID = meta.MediaStorageSOPInstanceUID
    ds.Modality = "DX"
    ds.Rows, ds.Columns = pixels.shape[-2] if samples == 1 else pixels.shape[-3], \
        pixels.shape[-1] if samples == 1 else pixels.shape[-2]
    ds.SamplesPerPixel = samples
    ds.PhotometricInterpretation = photometric
    if samples > 1:
        ds.PlanarConfiguration = 0
    bits = pixels.dtype.itemsize * 8
    ds.BitsAllocated = bits
    ds.BitsStored = bits_stored or bits
    ds.HighBit = ds.BitsStored - 1
    ds.PixelRepresentation = 1 if signed else 0
    if frames > 1:
        ds.NumberOfFrames = frames
    ds.StudyDate = "20240101"
    ds.AcquisitionDate = "20240105"
    ds.ImagerPixelSpacing = [0.15, 0.15]
    for key, value in (extra or {}).items():
        setattr(ds, key, value)
    ds.PixelData = pixels.tobytes()
    ds.save_as(out / name, write_like_original=False)


grey16 = (rng.random((16, 12)) * 4095).astype(np.uint16)
dicom("m1_12bit.dcm", grey16, "MONOCHROME1", bits_stored=12,
      extra={"WindowCenter": "2000", "WindowWidth": "3000"})
dicom("m2_16bit_rescaled.dcm", grey16, extra={"RescaleSlope": "0.5", "RescaleIntercept": "-1024"})
dicom("m2_signed.dcm", (grey16.astype(np.int16) - 2048), signed=True)
dicom("m2_8bit_implicit", (grey16 // 16).astype(np.uint8), syntax=ImplicitVRLittleEndian)
dicom("frames3.dcm", np.stack([grey16] * 3), frames=3)
dicom("rgb.dcm", rng.integers(0, 255, (8, 8, 3), dtype=np.uint8), "RGB", samples=3)

grey8 = (rng.random((16, 12)) * 255).astype(np.uint8)
Image.fromarray(grey8).save(out / "grey8.png")
Image.fromarray((grey16 * 16).astype(np.uint16)).save(out / "grey16.png")
Image.fromarray(rng.integers(0, 255, (12, 10, 3), dtype=np.uint8)).save(out / "rgb.png")
Image.fromarray(grey8).convert("P").save(out / "palette.png")
Image.fromarray(grey8).save(out / "grey.jpg", quality=90)
Image.fromarray(rng.integers(0, 255, (12, 10, 3), dtype=np.uint8)).save(out / "rgb.jpg", quality=80)
Image.fromarray(grey8).save(out / "progressive.jpg", quality=90, progressive=True)
print("corpus written to", out)
