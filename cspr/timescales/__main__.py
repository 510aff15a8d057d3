"""``python -m cspr.timescales``: the same commands as ``cspr timescales``."""

from .cli import main

raise SystemExit(main())
