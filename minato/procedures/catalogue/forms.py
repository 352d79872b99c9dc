from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from minato.core.forms import AccessibleForm


class CatalogueSearchForm(AccessibleForm):
    q = forms.CharField(
        label=_("Search procedures"),
        max_length=100,
        required=False,
        # The English page must not ask for kanji or kana: each language gives its own example.
        help_text=_("For example “oversized waste” or “certificate of residence”."),
        widget=forms.TextInput(attrs={"type": "search", "enterkeyhint": "search"}),
    )
    category = forms.SlugField(required=False, max_length=50, widget=forms.HiddenInput)
    life_event = forms.SlugField(required=False, max_length=50, widget=forms.HiddenInput)
