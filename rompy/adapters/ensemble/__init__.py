"""Ensemble adapters: the engines that run members, and gathering results across members."""
