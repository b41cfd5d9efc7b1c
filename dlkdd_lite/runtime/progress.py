"""progress.py: progress bars that read well in a terminal and in a saved notebook.

``tqdm`` here is a drop-in for ``tqdm.auto.tqdm``. In a terminal it is tqdm. In a notebook kernel a bar is
one line of plain text updated in place, which a saved notebook keeps as its final summary; bars that
clear themselves (``leave=False``: one epoch's batches, a decoding pass) are not drawn there at all. So an
executed notebook holds one line per training run, not a widget per epoch. Knows nothing about training.
"""

from __future__ import annotations

from tqdm import tqdm as terminal_tqdm


def in_notebook() -> bool:
    """True inside a Jupyter kernel (JupyterLab, VS Code, nbclient), False in a terminal or IPython shell."""
    try:
        from IPython import get_ipython
    except ImportError:
        return False
    shell = get_ipython()
    return shell is not None and "IPKernelApp" in shell.config


def tqdm(*args, **kwargs):
    """``tqdm.auto.tqdm``'s signature: a terminal bar, or in a notebook a ``LineBar`` (none if ``leave=False``)."""
    if not in_notebook():
        return terminal_tqdm(*args, **kwargs)
    if kwargs.get("leave") is False:
        return terminal_tqdm(*args, **{**kwargs, "disable": True})
    return LineBar(*args, **kwargs)


class _Sink:
    """Where a LineBar's tqdm writes its text stream: nowhere (it draws through ``_show``)."""

    def write(self, text: str) -> None:
        pass

    def flush(self) -> None:
        pass


class LineBar(terminal_tqdm):
    """A bar drawn as one line of text in a notebook's output, replaced by a summary when it closes:
    ``"student_s0 (student, seed 0): 30/30 epochs in 48 s, loss=0.412, video_acc1=0.636"``."""

    def __init__(self, *args, **kwargs):
        self._handle = None
        kwargs["file"] = _Sink()
        super().__init__(*args, **kwargs)

    def display(self, msg: str | None = None, pos: int | None = None) -> bool:
        self._show(self.__str__() if msg is None else msg)
        return True

    def close(self) -> None:
        shown = not self.disable and self._handle is not None
        super().close()
        if shown:
            self._show(self.summary())

    def summary(self) -> str:
        """What the bar did: description, steps done of all, time taken, and its postfix."""
        d = self.format_dict
        done = f"{d['n']}/{d['total']}" if d["total"] else f"{d['n']}"
        unit = "" if d["unit"] == "it" else d["unit"]  # tqdm's default unit says nothing
        if unit.isalpha() and unit.islower() and not unit.endswith("s") and d["n"] != 1:
            unit += "s"  # "run" -> "runs"; "B" (bytes) stays
        text = f"{d['prefix'] or 'done'}: {done} {unit} in {seconds_text(d['elapsed'])}".replace("  ", " ")
        return f"{text}, {d['postfix']}" if d["postfix"] else text

    def _show(self, text: str) -> None:
        from IPython.display import display

        if self._handle is None:
            self._handle = display({"text/plain": text}, raw=True, display_id=True)
        else:
            self._handle.update({"text/plain": text}, raw=True)


def seconds_text(seconds: float) -> str:
    """``"48 s"``, ``"3 min 12 s"``: a duration as a reader says it."""
    seconds = round(seconds)
    return f"{seconds} s" if seconds < 60 else f"{seconds // 60} min {seconds % 60} s"
