"""One process-wide lock for the netCDF/HDF5 C libraries.

Data items are written by parallel threads, and the netCDF-C/HDF5 libraries underneath xarray
are not thread-safe across files: two writes at once crashed the process (segmentation fault)
in about half of the runs with several items. rompy holds this lock while it opens, reads
(through h5py) or writes NetCDF files.
"""

from __future__ import annotations

import threading

NETCDF_LOCK = threading.RLock()
"""Held while a rompy adapter opens, reads or writes a NetCDF file."""
