"""Writes ``alert.wav`` beside this file: a short, calm two-note chime (a few KB).

Two soft sine notes a fourth apart (A5 then D6), each with a gentle attack and
an exponential fade: heard across a quiet room, never a siren (a war room that
is shouted at mutes its alarms). 8 kHz mono 16-bit keeps the file small.

    python resources/sounds/generate_chime.py
"""

from __future__ import annotations

import math
import struct
import wave
from pathlib import Path

RATE = 8000
NOTES = ((880.0, 0.0), (1174.7, 0.16))  # (Hz, start s)
LENGTH_S = 0.55
PEAK = 0.45  # of full scale: calm


def samples() -> list[int]:
    out = []
    for i in range(int(RATE * LENGTH_S)):
        t = i / RATE
        value = 0.0
        for freq, start in NOTES:
            u = t - start
            if u < 0:
                continue
            attack = min(1.0, u / 0.012)
            value += attack * math.exp(-u * 7.0) * (math.sin(2 * math.pi * freq * u)
                                                     + 0.25 * math.sin(4 * math.pi * freq * u))
        tail = min(1.0, (LENGTH_S - t) / 0.05)  # no click at the end
        out.append(round(max(-1.0, min(1.0, value * PEAK / 1.25 * tail)) * 32767))
    return out


def main() -> None:
    path = Path(__file__).with_name("alert.wav")
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(RATE)
        w.writeframes(b"".join(struct.pack("<h", s) for s in samples()))
    print(f"wrote {path} ({path.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
