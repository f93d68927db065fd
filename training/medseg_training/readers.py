"""Reading images and masks in the file's own voxel order (``data.py`` says what happens next).

A volume is a numpy array ``[K, H, W]`` (``[K, C, H, W]`` with channels) in the file's OWN voxel
order: ``K`` = slice index k, ``H`` = row index j, ``W`` = column index i; each reader also returns
the LPS direction matrix, from which ``orientation.py`` brings the volume to the canonical order.

* DICOM series: slices sorted by ImagePositionPatient projected on the slice normal
  (row direction × column direction, ascending), ``pixel_array`` is already ``[rows=j, cols=i]``,
  RescaleSlope/RescaleIntercept applied (CT → HU).
* NIfTI (nibabel array ``[i, j, k]``): slice k is ``arr[:, :, k].T`` → ``(H=j, W=i)``, i.e. the
  volume is ``arr.transpose(2, 1, 0)``; its affine (RAS) gives the direction (converted to LPS).
* 2D images (PNG/JPEG/BMP/TIFF via Pillow): ``[H, W]`` (grey) or ``[3, H, W]`` (RGB), one slice.
  Masks are read as grey and thresholded at 128 (JPEG masks are lossy).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, Iterable, Tuple

import numpy as np

IMAGE_EXTENSIONS = (".png", ".jpg", ".jpeg", ".bmp", ".tif", ".tiff")
NIFTI_EXTENSIONS = (".nii", ".nii.gz")


class DataError(ValueError):
    """A problem with the user's data, worded for the user."""


@dataclass
class Volume:
    """``array``: ``[K, C, H, W]`` float32; ``spacing``: (column i, row j, slice k) in mm;
    ``direction``: 3×3, column ``a`` the LPS world direction of voxel axis ``a`` (i, j, k)."""

    array: np.ndarray
    spacing: Tuple[float, float, float] = (1.0, 1.0, 1.0)
    source: str = ""
    modality: str = ""
    direction: np.ndarray = field(default_factory=lambda: np.eye(3))


def is_nifti(path: Path) -> bool:
    return path.name.lower().endswith(NIFTI_EXTENSIONS)


def is_image_2d(path: Path) -> bool:
    return path.suffix.lower() in IMAGE_EXTENSIONS


def read_nifti(path: str | os.PathLike, dtype=np.float32) -> Tuple[np.ndarray, Tuple[float, float, float], np.ndarray]:
    """Returns ``(array [K, H, W], spacing, direction)`` with ``array[k] == nifti[:, :, k].T`` (scaling
    applied); ``direction`` is LPS, as the engine converts NIfTI's RAS at I/O."""
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
    axes = np.diag([-1.0, -1.0, 1.0]) @ np.asarray(img.affine, dtype=np.float64)[:3, :3]  # RAS → LPS
    norms = np.linalg.norm(axes, axis=0)
    direction = axes / np.where(norms > 0, norms, 1.0)
    return np.ascontiguousarray(arr.transpose(2, 1, 0)).astype(dtype, copy=False), zooms[:3], direction


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
                  modality=str(first.get("Modality", "")), direction=_dicom_direction(first))


def _dicom_direction(ds) -> np.ndarray:
    """Columns: the row direction (increasing column index i), the column direction (increasing row
    j), and their normal, along which the slices were sorted (increasing k)."""
    iop = ds.get("ImageOrientationPatient")
    if iop is None:
        return np.eye(3)
    row, col = np.asarray(iop[:3], float), np.asarray(iop[3:], float)
    return np.stack([row, col, np.cross(row, col)], axis=1)


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


def image_files(folder: Path) -> Dict[str, Path]:
    return {p.stem: p for p in sorted(folder.iterdir()) if p.is_file() and is_image_2d(p)}


def read_volume(path: str | os.PathLike, channels: int = 1) -> Volume:
    """Reads a NIfTI file, a DICOM series folder, a 2D image, or a folder of 2D images (one slice each)."""
    p = Path(path)
    if not p.exists():
        raise DataError(f"{p} does not exist")
    if p.is_dir():
        images = image_files(p)
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
        arr, spacing, direction = read_nifti(p)
        return Volume(arr[:, None], spacing=spacing, source=str(p), direction=direction)
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
        files = image_files(p)
        if not files:
            raise DataError(f"no mask images in {p}")
        return np.stack([read_mask_2d(f) for f in files.values()])
    if is_nifti(p):
        return read_nifti(p, dtype=np.int32)[0]
    if is_image_2d(p):
        return read_mask_2d(p)[None]
    raise DataError(f"{p}: unsupported mask format (expected NIfTI or PNG/JPEG)")
