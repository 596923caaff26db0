"""Source openers: files, CSV, in-memory datasets, intake and wavespectra."""
