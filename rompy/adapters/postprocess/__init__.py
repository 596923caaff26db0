"""Postprocessors: noop, archive, validate and transfer."""
