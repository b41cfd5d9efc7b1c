"""Notebooks 05 (ablation of temperature and loss weight) and 06 (the paper's figures and tables)."""

from __future__ import annotations

NOTEBOOKS: dict[str, list] = {}
