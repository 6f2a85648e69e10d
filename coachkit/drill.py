"""The "which marker is this line?" drill: questions built from the answer keys of the sample library.

A question is one line the assessor cited as evidence, four markers to choose from, and the assessor's
note as feedback. Any marker the key credits to that line counts as right.
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from dataclasses import dataclass

from .errors import CoachkitError
from .framework import framework
from .model import Session

__all__ = ["DrillQuestion", "drill_questions"]


@dataclass(frozen=True)
class DrillQuestion:
    session_id: str
    utterance_id: str
    speaker: str
    line: str
    context: str  # the turn before, so the line is heard in context
    choices: tuple[str, ...]  # marker ids
    answers: frozenset[str]  # every marker the key credits to this line
    note: str  # the assessor's note for the first answer

    def check(self, marker_id: str) -> bool:
        if marker_id not in self.choices:
            raise CoachkitError(f"{marker_id!r} is not one of this question's choices: {', '.join(self.choices)}")
        return marker_id in self.answers


def drill_questions(sessions: Iterable[Session], n: int = 12, seed: int = 2027) -> list[DrillQuestion]:
    """Up to ``n`` questions from coach lines the keys cite, one per line, spread over the competencies.

    The same ``seed`` gives the same questions, so a group can do the drill together.
    """
    fw = framework()
    rng = random.Random(seed)
    by_line: dict[tuple[str, str], dict] = {}
    for s in sessions:
        if s.key is None:
            continue
        for marker_id, d in s.key.decisions.items():
            if not d.evidenced:
                continue
            for uid in d.evidence:
                u = s.utterance(uid)
                if u.speaker != "coach" or len(u.text.split()) > 45:
                    continue
                entry = by_line.setdefault((s.id, uid), {"session": s, "u": u, "markers": {}})
                entry["markers"].setdefault(marker_id, d.note)
    entries = sorted(by_line.values(), key=lambda e: (e["session"].id, e["session"].position(e["u"].id)))
    rng.shuffle(entries)
    chosen, per_comp = [], {}
    for e in entries:  # spread over competencies: at most ceil(n/6)+1 per competency
        comp = fw.marker(sorted(e["markers"])[0]).competency
        if per_comp.get(comp, 0) >= n // 6 + 1:
            continue
        per_comp[comp] = per_comp.get(comp, 0) + 1
        chosen.append(e)
        if len(chosen) == n:
            break
    questions = []
    all_ids = list(fw.marker_ids)
    for e in chosen:
        s, u = e["session"], e["u"]
        answers = frozenset(e["markers"])
        right = rng.choice(sorted(answers))
        wrong_pool = [m for m in all_ids if m not in answers]
        choices = [right, *rng.sample(wrong_pool, 3)]
        rng.shuffle(choices)
        pos = s.position(u.id)
        context = s.utterances[pos - 1].text if pos > 0 else ""
        questions.append(
            DrillQuestion(s.id, u.id, u.name, u.text, context, tuple(choices), answers, e["markers"][right])
        )
    return questions
