"""Ensemble adapters: member state files, the process-pool engine, the progress display."""
