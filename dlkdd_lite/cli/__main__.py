"""``python -m dlkdd_lite.cli``: the ``dlkdd`` command (what torchrun starts on each GPU)."""

from dlkdd_lite.cli.main import main

raise SystemExit(main())
