"""Rendering a model's input files into a staging dir (Jinja2 templates)."""
