import json
import re
from pathlib import Path

import pytest

from purposecase.messages import LANGUAGES, Translator, all_keys, normalise_lang

PACKAGE = Path(__file__).resolve().parents[1] / "purposecase"

# keys built at run time from a prefix plus data (problem codes, item kinds, search fields)
DYNAMIC_PREFIXES = (
    "fout.code.", "soort.", "zoeken.veld.", "rol.", "checks.status.", "voortgang.", "geven.alleen_", "geven.geen",
    "export.status.", "export.geeft_", "export.krijgt_", "sector.",
    *(f"checks.{rule}." for rule in __import__("purposecase.checks", fromlist=["SOURCES"]).SOURCES),
)


def test_languages_have_the_same_keys():
    keys = [all_keys(lang) for lang in LANGUAGES]
    assert keys[0] == keys[1]


def test_placeholders_match_between_languages():
    nl, en = Translator("nl"), Translator("en")
    for key in all_keys("nl"):
        ph = lambda s: sorted(re.findall(r"\{(\w+)\}", s))  # noqa: E731
        assert ph(nl._own[key]) == ph(en._own[key]), key


def test_no_key_is_unused_and_every_used_key_exists():
    source = "\n".join(p.read_text(encoding="utf-8") for p in PACKAGE.rglob("*.py"))
    # every quoted "prefix.key" literal in the package counts as a use
    used = set(re.findall(r"""["']([a-z]+\.[a-z0-9_\-]+(?:\.[a-z0-9_\-]+)*)["']""", source))
    prefixes = {k.split(".")[0] for k in all_keys("nl")}
    used = {u for u in used if u.split(".")[0] in prefixes and not u.endswith(".")}
    keys = all_keys("nl")
    unused = {k for k in keys if k not in used and not k.startswith(DYNAMIC_PREFIXES)}
    assert not unused, f"keys no code uses: {sorted(unused)}"
    missing = {k for k in used if k not in keys}
    assert not missing, f"keys used but not defined: {sorted(missing)}"


def test_dynamic_keys_cover_their_data():
    from purposecase.model import _PYDANTIC_CODES, KIND_PIECES

    keys = all_keys("nl")
    codes = set(_PYDANTIC_CODES.values()) | {
        "read",
        "yaml",
        "json",
        "not_mapping",
        "missing_piece",
        "unknown_piece",
        "duplicate",
        "invalid",
    }
    for code in codes:
        assert f"fout.code.{code}" in keys
    for kinds in KIND_PIECES.values():
        for kind in kinds:
            assert f"soort.{kind}" in keys


def write(folder, lang, name, data):
    (folder / lang).mkdir(parents=True, exist_ok=True)
    (folder / lang / name).write_text(json.dumps(data), encoding="utf-8")


def test_fallback_to_dutch_key_by_key(tmp_path):
    write(tmp_path, "nl", "a.json", {"a.b": "Nederlands"})
    write(tmp_path, "nl", "b.json", {"a.c": "Hallo {naam}"})
    write(tmp_path, "en", "a.json", {"a.b": "English"})
    t = Translator("en", directory=tmp_path)
    assert t("a.b") == "English"
    assert t("a.c", naam="Ans") == "Hallo Ans"
    with pytest.raises(KeyError):
        t("a.d")


def test_missing_language_file_falls_back(tmp_path):
    write(tmp_path, "nl", "a.json", {"a.b": "Nederlands"})
    assert Translator("en", directory=tmp_path)("a.b") == "Nederlands"


def test_a_key_in_two_files_is_refused(tmp_path):
    write(tmp_path, "nl", "a.json", {"a.b": "een"})
    write(tmp_path, "nl", "b.json", {"a.b": "twee"})
    with pytest.raises(ValueError, match="a.b"):
        Translator("nl", directory=tmp_path)


def test_same_files_in_both_languages():
    from purposecase.messages import _DIR

    names = [sorted(p.name for p in (_DIR / lang).glob("*.json")) for lang in LANGUAGES]
    assert names[0] == names[1]


@pytest.mark.parametrize(
    "raw,lang", [("en", "en"), ("EN", "en"), ("en-GB", "en"), ("nl", "nl"), ("fr", "nl"), ("", "nl"), (None, "nl")]
)
def test_normalise_lang(raw, lang):
    assert normalise_lang(raw) == lang


def test_role_names_exist():
    keys = all_keys("nl")
    for role in ("trekker", "partner", "viewer"):
        assert f"rol.{role}" in keys


def test_every_sector_of_the_ten_cases_has_a_name_in_every_language():
    from purposecase.examples import load_catalogue
    from purposecase.export.bundle import sector_label
    from purposecase.messages import Translator

    for lang in LANGUAGES:
        t = Translator(lang)
        for sector in load_catalogue().sectors():
            key = "sector." + re.sub(r"[^a-z0-9]+", "_", sector.lower().replace("&", " ")).strip("_")
            assert t.has(key), (lang, sector)
            assert sector_label(sector, t) == t(key)
