"""Model plugins shipped with rompy, each a package that uses only rompy's public API."""
