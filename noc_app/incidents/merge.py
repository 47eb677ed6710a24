"""Line-based three-way merge for the conflict dialog.

When two operators edit the same text (manifestation, root cause...), the
stale save is refused; the dialog then merges what was stored meanwhile
(``theirs``) with what this operator typed (``yours``) relative to the text
both started from (``base``).  Lines changed on one side only are taken;
where both sides changed the same lines differently, *both* versions are
kept between clear markers so nothing anyone typed is lost.
"""

from __future__ import annotations

from dataclasses import dataclass
from difflib import SequenceMatcher

THEIRS_MARK = "<<<<<<< theirs (saved by someone else)\n"
SEPARATOR = "=======\n"
YOURS_MARK = ">>>>>>> yours\n"


@dataclass(frozen=True)
class MergeResult:
    text: str
    conflicts: int  # number of regions kept twice between markers

    @property
    def clean(self) -> bool:
        return self.conflicts == 0


def _hunks(base: list[str], other: list[str]) -> list[tuple[int, int, list[str]]]:
    """(base start, base end, replacement lines) for each change from base to other."""
    matcher = SequenceMatcher(None, base, other, autojunk=False)
    return [(i1, i2, other[j1:j2]) for tag, i1, i2, j1, j2 in matcher.get_opcodes() if tag != "equal"]


def _apply(base: list[str], lo: int, hi: int, hunks: list[tuple[int, int, list[str]]]) -> list[str]:
    """base[lo:hi] with ``hunks`` (all inside [lo, hi]) applied."""
    out: list[str] = []
    pos = lo
    for start, end, lines in hunks:
        out.extend(base[pos:start])
        out.extend(lines)
        pos = end
    out.extend(base[pos:hi])
    return out


def _terminated(lines: list[str]) -> list[str]:
    # A conflict block must end with a newline or the marker after it would
    # be glued to the last line.
    if lines and not lines[-1].endswith("\n"):
        return [*lines[:-1], lines[-1] + "\n"]
    return lines


def merge_text(base: str, theirs: str, yours: str) -> MergeResult:
    if theirs == yours:
        return MergeResult(theirs, 0)
    if base == theirs:
        return MergeResult(yours, 0)
    if base == yours:
        return MergeResult(theirs, 0)
    b = base.splitlines(keepends=True)
    tagged = sorted([(s, e, lines, 0) for s, e, lines in _hunks(b, theirs.splitlines(keepends=True))]
                    + [(s, e, lines, 1) for s, e, lines in _hunks(b, yours.splitlines(keepends=True))],
                    key=lambda h: (h[0], h[1]))
    out: list[str] = []
    conflicts = 0
    pos = 0
    i = 0
    while i < len(tagged):
        # Group hunks whose base ranges overlap or touch: they must be decided together.
        lo, hi = tagged[i][0], tagged[i][1]
        group = [tagged[i]]
        i += 1
        while i < len(tagged) and tagged[i][0] <= hi:
            hi = max(hi, tagged[i][1])
            group.append(tagged[i])
            i += 1
        out.extend(b[pos:lo])
        sides = [[(s, e, lines) for s, e, lines, side in group if side == k] for k in (0, 1)]
        if not sides[1]:
            out.extend(_apply(b, lo, hi, sides[0]))
        elif not sides[0]:
            out.extend(_apply(b, lo, hi, sides[1]))
        else:
            mine_theirs, mine_yours = _apply(b, lo, hi, sides[0]), _apply(b, lo, hi, sides[1])
            if mine_theirs == mine_yours:
                out.extend(mine_theirs)
            else:
                conflicts += 1
                if out and not out[-1].endswith("\n"):
                    out[-1] += "\n"
                out.extend([THEIRS_MARK, *_terminated(mine_theirs), SEPARATOR,
                            *_terminated(mine_yours), YOURS_MARK])
        pos = hi
    out.extend(b[pos:])
    return MergeResult("".join(out), conflicts)
