"""Ensemble adapters: state files, engines (pool, SLURM job array, Dask), gathering results."""
