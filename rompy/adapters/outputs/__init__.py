"""Output readers: a model's outputs in its staging dir, read into datasets."""
