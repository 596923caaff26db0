"""Input data: opening sources, preparing and writing data, cache and staging."""
