from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from minato.core.areas import Area
from minato.core.forms import AccessibleForm
from minato.insight.models import Incident, Voice
from minato.insight.statistics.selectors import DIMENSIONS
from minato.insight.voices.services import MAX_BODY


class VoiceForm(AccessibleForm):
    kind = forms.ChoiceField(
        label=_("What kind of voice is it?"), choices=Voice.Kind.choices, widget=forms.RadioSelect
    )
    category = forms.ChoiceField(label=_("Topic area"), choices=Voice.Category.choices)
    body = forms.CharField(
        label=_("Your opinion"),
        help_text=_(
            "Do not write names, phone numbers or addresses: they are removed before anyone "
            "analyses or publishes voices."
        ),
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=MAX_BODY,
    )
    area = forms.ChoiceField(
        label=_("Area it is about (optional)"), choices=[("", "—"), *Area.choices], required=False
    )
    age_band = forms.ChoiceField(
        label=_("Your age (optional)"), choices=[("", "—"), *Voice.AgeBand.choices], required=False
    )
    wants_reply = forms.BooleanField(label=_("I would like an answer"), required=False)
    contact_email = forms.EmailField(
        label=_("E-mail address for the answer"),
        help_text=_("Only if you are not signed in and want an answer."),
        required=False,
    )


class RouteForm(AccessibleForm):
    department = forms.ChoiceField(label=_("Department"))

    def __init__(self, *args, departments=(), **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        field = self.fields["department"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", "—"), *((d.code, d.full_name_ja) for d in departments)]


class ReplyForm(AccessibleForm):
    body = forms.CharField(
        label=_("Answer to the writer"),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=MAX_BODY * 2,
    )


class PublishForm(AccessibleForm):
    published_body = forms.CharField(
        label=_("Voice as published"), widget=forms.Textarea(attrs={"rows": 5}), max_length=MAX_BODY
    )
    public_answer = forms.CharField(
        label=_("The ward's answer"),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=MAX_BODY * 2,
    )


class ImportForm(AccessibleForm):
    file = forms.FileField(
        label=_("CSV or Excel file"),
        help_text=_(
            "Columns: 受付日, 内容, and optionally 種別, 分野, 地区, 町丁目, 年代, 受付方法."
        ),
    )


class AnalysisForm(AccessibleForm):
    period_start = forms.DateField(label=_("From"), widget=forms.DateInput(attrs={"type": "date"}))
    period_end = forms.DateField(label=_("To"), widget=forms.DateInput(attrs={"type": "date"}))


class IncidentForm(AccessibleForm):
    occurred_on = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    severity = forms.ChoiceField(label=_("Severity"), choices=Incident.Severity.choices)
    title = forms.CharField(label=_("What happened"), max_length=200)


DIMENSION_LABELS = {
    "town": _("Town (町丁目)"),
    "age_band": _("Age band"),
    "month": _("Month"),
    "area": _("Area"),
    "category": _("Topic area"),
}


class StatisticsForm(AccessibleForm):
    rows = forms.ChoiceField(
        label=_("Rows"), choices=[(d, DIMENSION_LABELS[d]) for d in DIMENSIONS], initial="town"
    )
    columns = forms.ChoiceField(
        label=_("Columns"),
        choices=[(d, DIMENSION_LABELS[d]) for d in DIMENSIONS],
        initial="age_band",
    )

    def clean(self):  # type: ignore[no-untyped-def]
        cleaned = super().clean() or {}
        if cleaned.get("rows") and cleaned.get("rows") == cleaned.get("columns"):
            raise forms.ValidationError(_("Choose two different dimensions."))
        return cleaned


class SurveyForm(AccessibleForm):
    title_ja = forms.CharField(label=_("Title (Japanese)"), max_length=200)
    title_en = forms.CharField(label=_("Title (English)"), max_length=200, required=False)
    definition = forms.CharField(
        label=_("Questions (form definition, JSON)"),
        help_text=_("The form builder's format: pages, questions and a declaration."),
        widget=forms.Textarea(attrs={"rows": 16, "spellcheck": "false"}),
    )
    indicators = forms.CharField(
        label=_("Indicators measured (JSON)"),
        help_text=_(
            "Each choice question that measures an indicator, with the answers that count "
            "as agreeing."
        ),
        widget=forms.Textarea(attrs={"rows": 5, "spellcheck": "false"}),
    )

    def clean_definition(self):  # type: ignore[no-untyped-def]
        return _json(self.cleaned_data["definition"])

    def clean_indicators(self):  # type: ignore[no-untyped-def]
        return _json(self.cleaned_data["indicators"])


def _json(text: str):  # type: ignore[no-untyped-def]
    import json

    try:
        return json.loads(text)
    except ValueError as exc:
        raise forms.ValidationError(
            _("This is not valid JSON: %(error)s") % {"error": exc}
        ) from None


class SampleForm(AccessibleForm):
    sample_size = forms.IntegerField(
        label=_("Residents to invite, drawn at random"), min_value=1, max_value=10000, initial=500
    )
