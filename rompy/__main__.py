"""``python -m rompy`` runs the command line."""

from rompy.entrypoints.cli import main

raise SystemExit(main())
