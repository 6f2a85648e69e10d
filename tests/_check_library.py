"""Two small hand-built private check forms (X and Y) written into a library folder, for the browser and lesson
tests: each two excerpts and two full sessions, marked ``use: check`` with their form letter."""

from __future__ import annotations

import dataclasses
import random
from pathlib import Path

from _check_forms import excerpt, full_session

from coachkit.library import write_session

EXCERPTS = ((("4.1", "6.6"), (True, False)), (("7.1", "8.3"), (False, True)))


def small_form(letter: str, seed: int) -> list:
    rng = random.Random(seed)
    low = letter.lower()
    fulls = [full_session(f"{low}-full-{k}", lvl, rng) for k, lvl in enumerate(("PCC", "below"))]
    exs = []
    for k, (focus, heard) in enumerate(EXCERPTS):
        ex = excerpt(f"{low}-ex-{k}", focus, heard)
        exs.append(dataclasses.replace(ex, level="PCC", key=dataclasses.replace(ex.key, summary="A short moment.")))
    return [dataclasses.replace(s, meta={"use": "check", "form": letter.upper()}) for s in fulls + exs]


def write_forms(folder: Path, letters=(("X", 1), ("Y", 2))) -> dict:
    """Write the forms under ``folder``; returns {letter: sessions}."""
    folder.mkdir(parents=True, exist_ok=True)
    out = {}
    for letter, seed in letters:
        out[letter] = small_form(letter, seed)
        for s in out[letter]:
            write_session(s, folder / s.id, consent="fictional")
    return out
