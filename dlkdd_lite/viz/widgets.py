"""widgets.py: interactive explorers for notebooks, with a static fallback when run headless.

When the notebook is executed without a browser (tests, ``make demo``; the notebook runner sets
``DLKDD_HEADLESS=1``), the same function draws a static figure instead, so executed notebooks
show something useful. Knows nothing about training.
"""

from __future__ import annotations

import os
from collections.abc import Callable

import numpy as np
import torch

from dlkdd_lite.enhance.enhancers import gamma_correct
from dlkdd_lite.viz.frames import frame_row


def is_headless() -> bool:
    """True when no browser front-end will render widgets (set by ``dlkdd_lite.tutorial.notebooks``)."""
    return os.environ.get("DLKDD_HEADLESS", "") == "1"


def _static(fig):
    """Close ``fig`` before returning it: the notebook then shows it once, as the cell's value, not
    a second time as an open pyplot figure."""
    import matplotlib.pyplot as plt

    plt.close(fig)
    return fig


def _check_clip(clip, caller: str) -> np.ndarray:
    clip = np.asarray(clip)
    if clip.dtype != np.uint8 or clip.ndim != 4:
        raise ValueError(f"{caller} expects a uint8 (T, H, W, C) clip, got {clip.dtype} {clip.shape}")
    return clip


def _dark_vs(clip: np.ndarray, control, enhanced_frame: Callable[[int, object], tuple[str, np.ndarray]]):
    """A frame slider plus ``control``, drawing the dark frame beside ``enhanced_frame(t, value)``."""
    import ipywidgets as widgets
    import matplotlib.pyplot as plt

    frame = widgets.IntSlider(value=0, min=0, max=clip.shape[0] - 1, description="frame")
    out = widgets.Output()

    def draw(*_):
        with out:
            out.clear_output(wait=True)
            _, axes = plt.subplots(1, 2, figsize=(6, 3))
            name, enhanced = enhanced_frame(frame.value, control.value)
            for ax, image, title in zip(axes, (clip[frame.value], enhanced), ("dark", name)):
                ax.imshow(image)
                ax.set(title=f"{title} (mean {image.mean() / 255:.2f})", xticks=[], yticks=[])
            plt.show()

    control.observe(draw, "value")
    frame.observe(draw, "value")
    draw()
    return widgets.VBox([widgets.HBox([control, frame]), out])


def gamma_explorer(clip: np.ndarray, *, gammas=(1.0, 1.8, 3.0), headless: bool | None = None):
    """A gamma slider and a frame scrubber over a dark clip (uint8 (T, H, W, C)).

    Headless, draws the middle frame enhanced with each of ``gammas`` instead (``frame_row``) and
    returns that figure; otherwise returns the ipywidgets box (display it or leave it last in a cell).
    """
    tensor = torch.from_numpy(_check_clip(clip, "gamma_explorer"))
    if headless if headless is not None else is_headless():
        views = {f"gamma {g}": gamma_correct(tensor, g).numpy() for g in gammas}
        return _static(frame_row(views, title="gamma correction, middle frame (static: run in JupyterLab to explore)"))

    import ipywidgets as widgets

    slider = widgets.FloatSlider(value=1.8, min=0.5, max=4.0, step=0.1, description="gamma")
    return _dark_vs(tensor.numpy(), slider, lambda t, g: (f"gamma {g:.1f}", gamma_correct(tensor[t], g).numpy()))


def enhancer_explorer(clip: np.ndarray, enhancers: dict, *, headless: bool | None = None):
    """Switch between enhancers and scrub frames of a dark clip (uint8 (T, H, W, C)).

    ``enhancers`` maps a name to ``clip -> clip`` (e.g. from ``build_enhancer``); each is applied
    once to the whole clip. Headless, returns the middle frame of every enhancer instead (``frame_row``).
    """
    clip = _check_clip(clip, "enhancer_explorer")
    views = {name: fn(torch.from_numpy(clip)).numpy() for name, fn in enhancers.items()}
    if headless if headless is not None else is_headless():
        return _static(frame_row({"dark": clip, **views}, title="middle frame (static: run in JupyterLab to explore)"))

    import ipywidgets as widgets

    choice = widgets.Dropdown(options=list(views), value=list(views)[-1], description="enhancer")
    return _dark_vs(clip, choice, lambda t, name: (name, views[name][t]))


def temperature_explorer(logits, classes: list[str] | None = None, *, headless: bool | None = None):
    """A temperature slider over ``softmax(logits / T)``: what the student is asked to match.

    Headless, returns a static figure with T = 1, 4 and 16 instead of the ipywidgets box.
    """
    import matplotlib.pyplot as plt

    from dlkdd_lite.viz.ablation import plot_soft_targets

    if headless if headless is not None else is_headless():
        return _static(plot_soft_targets(logits, (1.0, 4.0, 16.0), classes).figure)

    import ipywidgets as widgets

    slider = widgets.FloatLogSlider(value=4.0, base=2, min=-1, max=5, step=0.25, description="T")
    out = widgets.Output()

    def draw(*_):
        with out:
            out.clear_output(wait=True)
            plot_soft_targets(logits, (1.0, slider.value), classes)
            plt.show()

    slider.observe(draw, "value")
    draw()
    return widgets.VBox([slider, out])
