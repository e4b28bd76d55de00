"""Served-page security that needs a real server: tokens stay out of the server log, the page and every file."""

from __future__ import annotations

import urllib.error
import urllib.request

import pytest

from purposecase.store import open_store
from purposecase.workspace import create_workspace

pytestmark = pytest.mark.browser


def test_tokens_never_reach_the_server_log(browser, voila_server):
    store = open_store(f"sqlite:///{voila_server.home / 'werkboek.sqlite3'}")
    _, token = create_workspace("Logproef", store=store)
    context = browser.new_context()
    page = context.new_page()
    page.goto(voila_server.url("04_zelf_invullen.ipynb", f"sleutel={token}"))
    page.locator(".pc-overview").wait_for(timeout=90_000)
    context.close()
    # failed requests are logged with their address and Referer: both carry the token here
    for path in (f"/voila/render/bestaat-niet.ipynb?sleutel={token}", f"/voila/files/x?sleutel={token}"):
        request = urllib.request.Request(
            voila_server.base + path,
            headers={"Referer": voila_server.url("04_zelf_invullen.ipynb", f"sleutel={token}")},
        )
        with pytest.raises(urllib.error.HTTPError):
            urllib.request.urlopen(request, timeout=10)  # noqa: S310
    log = voila_server.log_path.read_text()
    assert "404" in log or "403" in log
    assert token not in log


def _holds(data: bytes, secrets_: list[str]) -> list[str]:
    """Return which of ``secrets_`` appear in a file: its raw bytes, zip members (pptx, xlsx), PDF text."""
    import io
    import zipfile

    texts = [data.decode("latin-1")]
    if data[:2] == b"PK":
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            texts += [z.read(n).decode("utf-8", "replace") for n in z.namelist()]
    if data[:4] == b"%PDF":
        from pypdf import PdfReader

        reader = PdfReader(io.BytesIO(data))
        texts += [p.extract_text() for p in reader.pages] + [str(reader.metadata)]
    return [s for s in secrets_ if any(s in t for t in texts)]


def test_a_partners_token_is_only_in_the_chapter_links_never_in_page_state_or_files(browser, voila_server, tmp_path):
    """Page HTML, widget state, storage, title: the token only in same-origin chapter links; files: never."""
    import json
    import re

    from conftest import new_page
    from forged_channel import ForgedChannel
    from test_hardening_access import seed

    from purposecase.messages import Translator
    from purposecase.ui.export_button import FORMAT_KEYS

    t = Translator("nl")
    store = open_store(f"sqlite:///{voila_server.home / 'werkboek.sqlite3'}")
    trekker, ttoken, people, viewer = seed(store, "Sleutelproef")
    token = people["Ans"][1]
    every = [ttoken, viewer, *(tok for _, tok in people.values())]
    link = re.compile(
        r'href=\\?"' + re.escape(voila_server.base) + r"/voila/render/\d\d_[a-z_]+\.ipynb\?sleutel=" + re.escape(token)
    )
    context, page, dialogs = new_page(browser, accept_downloads=True)
    for notebook in (
        "00_welkom.ipynb", "01_waardecreatie.ipynb", "02_purpose_case.ipynb", "03_voorbeelden.ipynb",
        "04_zelf_invullen.ipynb", "05_samen_puzzelen.ipynb", "06_waardepropositie.ipynb",
        "07_impact_roadmap.ipynb", "08_delen.ipynb",
    ):
        page.goto(voila_server.url(notebook, f"sleutel={token}"))
        page.locator(".pc-navbar", has_text="Sleutelproef").wait_for()
        page.wait_for_timeout(500)
        html = page.content()
        state = json.dumps(ForgedChannel(page).states())  # what the kernel hands the page, hidden widgets too
        for where, text in (("page HTML", html), ("widget state", state)):
            assert text.count(token) == len(link.findall(text)) > 0, f"{notebook}: the token outside a link in {where}"
        for other in every:
            if other != token:
                assert other not in html and other not in state, f"{notebook}: another link's token on the page"
        stored = page.evaluate(
            "() => [document.title, document.cookie, window.name, JSON.stringify(localStorage),"
            " JSON.stringify(sessionStorage)].join(' ')"
        )
        assert token not in stored

    # every file the partner can make in chapter 08 (the page is still on 08)
    files = 0
    for subject in (t("delen.mijn_concept"), t("export.gedeelde_case")):
        page.locator(".pc-export-subject select").select_option(label=subject)
        for fmt in ("pdf", "pptx", "xlsx", "md", "json", "yaml"):
            if subject == t("export.gedeelde_case") and fmt not in ("pdf", "json"):
                continue
            page.locator(".pc-export-format select").select_option(label=t(FORMAT_KEYS[fmt]))
            page.locator(".pc-download").wait_for(state="detached")
            page.locator(".pc-export-make").click()
            with page.expect_download() as info:
                page.locator(f'.pc-download[download$=".{fmt}"]').click()
            target = tmp_path / f"{files}-{info.value.suggested_filename}"
            info.value.save_as(str(target))
            assert not _holds(target.read_bytes(), every), f"a token in the {fmt} file of {subject}"
            assert token not in info.value.suggested_filename
            files += 1
    assert not dialogs
    context.close()

    # the viewer's backup of the whole workspace, made on the page
    context, page, _ = new_page(browser, accept_downloads=True)
    page.goto(voila_server.url("08_delen.ipynb", f"sleutel={viewer}"))
    page.locator(".pc-export-subject select").select_option(label=t("delen.hele_werkruimte"))
    page.wait_for_function("document.querySelectorAll('.pc-export-format select option').length === 2")
    page.locator(".pc-export-format select").select_option(label=t(FORMAT_KEYS["json"]))
    page.locator(".pc-export-make").click()
    with page.expect_download() as info:
        page.locator('.pc-download[download$=".json"]').click()
    backup = tmp_path / "backup.json"
    info.value.save_as(str(backup))
    assert json.loads(backup.read_text())["purposecase_backup"] == 1
    assert not _holds(backup.read_bytes(), every + [store_hash(x) for x in every])
    context.close()
    assert files == 8


def store_hash(token: str) -> str:
    from purposecase.store import hash_token

    return hash_token(token)


@pytest.mark.parametrize("fmt", ["pdf", "pptx", "xlsx", "md", "json", "yaml"])
def test_the_file_check_finds_a_token_in_every_format(fmt):
    """The check above is not blind: a token-like text inside a case is found in each format."""
    from purposecase.export import bundle_for_case, export_file
    from purposecase.model import Item, PartnerDraft
    from purposecase.pieces import PIECE_KEYS

    secret = "Zq3xYt7Kp0Lm2Nb8Vc4Xr6Ws1Ud9Ef5Gh3Jk7Lm0P"
    case = PartnerDraft(pieces={**{k: [] for k in PIECE_KEYS}, "impact": [Item(text=f"zie {secret}")]}).as_case("Proef")
    data = export_file(bundle_for_case(case, lang="nl"), fmt).data
    assert _holds(data, [secret]) == [secret]
