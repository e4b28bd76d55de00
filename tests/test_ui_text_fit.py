"""Issue 18: texts fit where they are shown (measured with DejaVu Sans, the workbook's font)."""

from __future__ import annotations

import pytest

from purposecase.export import fonts
from purposecase.messages import Translator


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_the_new_target_group_placeholder_of_chapter_06_fits_its_field(lang):
    """The field is 420 px wide with its label inside (ui/waardepropositie.py); the placeholder was cut off."""
    t = Translator(lang)
    label = fonts.text_width(t("vp.doelgroep_toevoegen"), 13)
    room = 420 - label - 12 - 2 * 8 - 4  # label gap, input padding, border
    assert fonts.text_width(t("vp.nieuwe_doelgroep"), 13) <= room


def test_the_fullscreen_presenter_hides_its_controls_and_tips():
    from purposecase.ui.nav import werkboek_css

    css = werkboek_css()
    rule = css[css.index(".pc-presenter:fullscreen .pc-presenter-controls"):]
    assert ".pc-presenter:fullscreen .pc-hint" in rule.split("{")[0] and "display: none" in rule.split("}")[0]


@pytest.mark.parametrize(("lang", "expected"), [("en", "Health and social care"), ("nl", "Zorg en Welzijn")])
def test_sector_names_in_the_users_language_everywhere(lang, expected):
    from purposecase.examples import load_case
    from purposecase.export import bundle_for_case, export_bytes
    from purposecase.ui.examples import case_info_html
    from purposecase.ui.trainer import slide_html

    case = load_case("lerende-regio-voor-zorg-en-welzijn")
    t = Translator(lang)
    assert expected in case_info_html(case, t)
    from purposecase.trainer import Presentation

    assert expected in slide_html(case, Presentation(case).slide, t, 13)
    bundle = bundle_for_case(case, lang=lang)
    assert expected in export_bytes(bundle, "md").decode()
    import io

    from openpyxl import load_workbook

    about = load_workbook(io.BytesIO(export_bytes(bundle, "xlsx"))).worksheets[-1]
    assert any(expected in str(c.value) for row in about.iter_rows() for c in row)
