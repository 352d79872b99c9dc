"""Accessible form rendering shared by every module.

Fields render through ``templates/forms/field.html``: a label, the hint, the error and the
control, with ``aria-describedby`` and ``aria-invalid`` wired so screen readers announce
the hint and the error with the field. Pages show ``includes/error_summary.html`` above
the form, linking each error to its field.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.forms.renderers import TemplatesSetting
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy


class FormRenderer(TemplatesSetting):
    form_template_name = "forms/form.html"
    field_template_name = "forms/field.html"


class AccessibleFormMixin:
    """Adds hint and error ids to every widget's ``aria-describedby``."""

    fields: dict[str, forms.Field]
    errors: Any

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[call-arg]
        for name, field in self.fields.items():
            if field.help_text:
                self._describe(name, field, f"{self.auto_id_for(name)}_hint")

    def auto_id_for(self, name: str) -> str:
        return self[name].auto_id  # type: ignore[index,no-any-return]

    def _describe(self, name: str, field: forms.Field, element_id: str) -> None:
        if getattr(field.widget, "use_fieldset", False):
            return  # the fieldset carries the description once for the whole group
        current = field.widget.attrs.get("aria-describedby", "")
        ids = [part for part in current.split() if part]
        if element_id not in ids:
            ids.append(element_id)
        field.widget.attrs["aria-describedby"] = " ".join(ids)

    def full_clean(self) -> None:
        super().full_clean()  # type: ignore[misc]
        for name in self.errors:
            if name in self.fields:
                field = self.fields[name]
                field.widget.attrs["aria-invalid"] = "true"
                self._describe(name, field, f"{self.auto_id_for(name)}_error")


class AccessibleForm(AccessibleFormMixin, forms.Form):
    pass


# --- Fields every console form uses the same way ----------------------------------------------

# A date and time picked in the browser's own control (<input type="datetime-local">).
DATETIME_LOCAL = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")

# The languages staff write content in (the site's three, and Chinese and Korean), as the
# console names them.
LANGUAGE_LABELS = {
    "ja": gettext_lazy("Japanese"),
    "en": gettext_lazy("English"),
    "ja-easy": gettext_lazy("Easy Japanese"),
    "zh": gettext_lazy("Chinese"),
    "ko": gettext_lazy("Korean"),
}


def areas_field() -> forms.MultipleChoiceField:
    """Tick boxes for the 地区 something concerns; none ticked means the whole ward."""
    from minato.core.areas import Area

    return forms.MultipleChoiceField(
        label=gettext_lazy("Areas"),
        choices=Area.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy("None ticked: the whole ward."),
    )


# --- Translated text that staff write (see minato.core.translated) -------------------------


def translated_fields(
    label: Any, *, required: bool = False, textarea: bool = False, max_length: int = 500
) -> tuple[forms.CharField, forms.CharField, forms.CharField]:
    """Three text boxes for a translated text: Japanese (required when ``required``),
    English and やさしい日本語."""

    def one(lang: str, name: Any, needed: bool) -> forms.CharField:
        attrs = {"lang": lang, "rows": 3} if textarea else {"lang": lang}
        widget = forms.Textarea(attrs=attrs) if textarea else forms.TextInput(attrs=attrs)
        return forms.CharField(
            label=format_lazy("{} ({})", label, name),
            required=needed,
            max_length=max_length,
            widget=widget,
        )

    return (
        one("ja", gettext_lazy("Japanese"), required),
        one("en", gettext_lazy("English"), False),
        one("ja", gettext_lazy("Easy Japanese"), False),
    )


def translated_value(cleaned: dict[str, Any], prefix: str) -> dict[str, str] | None:
    """The three boxes as stored: ``{"ja", "en", "ja-easy"}``, or None when Japanese is empty."""
    ja = (cleaned.get(f"{prefix}_ja") or "").strip()
    if not ja:
        return None
    value = {"ja": ja}
    for key, lang in (("en", "en"), ("easy", "ja-easy")):
        text = (cleaned.get(f"{prefix}_{key}") or "").strip()
        if text:
            value[lang] = text
    return value


def translated_initial(prefix: str, value: Any) -> dict[str, str]:
    value = value if isinstance(value, dict) else {}
    return {
        f"{prefix}_ja": value.get("ja", ""),
        f"{prefix}_en": value.get("en", ""),
        f"{prefix}_easy": value.get("ja-easy", ""),
    }
