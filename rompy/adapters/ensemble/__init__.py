"""Ensemble adapters: member state files, the engines (pool, SLURM job array, Dask), the
progress display, and gathering results across members."""
