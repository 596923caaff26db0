"""Serialization: plain data (YAML, JSON, dicts) to rompy values and back, and JSON Schema.

Everything here is built from the frozen plugin registry, so plugin classes are first-class:
:func:`make_converter` builds the cattrs converter, :func:`structure` and :func:`unstructure`
cross the boundary with readable errors, :func:`json_schema` describes the whole config.
"""

from __future__ import annotations

from rompy.serialization.converter import make_converter, structure, unstructure
from rompy.serialization.schema import json_schema, json_schema_for

__all__ = ["json_schema", "json_schema_for", "make_converter", "structure", "unstructure"]
