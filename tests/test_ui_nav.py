"""The navigation bar: chapters, where you are, previous/next, language, workspace — without a browser."""

import html
import re
from urllib.parse import parse_qs, urlsplit

import pytest

from purposecase.chapters import CHAPTERS
from purposecase.messages import Translator
from purposecase.store import open_store
from purposecase.ui.common import PageContext
from purposecase.ui.nav import NavBar, nav_html
from purposecase.workspace import create_workspace

ALL = {c.notebook for c in CHAPTERS}


def hrefs(markup: str) -> list[str]:
    return [html.unescape(h) for h in re.findall(r'href="([^"]+)"', markup)]


def text_of(markup: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", markup)).split())


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_every_link_keeps_sleutel_and_language(lang):
    markup = nav_html("03_voorbeelden.ipynb", Translator(lang), sleutel="abc-DEF_123", available=ALL)
    links = hrefs(markup)
    assert len(links) >= 9 + 2 + 1  # chapters, previous/next, language switch
    for link in links:
        query = parse_qs(urlsplit(link).query)
        assert query["sleutel"] == ["abc-DEF_123"], link
        switch = 'hreflang="' in markup and link.endswith("taal=en") != (lang == "en")
        if lang == "en" and not switch:
            assert query.get("taal") == ["en"], link


def test_language_switch_keeps_the_page_and_sleutel():
    markup = nav_html("01_waardecreatie.ipynb", Translator("nl"), sleutel="tok", available=ALL)
    switch = re.search(r'<a class="pc-nav-lang-switch" href="([^"]+)"[^>]*hreflang="en"', markup)
    assert html.unescape(switch.group(1)) == "01_waardecreatie.ipynb?sleutel=tok&taal=en"
    back = re.search(
        r'<a class="pc-nav-lang-switch" href="([^"]+)"[^>]*hreflang="nl"',
        nav_html("01_waardecreatie.ipynb", Translator("en"), sleutel="tok", available=ALL),
    )
    assert html.unescape(back.group(1)) == "01_waardecreatie.ipynb?sleutel=tok"


def test_current_chapter_previous_and_next():
    markup = nav_html("03_voorbeelden.ipynb", Translator("nl"), available=ALL)
    assert re.search(r'aria-current="page"[^>]*>3 · Voorbeelden<', markup)
    assert 'rel="prev" href="02_purpose_case.ipynb"' in markup
    assert 'rel="next" href="04_zelf_invullen.ipynb"' in markup
    assert "Hoofdstuk 3 van 8" in text_of(markup)


def test_unavailable_chapters_are_not_links():
    available = {"00_welkom.ipynb", "03_voorbeelden.ipynb", "04_zelf_invullen.ipynb"}
    markup = nav_html("04_zelf_invullen.ipynb", Translator("nl"), available=available)
    links = hrefs(markup)
    assert not any("06_waardepropositie" in h or "05_samen" in h for h in links)
    assert "6 · Waardepropositie (binnenkort)" in text_of(markup)
    assert 'rel="prev" href="03_voorbeelden.ipynb"' in markup  # skips the missing 02
    assert 'rel="next"' not in markup


def test_first_and_last_chapter():
    first = nav_html("00_welkom.ipynb", Translator("nl"), available=ALL)
    assert 'rel="prev"' not in first and 'rel="next" href="01_waardecreatie.ipynb"' in first
    last = nav_html("08_delen.ipynb", Translator("en"), available=ALL)
    assert 'rel="next"' not in last and "Chapter 8 of 8" in text_of(last)


def test_user_text_is_escaped():
    markup = nav_html(
        "03_voorbeelden.ipynb", Translator("nl"), sleutel='x"><script>', available=ALL,
        workspace_name="<b>Evil</b> & co", role_text="trekker",
    )
    assert "<script>" not in markup and "<b>Evil" not in markup
    assert "&lt;b&gt;Evil&lt;/b&gt; &amp; co" in markup


def test_unknown_notebook_is_refused():
    with pytest.raises(KeyError):
        nav_html("99_x.ipynb", Translator("nl"))


@pytest.fixture()
def workspace(tmp_path, monkeypatch):
    monkeypatch.setenv("PURPOSECASE_DATABASE_URL", f"sqlite:///{tmp_path / 'w.sqlite3'}")
    store = open_store()
    session, token = create_workspace("Techniekpact <Noord>", store=store)
    partner, ptoken = session.add_partner("Ans", "ROC")
    return session, token, ptoken


def test_workspace_name_and_role_for_a_valid_link(workspace):
    _, token, ptoken = workspace
    bar = NavBar(PageContext(lang="nl", sleutel=token), "01_waardecreatie.ipynb")
    assert bar.session is not None and bar.problem == ""
    assert "Werkruimte: Techniekpact <Noord> · jouw rol: trekker" in text_of(bar.value)
    partner = NavBar(PageContext(lang="en", sleutel=ptoken), "01_waardecreatie.ipynb")
    assert "your role: partner (Ans)" in text_of(partner.value)


@pytest.mark.parametrize("token", ["onbekend-" * 4, ""])
def test_nothing_of_a_workspace_without_a_valid_link(workspace, token):
    bar = NavBar(PageContext(lang="nl", sleutel=token), "00_welkom.ipynb")
    assert bar.session is None
    assert "Techniekpact" not in bar.value and "class=\"pc-nav-workspace" not in bar.value
    assert bar.problem == ("toegang.onbekend" if token else "")


def test_revoked_link_shows_no_workspace(workspace):
    session, token, _ = workspace
    session.new_trekker_link()  # the old trekker link stops working
    bar = NavBar(PageContext(sleutel=token), "03_voorbeelden.ipynb")
    assert bar.session is None and bar.problem == "toegang.ingetrokken" and "Techniekpact" not in bar.value


def test_set_session_after_starting_a_workspace(workspace):
    session, token, _ = workspace
    bar = NavBar(PageContext(), "04_zelf_invullen.ipynb", lookup=False)
    assert "sleutel=" not in bar.value
    bar.set_session(session, sleutel=token)
    assert "Techniekpact" in text_of(bar.value) and f"sleutel={token}" in bar.value


def test_absolute_links_inside_voila(monkeypatch):
    monkeypatch.setenv("VOILA_REQUEST_URL", "http://host:8866/voila/render/03_voorbeelden.ipynb?sleutel=s&taal=en")
    markup = nav_html("03_voorbeelden.ipynb", Translator("en"), sleutel="s", available=ALL)
    assert 'href="http://host:8866/voila/render/00_welkom.ipynb?sleutel=s&amp;taal=en"' in markup


def test_the_bar_does_not_import_the_store_without_a_sleutel():
    import subprocess
    import sys

    code = (
        "import sys; from purposecase.ui.common import PageContext; from purposecase.ui.nav import NavBar;"
        "NavBar(PageContext(), '03_voorbeelden.ipynb');"
        "print('sqlalchemy' in sys.modules, 'pandas' in sys.modules, 'plotly' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False", "False", "False"]
