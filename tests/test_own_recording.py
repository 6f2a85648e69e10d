"""Lesson 06 (bring your own recording): what a coach notices when uploading their own session."""

from __future__ import annotations

import datetime

from coachkit.store import RatingStore
from coachkit.widgets import BringYourOwn


def _upload(name: str, content: bytes):
    return ({"name": name, "content": content, "type": "", "size": len(content),
             "last_modified": datetime.datetime.now()},)


def test_the_self_rating_survives_strip_the_names_and_a_bad_upload_names_the_file(tmp_path):
    store = RatingStore(tmp_path / "r.sqlite3")
    own = BringYourOwn.demo(store=store)
    own.rate()
    form = own.rate_area.children[0].form
    form.name.value = "Sam"
    assert form.start("Sam")
    form.set_mark("4.1", True)
    form.set_evidence("4.1", ["u5"])
    form.level.value = "PCC"

    own.redact_box.value = True  # names stripped: the same attempt goes on
    again = own.rate_area.children[0].form
    assert again is not form and again.values == {"4.1": True} and again.evidence["4.1"] == ["u5"]
    assert again.level.value == "PCC"
    own.redact_box.value = False
    assert own.rate_area.children[0].form.values == {"4.1": True}
    assert len(store.sheets(rater="Sam")) == 1  # one attempt, not one per redaction choice

    own.upload.value = _upload("Session with Maya.vtt", b"WEBVTT\n\n1\n00:00:05.000 --> 00:00:02.000\nSam: hi\n")
    assert "Session with Maya.vtt:4" in own.notes.value and "coachkit-upload-" not in own.notes.value
    assert own.rate_area.children == () and own.metrics.table.value == "" and own.session is None
    store.close()
