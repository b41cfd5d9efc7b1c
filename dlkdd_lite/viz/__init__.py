"""viz: figures, drawn only from results files.

``plots`` (curves, role comparison, save_figure), ``ablation`` (temperature x alpha, soft targets), ``evidence``
(paired seeds with intervals), ``paper`` (the paper's tables as figures), ``zerodce`` (curve maps, losses),
``figures`` (dlkdd figures: all of them from a results folder), ``frames`` (frame grids, level mappings),
``widgets`` (interactive explorers for notebooks; static figures when headless).
"""
