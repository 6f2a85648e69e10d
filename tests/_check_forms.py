"""Hand-built check forms for the tests (the real forms come from the library's check_forms())."""

from __future__ import annotations

import random

from coachkit.framework import framework
from coachkit.model import LEVEL_ORDER, AnswerKey, CompetencyCall, Decision, Session, Utterance

_HEARD = {"below": 0.2, "ACC": 0.45, "PCC": 0.7, "MCC": 0.85}


def _talk(n=12):
    return tuple(
        Utterance(f"u{i}", "coach" if i % 2 else "client", "Sam" if i % 2 else "Lee", 10.0 * i, 10.0 * i + 8, f"line {i}")
        for i in range(1, n + 1)
    )


def full_session(sid: str, level: str, rng: random.Random) -> Session:
    markers = framework().marker_ids
    decisions = {}
    for m in markers:
        heard = rng.random() < _HEARD[level]
        decisions[m] = Decision(heard, ("u3",) if heard else (), f"note on {m}")
    # at least two heard and two not heard
    for m in markers[:2]:
        decisions[m] = Decision(True, ("u3",), f"note on {m}")
    for m in markers[-2:]:
        decisions[m] = Decision(False, (), f"note on {m}")
    i = LEVEL_ORDER.index(level)
    comps = {}
    for n in range(3, 9):
        shift = rng.choice((0, 0, 0, -1, 1))
        comps[n] = CompetencyCall(LEVEL_ORDER[min(max(i + shift, 0), 3)], f"depth of {n}", ("u5",))
    key = AnswerKey(level, "summary", 1, decisions, competencies=comps)
    return Session(sid, f"Session {sid}", "full", level, (), "topic", _talk(), key)


def excerpt(sid: str, focus: tuple[str, ...], heard: tuple[bool, ...]) -> Session:
    decisions = {m: Decision(h, ("u2",) if h else (), f"why {m}") for m, h in zip(focus, heard, strict=True)}
    key = AnswerKey("PCC", "", 1, decisions)
    return Session(sid, f"Excerpt {sid}", "excerpt", None, focus, "topic", _talk(6), key)


def form(letter: str, seed: int) -> tuple[Session, ...]:
    rng = random.Random(seed)
    markers = framework().marker_ids
    fulls = [full_session(f"{letter.lower()}-full-{k}", lvl, rng) for k, lvl in enumerate(("below", "ACC", "PCC", "MCC", "PCC"))]
    excerpts = []
    for k in range(10):
        focus = tuple(rng.sample(markers, 3))
        heard = (True, False, rng.random() < 0.5)
        excerpts.append(excerpt(f"{letter.lower()}-ex-{k:02d}", focus, heard))
    return tuple(fulls + excerpts)


def practice_excerpts() -> tuple[Session, ...]:
    return tuple(excerpt(f"practice-{m}", (m,), (True,)) for m in framework().marker_ids)
