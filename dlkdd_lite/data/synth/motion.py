"""synth_motion.py: the 11 ARID actions as procedural pose sequences.

Each action is a function of normalised time u in [0, 1] and a few random per-clip parameters.
Pairs are deliberately alike (walk/run, sit/stand, pick/push, drink/pour, wave/jump) so a
classifier's soft predictions carry information. Knows nothing about pixels (see synth_scene.py).
"""

from __future__ import annotations

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


def action_poses(action: str, num_frames: int, size: int, height_frac: float, rng: np.random.Generator) -> list[Pose]:
    """Poses of one clip of ``action``: random facing, start position, speed and phase."""
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

    poses = []
    for frame in range(num_frames):
        u = frame / max(num_frames - 1, 1)
        ph = phase0 + 2 * np.pi * cyc * u
        a, hip, squash, props, face = _still(), [centre, stand_y], 1.0, [], facing
        a.update(arm_l=0.1, arm_r=0.1, fore_l=0.15, fore_r=0.15)
        if action in ("Walk", "Push"):
            hip[0] = x0 + facing * travel * u
            _gait(a, ph, 0.35, 0.45, 0.3)
            a["torso"] = 0.06
            if action == "Push":
                a.update(arm_l=1.35, arm_r=1.45, fore_l=0.1, fore_r=0.1, torso=0.25)
        elif action == "Run":
            hip[0] = x0 + facing * travel * u
            _gait(a, ph, 0.8, 1.4, 0.8, elbow=1.4)
            a["torso"] = 0.3
            hip[1] -= 0.05 * h * abs(np.sin(ph))
        elif action == "Jump":
            air = max(0.0, np.sin(ph))
            crouch = max(0.0, -np.sin(ph))
            hip[1] += 0.18 * h * crouch - 0.3 * h * air
            a.update(thigh_l=0.9 * crouch, thigh_r=0.9 * crouch, shin_l=1.6 * crouch, shin_r=1.6 * crouch,
                     torso=0.35 * crouch, arm_l=2.4 * air + 0.3 * crouch, arm_r=2.4 * air + 0.3 * crouch)  # fmt: skip
        elif action == "Wave":
            a.update(arm_r=2.5, fore_r=0.6 * np.sin(ph), torso=0.03 * np.sin(ph))
        elif action in ("Sit", "Stand"):
            s = _smooth((u - t0) / dur)
            s = s if action == "Sit" else 1.0 - s
            hip[1] = stand_y + s * LENGTHS["thigh"] * h
            a.update(thigh_l=s * np.pi / 2, thigh_r=s * np.pi / 2, shin_l=s * np.pi / 2, shin_r=s * np.pi / 2,
                     torso=0.5 * np.sin(np.pi * s) + 0.05 * s, arm_l=0.3 * s, arm_r=0.4 * s)  # fmt: skip
            seat_y = stand_y + LENGTHS["thigh"] * h + 0.04 * h
            props.append(("seat", centre - facing * 0.05 * h, seat_y, 0.0))
        elif action == "Turn":
            theta = np.pi * _smooth((u - t0) / dur)
            squash = max(abs(np.cos(theta)), 0.25)
            face = facing if theta < np.pi / 2 else -facing
            a.update(arm_l=0.35, arm_r=0.35, fore_l=0.5, fore_r=0.5)
            step = 0.15 * np.sin(2 * np.pi * 2 * u) * np.sin(theta)
            a.update(thigh_l=step, thigh_r=-step)
        elif action in ("Drink", "Pour"):
            lift = 0.5 - 0.5 * np.cos(2 * np.pi * cyc * u) if action == "Drink" else _smooth((u - t0) / 0.25)
            if action == "Drink":
                a.update(arm_r=0.35 + 0.45 * lift, fore_r=0.3 + 2.2 * lift)
            else:
                a.update(arm_r=0.3 + 1.1 * lift, fore_r=0.3 - 0.2 * lift)
        elif action == "Pick":
            bend = np.sin(np.pi * np.clip((u - t0) / (2 * dur), 0.0, 1.0))
            hip[1] += 0.12 * h * bend
            a.update(torso=1.3 * bend, thigh_l=0.25 * bend, thigh_r=0.25 * bend, shin_l=0.8 * bend,
                     shin_r=0.8 * bend, arm_r=1.0 * bend + 0.1, fore_r=0.2, arm_l=0.8 * bend)  # fmt: skip
        pose = Pose(hip=(float(hip[0]), float(hip[1])), facing=face, angles=a, squash=squash, props=props)
        j = skeleton(pose, h)
        hand = j["hand_r"]
        if action == "Drink":
            props.append(("cup", hand[0], hand[1] - 0.03 * h, 0.0))
        elif action == "Pour":
            tilt = facing * 1.7 * _smooth((u - t0 - 0.2) / 0.3)
            props.append(("jug", hand[0], hand[1] - 0.04 * h, tilt))
            target = (hand[0] + facing * 0.1 * h, foot_y - 0.06 * h)
            props.append(("cup", target[0], target[1], 0.0))
            if abs(tilt) > 1.0:  # a stream of drops falls into the cup
                for k in range(4):
                    frac = (k / 4 + 2.5 * u) % 1.0
                    props.append(("drop", target[0], hand[1] + frac * (target[1] - hand[1]), 0.0))
        elif action == "Push":
            props.append(("box", hand[0] + facing * 0.13 * h, foot_y - 0.1 * h, 0.0))
        elif action == "Pick":
            ground = (centre + facing * 0.35 * h, foot_y - 0.06 * h)
            picked = u > t0 + dur  # held once the hand has been down
            props.append(("ball", *(hand if picked else ground), 0.0))
        poses.append(pose)
    return poses
