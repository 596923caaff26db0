"""Input data: data specs, source specs, filters and the pure rules of cropping."""
