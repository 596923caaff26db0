"""Use cases: generate, run, postprocess and pipeline. They talk to ports only."""
