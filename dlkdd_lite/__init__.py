"""dlkdd-lite: a tutorial and reproducibility kit for DL-KDD (dual-light knowledge distillation).

Importing the package is cheap and has no side effects; import the submodules you need
(``from dlkdd_lite.distill import kd_loss``).
"""

__version__ = "0.1.0"
