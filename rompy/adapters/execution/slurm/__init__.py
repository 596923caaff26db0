"""The SLURM executor: the model as a batch job (sbatch, squeue, sacct)."""
