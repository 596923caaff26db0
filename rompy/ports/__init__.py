"""Ports: the interfaces services use to ask for effects, and the values they exchange."""
