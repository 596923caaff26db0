"""Executors: running a rendered model locally, in Docker or on SLURM."""
