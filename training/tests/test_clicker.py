"""The simulated user of the standard protocol (NoC): which error it corrects and where it clicks."""

import numpy as np

from medseg_training.interactive.click_encoding import Click
from scipy import ndimage

from medseg_training.interactive.clicker import distance_to_border, largest_error_region, next_click, training_click
from medseg_training.interactive.noc import clicks_to_reach, iou


def square(h, w, y0, y1, x0, x1):
    m = np.zeros((h, w), bool)
    m[y0:y1, x0:x1] = True
    return m


def test_no_error_no_click():
    m = square(10, 10, 2, 5, 2, 5)
    assert next_click(m, m) is None and largest_error_region(m, m) is None


def test_an_empty_start_clicks_the_centre_of_the_object():
    truth = square(20, 20, 5, 10, 4, 13)   # 5 rows × 9 columns: row 7 is 3 from the border at columns 6..10
    assert next_click(truth, np.zeros_like(truth)) == Click(6, 7, True)


def test_the_larger_error_region_is_corrected_first():
    truth = square(30, 30, 0, 4, 0, 4)
    pred = truth | square(30, 30, 10, 20, 10, 20)          # a 100-pixel extra region
    pred[0, 0] = False                                      # and a 1-pixel miss
    click = next_click(truth, pred)
    assert not click.positive and 10 <= click.i < 20 and 10 <= click.j < 20


def test_regions_are_four_connected():
    truth = np.zeros((10, 10), bool)
    truth[[1, 2, 3], [1, 2, 3]] = True                      # a diagonal: three regions of one pixel
    truth[6:8, 6] = True                                    # two pixels in a column: one region
    assert next_click(truth, np.zeros_like(truth)) == Click(6, 6, True)


def test_ties_prefer_a_miss_then_raster_order():
    truth = square(20, 20, 2, 6, 2, 6)
    pred = square(20, 20, 12, 16, 12, 16)
    assert next_click(truth, pred) == Click(3, 3, True)     # 16 missed vs 16 extra; first of four centres
    twins = square(20, 20, 2, 6, 12, 16) | square(20, 20, 12, 16, 2, 6)
    assert next_click(twins, np.zeros_like(twins)) == Click(13, 3, True)


def test_the_slice_edge_is_a_border():
    truth = square(10, 12, 0, 10, 6, 12)                    # columns 6..11, touching three edges
    # Were the edge not a border, the deepest pixels would lie on it (column 11, row 9).
    assert next_click(truth, np.zeros_like(truth)) == Click(8, 2, True)


def test_distance_on_the_bounding_box_equals_the_whole_slice_transform(rng):
    for n in range(200):
        h, w = (int(v) for v in rng.integers(1, 48, 2))
        region = rng.random((h, w)) < rng.uniform(0.2, 0.9)
        if n % 2:
            region = ndimage.binary_opening(region)
        whole = ndimage.distance_transform_edt(np.pad(region, 1))[1:-1, 1:-1]
        assert np.array_equal(distance_to_border(region), whole)


def test_training_clicks_land_deep_inside_the_region(rng):
    truth = square(40, 40, 5, 35, 5, 35)
    pred = np.zeros_like(truth)
    for _ in range(50):
        c = training_click(truth, pred, rng)
        assert c.positive and 5 + 5 <= c.i < 35 - 5 and 5 + 5 <= c.j < 35 - 5


def test_noc_counts_clicks_and_caps_at_the_maximum():
    assert clicks_to_reach([0.5, 0.86, 0.95], 0.85, 20) == 2
    assert clicks_to_reach([0.5, 0.86], 0.9, 20) == 20
    assert iou(square(4, 4, 0, 2, 0, 2), square(4, 4, 0, 2, 0, 1)) == 0.5
