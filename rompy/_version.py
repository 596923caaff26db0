"""The version of rompy (one place; the package metadata repeats it)."""

__version__ = "0.1.0"
