"""Readers keep the file's voxel order: volume[k, j, i] (slice, row, column)."""

import numpy as np
import pytest
from checkers import need

from medseg_training.data import (DataError, Preprocessing, SampleOptions, foreground, load_dataset, load_pair,
                                  mask_alignment_report, parse_labels, stack_adjacent)
from medseg_training.readers import read_mask, read_volume


def opts(pre=None, **kw):
    return SampleOptions(preprocessing=pre or Preprocessing(), **kw)


def write_nifti(path, arr, zooms=(0.8, 0.7, 2.0)):
    import nibabel as nib

    affine = np.diag([*zooms, 1.0])
    nib.save(nib.Nifti1Image(arr, affine), str(path))


def test_nifti_slices_are_transposed_i_j(tmp_path):
    i, j, k = np.meshgrid(np.arange(5), np.arange(4), np.arange(3), indexing="ij")
    arr = (i + 100 * j + 10000 * k).astype(np.int16)  # nibabel order [i, j, k]
    write_nifti(tmp_path / "v.nii.gz", arr)
    vol = read_volume(tmp_path / "v.nii.gz")
    assert vol.array.shape == (3, 1, 4, 5)  # [K, C, H=j, W=i]
    for kk in range(3):
        np.testing.assert_array_equal(vol.array[kk, 0], arr[:, :, kk].T)
    assert vol.spacing == pytest.approx((0.8, 0.7, 2.0))
    np.testing.assert_allclose(vol.direction, np.diag([-1.0, -1.0, 1.0]))  # RAS identity affine, in LPS
    mask = read_mask(tmp_path / "v.nii.gz")
    assert mask.shape == (3, 4, 5) and mask[2, 3, 4] == 4 + 300 + 20000


def write_dicom_series(folder, n=4, rows=6, cols=5, slope=2.0, intercept=-1000.0):
    """Oblique series written in shuffled file order; slice k stores k*10 + column index."""
    pydicom = need("pydicom")
    from pydicom.dataset import FileDataset, FileMetaDataset
    from pydicom.uid import ExplicitVRLittleEndian, generate_uid

    folder.mkdir()
    series = generate_uid()
    c, s = np.cos(0.3), np.sin(0.3)
    row_dir, col_dir = np.array([1.0, 0, 0]), np.array([0, c, s])
    normal = np.cross(row_dir, col_dir)
    for file_no, k in enumerate([2, 0, 3, 1][:n]):
        meta = FileMetaDataset()
        meta.MediaStorageSOPClassUID = "1.2.840.10008.5.1.4.1.1.2"
        meta.MediaStorageSOPInstanceUID = generate_uid()
        meta.TransferSyntaxUID = ExplicitVRLittleEndian
        ds = FileDataset(str(folder / f"im{file_no}"), {}, file_meta=meta, preamble=b"\0" * 128)
        ds.SOPClassUID, ds.SOPInstanceUID = meta.MediaStorageSOPClassUID, meta.MediaStorageSOPInstanceUID
        ds.SeriesInstanceUID, ds.Modality = series, "CT"
        ds.Rows, ds.Columns = rows, cols
        ds.SamplesPerPixel, ds.PhotometricInterpretation = 1, "MONOCHROME2"
        ds.BitsAllocated, ds.BitsStored, ds.HighBit, ds.PixelRepresentation = 16, 16, 15, 1
        ds.PixelSpacing = [0.6, 0.5]
        ds.ImageOrientationPatient = [*row_dir.tolist(), *col_dir.tolist()]
        ds.ImagePositionPatient = (np.array([-10.0, 5.0, 7.0]) + 2.5 * k * normal).tolist()
        ds.InstanceNumber = 10 - k  # deliberately disagrees with the geometry
        ds.RescaleSlope, ds.RescaleIntercept = slope, intercept
        pixels = (k * 10 + np.tile(np.arange(cols), (rows, 1))).astype(np.int16)
        ds.PixelData = pixels.tobytes()
        ds.is_little_endian, ds.is_implicit_VR = True, False
        try:
            ds.save_as(str(folder / f"im{file_no}"), enforce_file_format=True)
        except TypeError:  # pydicom < 3
            ds.save_as(str(folder / f"im{file_no}"), write_like_original=False)
    return folder


def test_dicom_series_sorted_along_normal_with_rescale(tmp_path):
    folder = write_dicom_series(tmp_path / "series")
    (folder / "notes.txt").write_text("not DICOM")
    vol = read_volume(folder)
    assert vol.array.shape == (4, 1, 6, 5)
    for k in range(4):
        expected = 2.0 * (k * 10 + np.tile(np.arange(5), (6, 1))) - 1000.0
        np.testing.assert_allclose(vol.array[k, 0], expected)
    assert vol.spacing == pytest.approx((0.5, 0.6, 2.5))
    assert vol.modality == "CT"
    c, s = np.cos(0.3), np.sin(0.3)
    np.testing.assert_allclose(vol.direction, [[1, 0, 0], [0, c, -s], [0, s, c]], atol=1e-12)


def test_image_folder_pairs_by_stem(tmp_path):
    from PIL import Image

    (tmp_path / "images").mkdir()
    (tmp_path / "masks").mkdir()
    img = np.zeros((20, 30, 3), np.uint8)
    img[5:10, 5:15] = 200
    Image.fromarray(img).save(tmp_path / "images" / "a.png")
    Image.fromarray(img[:16, :16]).save(tmp_path / "images" / "b.jpg", quality=95)
    m = np.zeros((20, 30), np.uint8)
    m[5:10, 5:15] = 255
    Image.fromarray(m).save(tmp_path / "masks" / "a.png")
    Image.fromarray(m[:16, :16]).save(tmp_path / "masks" / "b.png")
    pre = Preprocessing(scale=1 / 255, mean=[0, 0, 0], std=[1, 1, 1])
    s = load_pair(tmp_path / "images", tmp_path / "masks", opts(pre, channels=3))
    assert len(s) == 2
    assert s.images[0].shape == (3, 20, 30) and s.masks[0].shape == (20, 30)
    assert s.masks[0].sum() == 50 and s.images[0].max() == pytest.approx(200 / 255)
    grey = load_pair(tmp_path / "images", tmp_path / "masks", opts(Preprocessing(scale=1 / 255)))
    assert grey.images[1].shape == (1, 16, 16)
    # Resized once to the network size, the masks kept at full size on request (validation).
    small = load_pair(tmp_path / "images", tmp_path / "masks", opts(pre, channels=3, size=(8, 8), keep_full_masks=True))
    assert small.images[0].shape == (3, 8, 8) and small.masks[0].shape == (8, 8)
    assert small.full_masks[0].shape == (20, 30) and small.full_masks[0].sum() == 50


def test_missing_mask_is_a_clear_error(tmp_path):
    from PIL import Image

    (tmp_path / "images").mkdir()
    (tmp_path / "masks").mkdir()
    Image.fromarray(np.zeros((8, 8), np.uint8)).save(tmp_path / "images" / "x.png")
    with pytest.raises(DataError, match="no mask"):
        load_pair(tmp_path / "images", tmp_path / "masks", opts())


def test_mask_grid_mismatch_is_a_clear_error(tmp_path):
    write_nifti(tmp_path / "v.nii.gz", np.zeros((5, 4, 3), np.int16))
    write_nifti(tmp_path / "m.nii.gz", np.zeros((4, 5, 3), np.uint8))
    with pytest.raises(DataError, match="voxel grid"):
        load_pair(tmp_path / "v.nii.gz", tmp_path / "m.nii.gz", opts())


def test_ct_window_then_scale_then_mean_std():
    x = np.array([[[-140.0, 60.0, 260.0, 1000.0]]])  # [C, H, W]
    np.testing.assert_allclose(Preprocessing(window=(60, 400)).apply(x)[0, 0], [0.0, 0.5, 1.0, 1.0])
    p = Preprocessing(window=(60, 400), scale=2.0, mean=[0.5], std=[0.5])
    np.testing.assert_allclose(p.apply(x)[0, 0], [-1.0, 1.0, 3.0, 3.0])
    assert Preprocessing.from_manifest(p.to_manifest()) == p


def test_labels_and_foreground():
    assert parse_labels("1,2") == [1, 2] and parse_labels(None) is None
    m = np.array([0, 1, 2, 5])
    np.testing.assert_array_equal(foreground(m, [1, 2]), [False, True, True, False])
    np.testing.assert_array_equal(foreground(m), [False, True, True, True])


def test_alignment_report_catches_a_flipped_mask():
    vol = np.full((6, 32, 32), -1000.0, np.float32)
    vol[1:5, 4:20, 3:12] = 60.0  # an organ off-centre
    mask = vol > 0
    good = mask_alignment_report(vol, mask)
    assert good["aligned"] and good["variants"]["as-is"]["softTissueFraction"] == 1.0
    flipped = mask_alignment_report(vol, mask[:, :, ::-1])
    assert not flipped["aligned"] and flipped["best"] == "flip-W (left-right)"


def test_canonical_orientation_reorders_image_and_mask_alike(tmp_path):
    """A RAS-stored NIfTI (LPS direction −1, −1, 1) trains as the same anatomy as an LPS one."""
    i, j, k = np.meshgrid(np.arange(5), np.arange(4), np.arange(3), indexing="ij")
    arr = (i + 100 * j + 10000 * k).astype(np.int16)
    write_nifti(tmp_path / "v.nii.gz", arr)
    write_nifti(tmp_path / "m.nii.gz", (i == 0).astype(np.uint8))  # the first column as stored
    as_stored = load_pair(tmp_path / "v.nii.gz", tmp_path / "m.nii.gz", opts())
    canonical = load_pair(tmp_path / "v.nii.gz", tmp_path / "m.nii.gz", opts(orientation="LPS"))
    for a, b in zip(as_stored.images, canonical.images):
        np.testing.assert_array_equal(b, a[:, ::-1, ::-1])
    assert canonical.masks[0][:, -1].all() and canonical.masks[0][:, :-1].sum() == 0


def test_adjacent_slices_become_channels_clamped_at_the_ends(tmp_path):
    volume = np.arange(4, dtype=np.float32)[:, None, None, None] * np.ones((4, 1, 2, 2), np.float32)
    stacked = stack_adjacent(volume, 1)
    assert stacked.shape == (4, 3, 2, 2)
    assert [list(s[:, 0, 0]) for s in stacked] == [[0, 0, 1], [0, 1, 2], [1, 2, 3], [2, 3, 3]]
    i, j, k = np.meshgrid(np.arange(5), np.arange(4), np.arange(3), indexing="ij")
    write_nifti(tmp_path / "v.nii.gz", k.astype(np.int16))
    write_nifti(tmp_path / "m.nii.gz", np.zeros_like(k, np.uint8))
    s = load_pair(tmp_path / "v.nii.gz", tmp_path / "m.nii.gz", opts(adjacent_slices=1))
    assert [list(im[:, 0, 0]) for im in s.images] == [[0, 0, 1], [0, 1, 2], [1, 2, 2]]


def test_fine_tune_slice_weights_follow_their_slices_into_the_canonical_order(tmp_path):
    import json

    write_nifti(tmp_path / "v.nii.gz", np.zeros((5, 4, 3), np.int16), zooms=(1.0, 1.0, -2.0))  # k runs inferior
    write_nifti(tmp_path / "m.nii.gz", np.zeros((5, 4, 3), np.uint8), zooms=(1.0, 1.0, -2.0))
    (tmp_path / "d.json").write_text(json.dumps({"format": "medseg-finetune-dataset/1", "cases": [
        {"id": "a", "image": "v.nii.gz", "mask": "m.nii.gz", "split": "train", "sliceWeights": [1, 2, 3]}]}))
    train, _ = load_dataset(tmp_path / "d.json", opts(orientation="LPS"))
    assert train.weights == [3.0, 2.0, 1.0]
