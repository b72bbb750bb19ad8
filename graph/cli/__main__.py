"""`python -m graph.cli` runs the `braingain` command."""

from graph.cli import main

raise SystemExit(main())
