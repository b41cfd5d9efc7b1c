"""scene.py: procedural, well-lit renders of ARID's 11 actions (a figure in a room).

Pure NumPy: poses per frame -> anti-aliased capsules and shapes -> float RGB frames in [0, 1].
Knows nothing about darkness, noise, files or encoding (see synth.py).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

# Pose angles are radians from "hanging straight down"; positive swings towards the facing side.
# Shin and forearm angles are bends relative to the thigh and upper arm.
LIMBS = ("torso", "thigh_l", "shin_l", "thigh_r", "shin_r", "arm_l", "fore_l", "arm_r", "fore_r")


@dataclass(frozen=True)
class ActorStyle:
    """What stays the same across one actor's clips: look, build and room."""

    shirt: tuple[float, float, float]
    trousers: tuple[float, float, float]
    skin: tuple[float, float, float]
    wall: tuple[float, float, float]
    floor: tuple[float, float, float]
    prop: tuple[float, float, float]
    height: float  # figure height as a fraction of the frame
    horizon: float  # floor line as a fraction of the frame height
    furniture: tuple[float, float, float, float]  # x, width, height (fractions), shade

    @classmethod
    def random(cls, rng: np.random.Generator) -> ActorStyle:
        def colour(low: float, high: float) -> tuple[float, float, float]:
            return tuple(float(c) for c in rng.uniform(low, high, 3))

        return cls(
            shirt=colour(0.45, 1.0), trousers=colour(0.2, 0.7), skin=colour(0.7, 1.0),
            wall=colour(0.25, 0.55), floor=colour(0.15, 0.4), prop=colour(0.6, 1.0),
            height=float(rng.uniform(0.52, 0.62)), horizon=float(rng.uniform(0.6, 0.72)),
            furniture=(float(rng.uniform(0.0, 0.8)), float(rng.uniform(0.12, 0.25)),
                       float(rng.uniform(0.15, 0.3)), float(rng.uniform(0.5, 0.9))),
        )  # fmt: skip


@dataclass
class Pose:
    """One frame of the figure: hip position (pixels), facing (+1 right, -1 left), limb angles."""

    hip: tuple[float, float]
    facing: float
    angles: dict[str, float]
    squash: float = 1.0  # horizontal scale of the body, < 1 while turning
    props: list[tuple[str, float, float, float]] | None = None  # (kind, x, y, tilt): pixels, radians


def _window(size, x0, x1, y0, y1, pad):
    """Pixel slices covering [x0, x1] x [y0, y1] plus ``pad``, clipped to the frame."""
    xs = slice(max(int(np.floor(min(x0, x1) - pad)), 0), min(int(np.ceil(max(x0, x1) + pad)) + 1, size))
    ys = slice(max(int(np.floor(min(y0, y1) - pad)), 0), min(int(np.ceil(max(y0, y1) + pad)) + 1, size))
    return ys, xs


def _capsule(yy, xx, a, b, radius):
    """Coverage in [0, 1] of a segment a-b of the given radius (1-pixel anti-aliasing).

    Returns ``(window, coverage)``: only the pixels near the segment are computed.
    """
    window = _window(yy.shape[0], a[0], b[0], a[1], b[1], radius + 1)
    yy, xx = yy[window], xx[window]
    ab = np.subtract(b, a)
    denom = float(ab @ ab) or 1e-9
    t = np.clip(((xx - a[0]) * ab[0] + (yy - a[1]) * ab[1]) / denom, 0.0, 1.0)
    dist = np.hypot(xx - (a[0] + t * ab[0]), yy - (a[1] + t * ab[1]))
    return window, np.clip(radius - dist + 0.5, 0.0, 1.0)


def _box(yy, xx, cx, cy, half_w, half_h, tilt=0.0):
    reach = np.hypot(half_w, half_h) + 1
    window = _window(yy.shape[0], cx, cx, cy, cy, reach)
    yy, xx = yy[window], xx[window]
    c, s = np.cos(tilt), np.sin(tilt)
    u = (xx - cx) * c + (yy - cy) * s
    v = -(xx - cx) * s + (yy - cy) * c
    return window, np.clip(np.minimum(half_w - np.abs(u), half_h - np.abs(v)) + 0.5, 0.0, 1.0)


def _paint(image, shape, colour):
    """Alpha-blend ``colour`` into ``image`` where ``shape = (window, coverage)`` covers it."""
    window, coverage = shape
    patch = image[window]
    patch *= 1.0 - coverage[..., None]
    patch += coverage[..., None] * np.asarray(colour, dtype=np.float32)


def render_background(style: ActorStyle, size: int, rng: np.random.Generator) -> np.ndarray:
    """The actor's room: wall, floor, a piece of furniture and fixed texture. float32 (H, W, 3)."""
    yy, xx = np.mgrid[0:size, 0:size].astype(np.float32)
    horizon = style.horizon * size
    image = np.where((yy < horizon)[..., None], np.asarray(style.wall), np.asarray(style.floor)).astype(np.float32)
    image *= (0.85 + 0.15 * yy / size)[..., None]  # soft vertical gradient
    fx, fw, fh, shade = style.furniture
    _paint(image, _box(yy, xx, (fx + fw / 2) * size, horizon - fh * size / 2, fw * size / 2, fh * size / 2),
           np.asarray(style.wall) * shade)  # fmt: skip
    image += rng.normal(0.0, 0.03, image.shape).astype(np.float32)  # plaster and carpet texture
    return np.clip(image, 0.0, 1.0)


LENGTHS = {"torso": 0.32, "thigh": 0.25, "shin": 0.25, "arm": 0.17, "fore": 0.17, "neck": 0.1}


def skeleton(pose: Pose, height: float) -> dict[str, tuple[float, float]]:
    """Joint positions in pixels (x, y; y grows downwards) for a figure ``height`` pixels tall."""
    a = pose.angles

    def end(start, angle, length):
        return (start[0] + pose.facing * pose.squash * np.sin(angle) * LENGTHS[length] * height,
                start[1] + np.cos(angle) * LENGTHS[length] * height)  # fmt: skip

    joints = {"hip": pose.hip}
    joints["neck"] = end(pose.hip, np.pi + a["torso"], "torso")  # the torso points up from the hip
    joints["shoulder"] = (joints["neck"][0], joints["neck"][1] + 0.03 * height)
    joints["head"] = end(joints["neck"], np.pi + a["torso"], "neck")
    for side in ("l", "r"):
        joints[f"knee_{side}"] = end(pose.hip, a[f"thigh_{side}"], "thigh")
        joints[f"foot_{side}"] = end(joints[f"knee_{side}"], a[f"thigh_{side}"] - a[f"shin_{side}"], "shin")
        joints[f"elbow_{side}"] = end(joints["shoulder"], a[f"arm_{side}"], "arm")
        joints[f"hand_{side}"] = end(joints[f"elbow_{side}"], a[f"arm_{side}"] + a[f"fore_{side}"], "fore")
    return joints


PROP_SHAPES = {"cup": (0.6, 0.9), "jug": (0.9, 1.4), "box": (2.0, 1.6), "seat": (2.2, 0.5), "ball": (1.0, 1.0),
               "drop": (0.3, 0.45)}  # fmt: skip


def render_pose(background: np.ndarray, pose: Pose, style: ActorStyle) -> np.ndarray:
    """Draw the figure and its props for ``pose`` over a copy of ``background``; float32 (H, W, 3)."""
    size = background.shape[0]
    yy, xx = np.mgrid[0:size, 0:size].astype(np.float32)
    image = background.copy()
    h = style.height * size
    j = skeleton(pose, h)
    width = 0.065 * h
    props = pose.props or []
    for kind, x, y, _tilt in props:  # props behind the figure (seats) first
        if kind == "seat":
            _paint(
                image, _box(yy, xx, x, y, PROP_SHAPES[kind][0] * h * 0.06, PROP_SHAPES[kind][1] * h * 0.06), style.prop
            )
    strokes = []
    for side, depth in (("l", 0.7), ("r", 1.0)):  # the far side first, darker, for depth
        strokes += [("hip", f"knee_{side}", width, style.trousers, depth),
                    (f"knee_{side}", f"foot_{side}", width * 0.9, style.trousers, depth)]  # fmt: skip
    strokes.append(("hip", "neck", width * 1.5 * max(pose.squash, 0.6), style.shirt, 0.95))
    for side, depth in (("l", 0.7), ("r", 1.0)):
        strokes += [("shoulder", f"elbow_{side}", width * 0.8, style.shirt, depth),
                    (f"elbow_{side}", f"hand_{side}", width * 0.7, style.skin, depth)]  # fmt: skip
    for start, stop, radius, colour, depth in strokes:
        _paint(image, _capsule(yy, xx, j[start], j[stop], radius), np.asarray(colour) * depth)
    _paint(image, _capsule(yy, xx, j["head"], j["head"], 0.08 * h), style.skin)
    for kind, x, y, tilt in props:
        if kind != "seat":
            half_w, half_h = PROP_SHAPES[kind]
            _paint(image, _box(yy, xx, x, y, half_w * h * 0.06, half_h * h * 0.06, tilt), style.prop)
    return np.clip(image, 0.0, 1.0)
