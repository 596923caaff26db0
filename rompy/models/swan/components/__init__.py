"""SWAN commands as attrs value objects: each renders its own line of the command file."""
