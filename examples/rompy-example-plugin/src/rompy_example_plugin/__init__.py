"""An example rompy plugin: the ``wave_demo`` model and the ``file_summary`` postprocessor."""
