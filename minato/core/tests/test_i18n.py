from __future__ import annotations

import pytest
from django import forms
from django.urls import translate_url
from django.utils import translation

from minato.core.i18n import url_in_language

# (path, the language that path is in)
PATHS = [
    ("/", "ja"),
    ("/accounts/login/?next=/accounts/profile/", "ja"),
    ("/en/staff/audit/?page=2", "en"),
    ("/ja-easy/accounts/profile/edit/", "ja-easy"),
    ("/en/", "en"),
    ("/ja-easy/", "ja-easy"),
]


@pytest.mark.parametrize(("path", "path_language"), PATHS)
@pytest.mark.parametrize("language", ["ja", "en", "ja-easy"])
def test_switching_language_matches_djangos_translate_url(
    path: str, path_language: str, language: str
) -> None:
    # translate_url resolves the path in the active language, as a request would.
    with translation.override(path_language):
        expected = translate_url(path, language)
    assert url_in_language(path, language) == expected


def test_translation_functions_use_names_makemessages_can_find() -> None:
    """xgettext only extracts _, gettext, gettext_lazy, … : an alias such as _lazy would
    leave its strings untranslated without any error."""
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    pattern = re.compile(r"import (gettext|gettext_lazy|ngettext|pgettext) as (?!_\b)\w+")
    offenders = [
        str(path.relative_to(root))
        for folder in ("minato", "config")
        for path in (root / folder).rglob("*.py")
        if pattern.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        ("2026-11-26", "令和8年11月26日"),
        ("2019-05-01", "令和元年5月1日"),
        ("2019-04-30", "平成31年4月30日"),
        ("1989-01-07", "昭和64年1月7日"),
    ],
)
def test_dates_are_shown_in_the_japanese_era_too(day: str, expected: str) -> None:
    from datetime import date

    from minato.core.wareki import to_wareki

    assert to_wareki(date.fromisoformat(day)) == expected


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path", ["/%2Fevil.example/x", "/%5Cevil.example/x", "/en/%2Fevil.example/"]
)
def test_the_language_switcher_on_an_unknown_page_never_links_off_site(path: str) -> None:
    import re

    from django.test import Client

    response = Client().get(path)
    assert response.status_code == 404
    nav = re.search(r'<nav class="lang-switcher".*?</nav>', response.content.decode(), re.S)
    assert nav is not None
    # An unknown path is never echoed: each language's home page instead.
    assert re.findall(r'href="([^"]*)"', nav.group(0)) == ["/", "/en/", "/ja-easy/"]


@pytest.mark.parametrize("language", ["ja", "en", "ja-easy"])
@pytest.mark.parametrize("path", ["//evil.example/x", "/\\evil.example/x", "/en//evil.example/"])
def test_switching_language_never_makes_a_link_to_another_host(path: str, language: str) -> None:
    url = url_in_language(path, language)
    assert url.startswith("/") and url[1:2] not in ("/", "\\")
    assert not url.startswith(("/en//", "/ja-easy//"))


def test_djangos_own_form_messages_are_in_easy_japanese() -> None:
    """Django ships no やさしい日本語; ``core/django_messages.py`` puts its form messages in
    our catalogues, which come first."""

    class Form(forms.Form):
        name = forms.CharField(max_length=3)
        kind = forms.ChoiceField(choices=[("a", "A")])

    with translation.override("ja-easy"):
        form = Form({"name": "abcd", "kind": "z"})
        assert form.errors["name"] == ["3 もじ まで です (いま 4 もじ)。"]
        assert form.errors["kind"] == ["リスト から えらんで ください。z は えらべません。"]
        assert Form({}).errors["name"] == ["ここ に かいて ください (かならず いります)。"]
    with translation.override("ja"):
        assert Form({}).errors["name"] == ["入力してください（必須）。"]
