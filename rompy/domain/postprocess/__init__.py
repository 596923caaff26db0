"""Postprocessor specs: what happens to a run's outputs."""
