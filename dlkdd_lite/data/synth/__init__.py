"""data.synth: the quick tier's generated dark videos, in ARID's layout (``dlkdd synth``).

``generate`` (generate_dataset: classes x actors x clips, split lists, manifest), ``scene`` (rooms and light),
``motion`` (an actor's poses per action), ``arid`` (ARID's classes and file names).
"""
