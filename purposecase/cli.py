"""Command line: ``purposecase serve``, ``purposecase export`` and ``purposecase import``.

``serve`` starts Voilà on the chapter notebooks with the workbook's settings:
bound to 127.0.0.1, tracebacks hidden, kernels shut down when a page closes and
idle kernels culled, the data folder outside the served folder, kernel starts
capped per server and rate-limited per client address (``voila_config/guard.py``).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from .paths import PACKAGE_DIR, data_home, notebooks_dir

DEFAULT_PORT = 8866
START_CHAPTER = "03_voorbeelden.ipynb"

KERNEL_CULL_IDLE_SECONDS = 120
"""A kernel with no open page, idle this long, is shut down. The page-close beacon normally does it
first; this catches pages that never connect (link previews, crawlers, plain HTTP requests) and pages
whose connection died without closing (the server's websocket pings notice that within ~2 minutes).
Kernels with an open page are never culled (``cull_connected=False``), however long the partner reads.
``PURPOSECASE_KERNEL_CULL_SECONDS`` overrides it (see :func:`cull_seconds`)."""
CULL_ENV = "PURPOSECASE_KERNEL_CULL_SECONDS"
PREHEAT_POOL_SIZE = 2
"""Pre-rendered kernels Voilà keeps per notebook with ``--preheat`` (each ~65–100 MB idle)."""

IOPUB_TIMEOUT_SECONDS = 30
"""How long Voilà waits for a chapter cell's output after the cell has run (nbclient's default is 4 s).
When several pages open at once on a busy machine the output can arrive later than that; Voilà then
drops it and the page stays empty (seen with 8 partners opening their links together on 2 cores)."""

WEBSOCKET_MAX_BYTES = 16 * 1024 * 1024
"""Tornado's websocket message limit for uploads (DESIGN.md §5): 16 MiB."""


TEMPLATE = "werkboek"
"""Our Voilà template (``purposecase/share/jupyter/voila/templates/werkboek``), based on ``lab``."""


def cull_seconds() -> tuple[int, int]:
    """Return ``(idle timeout, check interval)`` in seconds for culling kernels without a page.

    The timeout is :data:`KERNEL_CULL_IDLE_SECONDS`, or ``PURPOSECASE_KERNEL_CULL_SECONDS`` when set
    (at least 5); the interval is a quarter of it, at most 30 s (120 s -> every 30 s).

    Raises:
        ValueError: if ``PURPOSECASE_KERNEL_CULL_SECONDS`` is not a whole number of at least 5.
    """
    raw = os.environ.get(CULL_ENV, "").strip()
    idle = int(raw) if raw else KERNEL_CULL_IDLE_SECONDS
    if idle < 5:
        raise ValueError(f"{CULL_ENV} must be at least 5 seconds, got {raw!r}")
    return idle, max(1, min(30, idle // 4))


def voila_env() -> dict[str, str]:
    """Return the environment additions Voilà needs to find the workbook's template.

    ``JUPYTER_PATH`` gets the package's ``share/jupyter`` folder prepended.
    """
    import os

    from .paths import PACKAGE_DIR

    share = str(PACKAGE_DIR / "share" / "jupyter")
    current = os.environ.get("JUPYTER_PATH", "")
    return {"JUPYTER_PATH": share + (os.pathsep + current if current else "")}


def voila_argv(
    *,
    port: int = DEFAULT_PORT,
    ip: str = "127.0.0.1",
    preheat: bool = False,
    workshop: int = 0,
    open_browser: bool = False,
    base_url: str = "/",
    notebooks: str | None = None,
) -> list[str]:
    """Return the Voilà command-line arguments ``serve`` uses (also used by tests and benchmarks).

    Args:
        port: TCP port.
        ip: address to bind; keep 127.0.0.1 unless a proxy with TLS is in front.
        preheat: keep a pool of preheated kernels (:data:`PREHEAT_POOL_SIZE` per notebook).
        workshop: preheat for a workshop of this many people (0: no workshop). The pools per chapter come
            from ``PURPOSECASE_WORKSHOP`` (``voila_config/workshop.py``), which the caller sets to the
            same number; here only preheating is switched on.
        open_browser: let Voilà open a browser.
        base_url: URL prefix (behind a proxy or JupyterHub).
        notebooks: folder to serve (default :func:`purposecase.paths.notebooks_dir`).

    Returns:
        ``[notebooks folder, --flags…]`` for ``python -m voila``.
    """
    cull_idle, cull_interval = cull_seconds()
    argv = [
        str(notebooks or notebooks_dir()),
        f"--port={port}",
        f"--Voila.ip={ip}",
        f"--Voila.base_url={base_url}",
        f"--template={TEMPLATE}",
        "--VoilaConfiguration.show_tracebacks=False",
        # tornado settings (xsrf for the close beacon, websocket size, a log that
        # scrubs ?sleutel=) live in purposecase/voila_config/voila.py
        f"--Voila.config_file_paths={[str(PACKAGE_DIR / 'voila_config')]}",
        f"--MappingKernelManager.cull_idle_timeout={cull_idle}",
        f"--MappingKernelManager.cull_interval={cull_interval}",
        "--MappingKernelManager.cull_connected=False",
        f"--VoilaExecutor.iopub_timeout={IOPUB_TIMEOUT_SECONDS}",
        "--VoilaConfiguration.file_allowlist=[]",
        # behind nginx with TLS: links on the page take https from X-Forwarded-Proto (ui/links.py)
        "--VoilaConfiguration.http_header_envs=['X-Forwarded-Proto']",
    ]
    if not open_browser:
        argv.append("--no-browser")
    if workshop:
        from .voila_config.workshop import OTHER_POOL_SIZE

        argv += ["--preheat_kernel=True", f"--pool_size={OTHER_POOL_SIZE}"]
    elif preheat:
        argv += [
            "--preheat_kernel=True",
            f"--pool_size={PREHEAT_POOL_SIZE}",
        ]
    return argv


def serve(args: argparse.Namespace) -> int:
    """Run Voilà in the foreground until interrupted or stopped (SIGTERM saves every page); return its exit code."""
    from .voila_config import guard, workshop

    home = data_home()
    os.environ["PURPOSECASE_HOME"] = str(home)
    # the Voilà config (voila_config/guard.py) reads the limits from the environment
    if args.max_kernels is not None:
        os.environ[guard.MAX_KERNELS_ENV] = str(args.max_kernels)
    if args.starts_per_minute is not None:
        os.environ[guard.STARTS_ENV] = str(args.starts_per_minute)
    if args.workshop is not None:
        os.environ[workshop.WORKSHOP_ENV] = str(args.workshop)
    if args.workshop_chapters is not None:
        os.environ[workshop.CHAPTERS_ENV] = args.workshop_chapters
    try:
        plan = workshop.workshop_from_env()
        workshop.apply_limits(plan)
        guard.limits()
    except ValueError as exc:
        _say(str(exc))
        return EXIT_BAD_INPUT
    os.environ.update(voila_env())
    argv = voila_argv(port=args.port, ip=args.ip, preheat=args.preheat, open_browser=args.open,
                      workshop=plan.people if plan else 0)
    url = f"http://{args.ip}:{args.port}/voila/render/{START_CHAPTER}"
    print(f"Purpose Case werkboek: open {url}", flush=True)
    print(f"Gegevens worden bewaard in {home}", flush=True)
    if plan is not None:
        print(plan.describe(len(list(notebooks_dir().glob("*.ipynb")))), flush=True)
        print(f"Hoeveel er klaarstaan: http://{args.ip}:{args.port}/voila/api/werkboek", flush=True)
    from voila.app import main as voila_main

    sys.argv = ["voila", *argv]
    try:
        return voila_main() or 0
    except KeyboardInterrupt:  # pragma: no cover - interactive stop
        return 0


EXIT_BAD_INPUT = 2
"""Exit code of ``export``/``import`` for input that cannot be used (unknown case, bad file)."""
EXIT_FORBIDDEN = 3
"""Exit code of ``export``/``import`` when the link's role may not do this, or the link is unknown."""
BASE_URL_ENV = "PURPOSECASE_BASE_URL"
"""Where the workbook is served, for the links ``import`` prints (default ``http://127.0.0.1:8866/voila/render/``)."""
TOKEN_ENV = "PURPOSECASE_SLEUTEL"  # noqa: S105 - the name of a variable, not a secret
"""Environment variable holding a workspace's secret token (so it need not appear in the shell history)."""


def _say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def _looks_like_token(text: str) -> bool:
    import re

    return bool(re.fullmatch(r"[A-Za-z0-9_-]{20,200}", text))


def _open_session(token: str):
    """Return the session for ``token`` or ``None`` after saying why not (the token is never printed)."""
    from .errors import AccessError, RevokedToken
    from .workspace import open_workspace

    try:
        return open_workspace(token)
    except RevokedToken:
        _say("Deze sleutel is ingetrokken; vraag de trekker om een nieuwe link.")
    except AccessError:
        _say("Deze sleutel kennen we niet. Controleer of je hem helemaal hebt gekopieerd.")
    return None


def export_command(args: argparse.Namespace) -> int:
    """Write one export file (``purposecase export``); return the exit code.

    ``args.source`` is a publication slug, a case file (JSON/YAML) or a
    workspace token; without it the token comes from ``PURPOSECASE_SLEUTEL``.
    """
    from pathlib import Path

    from .backup import MAX_UPLOAD_BYTES, UploadError, backup_bytes, read_upload
    from .examples import load_catalogue
    from .export import (
        FORMATS,
        MEDIA_TYPES,
        ExportFile,
        bundle_for_case,
        check_format,
        export_file,
        file_name,
        today,
    )
    from .export.parts import workspace_bundle
    from .messages import Translator
    from .workspace import Forbidden

    t = Translator(args.lang)
    fmt = args.format or (Path(args.output).suffix if args.output and args.output != "-" else "")
    try:
        fmt = check_format(fmt)
    except ValueError:
        _say(f"Kies een formaat met --format: {', '.join(FORMATS)}.")
        return EXIT_BAD_INPUT
    source = args.source or os.environ.get(TOKEN_ENV, "")
    if not source:
        _say(f"Noem een voorbeeld (slug), een case-bestand of een werkruimte-sleutel (of zet {TOKEN_ENV}).")
        return EXIT_BAD_INPUT
    catalogue = load_catalogue()
    slugs = {c.slug for c in catalogue.cases}
    if Path(source).is_file():
        path = Path(source)
        try:
            with path.open("rb") as handle:
                upload = read_upload(handle.read(MAX_UPLOAD_BYTES + 1), path.name)
        except UploadError as exc:
            for line in exc.messages(t, path.name):
                _say(line)
            return EXIT_BAD_INPUT
        if upload.backup is not None:
            if fmt not in ("json", "yaml"):
                _say("Een back-up van een werkruimte exporteer je als JSON of YAML; "
                     "importeer hem voor andere formaten.")
                return EXIT_BAD_INPUT
            data = upload.backup.model_dump(mode="json")
            result = ExportFile(backup_bytes(data, fmt), file_name(upload.title(), fmt), MEDIA_TYPES[fmt])
        else:
            case = upload.case or upload.draft.as_case(upload.title())  # type: ignore[union-attr]
            result = export_file(bundle_for_case(case, lang=t.lang), fmt)
    elif source in slugs:
        result = export_file(bundle_for_case(catalogue.get(source), lang=t.lang, label=t("export.voorbeeld")), fmt)
    elif _looks_like_token(source):
        session = _open_session(source)
        if session is None:
            return EXIT_FORBIDDEN
        subject = args.subject or (
            "workspace" if fmt in ("json", "yaml") and session.role in ("trekker", "viewer") else "shared"
        )
        try:
            if subject == "workspace":
                if fmt not in ("json", "yaml"):
                    _say("Een back-up van de hele werkruimte is JSON of YAML.")
                    return EXIT_BAD_INPUT
                if args.include_private:
                    if session.role != "trekker":
                        raise Forbidden("only the trekker's link can include private drafts")
                    from .backup import backup_workspace

                    data = backup_workspace(session, history=not args.no_history, include_private=True)
                else:
                    data = session.backup(history=not args.no_history)
                name = session.workspace().name
                result = ExportFile(backup_bytes(data, fmt), file_name(name, fmt, today()), MEDIA_TYPES[fmt])
            else:
                partner = None
                if args.partner:
                    match = [p for p in session.partners(include_removed=True) if args.partner in (p.id, p.name)]
                    if not match:
                        _say("Die partner bestaat niet in deze werkruimte.")
                        return EXIT_BAD_INPUT
                    partner = match[0].id
                result = export_file(workspace_bundle(session, subject, partner_id=partner, lang=t.lang), fmt)
        except Forbidden:
            _say("Met deze link mag je dit niet exporteren.")
            return EXIT_FORBIDDEN
        except ValueError as exc:
            _say(str(exc))
            return EXIT_BAD_INPUT
    else:
        _say("Onbekend: geen voorbeeld uit de publicatie, geen bestand en geen geldige sleutel.")
        _say(f"Voorbeelden: {', '.join(sorted(slugs))}")
        return EXIT_BAD_INPUT
    if args.output == "-":
        sys.stdout.buffer.write(result.data)
        sys.stdout.flush()
        return 0
    target = Path(args.output or result.filename)
    target.write_bytes(result.data)
    _say(f"Geschreven: {target} ({len(result.data)} bytes)")
    return 0


def _link(base: str, token: str, notebook: str = "04_zelf_invullen.ipynb") -> str:
    return f"{base.rstrip('/')}/{notebook}?sleutel={token}"


def import_command(args: argparse.Namespace) -> int:
    """Import a JSON/YAML file (``purposecase import``); return the exit code.

    Default: into a NEW workspace, printing its new links once. ``--as-draft``
    (partner link) saves the file as the partner's own draft; ``--as-shared-case``
    (trekker link) as the workspace's shared case. A viewer link never imports.
    """
    from pathlib import Path

    from .backup import MAX_UPLOAD_BYTES, UploadError, import_as_new_workspace, import_note, read_upload
    from .errors import ConflictError, InvalidInput
    from .messages import Translator
    from .workspace import Forbidden

    t = Translator(args.lang)
    path = Path(args.file)
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_UPLOAD_BYTES + 1)
    except OSError:
        _say(f"{path} kan niet worden gelezen.")
        return EXIT_BAD_INPUT
    try:
        upload = read_upload(data, path.name)
    except UploadError as exc:
        for line in exc.messages(t, path.name):
            _say(line)
        return EXIT_BAD_INPUT
    base = args.base_url or os.environ.get(BASE_URL_ENV) or f"http://127.0.0.1:{DEFAULT_PORT}/voila/render/"
    if args.as_draft or args.as_shared_case:
        token = args.token or os.environ.get(TOKEN_ENV, "")
        if not token:
            _say(f"Geef de sleutel van je link met --token of {TOKEN_ENV}.")
            return EXIT_BAD_INPUT
        session = _open_session(token)
        if session is None:
            return EXIT_FORBIDDEN
        try:
            if args.as_draft:
                rev = session.import_as_my_draft(upload.as_draft(), note=import_note(path.name))
                _say(f"Geïmporteerd als jouw concept (revisie {rev.number}); "
                     "de vorige versie staat in de geschiedenis.")
            else:
                rev = session.import_as_shared_case(upload.as_shared_case(), note=import_note(path.name))
                _say(f"Geïmporteerd als gedeelde Purpose Case (revisie {rev.number}).")
        except UploadError as exc:
            for line in exc.messages(t, path.name):
                _say(line)
            return EXIT_BAD_INPUT
        except Forbidden:
            _say("Met deze link mag je niets importeren op deze manier.")
            return EXIT_FORBIDDEN
        except ConflictError:
            _say("Iemand sloeg op hetzelfde moment op; probeer het opnieuw.")
            return 1
        return 0
    try:
        restored = import_as_new_workspace(upload, name=args.name)
    except InvalidInput:
        _say("Die naam kan niet: gebruik 1 tot 200 tekens.")
        return EXIT_BAD_INPUT
    name = restored.session.workspace().name
    print(f"Nieuwe werkruimte: {name}")
    print("Bewaar deze links goed: ze worden maar één keer getoond.")
    print(f"Trekker: {_link(base, restored.trekker_token)}")
    for partner, token in restored.partner_tokens:
        print(f"Partner {partner.name}: {_link(base, token)}")
    return 0


def cli_lang(argv: Sequence[str] | None = None) -> str:
    """Return the language of the command's help and messages: ``"nl"`` (default) or ``"en"``.

    First found wins: ``--lang en`` / ``--lang=en`` anywhere in ``argv``; ``PURPOSECASE_LANG``;
    the locale (``LC_ALL``, ``LC_MESSAGES``, ``LANG``: ``en_GB.UTF-8`` → ``"en"``). A locale
    that is neither Dutch nor English (``C.UTF-8``, ``de_DE``) keeps Dutch.
    """
    args = list(sys.argv[1:] if argv is None else argv)
    for n, arg in enumerate(args):
        value = arg.split("=", 1)[1] if arg.startswith("--lang=") else (
            args[n + 1] if arg == "--lang" and n + 1 < len(args) else None)
        if value in ("nl", "en"):
            return value
    env = os.environ.get("PURPOSECASE_LANG", "").lower()
    if env[:2] in ("nl", "en"):
        return env[:2]
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(name, "")
        if value:
            return "en" if value.lower().startswith("en") else "nl"
    return "nl"


def build_parser(lang: str | None = None) -> argparse.ArgumentParser:
    """Return the argument parser of the ``purposecase`` command, its help in ``lang`` (default :func:`cli_lang`).

    argparse's own words (usage, the group titles, ``-h``) follow the language too.
    """
    from .messages import Translator

    t = Translator(lang or cli_lang())

    class Formatter(argparse.HelpFormatter):
        def add_usage(self, usage, actions, groups, prefix=None):  # noqa: D102 - argparse API
            super().add_usage(usage, actions, groups, prefix=t("cli.gebruik") if prefix is None else prefix)

    def make(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
        parser._positionals.title = t("cli.positioneel")
        parser._optionals.title = t("cli.opties")
        parser.add_argument("-h", "--help", action="help", help=t("cli.help"))
        return parser

    def sub_parser(name: str, **kwargs) -> argparse.ArgumentParser:
        return make(sub.add_parser(name, add_help=False, formatter_class=Formatter, **kwargs))

    parser = make(argparse.ArgumentParser(
        prog="purposecase", description=t("cli.beschrijving"), add_help=False, formatter_class=Formatter
    ))
    parser.add_argument("--lang", dest="help_lang", choices=("nl", "en"), help=t("cli.lang"))
    sub = parser.add_subparsers(dest="command", required=True, title=t("cli.commandos"))
    p = sub_parser("serve", help=t("cli.serve"), description=t("cli.serve"))
    p.add_argument("--port", type=int, default=int(os.environ.get("PURPOSECASE_PORT", DEFAULT_PORT)),
                   help=t("cli.port", port=DEFAULT_PORT))
    p.add_argument("--ip", default=os.environ.get("PURPOSECASE_IP", "127.0.0.1"), help=t("cli.ip"))
    p.add_argument("--preheat", action="store_true", help=t("cli.preheat"))
    p.add_argument("--workshop", type=int, metavar="N", help=t("cli.workshop"))
    p.add_argument("--workshop-chapters", metavar="LIST", help=t("cli.workshop_chapters"))
    p.add_argument("--open", action="store_true", help=t("cli.open"))
    p.add_argument("--max-kernels", type=int, metavar="N", help=t("cli.max_kernels"))
    p.add_argument("--starts-per-minute", type=int, metavar="N", help=t("cli.starts_per_minute"))
    p.set_defaults(func=serve)

    from .export import FORMATS

    p = sub_parser("export", help=t("cli.export"), description=t("cli.export_beschrijving", env=TOKEN_ENV))
    p.add_argument("source", nargs="?", metavar="CASE_OR_WORKSPACE", help=t("cli.bron"))
    p.add_argument("--format", "-f", choices=FORMATS, help=t("cli.format"))
    p.add_argument("--output", "-o", metavar="FILE", help=t("cli.output"))
    p.add_argument("--subject", choices=("shared", "draft", "workspace"), help=t("cli.subject"))
    p.add_argument("--partner", help=t("cli.partner"))
    p.add_argument("--no-history", action="store_true", help=t("cli.no_history"))
    p.add_argument("--include-private", action="store_true", help=t("cli.include_private"))
    p.add_argument("--lang", choices=("nl", "en"), default="nl", help=t("cli.export_lang"))
    p.set_defaults(func=export_command)

    p = sub_parser("import", help=t("cli.import"), description=t("cli.import_beschrijving"))
    p.add_argument("file", metavar="FILE", help=t("cli.file"))
    p.add_argument("--name", help=t("cli.name"))
    target = p.add_mutually_exclusive_group()
    target.add_argument("--as-draft", action="store_true", help=t("cli.as_draft"))
    target.add_argument("--as-shared-case", action="store_true", help=t("cli.as_shared_case"))
    p.add_argument("--token", help=t("cli.token", env=TOKEN_ENV))
    p.add_argument("--base-url", help=t("cli.base_url", env=BASE_URL_ENV))
    p.add_argument("--lang", choices=("nl", "en"), default="nl", help=t("cli.import_lang"))
    p.set_defaults(func=import_command)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``purposecase`` command."""
    args = build_parser(cli_lang(argv)).parse_args(argv)
    return args.func(args)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
