"""Entry points: the thin ``rompy`` command line."""
