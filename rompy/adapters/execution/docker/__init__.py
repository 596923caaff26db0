"""The Docker executor: the model in a container (docker-py)."""
