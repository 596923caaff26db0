"""Ensembles: a base pipeline, a sweep of parameters, and where the members run."""
