"""Reading images and masks into the slice convention the engine uses, and preprocessing.

Slice convention (the contract with the TypeScript engine)
----------------------------------------------------------
A volume is a numpy array ``[K, H, W]`` in the file's OWN voxel order, never resampled or
reoriented: ``K`` = slice index k, ``H`` = row index j, ``W`` = column index i.  A 2D network input
is one slice, NCHW, so the network's H axis is the DICOM row direction and W the column direction.

* DICOM series: slices sorted by ImagePositionPatient projected on the slice normal
  (row direction × column direction, ascending), ``pixel_array`` is already ``[rows=j, cols=i]``,
  RescaleSlope/RescaleIntercept applied (CT → HU).
* NIfTI (nibabel array ``[i, j, k]``): slice k is ``arr[:, :, k].T`` → ``(H=j, W=i)``, i.e. the
  volume is ``arr.transpose(2, 1, 0)``.  No RAS/LPS flipping is done: like the engine, we use the
  file's voxel order (the direction matrix only matters for world coordinates).  A RAS-stored
  NIfTI therefore shows the patient flipped left-right and front-back compared with an LPS DICOM
  series; train with flips on both axes (``augment.py``) so the model does not care.
* 2D images (PNG/JPEG/BMP/TIFF via Pillow): ``[H, W]`` (grey) or ``[3, H, W]`` (RGB), one slice.
  Masks are read as grey and thresholded at 128 (JPEG masks are lossy).

Masks that go with a volume must have the same voxel grid and order; :func:`mask_alignment_report`
checks an intensity-based overlay (CT) for flipped labels.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, Iterable, List, Optional, Sequence, Tuple

import numpy as np

IMAGE_EXTENSIONS = (".png", ".jpg", ".jpeg", ".bmp", ".tif", ".tiff")
NIFTI_EXTENSIONS = (".nii", ".nii.gz")


class DataError(ValueError):
    """A problem with the user's data, worded for the user."""


# --------------------------------------------------------------------------- preprocessing

@dataclass
class Preprocessing:
    """The manifest's ``preprocessing``: CT window → [0, 1], then ``x * scale``, then ``(x - mean) / std``."""

    window: Optional[Tuple[float, float]] = None  # (center, width)
    scale: float = 1.0
    mean: List[float] = field(default_factory=lambda: [0.0])
    std: List[float] = field(default_factory=lambda: [1.0])

    def apply(self, x: np.ndarray, channel_axis: int = -3) -> np.ndarray:
        """Preprocesses ``x`` (``[..., C, H, W]``) to float32."""
        y = np.asarray(x, dtype=np.float32)
        if self.window is not None:
            center, width = self.window
            y = np.clip((y - (center - width / 2.0)) / width, 0.0, 1.0)
        if self.scale != 1.0:
            y = y * np.float32(self.scale)
        channels = y.shape[channel_axis]
        if len(self.mean) != channels or len(self.std) != channels:
            raise DataError(f"preprocessing has {len(self.mean)} mean / {len(self.std)} std values "
                            f"but the images have {channels} channel(s)")
        shape = [1] * y.ndim
        shape[channel_axis] = channels
        mean = np.asarray(self.mean, dtype=np.float32).reshape(shape)
        std = np.asarray(self.std, dtype=np.float32).reshape(shape)
        return ((y - mean) / std).astype(np.float32)

    def to_manifest(self) -> Dict:
        out: Dict = {}
        if self.window is not None:
            out["window"] = {"center": float(self.window[0]), "width": float(self.window[1])}
        out.update({"scale": float(self.scale), "mean": [float(v) for v in self.mean],
                    "std": [float(v) for v in self.std]})
        return out

    @classmethod
    def from_manifest(cls, d: Dict) -> "Preprocessing":
        w = d.get("window")
        return cls(window=(float(w["center"]), float(w["width"])) if w else None, scale=float(d.get("scale", 1.0)),
                   mean=[float(v) for v in d.get("mean", [0.0])], std=[float(v) for v in d.get("std", [1.0])])


# --------------------------------------------------------------------------- readers

@dataclass
class Volume:
    """``array``: ``[K, C, H, W]`` float32; ``spacing``: (column i, row j, slice k) in mm."""

    array: np.ndarray
    spacing: Tuple[float, float, float] = (1.0, 1.0, 1.0)
    source: str = ""
    modality: str = ""


def is_nifti(path: Path) -> bool:
    return path.name.lower().endswith(NIFTI_EXTENSIONS)


def is_image_2d(path: Path) -> bool:
    return path.suffix.lower() in IMAGE_EXTENSIONS


def read_nifti(path: str | os.PathLike, dtype=np.float32) -> Tuple[np.ndarray, Tuple[float, float, float]]:
    """Returns ``(array [K, H, W], spacing)`` with ``array[k] == nifti[:, :, k].T`` (scaling applied)."""
    import nibabel as nib

    try:
        img = nib.load(str(path))
    except Exception as exc:  # nibabel raises many types for bad files
        raise DataError(f"cannot read NIfTI {path}: {exc}") from exc
    arr = np.asanyarray(img.dataobj)
    if np.issubdtype(dtype, np.floating):
        arr = img.get_fdata(dtype=np.float32)
    while arr.ndim > 3 and arr.shape[-1] == 1:
        arr = arr[..., 0]
    if arr.ndim == 2:
        arr = arr[:, :, None]
    if arr.ndim != 3:
        raise DataError(f"{path} has shape {arr.shape}; only 2D/3D scalar NIfTI volumes are supported")
    zooms = tuple(float(z) for z in img.header.get_zooms()[:3]) + (1.0,) * max(0, 3 - len(img.header.get_zooms()))
    return np.ascontiguousarray(arr.transpose(2, 1, 0)).astype(dtype, copy=False), zooms[:3]


def _dicom_files(paths: Iterable[Path]) -> list:
    import pydicom
    from pydicom.errors import InvalidDicomError

    datasets = []
    for path in paths:
        if not path.is_file() or path.name.startswith("."):
            continue
        try:
            ds = pydicom.dcmread(str(path))
        except (InvalidDicomError, IsADirectoryError, PermissionError):
            continue
        except Exception as exc:
            raise DataError(f"cannot read DICOM file {path}: {exc}") from exc
        if "PixelData" in ds:
            datasets.append((path, ds))
    return datasets


def _slope_intercept(ds) -> Tuple[float, float]:
    slope, intercept = ds.get("RescaleSlope"), ds.get("RescaleIntercept")
    if slope is None and "SharedFunctionalGroupsSequence" in ds:
        try:
            t = ds.SharedFunctionalGroupsSequence[0].PixelValueTransformationSequence[0]
            slope, intercept = t.RescaleSlope, t.RescaleIntercept
        except (AttributeError, IndexError, KeyError):
            pass
    return float(slope if slope is not None else 1.0), float(intercept if intercept is not None else 0.0)


def read_dicom_series(folder: str | os.PathLike) -> Volume:
    """Reads the largest series in ``folder`` (not recursive; or one DICOM file) as HU (stored × slope + intercept)."""
    folder = Path(folder)
    found = _dicom_files(sorted(folder.iterdir()) if folder.is_dir() else [folder])
    if not found:
        raise DataError(f"no DICOM images found in {folder}")
    series: Dict[str, list] = {}
    for path, ds in found:
        series.setdefault(str(ds.get("SeriesInstanceUID", "")), []).append((path, ds))
    items = max(series.values(), key=len)

    def position(ds) -> float:
        ipp, iop = ds.get("ImagePositionPatient"), ds.get("ImageOrientationPatient")
        if ipp is None or iop is None:
            return float(ds.get("InstanceNumber", 0) or 0)
        normal = np.cross(np.asarray(iop[:3], float), np.asarray(iop[3:], float))
        return float(np.dot(np.asarray(ipp, float), normal))

    items.sort(key=lambda item: position(item[1]))
    slices = []
    for path, ds in items:
        if int(ds.get("SamplesPerPixel", 1)) != 1:
            raise DataError(f"{path} is a colour DICOM image; only greyscale series are supported for training")
        try:
            pixels = ds.pixel_array
        except Exception as exc:
            syntax = getattr(getattr(ds, "file_meta", None), "TransferSyntaxUID", None)
            name = getattr(syntax, "name", str(syntax))
            raise DataError(f"cannot decode the pixels of {path} (transfer syntax {name}): {exc}. "
                            "Install a decoder (python3-gdcm or pylibjpeg) or decompress the series "
                            "first (dcmtk: dcmdjpeg / dcmdrle).") from exc
        slope, intercept = _slope_intercept(ds)
        pixels = pixels.astype(np.float32) * np.float32(slope) + np.float32(intercept)
        slices.extend(pixels if pixels.ndim == 3 else [pixels])
    shapes = {s.shape for s in slices}
    if len(shapes) != 1:
        raise DataError(f"the series in {folder} mixes image sizes {sorted(shapes)}")
    first = items[0][1]
    ps = first.get("PixelSpacing", [1.0, 1.0])
    positions = [position(ds) for _, ds in items]
    dz = float(np.median(np.diff(positions))) if len(positions) > 1 else float(first.get("SliceThickness", 1.0) or 1.0)
    array = np.stack(slices)[:, None]
    return Volume(array=array, spacing=(float(ps[1]), float(ps[0]), abs(dz) or 1.0), source=str(folder),
                  modality=str(first.get("Modality", "")))


def read_image_2d(path: str | os.PathLike, channels: int = 1) -> np.ndarray:
    """``[C, H, W]`` float32 in 0..255 (``channels`` 1 → grey, 3 → RGB)."""
    from PIL import Image

    try:
        with Image.open(path) as im:
            im = im.convert("L" if channels == 1 else "RGB")
            arr = np.asarray(im, dtype=np.float32)
    except Exception as exc:
        raise DataError(f"cannot read image {path}: {exc}") from exc
    return arr[None] if arr.ndim == 2 else arr.transpose(2, 0, 1)


def read_mask_2d(path: str | os.PathLike) -> np.ndarray:
    """``[H, W]`` uint8 label map: grey values ≥ 128 → 1 (masks saved as JPEG are lossy)."""
    from PIL import Image

    try:
        with Image.open(path) as im:
            arr = np.asarray(im.convert("L"))
    except Exception as exc:
        raise DataError(f"cannot read mask {path}: {exc}") from exc
    return (arr >= 128).astype(np.uint8)


def _image_files(folder: Path) -> Dict[str, Path]:
    return {p.stem: p for p in sorted(folder.iterdir()) if p.is_file() and is_image_2d(p)}


def read_volume(path: str | os.PathLike, channels: int = 1) -> Volume:
    """Reads a NIfTI file, a DICOM series folder, a 2D image, or a folder of 2D images (one slice each)."""
    p = Path(path)
    if not p.exists():
        raise DataError(f"{p} does not exist")
    if p.is_dir():
        images = _image_files(p)
        if images:
            arrays = [read_image_2d(f, channels) for f in images.values()]
            if len({a.shape for a in arrays}) == 1:
                return Volume(np.stack(arrays), source=str(p), modality="image")
            raise DataError(f"images in {p} differ in size; use read_image_folder() for per-image slices")
        vol = read_dicom_series(p)
        if channels != 1:
            raise DataError("DICOM series are single-channel; use channels=1")
        return vol
    if is_nifti(p):
        arr, spacing = read_nifti(p)
        return Volume(arr[:, None], spacing=spacing, source=str(p))
    if is_image_2d(p):
        return Volume(read_image_2d(p, channels)[None], source=str(p), modality="image")
    if _looks_like_dicom(p):
        return read_dicom_series(p)
    raise DataError(f"{p}: unsupported format (expected NIfTI .nii/.nii.gz, a DICOM series folder or file, "
                    f"or PNG/JPEG images)")


def _looks_like_dicom(p: Path) -> bool:
    with open(p, "rb") as f:
        head = f.read(132)
    return head[128:132] == b"DICM" or p.suffix.lower() == ".dcm"


def read_mask(path: str | os.PathLike) -> np.ndarray:
    """Reads a label map as ``[K, H, W]`` integers (same slice convention as :func:`read_volume`)."""
    p = Path(path)
    if not p.exists():
        raise DataError(f"{p} does not exist")
    if p.is_dir():
        files = _image_files(p)
        if not files:
            raise DataError(f"no mask images in {p}")
        return np.stack([read_mask_2d(f) for f in files.values()])
    if is_nifti(p):
        arr, _ = read_nifti(p, dtype=np.int32)
        return arr
    if is_image_2d(p):
        return read_mask_2d(p)[None]
    raise DataError(f"{p}: unsupported mask format (expected NIfTI or PNG/JPEG)")


def foreground(mask: np.ndarray, labels: Optional[Sequence[int]] = None) -> np.ndarray:
    """Binary mask: voxels whose label is in ``labels`` (``None`` → any non-zero label)."""
    m = np.asarray(mask)
    if labels is None:
        return m != 0
    return np.isin(m, np.asarray(list(labels)))


# --------------------------------------------------------------------------- slice sets

@dataclass
class SliceSet:
    """Preprocessed slices (``images[n]`` ``[C, H, W]`` float32) and binary masks (``[H, W]`` uint8)."""

    images: List[np.ndarray] = field(default_factory=list)
    masks: List[np.ndarray] = field(default_factory=list)
    sources: List[str] = field(default_factory=list)
    #: Sampling weight per slice (fine-tuning weights human-corrected slices up); 1.0 by default.
    weights: List[float] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.images)

    def extend(self, other: "SliceSet") -> None:
        self.images += other.images
        self.masks += other.masks
        self.sources += other.sources
        self.weights += other.weights or [1.0] * len(other)

    def take(self, indices: Iterable[int]) -> "SliceSet":
        indices = list(indices)
        return SliceSet([self.images[i] for i in indices], [self.masks[i] for i in indices],
                        [self.sources[i] for i in indices], [self.weights[i] for i in indices])


def load_pair(image_path: str | os.PathLike, mask_path: str | os.PathLike, preprocessing: Preprocessing,
              labels: Optional[Sequence[int]] = None, channels: int = 1) -> SliceSet:
    """Loads an image (volume, series, 2D image or 2D folder) and its mask as preprocessed slices.

    For 2D folders, images and masks are paired by file stem (``a.jpg`` ↔ ``a.png``).
    """
    ip, mp = Path(image_path), Path(mask_path)
    out = SliceSet()
    if ip.is_dir() and _image_files(ip):
        images, masks = _image_files(ip), _image_files(mp) if mp.is_dir() else {}
        missing = sorted(set(images) - set(masks))
        if missing:
            raise DataError(f"no mask in {mp} for {len(missing)} image(s), e.g. {missing[:3]}")
        for stem, f in images.items():
            img = read_image_2d(f, channels)
            m = read_mask_2d(masks[stem])
            if m.shape != img.shape[1:]:
                raise DataError(f"{masks[stem]} is {m.shape} but {f} is {img.shape[1:]}")
            out.images.append(preprocessing.apply(img))
            out.masks.append(m)
            out.sources.append(f.name)
        return out
    vol = read_volume(ip, channels)
    mask = read_mask(mp)
    if mask.shape != vol.array.shape[:1] + vol.array.shape[2:]:
        raise DataError(f"mask {mp} has [slices, rows, cols] {list(mask.shape)} but the image {ip} has "
                        f"{[vol.array.shape[0], *vol.array.shape[2:]]}: they must share the voxel grid")
    fg = foreground(mask, labels).astype(np.uint8)
    pre = preprocessing.apply(vol.array)
    name = ip.name
    for k in range(pre.shape[0]):
        out.images.append(pre[k])
        out.masks.append(fg[k])
        out.sources.append(f"{name}[{k}]")
    return out


# --------------------------------------------------------------------------- alignment check

def mask_alignment_report(volume_hu: np.ndarray, mask: np.ndarray, low: float = -100.0,
                          high: float = 300.0) -> Dict:
    """Checks that a CT mask lies on the image as stored, by overlaying it in 5 orientations.

    For each orientation (as is, flipped along W/H/K, flipped along H and W) reports the fraction of
    mask voxels whose HU lie in ``[low, high]`` (soft tissue) and the Dice between that orientation
    of the mask and the mask as is (how distinguishable the orientations are: a value near 1 means
    the overlay cannot tell them apart). ``best`` names the orientation with the most soft tissue;
    it should be ``as-is``.
    """
    v = np.asarray(volume_hu)
    if v.ndim == 4:
        v = v[:, 0]
    m = np.asarray(mask, dtype=bool)
    from .metrics import dice

    variants = {
        "as-is": m,
        "flip-W (left-right)": m[:, :, ::-1],
        "flip-H (up-down)": m[:, ::-1, :],
        "flip-K (slice order)": m[::-1],
        "flip-H+W (180°)": m[:, ::-1, ::-1],
    }
    report = {}
    for name, mv in variants.items():
        values = v[mv]
        report[name] = {
            "softTissueFraction": float(((values >= low) & (values <= high)).mean()) if values.size else 0.0,
            "meanHU": float(values.mean()) if values.size else None,
            "diceWithAsIs": dice(mv, m),
        }
    best = max(report, key=lambda k: report[k]["softTissueFraction"])
    return {"variants": report, "best": best, "aligned": best == "as-is"}


def parse_labels(text: Optional[str]) -> Optional[List[int]]:
    """``"1,2"`` → ``[1, 2]``; ``None``/``""``/``"nonzero"`` → ``None`` (any non-zero label)."""
    if text is None or text.strip() in ("", "nonzero", "any"):
        return None
    return [int(v) for v in text.split(",") if v.strip()]


def describe_sources(paths: Iterable[str | os.PathLike]) -> str:
    """Short description of data paths for provenance (base names only, no absolute paths)."""
    return ", ".join(Path(p).name for p in paths)


# --------------------------------------------------------------------------- fine-tuning datasets

DATASET_FORMAT = "medseg-finetune-dataset/1"


def load_dataset(path: str | os.PathLike, preprocessing: Preprocessing, channels: int = 1) -> Tuple[SliceSet, SliceSet]:
    """Reads a dataset file written by the app's fine-tune job → (train, validation) slice sets.

    ``{"format": "medseg-finetune-dataset/1", "cases": [{"id", "image", "mask", "split":
    "train"|"validation", "sliceWeights": [w per slice]}]}``; paths are relative to the file.
    Masks are binary (any non-zero voxel is foreground).
    """
    import json

    path = Path(path)
    try:
        spec = json.loads(path.read_text())
    except (OSError, ValueError) as exc:
        raise DataError(f"cannot read the dataset {path}: {exc}") from exc
    if spec.get("format") != DATASET_FORMAT:
        raise DataError(f"{path} is not a {DATASET_FORMAT} file")
    sets = {"train": SliceSet(), "validation": SliceSet()}
    for case in spec.get("cases", []):
        split = case.get("split")
        if split not in sets:
            raise DataError(f"case {case.get('id')} has split {split!r}; expected train or validation")
        slices = load_pair(path.parent / case["image"], path.parent / case["mask"], preprocessing, None, channels)
        weights = case.get("sliceWeights") or [1.0] * len(slices)
        if len(weights) != len(slices):
            raise DataError(f"case {case.get('id')}: {len(weights)} slice weights for {len(slices)} slices")
        slices.sources = [f"{case.get('id')}:{s}" for s in slices.sources]
        slices.weights = [float(w) for w in weights]
        sets[split].extend(slices)
    return sets["train"], sets["validation"]
