"""motion.py: the 11 ARID actions as procedural pose sequences.

Each action is a function of normalised time u in [0, 1] and a few random per-clip parameters.
Pairs are deliberately alike (walk/run, sit/stand, pick/push, drink/pour, wave/jump) so a
classifier's soft predictions carry information. Knows nothing about pixels (see scene.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from dlkdd_lite.data.synth.scene import LENGTHS, Pose, skeleton


def _smooth(x):
    x = np.clip(x, 0.0, 1.0)
    return x * x * (3 - 2 * x)


def _still() -> dict[str, float]:
    return {
        name: 0.0 for name in ("torso", "thigh_l", "shin_l", "thigh_r", "shin_r", "arm_l", "fore_l", "arm_r", "fore_r")
    }


def _gait(a: dict, phase: float, stride: float, knee: float, arm: float, elbow: float = 0.2) -> None:
    swing = np.sin(phase)
    a.update(thigh_l=stride * swing, thigh_r=-stride * swing,
             shin_l=knee * max(0.0, -swing), shin_r=knee * max(0.0, swing),
             arm_l=-arm * swing, arm_r=arm * swing, fore_l=elbow, fore_r=elbow)  # fmt: skip


@dataclass(frozen=True)
class _Clip:
    """One clip's random parameters, drawn before its first frame (pixels; times as fractions of the clip)."""

    h: float  # figure height
    foot_y: float
    stand_y: float  # hip height when standing
    facing: float
    phase0: float
    travel: float  # distance walked, run or pushed
    x0: float  # start of the path
    centre: float  # where the figure stands when it does not travel
    t0: float  # start of a transition (sit, stand, turn, pick)
    dur: float  # its duration
    cyc: float  # repetitions of a periodic action (steps, jumps, waves, sips)


@dataclass
class _Frame:
    """The pose of one frame while an action builds it (see ``Pose``)."""

    angles: dict[str, float]
    hip: list[float]
    facing: float
    squash: float = 1.0
    props: list = field(default_factory=list)


def _draw_clip(action: str, size: int, height_frac: float, rng: np.random.Generator) -> _Clip:
    """Random facing, start position, speed and phase of one clip of ``action``."""
    h = height_frac * size
    leg = (LENGTHS["thigh"] + LENGTHS["shin"]) * h
    foot_y = size * rng.uniform(0.9, 0.96)
    stand_y = foot_y - leg
    facing = float(rng.choice([-1.0, 1.0]))
    phase0 = rng.uniform(0, 2 * np.pi)
    margin = 0.22 * size
    travel = {"Walk": 0.3, "Run": 0.75, "Push": 0.25}.get(action, 0.0) * size * rng.uniform(0.8, 1.2)
    # start so that the figure stays mostly in view along its path
    x0 = rng.uniform(margin, size - margin - travel) if travel < size - 2 * margin else margin
    if facing < 0:
        x0 = size - x0
    centre = rng.uniform(0.35, 0.65) * size
    t0, dur = rng.uniform(0.15, 0.35), rng.uniform(0.35, 0.5)  # transitions (sit, stand, turn, pick)
    cycles = {"Walk": 2.0, "Run": 3.5, "Push": 1.6, "Jump": 2.5, "Wave": 3.0, "Drink": 1.3, "Pour": 1.0}
    cyc = cycles.get(action, 1.0) * rng.uniform(0.85, 1.15)
    return _Clip(h, foot_y, stand_y, facing, phase0, travel, x0, centre, t0, dur, cyc)


# One function per action: it moves the frame ``f`` of clip ``c`` at time ``u`` (cycle phase ``ph``).


def _walk(f: _Frame, c: _Clip, u: float, ph: float) -> None:
    f.hip[0] = c.x0 + c.facing * c.travel * u
    _gait(f.angles, ph, 0.35, 0.45, 0.3)
    f.angles["torso"] = 0.06


def _push(f: _Frame, c: _Clip, u: float, ph: float) -> None:
    _walk(f, c, u, ph)
    f.angles.update(arm_l=1.35, arm_r=1.45, fore_l=0.1, fore_r=0.1, torso=0.25)


def _run(f: _Frame, c: _Clip, u: float, ph: float) -> None:
    f.hip[0] = c.x0 + c.facing * c.travel * u
    _gait(f.angles, ph, 0.8, 1.4, 0.8, elbow=1.4)
    f.angles["torso"] = 0.3
    f.hip[1] -= 0.05 * c.h * abs(np.sin(ph))


def _jump(f: _Frame, c: _Clip, u: float, ph: float) -> None:
    air = max(0.0, np.sin(ph))
    crouch = max(0.0, -np.sin(ph))
    f.hip[1] += 0.18 * c.h * crouch - 0.3 * c.h * air
    f.angles.update(thigh_l=0.9 * crouch, thigh_r=0.9 * crouch, shin_l=1.6 * crouch, shin_r=1.6 * crouch,
                    torso=0.35 * crouch, arm_l=2.4 * air + 0.3 * crouch, arm_r=2.4 * air + 0.3 * crouch)  # fmt: skip


def _wave(f: _Frame, c: _Clip, u: float, ph: float) -> None:
    f.angles.update(arm_r=2.5, fore_r=0.6 * np.sin(ph), torso=0.03 * np.sin(ph))


def _sit_or_stand(f: _Frame, c: _Clip, s: float) -> None:
    """Sitting fraction ``s`` (0 standing, 1 seated), with the seat in place."""
    f.hip[1] = c.stand_y + s * LENGTHS["thigh"] * c.h
    f.angles.update(thigh_l=s * np.pi / 2, thigh_r=s * np.pi / 2, shin_l=s * np.pi / 2, shin_r=s * np.pi / 2,
                    torso=0.5 * np.sin(np.pi * s) + 0.05 * s, arm_l=0.3 * s, arm_r=0.4 * s)  # fmt: skip
    seat_y = c.stand_y + LENGTHS["thigh"] * c.h + 0.04 * c.h
    f.props.append(("seat", c.centre - c.facing * 0.05 * c.h, seat_y, 0.0))


def _sit(f: _Frame, c: _Clip, u: float, ph: float) -> None:
    _sit_or_stand(f, c, _smooth((u - c.t0) / c.dur))


def _stand(f: _Frame, c: _Clip, u: float, ph: float) -> None:
    _sit_or_stand(f, c, 1.0 - _smooth((u - c.t0) / c.dur))


def _turn(f: _Frame, c: _Clip, u: float, ph: float) -> None:
    theta = np.pi * _smooth((u - c.t0) / c.dur)
    f.squash = max(abs(np.cos(theta)), 0.25)
    f.facing = c.facing if theta < np.pi / 2 else -c.facing
    f.angles.update(arm_l=0.35, arm_r=0.35, fore_l=0.5, fore_r=0.5)
    step = 0.15 * np.sin(2 * np.pi * 2 * u) * np.sin(theta)
    f.angles.update(thigh_l=step, thigh_r=-step)


def _drink(f: _Frame, c: _Clip, u: float, ph: float) -> None:
    lift = 0.5 - 0.5 * np.cos(2 * np.pi * c.cyc * u)
    f.angles.update(arm_r=0.35 + 0.45 * lift, fore_r=0.3 + 2.2 * lift)


def _pour(f: _Frame, c: _Clip, u: float, ph: float) -> None:
    lift = _smooth((u - c.t0) / 0.25)
    f.angles.update(arm_r=0.3 + 1.1 * lift, fore_r=0.3 - 0.2 * lift)


def _pick(f: _Frame, c: _Clip, u: float, ph: float) -> None:
    bend = np.sin(np.pi * np.clip((u - c.t0) / (2 * c.dur), 0.0, 1.0))
    f.hip[1] += 0.12 * c.h * bend
    f.angles.update(torso=1.3 * bend, thigh_l=0.25 * bend, thigh_r=0.25 * bend, shin_l=0.8 * bend,
                    shin_r=0.8 * bend, arm_r=1.0 * bend + 0.1, fore_r=0.2, arm_l=0.8 * bend)  # fmt: skip


_MOVES = {"Walk": _walk, "Push": _push, "Run": _run, "Jump": _jump, "Wave": _wave, "Sit": _sit,
          "Stand": _stand, "Turn": _turn, "Drink": _drink, "Pour": _pour, "Pick": _pick}  # fmt: skip


def _held_props(action: str, props: list, hand: tuple[float, float], c: _Clip, u: float) -> None:
    """Append the objects the hand at ``hand`` holds, pushes or picks up (cup, jug, box, ball)."""
    h, facing = c.h, c.facing
    if action == "Drink":
        props.append(("cup", hand[0], hand[1] - 0.03 * h, 0.0))
    elif action == "Pour":
        tilt = facing * 1.7 * _smooth((u - c.t0 - 0.2) / 0.3)
        props.append(("jug", hand[0], hand[1] - 0.04 * h, tilt))
        target = (hand[0] + facing * 0.1 * h, c.foot_y - 0.06 * h)
        props.append(("cup", target[0], target[1], 0.0))
        if abs(tilt) > 1.0:  # a stream of drops falls into the cup
            for k in range(4):
                frac = (k / 4 + 2.5 * u) % 1.0
                props.append(("drop", target[0], hand[1] + frac * (target[1] - hand[1]), 0.0))
    elif action == "Push":
        props.append(("box", hand[0] + facing * 0.13 * h, c.foot_y - 0.1 * h, 0.0))
    elif action == "Pick":
        ground = (c.centre + facing * 0.35 * h, c.foot_y - 0.06 * h)
        picked = u > c.t0 + c.dur  # held once the hand has been down
        props.append(("ball", *(hand if picked else ground), 0.0))


def action_poses(action: str, num_frames: int, size: int, height_frac: float, rng: np.random.Generator) -> list[Pose]:
    """Poses of one clip of ``action``: random facing, start position, speed and phase."""
    c = _draw_clip(action, size, height_frac, rng)
    poses = []
    for frame in range(num_frames):
        u = frame / max(num_frames - 1, 1)
        ph = c.phase0 + 2 * np.pi * c.cyc * u
        f = _Frame(angles=_still(), hip=[c.centre, c.stand_y], facing=c.facing)
        f.angles.update(arm_l=0.1, arm_r=0.1, fore_l=0.15, fore_r=0.15)
        if action in _MOVES:
            _MOVES[action](f, c, u, ph)
        pose = Pose(hip=(float(f.hip[0]), float(f.hip[1])), facing=f.facing, angles=f.angles, squash=f.squash,
                    props=f.props)  # fmt: skip
        _held_props(action, f.props, skeleton(pose, c.h)["hand_r"], c, u)
        poses.append(pose)
    return poses
