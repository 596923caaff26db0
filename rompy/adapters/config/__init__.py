"""Config files: YAML/JSON loading, ``!include`` and ``${VAR}`` substitution."""
