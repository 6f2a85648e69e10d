"""The ``coachkit`` command line (also ``python -m coachkit``).

Every problem is one line on stderr and a non-zero exit status, never a traceback.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

from .errors import CoachkitError
from .library import validate_paths, write_session
from .metrics import conversation_metrics, format_metrics, metric_notes, metric_reasons
from .model import slug
from .redaction import CANNOT_CATCH, redact, redaction_preview
from .transcripts import load_transcript

__all__ = ["app_environment", "app_options", "main"]

_DESCRIPTION = """\
coachkit: learn to hear the ICF PCC Markers in real coaching conversations.
It is independent of ICF; the official wording is on ICF's PCC Markers page:
  https://coachingfederation.org/credentials-and-standards/performance-evaluations/pcc-markers

  coachkit lab                     open the lessons in JupyterLab
  coachkit app                     open the lessons as an app (no code shown)
  coachkit validate PATH...        check session, key and framework files
  coachkit metrics FILE            conversation metrics of a transcript
  coachkit import FILE --coach N --out DIR   turn a transcript into a session for an answer key
                                   (--client N, --redact, --names A B, --preview)
"""


def _lessons_dir() -> Path:
    """The lessons: the repository's notebooks/ in a checkout, the packaged copy after pip install."""
    here = Path(__file__).resolve().parent
    for candidate in (here.parent / "notebooks", here / "notebooks"):
        if (candidate / "00_start_here.ipynb").exists():
            return candidate
    raise CoachkitError("cannot find the lessons (notebooks/00_start_here.ipynb); reinstall coachkit")


def _as_root() -> bool:
    """True when running as the root user (JupyterLab refuses root unless told it is meant)."""
    return hasattr(os, "geteuid") and os.geteuid() == 0


def app_environment() -> dict[str, str]:
    """The environment for the app view: the kit's own Voila template (no outside requests) is found first."""
    env = os.environ.copy()
    share = str(Path(__file__).resolve().parent / "data")
    env["JUPYTER_PATH"] = os.pathsep.join(p for p in (share, env.get("JUPYTER_PATH", "")) if p)
    return env


def app_options() -> list[str]:
    """Voila options every app view of the kit uses: the kit's template (nothing fetched from outside the
    machine) and its start page listing every lesson."""
    return ["--template=coachkit", "--VoilaConfiguration.classic_tree=True"]


def lab_options() -> list[str]:
    """JupyterLab options every lab the kit starts uses: the kit sends nothing anywhere, so there is no news
    feed, no update check, and no prompt asking whether to fetch news (the kit's ``data/lab/overrides.json``
    makes "Never" the default; a coach can still change it under Settings)."""
    settings = Path(__file__).resolve().parent / "data" / "lab"
    return ["--LabApp.news_url=None", "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
            f"--LabApp.app_settings_dir={settings}"]


def _cmd_lab(args) -> int:
    lessons = _lessons_dir()
    cmd = [sys.executable, "-m", "jupyterlab", f"--notebook-dir={lessons}"]
    if args.start:
        cmd.append("--LabApp.default_url=/lab/tree/00_start_here.ipynb")
    cmd += lab_options()
    if args.allow_root or (_as_root() and "--allow-root" not in args.extra):
        cmd.append("--allow-root")
    if args.port:
        cmd.append(f"--port={args.port}")
    return subprocess.call([*cmd, *args.extra])


def _cmd_app(args) -> int:
    lessons = _lessons_dir()
    target = str(lessons / args.lesson) if args.lesson else str(lessons)
    cmd = [sys.executable, "-m", "voila", target, *app_options(), *(["--no-browser"] if args.no_browser else [])]
    if args.port:  # "--port 8870" as two words would otherwise leave 8870 to be read as a lesson
        cmd.append(f"--port={args.port}")
    return subprocess.call([*cmd, *args.extra], env=app_environment())


def _cmd_validate(args) -> int:
    problems = validate_paths([Path(p) for p in args.paths])
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        print(f"{len(problems)} problem(s) found", file=sys.stderr)
        return 1
    print(f"ok: {len(args.paths)} path(s) checked")
    return 0


def _cmd_metrics(args) -> int:
    import json


    session = load_transcript(args.file, coach=args.coach, client=args.client)
    metrics = conversation_metrics(session)
    reasons = metric_reasons(session, metrics)
    if args.json:
        print(json.dumps({"metrics": metrics, "n/a": reasons} if args.reasons else metrics, indent=2))
    else:
        for note in (*session.notes, *metric_notes(session)):
            print(note)
        print(format_metrics(metrics, reasons))
    return 0


def _cmd_import(args) -> int:
    from dataclasses import replace


    session = load_transcript(args.file, coach=args.coach, client=args.client)
    speakers = {u.speaker for u in session.utterances}
    if "client" not in speakers:
        name = next(u.name for u in session.utterances if u.speaker == "coach")
        raise CoachkitError(
            f"{args.file}: only one person speaks ({name}), so there is no client and no coaching conversation "
            "to import. If the file gives two people one name (a shared room microphone, say), split the turns "
            "in the file first; if you gave the wrong --coach, name the coach as it appears in the file"
        )
    names = [n for part in (args.names or []) for n in part.split(",") if n.strip()]
    if (args.redact or names) and args.preview:
        for found, label, times in redaction_preview(session, names):
            print(f"{found} -> {label} ({times}x)")
        print(CANNOT_CATCH)
        return 0
    consent = args.consent
    if consent is None:
        if not sys.stdin.isatty():
            raise CoachkitError(
                "did the client agree in writing to this recording being used? Answer with --consent yes "
                "(or --consent no to stop)"
            )
        answer = input("Did the client agree in writing to this recording being used for learning? [y/N] ")
        consent = "yes" if answer.strip().lower() in ("y", "yes") else "no"
    if consent != "yes":
        raise CoachkitError("not imported: the client's written permission is needed to use a recording")
    if args.redact or names:
        session = redact(session, names)
    title = " ".join(Path(session.title).stem.replace("_", " ").split()) or "My session"
    session = replace(session, title=title, kind="full", level=None, focus=(), key=None)
    folder = Path(args.out).expanduser() / slug(session.id)
    write_session(session, folder, consent="client-agreed")
    if args.redact or names:
        print(CANNOT_CATCH)
    print(f"wrote {folder}: add an answer key to its session.yaml, then run: coachkit validate {folder}")
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="coachkit", description=_DESCRIPTION, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--version", action="version", version=f"coachkit {_version()}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = sub.add_parser("lab", help="open the lessons in JupyterLab (other options go to JupyterLab)")
    p.add_argument("--no-start", dest="start", action="store_false", help="do not open the start lesson")
    p.add_argument("--allow-root", action="store_true", help="run as root (added by itself when you are root)")
    p.add_argument("--port", type=int, help="the port to serve on (default: JupyterLab's own)")
    p.set_defaults(func=_cmd_lab)

    p = sub.add_parser("app", help="open the lessons as an app, with no code shown (other options go to Voila)")
    p.add_argument("lesson", nargs="?", help="one lesson, e.g. 03_rate_a_full_session.ipynb")
    p.add_argument("--no-browser", action="store_true")
    p.add_argument("--port", type=int, help="the port to serve on (default: Voila's own)")
    p.set_defaults(func=_cmd_app)

    p = sub.add_parser("validate", help="check session, key and framework files")
    p.add_argument("paths", nargs="+", metavar="PATH")
    p.set_defaults(func=_cmd_validate)

    p = sub.add_parser("metrics", help="conversation metrics of a transcript (.vtt .srt .txt)")
    p.add_argument("file")
    p.add_argument("--coach", help="the coach's speaker name (guessed from who asks questions if left out)")
    p.add_argument("--client", help="the client's speaker name, when more than two people speak")
    p.add_argument("--json", action="store_true", help="print JSON instead of a table")
    p.add_argument("--reasons", action="store_true", help="with --json: also say why each n/a figure is n/a")
    p.set_defaults(func=_cmd_metrics)

    p = sub.add_parser("import", help="turn a transcript into a session folder ready for an answer key")
    p.add_argument("file")
    p.add_argument("--coach", required=True, help="the coach's speaker name")
    p.add_argument("--out", required=True, help="the library folder to write the session into")
    p.add_argument("--client", help="the client's speaker name, when more than two people speak")
    p.add_argument("--redact", action="store_true", help="replace people's names in the names and the text")
    p.add_argument("--names", nargs="+", metavar="NAME", help="more names to replace (implies --redact)")
    p.add_argument("--preview", action="store_true", help="with --redact: list what would be replaced, write nothing")
    p.add_argument("--consent", choices=["yes", "no"], help="the client agreed in writing (asked if left out)")
    p.set_defaults(func=_cmd_import)
    return parser


def _version() -> str:
    from . import __version__

    return __version__


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    # `lab` and `app` pass any option they do not know on to JupyterLab / Voila (e.g. --port 8890)
    args, extra = parser.parse_known_args(argv)
    if extra and getattr(args, "command", None) not in ("lab", "app"):
        parser.error(f"unrecognized arguments: {' '.join(extra)}")
    args.extra = extra
    if not getattr(args, "func", None):
        parser.print_help()
        return 0
    try:
        return args.func(args) or 0
    except CoachkitError as exc:
        print(f"coachkit: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except OSError as exc:
        print(f"coachkit: {exc.strerror or exc}: {exc.filename or ''}".rstrip(": "), file=sys.stderr)
        return 1


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
