"""MedSeg Studio training package: U-Net-family networks, data readers, training, ONNX export.

Array convention (shared with the TypeScript engine, see ``data.py``): a volume is ``[K, H, W]``
(or ``[K, C, H, W]``) in the file's own voxel order, where K is the slice index k, H is the row
index j and W the column index i.  A 2D network input is NCHW float32.
"""

__version__ = "0.1.0"
