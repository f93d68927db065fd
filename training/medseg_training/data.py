"""From files to network samples, decoded and resized once and kept in memory.

Images are read by ``readers.py`` in the file's own voxel order, brought to the canonical
orientation when the run trains in one (``orientation.py``; the mask follows its IMAGE's grid and
direction, since some label files carry a wrong header), preprocessed, stacked into 2.5D samples
(slices k−n … k+n as channels, clamped at the volume's ends) and resized to the network's input
size with the engine's bilinear resize, all at load time. A step then only augments and normalises
a batch of small arrays.

Preprocessing (the manifest's) is split in two: :meth:`Preprocessing.to_unit` (CT window → [0, 1],
then ``× scale``) happens at load time, and :meth:`Preprocessing.normalise` (``(x − mean) / std``)
after augmentation, so intensity augmentation works on [0, 1] images whatever the mean/std.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, Iterable, List, Optional, Sequence, Tuple

import numpy as np
import torch
import torch.nn.functional as F

from .orientation import CANONICAL, canonical_axes, to_canonical
from .readers import DataError, Volume, image_files, read_image_2d, read_mask, read_mask_2d, read_volume

__all__ = ["DataError", "Preprocessing", "SampleOptions", "SliceSet", "foreground", "load_dataset", "load_pair",
           "mask_alignment_report", "parse_labels", "describe_sources", "resize_bilinear", "stack_adjacent"]


# --------------------------------------------------------------------------- preprocessing

@dataclass
class Preprocessing:
    """The manifest's ``preprocessing``: CT window → [0, 1], then ``x * scale``, then ``(x - mean) / std``."""

    window: Optional[Tuple[float, float]] = None  # (center, width)
    scale: float = 1.0
    mean: List[float] = field(default_factory=lambda: [0.0])
    std: List[float] = field(default_factory=lambda: [1.0])

    def to_unit(self, x: np.ndarray) -> np.ndarray:
        """Window and scale: the image in the range augmentation works on ([0, 1] for CT and 8-bit)."""
        y = np.asarray(x, dtype=np.float32)
        if self.window is not None:
            center, width = self.window
            y = np.clip((y - (center - width / 2.0)) / width, 0.0, 1.0)
        if self.scale != 1.0:
            y = y * np.float32(self.scale)
        return y.astype(np.float32, copy=False)

    def normalise(self, x, channel_axis: int = -3):
        """``(x - mean) / std`` per channel; numpy arrays or torch tensors ``[..., C, H, W]``."""
        channels = x.shape[channel_axis]
        if len(self.mean) != channels or len(self.std) != channels:
            raise DataError(f"preprocessing has {len(self.mean)} mean / {len(self.std)} std values "
                            f"but the images have {channels} channel(s)")
        shape = [1] * x.ndim
        shape[channel_axis] = channels
        mean = np.asarray(self.mean, dtype=np.float32).reshape(shape)
        std = np.asarray(self.std, dtype=np.float32).reshape(shape)
        if isinstance(x, torch.Tensor):
            return (x - torch.from_numpy(mean).to(x.device)) / torch.from_numpy(std).to(x.device)
        return ((x - mean) / std).astype(np.float32)

    def apply(self, x: np.ndarray, channel_axis: int = -3) -> np.ndarray:
        """The whole preprocessing of ``x`` (``[..., C, H, W]``) to float32."""
        return self.normalise(self.to_unit(x), channel_axis)

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


def foreground(mask: np.ndarray, labels: Optional[Sequence[int]] = None) -> np.ndarray:
    """Binary mask: voxels whose label is in ``labels`` (``None`` → any non-zero label)."""
    m = np.asarray(mask)
    if labels is None:
        return m != 0
    return np.isin(m, np.asarray(list(labels)))


def resize_bilinear(x: np.ndarray, size: Optional[Sequence[int]]) -> np.ndarray:
    """``[N, C, H, W]`` → ``[N, C, *size]`` as the engine resizes (bilinear, ``align_corners=False``)."""
    if size is None or tuple(x.shape[-2:]) == tuple(size):
        return np.ascontiguousarray(x, dtype=np.float32)
    with torch.no_grad():
        return F.interpolate(torch.from_numpy(np.ascontiguousarray(x, dtype=np.float32)), size=tuple(size),
                             mode="bilinear", align_corners=False).numpy()


def stack_adjacent(volume: np.ndarray, adjacent: int) -> np.ndarray:
    """2.5D: ``[K, C, H, W]`` → ``[K, (2n+1)·C, H, W]``, sample k holding slices k−n … k+n (clamped)."""
    if adjacent <= 0:
        return volume
    k = volume.shape[0]
    index = np.clip(np.arange(k)[:, None] + np.arange(-adjacent, adjacent + 1)[None, :], 0, k - 1)
    return volume[index].reshape(k, -1, *volume.shape[2:])


# --------------------------------------------------------------------------- samples

@dataclass
class SampleOptions:
    """How a run turns images into samples (recorded in the checkpoint, mirrored by the manifest)."""

    preprocessing: Preprocessing
    channels: int = 1                     # image channels per slice (1 grey, 3 RGB)
    orientation: Optional[str] = None     # "LPS": volumes reordered to it; None: the file's own order
    adjacent_slices: int = 0              # 2.5D: n slices each side of k become channels
    size: Optional[Tuple[int, int]] = None  # network input H × W; None: the images' own size
    keep_full_masks: bool = False         # also keep each mask at the image's own size (validation)


@dataclass
class SliceSet:
    """Samples: ``images[n]`` ``[C, h, w]`` float32 in the unit range (not yet normalised) and binary
    ``masks[n]`` ``[h, w]`` uint8 at the network size; ``full_masks[n]`` at the image's own size when
    kept (validation measures there, as the engine does)."""

    images: List[np.ndarray] = field(default_factory=list)
    masks: List[np.ndarray] = field(default_factory=list)
    sources: List[str] = field(default_factory=list)
    #: Sampling weight per slice (fine-tuning weights human-corrected slices up); 1.0 by default.
    weights: List[float] = field(default_factory=list)
    full_masks: List[np.ndarray] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.images)

    def extend(self, other: "SliceSet") -> None:
        self.images += other.images
        self.masks += other.masks
        self.sources += other.sources
        self.weights += other.weights or [1.0] * len(other)
        self.full_masks += other.full_masks

    def take(self, indices: Iterable[int]) -> "SliceSet":
        indices = list(indices)
        return SliceSet([self.images[i] for i in indices], [self.masks[i] for i in indices],
                        [self.sources[i] for i in indices], [self.weights[i] for i in indices],
                        [self.full_masks[i] for i in indices] if self.full_masks else [])


def _samples(unit: np.ndarray, fg: np.ndarray, names: List[str], options: SampleOptions) -> SliceSet:
    """``unit`` ``[K, C, H, W]`` and ``fg`` ``[K, H, W]`` → samples at the network size."""
    stacked = stack_adjacent(unit, options.adjacent_slices)
    out = SliceSet(sources=names, weights=[1.0] * len(names))
    for start in range(0, len(stacked), 32):  # bounded temporary memory for big volumes
        chunk = slice(start, start + 32)
        out.images += list(resize_bilinear(stacked[chunk], options.size))
        masks = resize_bilinear(fg[chunk, None].astype(np.float32), options.size)[:, 0] > 0.5
        out.masks += list(masks.astype(np.uint8))
    if options.keep_full_masks:
        out.full_masks = list(fg.astype(np.uint8))
    return out


def _oriented(vol: Volume, mask: np.ndarray, orientation: Optional[str]) -> Tuple[np.ndarray, np.ndarray]:
    if orientation is None:
        return vol.array, mask
    if orientation != CANONICAL:
        raise DataError(f"unknown orientation {orientation!r}; the trainer knows {CANONICAL}")
    return to_canonical(vol.array, vol.direction), to_canonical(mask, vol.direction)


def load_pair(image_path: str | os.PathLike, mask_path: str | os.PathLike, options: SampleOptions,
              labels: Optional[Sequence[int]] = None, slice_weights: Optional[Sequence[float]] = None) -> SliceSet:
    """Loads an image (volume, series, 2D image or 2D folder) and its mask as samples.

    For 2D folders, images and masks are paired by file stem (``a.jpg`` ↔ ``a.png``).
    ``slice_weights`` (one per slice k of the file) follow their slices into the canonical order.
    """
    ip, mp = Path(image_path), Path(mask_path)
    pre = options.preprocessing
    out = SliceSet()
    if ip.is_dir() and image_files(ip):
        images, masks = image_files(ip), image_files(mp) if mp.is_dir() else {}
        missing = sorted(set(images) - set(masks))
        if missing:
            raise DataError(f"no mask in {mp} for {len(missing)} image(s), e.g. {missing[:3]}")
        for stem, f in images.items():
            img = read_image_2d(f, options.channels)
            m = read_mask_2d(masks[stem])
            if m.shape != img.shape[1:]:
                raise DataError(f"{masks[stem]} is {m.shape} but {f} is {img.shape[1:]}")
            out.extend(_samples(pre.to_unit(img)[None], m[None], [f.name], options))
        return out
    vol = read_volume(ip, options.channels)
    mask = read_mask(mp)
    if mask.shape != vol.array.shape[:1] + vol.array.shape[2:]:
        raise DataError(f"mask {mp} has [slices, rows, cols] {list(mask.shape)} but the image {ip} has "
                        f"{[vol.array.shape[0], *vol.array.shape[2:]]}: they must share the voxel grid")
    array, mask = _oriented(vol, foreground(mask, labels), options.orientation)
    out = _samples(pre.to_unit(array), mask, [f"{ip.name}[{k}]" for k in range(array.shape[0])], options)
    if slice_weights is not None:
        if len(slice_weights) != vol.array.shape[0]:
            raise DataError(f"{ip.name}: {len(slice_weights)} slice weights for {vol.array.shape[0]} slices")
        out.weights = _oriented_weights(np.asarray(slice_weights, float), vol, options.orientation, len(out))
    return out


def _oriented_weights(weights: np.ndarray, vol: Volume, orientation: Optional[str], count: int) -> List[float]:
    """Per-slice weights in the sample order: reordered with the slices when k stays the slice axis;
    their mean for every slice when the volume turns (each new slice then cuts all the old ones)."""
    if orientation is None:
        return [float(w) for w in weights]
    axis, flipped = canonical_axes(vol.direction)[2]
    if axis != 2:
        return [float(weights.mean())] * count
    return [float(w) for w in (weights[::-1] if flipped else weights)]


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


def load_dataset(path: str | os.PathLike, options: SampleOptions) -> Tuple[SliceSet, SliceSet]:
    """Reads a dataset file written by the app's fine-tune job → (train, validation) sample sets.

    ``{"format": "medseg-finetune-dataset/1", "cases": [{"id", "image", "mask", "split":
    "train"|"validation", "sliceWeights": [w per slice]}]}``; paths are relative to the file.
    Masks are binary (any non-zero voxel is foreground).
    """
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
        case_options = SampleOptions(**{**options.__dict__, "keep_full_masks": split == "validation"})
        slices = load_pair(path.parent / case["image"], path.parent / case["mask"], case_options, None,
                           slice_weights=case.get("sliceWeights"))
        slices.sources = [f"{case.get('id')}:{s}" for s in slices.sources]
        sets[split].extend(slices)
    return sets["train"], sets["validation"]
