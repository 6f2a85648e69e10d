"""Conversation metrics for a coaching session: talk share, questions, interruptions, silences, advice.

Each number speaks to a PCC Marker, but these are **practitioners' rules of thumb, not ICF rules**:
ICF assessors listen to the whole conversation and never score a session by counting. Use the numbers
to know where to listen, not to decide a level.

=====================  ======  ===========================================================================
metric                 marker  what it is (and the practitioners' rule of thumb)
=====================  ======  ===========================================================================
duration_s             -       seconds from the first start to the last time of the last cue (None untimed)
coach_turns            -       turns taken by the coach (consecutive cues of one speaker are one turn)
client_turns           -       turns taken by the client
questions              7.6     coach sentences ending with "?"
open_questions         7.6     questions that leave the answer to the client (see :func:`classify_question`)
closed_questions       7.6     yes/no questions and choices between options the coach names
stacked_questions      7.6     coach turns with two or more questions: one question at a time, or only
                               the last gets answered
interruptions          6.6     coach turns that start before the client's last turn ended; None untimed, and
                               None when no cue overlaps another (Zoom and Otter never write overlaps) unless
                               the session file declares ``timing_shows_overlaps: true``
silences               5.5     gaps of 3 s or more between consecutive cues, whoever speaks next, counted
                               before cues are merged into turns (None untimed or with start times only)
coach_talk_share       7.8     the coach's share of coach + client talk (time if timed, else words);
                               the client talking 60 to 80 % of the time is the usual rule of thumb
client_talk_share      7.8     the client's share; the two add to 1 (a third speaker is left out)
advice_phrases         -       phrases like "you should", "have you tried": consulting, not coaching mode
                               (the phrases themselves: :func:`advice_phrases`)
=====================  ======  ===========================================================================

Every figure is a plain number, or None where the source cannot show it; :func:`metric_reasons` says
why each None is n/a, and :func:`metric_notes` how many questions fell to the fallback type.

Silences and talk time are measured on the cues as the file has them (see
:func:`coachkit.transcripts.cue_times`), so a client's long pause inside one turn counts. For a session
whose cues are not known (built by hand, or its file moved) they fall back to the gaps between turns.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from .errors import CoachkitError
from .model import Session

__all__ = [
    "shown_value",
    "METRICS",
    "SILENCE_SECONDS",
    "conversation_metrics",
    "advice_phrases",
    "classify_question",
    "split_questions",
    "metrics_table",
    "format_metrics",
    "metric_reasons",
    "metric_notes",
    "FALLBACK_TYPE",
]

#: A gap between cues of at least this many seconds is a silence (a practitioner's rule of thumb:
#: 3 to 5 seconds after a question is healthy thinking time).
SILENCE_SECONDS = 3.0

#: Each metric: (the marker it speaks to, or "" for none; what it means in plain words).
METRICS: Mapping[str, tuple[str, str]] = {
    "duration_s": ("", "Length of the session in seconds, first word to last."),
    "coach_turns": ("", "How many turns the coach took."),
    "client_turns": ("", "How many turns the client took."),
    "questions": ("7.6", "Coach sentences that end with a question mark."),
    "open_questions": ("7.6", "Questions that leave the answer to the client (what, how, tell me more)."),
    "closed_questions": ("7.6", "Yes/no questions, and choices between options the coach names."),
    "stacked_questions": ("7.6", "Coach turns with two or more questions: ask one at a time."),
    "interruptions": ("6.6", "Coach turns that start before the client has finished."),
    "silences": ("5.5", "Pauses of 3 seconds or more: room for the client to think."),
    "coach_talk_share": ("7.8", "The coach's share of the talk (coach and client only)."),
    "client_talk_share": ("7.8", "The client's share of the talk: 60 to 80 % is the usual rule of thumb."),
    "advice_phrases": ("", "Advice such as 'you should' or 'have you tried': consulting, not coaching."),
}

_SENTENCE_END = re.compile(r"(?<=[.!?…][\"'”’)\]])\s+|(?<=[.!?…])\s+")
_CLOSERS = "\"'”’)] \t"

# ------------------------------------------------------------------------------------------- questions


def split_questions(text: str) -> list[str]:
    """The sentences of ``text`` that end with a question mark.

    A one-word acknowledgement ("Okay?", "Cool?", "Right?") is not a question.

    >>> split_questions("Thanks. What do you want today? And how will you know? Really?! Okay? Cool?")
    ['What do you want today?', 'And how will you know?', 'Really?!']
    """
    return [
        s.strip()
        for s in _SENTENCE_END.split(text)
        if s.rstrip(_CLOSERS + "!").endswith("?") and not _acknowledgement(s)
    ]


# one-word replies said with a rising tone: they check in, they do not ask
_ACKNOWLEDGEMENTS = {
    "okay", "ok", "cool", "right", "alright", "yeah", "yes", "yep", "sure", "good", "great", "fine", "nice",
    "mhm", "mm", "hmm", "uh-huh", "no", "wow", "oh", "ah", "gotcha", "perfect", "awesome",
}  # fmt: skip


def _acknowledgement(sentence: str) -> bool:
    word = sentence.strip().strip(_CLOSERS + "?!.,…").lower()
    return word in _ACKNOWLEDGEMENTS


_WH = {
    "what", "what's", "whats", "how", "how's", "why", "why's", "where", "where's", "when", "when's",
    "who", "who's", "whom", "whose", "which",
}  # fmt: skip
_AUX = {
    "is", "are", "was", "were", "am", "do", "does", "did", "have", "has", "had", "can", "could", "will",
    "would", "shall", "should", "may", "might", "must", "isn't", "aren't", "wasn't", "weren't", "don't",
    "doesn't", "didn't", "haven't", "hasn't", "hadn't", "can't", "couldn't", "won't", "wouldn't",
    "shouldn't", "mightn't", "mustn't", "shan't", "ain't", "is't", "anything", "any", "anyone", "anybody",
}  # fmt: skip
# words that carry no question and are skipped at the start ("So, what ...", "Okay, and how ...")
_FILLERS = {
    "so", "and", "but", "okay", "ok", "well", "mm", "mmm", "hmm", "um", "uh", "right", "now", "then", "yes",
    "yeah", "alright", "oh", "ah", "just", "also", "great", "good", "sure", "thanks", "or",
}  # fmt: skip
# "Could you say more?", "Would you tell me ...?": an invitation in a yes/no frame is an open question
_INVITATION = re.compile(
    r"^(?:can|could|would|will|do)\s+(?:you|we)\s+(?:please\s+)?"
    r"(?:(?:like|want|care|mind)\s+to\s+)?"
    r"(?:say|tell|describe|share|explain|walk|talk\s+(?:me\s+)?(?:about|through)|expand|elaborate|unpack|paint|help\s+me\s+understand|"
    r"put\s+(?:it|that|this)\s+(?:in|into)\s+words|give\s+(?:me\s+)?(?:an?\s+)?example|name|list|"
    r"speak|recall|remember\s+what|picture)\b"
)
_TAG_QUESTION = re.compile(
    r",\s*(?:right|yeah|yes|no|ok|okay|correct|true|agreed|yes or no|is that right|is that so|"
    r"(?:is|are|was|were|do|does|did|have|has|had|can|could|will|would|should|wo|ca|sha)n't\s+\w+|"
    r"(?:is|are|do|does|did|will|would|can)\s+(?:it|you|he|she|they|we|that)|am i right)$"
)
# a choice between options the coach names: "which of the two", "A or B?"
_WHICH_OF = re.compile(r"^which\s+(?:\w+\s+)?(?:of\s+(?:the\s+)?(?:two|three|both|these|those|them)\b|.*\bor\b)")
_OPEN_FRAGMENT = re.compile(
    r"^(?:and|and then|and then what|meaning|such as|for example|for instance|because|like what|how so|"
    r"say more|tell me more|go on|keep going|what else|in what way|how come|because of what|which is|"
    r"as in|say more about that|tell me about (?:it|that|this))$"
)
_I_WONDER = re.compile(r"^i(?:'m| am)?\s+(?:wonder(?:ing)?|curious)\s*,?\s*(if|whether|about|\w+)")
_REFLECTION = re.compile(
    r"^what (?:i'm|i am|i) (?:hearing|hear|heard|notice|noticing|sense|sensing|get|understand)\b.*\b(?:is|are|was)\b"
    r"|^what you(?:'re| are)? (?:saying|said|mean|want) is\b"
)
_PREPOSITIONS = {"by", "to", "in", "for", "with", "from", "at", "on", "of", "about", "under", "until", "since"}
_SUBORDINATE = re.compile(
    r"^(?:if|when|whatever|whenever|wherever|whichever|however|as|given|thinking|looking|now that|after|before|since|once|imagine|suppose|supposing|"
    r"say|assuming|with|in|on|from|at|of all|out of|between|of|for|by)\b"
)


def _words(text: str) -> list[str]:
    text = text.lower().replace("’", "'").replace("‘", "'")
    return re.findall(r"[a-z0-9]+(?:'[a-z]+)?", text)


def _head_kind(clause: str) -> str | None:
    """'open' / 'closed' from the first word of a clause, or None when it does not say."""
    words = _words(clause)
    while words and words[0] in _FILLERS:
        words = words[1:]
    if not words:
        return None
    if len(words) > 1 and words[0] in _PREPOSITIONS and words[1] in _WH:
        words = words[1:]  # "By when ...", "To what extent ...", "With whom ..."
    text = " ".join(words)
    first = words[0]
    if first in _WH:
        if _REFLECTION.match(text):
            return "closed"  # "So what I'm hearing is ...?": a reflection to confirm
        if text.startswith(("how about", "what about if")):
            return "closed"
        if text.startswith("why don't you") and not re.match(r"why don't you (?:want|like|think|feel|believe)", text):
            return "closed"  # a suggestion, not an inquiry
        if first == "which" and _WHICH_OF.match(text):
            return "closed"
        return "open"
    if _INVITATION.match(text):
        return "open"
    if first in _AUX:
        return "closed"
    return None


#: The type a question gets when no rule decides: the one right more often on the tuning set
#: (``tests/data/questions_tune.csv``; measured by ``tests/test_metrics.py``).
FALLBACK_TYPE = "closed"

_STAGE_DIRECTION = re.compile(r"^\s*(?:\([^()]*\)|\[[^\[\]]*\])\s*")


def classify_question(text: str) -> str:
    """Tell an open question from a closed one: ``'open'`` or ``'closed'``.

    The rule (a practitioner's, as the labelled set in ``tests/data`` applies it): a question is
    **closed** when it can be answered yes or no, or by picking one of the options the coach names
    ("Is that right?", "Did you talk to him?", "Which of the two matters more?", "Stay or go?", tag
    questions "..., right?", a statement said as a question "So you're saying X?"). It is **open** when
    the answer is the client's to make: what/how/why/who/where/when questions ("What else?", "How so?"),
    short prompts to go on ("And?", "Meaning?", "Such as?") and invitations in a yes/no frame ("Could you
    say more?", "Can you tell me about...?", "Would you describe...?"). A lead-in clause is skipped:
    "When you say stuck, what does that look like?" is open.

    >>> classify_question("What would make this session worthwhile?")
    'open'
    >>> classify_question("Could you say more?")
    'open'
    >>> classify_question("Which of the two matters more?")
    'closed'
    >>> classify_question("You want the promotion, right?")
    'closed'
    """
    if not isinstance(text, str):
        raise CoachkitError(f"classify_question needs the text of a question, not {type(text).__name__}")
    return _classify(text)[0]


def _classify(text: str) -> tuple[str, bool]:
    """The type, and whether a rule decided it (False: it fell to :data:`FALLBACK_TYPE`)."""
    while True:  # "(pause) What else?", "[laughs] How so?": a stage direction before the question
        m = _STAGE_DIRECTION.match(text)
        if not m or m.end() == 0 or m.end() >= len(text):
            break
        text = text[m.end() :]
    text = text.strip().strip("\"“”'‘’")
    words_text = " ".join(_words(text))
    if _TAG_QUESTION.search(text.lower().replace("’", "'").rstrip(_CLOSERS + "?!.")):
        return "closed", True
    if _OPEN_FRAGMENT.match(words_text) or _OPEN_FRAGMENT.match(_strip_fillers(words_text)):
        return "open", True
    wonder = _I_WONDER.match(_strip_fillers(words_text))
    if wonder:
        return ("closed" if wonder.group(1) in ("if", "whether") else "open"), True
    clauses = [c for c in re.split(r"[,;:—–]|\s-\s|\.\.\.|…", text) if _words(c)]
    if not clauses:
        return FALLBACK_TYPE, False
    head = _head_kind(clauses[0])
    if head is None or (len(clauses) > 1 and _SUBORDINATE.match(_strip_fillers(" ".join(_words(clauses[0]))))):
        # a lead-in ("If you had a magic wand, ...") or a statement ("I'm curious, what ..."): the first
        # clause after it that asks decides
        for clause in clauses[1:]:
            kind = _head_kind(clause)
            if kind is not None:
                head = kind
                break
    if head is None and _SUBORDINATE.match(_strip_fillers(" ".join(_words(clauses[0])))):
        # "If you could change one thing what would it be?": a lead-in with no comma before the question
        head = _after_lead_in(_words(clauses[0]))
    if head == "open" and _offers_choice(text):
        return "closed", True
    if head is None:
        return FALLBACK_TYPE, False
    return head, True


def _strip_fillers(words_text: str) -> str:
    words = words_text.split()
    while words and words[0] in _FILLERS:
        words = words[1:]
    return " ".join(words)


def _after_lead_in(words: list[str]) -> str | None:
    """The type of the question inside a lead-in clause: the first question word after the lead-in decides."""
    for k in range(1, len(words)):
        if words[k] in _WH and words[k - 1] not in _PREPOSITIONS | {"of", "about", "know", "see", "decide"}:
            return "open"
    return None


def _offers_choice(text: str) -> bool:
    """'What matters more, the money or the title?': a wh-question that ends by naming the options is
    closed; an " or " inside the question itself ("What would you keep or drop?") is not a choice."""
    pieces = re.split(r"[,:;—–]", text)
    if len(pieces) < 2:
        return False
    last = " ".join(_words(pieces[-1]))
    if " or " not in f" {last} ":
        return False
    before, after = f" {last} ".split(" or ", 1)
    return bool(before.split()) and before.split()[0] not in _WH and bool(after.split()) and after.split()[0] not in _WH | {"not"}


# -------------------------------------------------------------------------------------------- advice

_ADVICE = [
    ("you should", r"(?<!do )(?<!think )(?<!feel )(?<!believe )(?<!say )\byou should\b"),
    ("you need to", r"(?<!do )(?<!think )(?<!feel )(?<!believe )\byou need to\b"),
    ("you must", r"(?<!do )\byou must\b"),
    ("you ought to", r"\byou ought to\b"),
    ("have you tried", r"\bhave you tried\b"),
    ("why don't you", r"\bwhy don'?t you\b(?! (?:want|like|think|feel|believe))"),
    ("why not just", r"\bwhy not just\b"),
    ("if I were you", r"\bif i were you\b"),
    # "I would" alone was wrong in all of ten real hits ("I would love to hear", "what I would notice"):
    # only "I would / I'd" followed by a verb of advising counts
    ("I would suggest", r"\bi(?: would|'d|’d) (?:suggest|recommend|advise|urge|encourage you to)\b"),
    ("my advice", r"\bmy advice\b"),
    ("I suggest", r"\bi (?:suggest|recommend)\b"),
    ("what you need to do", r"\bwhat you (?:need|have|ought) to do is\b"),
    ("try to", r"^\s*try to\b|[.!]\s+try to\b"),
    ("the best thing", r"\bthe best thing (?:to do|would be)\b"),
]
_ADVICE_RES = [(phrase, re.compile(pattern, re.IGNORECASE)) for phrase, pattern in _ADVICE]
# words every phrase holds: a turn with none of them holds no phrase (most turns), so it is not searched
_ADVICE_WORDS = (
    "you should", "you need to", "you must", "you ought to", "have you tried", "why don", "why not just",
    "if i were you", "my advice", "suggest", "recommend", "advise", "urge", "encourage you", "what you ",
    "try to", "the best thing",
)  # fmt: skip


def advice_phrases(session: Session) -> list[tuple[str, str]]:
    """Where the coach gives advice: a list of ``(utterance id, phrase)``, in order.

    The phrases ("you should", "have you tried", "why don't you", "I would suggest", "if I were you", "my
    advice", ...) are a practitioner's sign of consulting rather than coaching, not an ICF rule;
    "What do you think you should do?" is a coaching question and is not counted.

    >>> from coachkit.model import Session, Utterance
    >>> s = Session("demo", "demo", "full", None, (), "", (
    ...     Utterance("u1", "coach", "Sam", None, None, "Have you tried asking her? You should."),
    ...     Utterance("u2", "client", "Maya", None, None, "You should see my inbox.")))
    >>> advice_phrases(s)
    [('u1', 'have you tried'), ('u1', 'you should')]
    """
    _check_session(session)
    found = []
    for u in session.utterances:
        if u.speaker != "coach":
            continue
        lowered = u.text.lower()
        if not any(word in lowered for word in _ADVICE_WORDS):
            continue
        here = [(m.start(), phrase) for phrase, pattern in _ADVICE_RES for m in pattern.finditer(u.text)]
        found.extend((u.id, phrase) for _, phrase in sorted(here))
    return found


# ------------------------------------------------------------------------------------------- metrics


def _check_session(session) -> None:
    if not isinstance(session, Session):
        raise CoachkitError(
            f"expected a Session (from coachkit.load_transcript or load_session), not {type(session).__name__}"
        )


def _cue_spans(session: Session) -> list[tuple[str, float | None, float | None]]:
    """(speaker role, start, end) of every cue in file order; the turns themselves when cues are unknown."""
    if not session.cues:
        return [(u.speaker, u.start, u.end) for u in session.utterances]
    role = {u.id: u.speaker for u in session.utterances}
    return [(role.get(c.turn, "other"), c.start, c.end) for c in session.cues]


def conversation_metrics(session: Session) -> dict[str, float | int | None]:
    """The conversation's numbers, each tied to the marker it speaks to (see the module's table).

    Parameters
    ----------
    session : Session
        From :func:`coachkit.load_transcript` or :func:`coachkit.load_session`.

    Returns
    -------
    dict
        ``duration_s, coach_turns, client_turns, questions, open_questions, closed_questions,
        stacked_questions, interruptions, silences, coach_talk_share, client_talk_share,
        advice_phrases``: plain numbers; ``duration_s``, ``interruptions`` and ``silences`` are None
        when the file has no times (and the last two when it has start times only, as Otter's).
        Practitioner heuristics, not ICF rules.

    Examples
    --------
    >>> from coachkit.model import Session, Utterance
    >>> s = Session("demo", "demo", "full", None, (), "", (
    ...     Utterance("u1", "coach", "Sam", 0.0, 4.0, "What do you want? And why now?"),
    ...     Utterance("u2", "client", "Maya", 8.0, 20.0, "To decide about the job."),
    ...     Utterance("u3", "coach", "Sam", 19.0, 21.0, "Is that right?")))
    >>> m = conversation_metrics(s)
    >>> m["questions"], m["open_questions"], m["stacked_questions"], m["interruptions"], m["silences"]
    (3, 2, 1, 1, 1)
    >>> m["client_talk_share"]
    0.667
    """
    _check_session(session)
    utterances = session.utterances
    coach = [u for u in utterances if u.speaker == "coach"]
    client = [u for u in utterances if u.speaker == "client"]

    questions = stacked = open_q = 0
    for u in coach:
        asked = split_questions(u.text)
        questions += len(asked)
        stacked += len(asked) >= 2
        open_q += sum(classify_question(q) == "open" for q in asked)

    spans = _cue_spans(session)
    duration = _duration(spans)
    fully_timed = bool(utterances) and all(u.start is not None and u.end is not None for u in utterances)
    interruptions = silences = None
    overlaps = False
    if fully_timed:
        silences = 0
        latest = None
        for _, start, end in spans:
            if start is None or end is None:
                silences = None
                break
            if latest is not None:
                if start - latest >= SILENCE_SECONDS:
                    silences += 1
                overlaps = overlaps or start < latest
            latest = end if latest is None else max(latest, end)
        if overlaps or _declares_overlaps(session):
            interruptions = 0
            last_client_end = None
            for u in utterances:
                if u.speaker == "coach" and last_client_end is not None and u.start < last_client_end:
                    interruptions += 1
                elif u.speaker == "client":
                    last_client_end = u.end

    coach_share = _talk_share(spans, coach, client) if fully_timed else None
    if coach_share is None:
        coach_share = _word_share(coach, client)
    client_share = None if coach_share is None else round(1 - coach_share, 3)

    return {
        "duration_s": duration,
        "coach_turns": len(coach),
        "client_turns": len(client),
        "questions": questions,
        "open_questions": open_q,
        "closed_questions": questions - open_q,
        "stacked_questions": stacked,
        "interruptions": interruptions,
        "silences": silences,
        "coach_talk_share": coach_share,
        "client_talk_share": client_share,
        "advice_phrases": len(advice_phrases(session)),
    }


def _declares_overlaps(session: Session) -> bool:
    return str(session.meta.get("timing_shows_overlaps", "")).lower() == "true"


def _duration(spans) -> float | None:
    """From the first start to the last time the file gives (the last cue's end, or its start)."""
    first = last = None
    for _, start, end in spans:
        if start is not None:
            first = start if first is None else min(first, start)
        for t in (start, end):
            if t is not None:
                last = t if last is None else max(last, t)
    return None if first is None else round(last - first, 3)


def metric_reasons(session: Session, metrics: Mapping[str, object] | None = None) -> dict[str, str]:
    """Why each metric that is None is n/a, in plain words: ``{metric: reason}``.

    The metrics themselves stay plain numbers and None (see :func:`conversation_metrics`); this says
    what the source cannot show.

    >>> from coachkit.model import Session, Utterance
    >>> s = Session("d", "d", "full", None, (), "", (
    ...     Utterance("u1", "coach", "Sam", 0.0, 4.0, "What now?"), Utterance("u2", "client", "Maya", 5.0, 9.0, "Go.")))
    >>> metric_reasons(s)["interruptions"]
    'the file has no overlapping cues (Zoom and Otter never write them), so it cannot show an interruption'
    """
    _check_session(session)
    metrics = conversation_metrics(session) if metrics is None else metrics
    timed = any(c.start is not None for c in session.cues) or any(u.start is not None for u in session.utterances)
    ends = all(u.end is not None for u in session.utterances) and bool(session.utterances)
    reasons = {}
    for name, value in metrics.items():
        if value is not None:
            continue
        if not timed:
            reasons[name] = "the file has no times"
        elif name in ("interruptions", "silences", "coach_talk_share", "client_talk_share") and not ends:
            reasons[name] = "the file gives start times only (as Otter does), so pauses and overlaps cannot be seen"
        elif name == "interruptions":
            reasons[name] = (
                "the file has no overlapping cues (Zoom and Otter never write them), so it cannot show an interruption"
            )
        elif name in ("coach_talk_share", "client_talk_share"):
            reasons[name] = "neither the coach nor the client says anything"
        else:
            reasons[name] = "the file does not give what this needs"
    return reasons


def metric_notes(session: Session) -> list[str]:
    """Plain sentences about how the question figures were reached (for showing beside the numbers)."""
    _check_session(session)
    asked = [q for u in session.utterances if u.speaker == "coach" for q in split_questions(u.text)]
    if not asked:
        return ["No coach sentence ends with a question mark, so there are no questions to count."]
    fell = sum(1 for q in asked if not _classify(q)[1])
    if not fell:
        return []
    return [
        f"{fell} of {len(asked)} question{'s' if len(asked) != 1 else ''} matched no rule and "
        f"{'were' if fell != 1 else 'was'} counted as {FALLBACK_TYPE} (the type right more often when no rule decides)."
    ]


def _talk_share(spans, coach, client) -> float | None:
    time = {"coach": 0.0, "client": 0.0}
    for role, start, end in spans:
        if role in time:
            if start is None or end is None:
                return None
            time[role] += end - start
    total = time["coach"] + time["client"]
    if total <= 0:
        return None
    return round(time["coach"] / total, 3)


def _word_share(coach, client) -> float | None:
    c = sum(len(u.text.split()) for u in coach)
    k = sum(len(u.text.split()) for u in client)
    return None if c + k == 0 else round(c / (c + k), 3)


# ------------------------------------------------------------------------------------------ showing


def shown_value(name: str, value, reason: str | None = None) -> str:
    """A metric as a person reads it: shares as percentages, the length in minutes, "n/a" with its reason."""
    if value is None:
        return f"n/a ({reason or 'no times in the file'})"
    if name.endswith("_share"):
        return f"{value:.0%}"
    if name == "duration_s":
        minutes, seconds = divmod(int(round(value)), 60)
        return f"{minutes} min {seconds:02d} s"
    return str(value)


def format_metrics(metrics: Mapping[str, object], reasons: Mapping[str, str] | None = None) -> str:
    """The metrics as a readable plain-text table (for the command line).

    >>> print(format_metrics({"questions": 12, "coach_talk_share": 0.31, "silences": None}))
    metric             value                      marker  meaning
    questions          12                         7.6     Coach sentences that end with a question mark.
    coach_talk_share   31%                        7.8     The coach's share of the talk (coach and client only).
    silences           n/a (no times in the file) 5.5     Pauses of 3 seconds or more: room for the client to think.
    """
    rows = [("metric", "value", "marker", "meaning")]
    for name, value in metrics.items():
        marker, meaning = METRICS.get(name, ("", ""))
        rows.append((name, shown_value(name, value, (reasons or {}).get(name)), marker, meaning))
    widths = [max(len(r[i]) for r in rows) for i in range(3)]
    return "\n".join(
        f"{r[0]:<{widths[0]}}   {r[1]:<{widths[1]}} {r[2]:<{max(widths[2], 6)}}  {r[3]}".rstrip() for r in rows
    )


def metrics_table(session_or_metrics):
    """The metrics as a tidy DataFrame: ``metric, value, marker, meaning``.

    Takes a Session (the metrics are computed) or the dict :func:`conversation_metrics` returned.
    """
    import pandas as pd

    metrics = (
        conversation_metrics(session_or_metrics) if isinstance(session_or_metrics, Session) else session_or_metrics
    )
    if not isinstance(metrics, Mapping):
        raise CoachkitError("metrics_table needs a Session or the dict conversation_metrics returned")
    return pd.DataFrame(
        [
            {
                "metric": name,
                "value": value,
                "marker": METRICS.get(name, ("", ""))[0],
                "meaning": METRICS.get(name, ("", ""))[1],
            }
            for name, value in metrics.items()
        ],
        columns=["metric", "value", "marker", "meaning"],
    )
