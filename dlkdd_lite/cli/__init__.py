"""cli: the ``dlkdd`` command (``python -m dlkdd_lite.cli``).

``main`` (the parser, built from the modules below), ``run`` (synth, train, evaluate, zerodce), ``data``
(datasets, download, verify, prepare), ``sweep`` (sweep, reproduce, figures), ``book`` (notebooks, book).
Each module registers its subcommands.
"""
