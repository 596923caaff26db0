"""Execution specs: where and how a run executes (local, docker, slurm)."""
