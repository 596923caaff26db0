"""Adapters: implementations of the ports, one module per technology."""
