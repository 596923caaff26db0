"""Data handlers: gridded, point and boundary data, blobs and spectral boundaries."""
