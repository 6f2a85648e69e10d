"""The mentor's observation report: self-contained, escaped, quoting the evidence, shaped for 2027."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest

import coachkit as ck
from coachkit.model import RatingSheet, Session, Utterance
from coachkit.report import competency_review, read_observation, scale


def _session() -> Session:
    talk = (
        Utterance("u1", "coach", "Sam", 2.0, 6.0, "What would you like to leave with today?"),
        Utterance("u2", "client", "Maya", 7.0, 15.0, "Clarity. <script>alert('x')</script> & a plan."),
        Utterance("u3", "coach", "Sam", 19.0, 23.0, "You have already done a lot of thinking on this."),
        Utterance("u4", "client", "Maya", 24.0, 40.0, "I have. I never told anyone that."),
        Utterance("u5", "coach", "Sam", 41.0, 44.0, "You should just ask for it."),
    )
    return Session("maya-obs", "Maya's promotion", "full", None, (), "career", talk,
                   meta={"coach": "Sam", "client": "Maya"})


def _sheet() -> RatingSheet:
    s = RatingSheet("maya-obs", "Mira", rater_id="m1")
    s.mark("3.1", True, ["u1"], "asks for the outcome")
    s.mark("4.1", True, ["u3"], "names her <b>work</b>")
    s.mark("6.6", False, ["u5"], "jumps in with advice")
    s.mark("5.5", None)
    s.comments = "Overall warm; watch the advice at the end."
    return s


class _Refs(HTMLParser):
    def __init__(self):
        super().__init__()
        self.refs, self.tags = [], []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        for name, value in attrs:
            if name in ("src", "href", "srcset", "action", "data", "poster"):
                self.refs.append((tag, name, value or ""))


def _write(tmp_path, **kw):
    args = dict(observer="Mira", strengths=["A clear agreement"], development=["Let her finish"],
                summary="Warm and clear.", ethics_observed=True, ratings={3: "Meets", 4: "exceeds", "6": "Below"})
    args.update(kw)
    return ck.observation_report(_sheet(), _session(), tmp_path / "obs.html", **args)


def test_the_report_loads_nothing_from_outside(tmp_path):
    html = _write(tmp_path).read_text(encoding="utf-8")
    parser = _Refs()
    parser.feed(html)
    assert "ck-bars" in html and "ck-talk-share" in html, "the charts are drawn in plain HTML, inline"
    for tag, name, value in parser.refs:
        assert value.startswith("data:"), (tag, name, value[:40])
    assert "link" not in parser.tags and "iframe" not in parser.tags
    assert "http://" not in html and "https://" not in html and "@import" not in html and "@font-face" not in html
    assert "<script src" not in html.lower()


def test_the_report_quotes_the_evidence_with_time_stamps(tmp_path):
    html = _write(tmp_path).read_text(encoding="utf-8")
    assert "What would you like to leave with today?" in html and "0:02" in html
    assert "You have already done a lot of thinking on this." in html and "0:19" in html
    assert "asks for the outcome" in html
    # the missed opportunity with the line where it could have been shown
    assert "Missed opportunities" in html and "You should just ask for it." in html and "could have been shown" in html
    assert "Not decided: " in html and "5.5" in html


def test_transcript_and_observer_text_are_escaped(tmp_path):
    sheet = _sheet()
    sheet.mark("6.2", True, ["u2"], "she says <script>alert(2)</script>")
    html = ck.observation_report(sheet, _session(), tmp_path / "esc.html").read_text(encoding="utf-8")
    assert "<script>alert" not in html and "&lt;script&gt;alert(&#x27;x&#x27;)" in html
    assert "<b>work</b>" not in html and "&lt;b&gt;work&lt;/b&gt;" in html
    parser = _Refs()
    parser.feed(html)
    assert parser.tags.count("script") == 1  # only the inert JSON data block (type application/json)


def test_the_report_has_the_2027_observation_shape(tmp_path):
    html = _write(tmp_path).read_text(encoding="utf-8")
    assert "1. Demonstrates Ethical Practice" in html and "Observed: the coach kept to the Code of Ethics" in html
    for n in range(3, 9):
        assert f"data-competency='{n}'" in html
    assert "Rating: <span class='ck-rating'>Meets</span>" in html and ">Exceeds</span>" in html
    assert "not rated" in html  # competencies 5, 7, 8
    assert "A clear agreement" in html and "Let her finish" in html and "Warm and clear." in html
    assert "Overall warm; watch the advice at the end." in html
    assert "client talk share" in html and "advice phrases" in html
    assert "not public" in html  # the official form is not public: said in the report


def test_ratings_must_be_on_the_scale(tmp_path):
    with pytest.raises(ck.CoachkitError, match="choose one of Exceeds, Meets, Below, Does not meet, N/A"):
        _write(tmp_path, ratings={4: "Great"})
    with pytest.raises(ck.CoachkitError, match="rate competencies 3 to 8"):
        _write(tmp_path, ratings={"4.1": "Meets"})
    with pytest.raises(ck.CoachkitError, match="must end in .html"):
        ck.observation_report(_sheet(), _session(), tmp_path / "obs.pdf")


def test_the_sheet_must_rate_the_session(tmp_path):
    other = RatingSheet("another", "Mira", rater_id="m1")
    with pytest.raises(ck.CoachkitError, match="rates session 'another'"):
        ck.observation_report(other, _session(), tmp_path / "x.html")
    bad = _sheet()
    bad.mark("7.1", True, ["u99"])
    with pytest.raises(ck.CoachkitError, match="'u99' is not a line"):
        ck.observation_report(bad, _session(), tmp_path / "x.html")


def test_the_scale_is_data_with_five_levels():
    assert [lv.label for lv in scale()] == ["Exceeds", "Meets", "Below", "Does not meet", "N/A"]
    assert all(lv.description for lv in scale())


def test_a_broken_scale_file_names_file_and_line(tmp_path):
    bad = tmp_path / "scale.yaml"
    bad.write_text("format: coachkit-observation-scale/1\nname: x\nlevels:\n  - label: A\n  - label: B\n    description: b\n")
    with pytest.raises(ck.FormatError, match=r"scale.yaml:4: level 1 is missing the field 'description'"):
        scale(bad)


def test_competency_review_reads_reports_and_sheets(tmp_path):
    first = _write(tmp_path)
    data = read_observation(first)
    assert data["ratings"] == {3: "Meets", 4: "Exceeds", 6: "Below"} and data["sheet"].marks["4.1"].note
    second = RatingSheet("maya-obs", "Mira", rater_id="m1")
    second.mark("6.6", True, ["u3"])
    out = competency_review([first, second], [_session()], tmp_path / "review.html")
    html = out.read_text(encoding="utf-8")
    assert "Competency review: 2 observed sessions" in html
    assert "Meets · 1 of 4 heard" in html and "not rated · 0 of 4 heard" in html
    assert "6.6 Lets the client finish" in html or "6.6 " in html
    assert "1 of 2" in html and "Never heard in these sessions" in html
    parser = _Refs()
    parser.feed(html)
    assert all(v.startswith("data:") for _, _, v in parser.refs)
    with pytest.raises(ck.CoachkitError, match="not an observation report"):
        competency_review([tmp_path / "review.html"], None, tmp_path / "again.html")


def test_a_sample_session_report(tmp_path):
    s = ck.load_session("farah-credit-acc")
    sheet = RatingSheet(s.id, "Mira", rater_id="m1")
    for marker, d in s.key.decisions.items():
        sheet.mark(marker, d.evidenced, d.evidence or d.opportunity, d.note)
    path = ck.observation_report(sheet, s, tmp_path / "farah.html", ethics_observed=True)
    html = path.read_text(encoding="utf-8")
    assert "Heard (3 of 4 markers)" in html  # competency 3: 3.1, 3.2, 3.3 heard; 3.4 not
    assert html.count("class='ck-heard'") == sum(d.evidenced for d in s.key.decisions.values())
