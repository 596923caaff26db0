"""Pure domain values of rompy: periods, grids, model runs, model configs, specs and errors."""
