"""The sample library as a learner meets it: the levels are audible in the numbers, and the command line
turns a user's transcript into a library session only with the client's consent."""

from __future__ import annotations

import json
import subprocess
import sys
from statistics import mean

import pytest

import coachkit as ck

ROOT_FIXTURE = "tests/data/transcripts/zoom.vtt"


@pytest.fixture(scope="module")
def full_sessions():
    table = ck.list_sessions()
    ids = table[table["kind"] == "full"]["id"]
    return {i: (s := ck.load_session(i), ck.conversation_metrics(s)) for i in ids}


def _by_level(full_sessions, level, field):
    return [m[field] for s, m in full_sessions.values() if s.level == level]


def test_the_library_has_the_promised_shape(full_sessions):
    levels = [s.level for s, _ in full_sessions.values()]
    for level in ("ACC", "PCC", "MCC"):
        assert levels.count(level) >= 3
    assert levels.count("below") >= 2
    for s, _ in full_sessions.values():
        assert 20 <= s.minutes <= 35, s.id
        assert len(s.key.decisions) == 37
    excerpts = ck.list_sessions().query("kind == 'excerpt'")
    assert len(excerpts) >= 12
    competencies = {int(float(m.split(".")[0])) for f in excerpts["focus"] for m in f.split(", ")}
    assert competencies >= {3, 4, 5, 6, 7, 8}


def test_the_client_talks_more_at_mcc_than_at_acc(full_sessions):
    acc = mean(_by_level(full_sessions, "ACC", "client_talk_share"))
    pcc = mean(_by_level(full_sessions, "PCC", "client_talk_share"))
    mcc = mean(_by_level(full_sessions, "MCC", "client_talk_share"))
    assert acc < pcc < mcc


def test_acc_has_more_closed_and_stacked_questions_than_mcc(full_sessions):
    for field in ("closed_questions", "stacked_questions", "interruptions"):
        assert mean(_by_level(full_sessions, "ACC", field)) > mean(_by_level(full_sessions, "MCC", field)), field
    assert mean(_by_level(full_sessions, "MCC", "silences")) > mean(_by_level(full_sessions, "ACC", "silences"))


def test_consulting_mode_is_full_of_advice(full_sessions):
    below = max(m["advice_phrases"] for s, m in full_sessions.values() if s.level == "below")
    assert below > max(m["advice_phrases"] for s, m in full_sessions.values() if s.level == "MCC")


def test_the_keys_credit_more_markers_as_the_level_rises(full_sessions):
    def credited(level):
        return mean(sum(d.evidenced for d in s.key.decisions.values())
                    for s, _ in full_sessions.values() if s.level == level)

    assert credited("below") < credited("ACC") < credited("PCC") <= credited("MCC")


def _cli(*args, stdin=None):
    return subprocess.run([sys.executable, "-m", "coachkit", *args], capture_output=True, text=True,
                          input=stdin, timeout=120)


def test_import_asks_for_consent_and_refuses_without_it(tmp_path):
    out = _cli("import", ROOT_FIXTURE, "--coach", "Jordan Lee", "--out", str(tmp_path / "lib"), stdin="")
    assert out.returncode != 0 and ("permission" in out.stderr or "agree" in out.stderr)
    assert "Traceback" not in out.stderr
    assert not (tmp_path / "lib").exists() or not any((tmp_path / "lib").iterdir())
    out = _cli("import", ROOT_FIXTURE, "--coach", "Jordan Lee", "--out", str(tmp_path / "lib"), "--consent", "no")
    assert out.returncode != 0 and "permission" in out.stderr


def test_import_writes_a_session_that_validates_and_records_consent(tmp_path):
    out = _cli("import", ROOT_FIXTURE, "--coach", "Jordan Lee", "--out", str(tmp_path / "lib"),
               "--consent", "yes", "--redact")
    assert out.returncode == 0, out.stderr
    folder = next((tmp_path / "lib").iterdir())
    assert "consent: client-agreed" in (folder / "session.yaml").read_text()
    check = _cli("validate", str(folder))
    assert check.returncode == 0, check.stderr
    assert "Jordan" not in (folder / "transcript.vtt").read_text()


def test_metrics_on_the_command_line(tmp_path):
    out = _cli("metrics", ROOT_FIXTURE, "--coach", "Jordan Lee", "--json")
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert data["open_questions"] + data["closed_questions"] == data["questions"]
    assert abs(data["coach_talk_share"] + data["client_talk_share"] - 1) < 1e-9
    table = _cli("metrics", ROOT_FIXTURE, "--coach", "Jordan Lee")
    assert "client" in table.stdout.lower() and table.returncode == 0
    unknown = _cli("metrics", ROOT_FIXTURE, "--coach", "Nobody")
    assert unknown.returncode != 0 and "Jordan Lee" in unknown.stderr and "Traceback" not in unknown.stderr


def test_the_shipped_library_lists_with_no_problem_and_every_old_id_resolves():
    from coachkit import library

    found = library.sessions()
    assert found and not found.problems, "\n".join(map(str, found.problems))
    ids = {s.id for s in found}
    for old, new in library.aliases().items():
        assert new in ids, f"aliases.yaml maps {old} to {new}, which is not in the library"
        assert library.load_session(old).id == new


def test_a_scenario_coached_at_several_levels_comes_in_level_order():
    from coachkit import library
    from coachkit.model import LEVEL_ORDER

    scenarios = {s.meta["scenario"] for s in library.sessions(kind="full") if s.meta.get("scenario")}
    assert scenarios
    for scenario in scenarios:
        trio = library.scenario_sessions(scenario)
        assert len(trio) >= 2 and all(s.meta["scenario"] == scenario for s in trio)
        assert [LEVEL_ORDER.index(s.level) for s in trio] == sorted(LEVEL_ORDER.index(s.level) for s in trio)
