"""cli: the ``dlkdd`` command (``python -m dlkdd_lite.cli``).

``main`` (the parser and train / evaluate / synth / zerodce), ``data`` (download, verify, prepare), ``sweep``
(sweep, reproduce, figures), ``book`` (notebooks, book). Each module registers its subcommands.
"""
