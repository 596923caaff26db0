"""The built-in SWAN model, as a plugin.

It is registered through its own ``swan`` entry point in the ``rompy`` group with the same
hooks a third-party plugin uses, and it imports only rompy's public API (``rompy``), an
import-linter contract keeps it so: it could move into a distribution of its own unchanged.

Layout:

* ``components/``: one attrs value object per SWAN command, each rendering its own line
  (field names follow rompy-swan 0.11, so its YAML loads unchanged), and the groups that fix
  SWAN's command order (``startup``, ``cgrid``, ``inpgrid``, ``boundary``, ``physics``,
  ``prop``, ``numeric``, ``output``, ``lockup``);
* ``config.py``: ``SwanConfig`` (``model_type: swan``, also ``swanconfig``), the deck;
* ``plugin.py``: the hooks (model config, renderer, output reader);
* ``judge.py``: whether SWAN really succeeded (``norm_end``, ``Errfile``, ``PRINT``);
* ``outputs.py``: TABLE and BLOCK outputs read into datasets.
"""
