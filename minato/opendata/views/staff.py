"""The console's open-data pages (``staff:opendata:…``): the datasets of the departments a
member of staff works for, a new dataset, its metadata, files and versions with the
validator's report, links to endpoints elsewhere, files the platform generates, and
publishing. Clerks prepare; supervisors publish and withdraw."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from minato.accounts import permissions
from minato.accounts.models import Role
from minato.core.forms import AccessibleForm
from minato.core.translated import localized
from minato.opendata import live, selectors, services
from minato.opendata.models import NAME_PATTERN, Dataset, License, Resource
from minato.opendata.standard.definitions import DEFINITIONS


def _staff(request: HttpRequest) -> Any:
    if not permissions.has_role(request.user, Role.CLERK):
        raise PermissionDenied
    return request.user


def _dataset(request: HttpRequest, name: str) -> Dataset:
    found = selectors.staff_dataset(_staff(request), name)
    if found is None:
        raise Http404
    return found


def _translated(ja: str, en: str) -> dict[str, str]:
    return {"ja": ja, **({"en": en} if en else {})}


class DatasetForm(AccessibleForm):
    title_ja = forms.CharField(label=gettext_lazy("Title (Japanese)"), max_length=200)
    title_en = forms.CharField(
        label=gettext_lazy("Title (English)"), max_length=200, required=False
    )
    notes_ja = forms.CharField(
        label=gettext_lazy("Description (Japanese)"), widget=forms.Textarea, max_length=4000
    )
    notes_en = forms.CharField(
        label=gettext_lazy("Description (English)"),
        widget=forms.Textarea,
        max_length=4000,
        required=False,
    )
    tags = forms.CharField(
        label=gettext_lazy("Keywords"),
        help_text=gettext_lazy("Separated by commas, e.g. 防災,避難所"),
        max_length=500,
        required=False,
    )
    license_id = forms.ChoiceField(
        label=gettext_lazy("Licence"), choices=License.choices, initial=License.CC_BY_4
    )
    frequency = forms.ChoiceField(
        label=gettext_lazy("How often it is updated"),
        choices=[("", "—"), *Dataset.Frequency.choices],
        required=False,
    )
    standard = forms.ChoiceField(
        label=gettext_lazy("Standard dataset it follows"),
        help_text=gettext_lazy(
            "Its CSV files are checked against the Digital Agency's definition."
        ),
        choices=[("", "—"), *((key, item.title_ja) for key, item in DEFINITIONS.items())],
        required=False,
    )
    temporal_start = forms.DateField(label=gettext_lazy("Period covered: from"), required=False)
    temporal_end = forms.DateField(label=gettext_lazy("Period covered: to"), required=False)
    contact_name = forms.CharField(
        label=gettext_lazy("Contact (the section, not a person)"), max_length=100, required=False
    )
    contact_email = forms.EmailField(label=gettext_lazy("Contact email"), required=False)
    contact_phone = forms.CharField(
        label=gettext_lazy("Contact phone"), max_length=20, required=False
    )

    def service_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "title": _translated(data["title_ja"], data["title_en"]),
            "notes": _translated(data["notes_ja"], data["notes_en"]),
            "tags": [tag for tag in data["tags"].replace("、", ",").split(",") if tag.strip()],
            "license_id": data["license_id"],
            "frequency": data["frequency"],
            "standard": data["standard"],
            "temporal_start": data["temporal_start"],
            "temporal_end": data["temporal_end"],
            "contact_name": data["contact_name"],
            "contact_email": data["contact_email"],
            "contact_phone": data["contact_phone"],
        }

    @classmethod
    def initial_from(cls, dataset: Dataset) -> dict[str, Any]:
        return {
            "title_ja": dataset.title.get("ja", ""),
            "title_en": dataset.title.get("en", ""),
            "notes_ja": dataset.notes.get("ja", ""),
            "notes_en": dataset.notes.get("en", ""),
            "tags": ",".join(dataset.tags),
            "license_id": dataset.license_id,
            "frequency": dataset.frequency,
            "standard": dataset.standard,
            "temporal_start": dataset.temporal_start,
            "temporal_end": dataset.temporal_end,
            "contact_name": dataset.contact_name,
            "contact_email": dataset.contact_email,
            "contact_phone": dataset.contact_phone,
        }


class NewDatasetForm(DatasetForm):
    organization = forms.ChoiceField(label=gettext_lazy("Publisher"), choices=())
    name = forms.RegexField(
        label=gettext_lazy("Name in the address"),
        help_text=gettext_lazy(
            "Lower-case letters, digits, hyphens and underscores, e.g. parks-list"
        ),
        regex=NAME_PATTERN,
        max_length=100,
        error_messages={
            "invalid": gettext_lazy("Use lower-case letters, digits, hyphens and underscores.")
        },
    )
    field_order = ["organization", "name"]

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.organizations = {o.name: o for o in selectors.staff_organizations(user)}
        self.fields["organization"].choices = [  # type: ignore[attr-defined]
            (name, localized(o.title)) for name, o in self.organizations.items()
        ]


class UploadForm(AccessibleForm):
    name_ja = forms.CharField(label=gettext_lazy("File title (Japanese)"), max_length=200)
    name_en = forms.CharField(
        label=gettext_lazy("File title (English)"), max_length=200, required=False
    )
    format = forms.ChoiceField(label=gettext_lazy("Format"), choices=Resource.Format.choices)
    file = forms.FileField(label=gettext_lazy("File"))
    encoding = forms.ChoiceField(
        label=gettext_lazy("Character encoding (CSV)"),
        choices=[
            ("", gettext_lazy("Detect it")),
            ("utf-8", "UTF-8"),
            ("shift_jis", "Shift_JIS"),
        ],
        required=False,
    )


class LinkForm(AccessibleForm):
    prefix = "link"  # beside the upload form's fields of the same names on one page
    name_ja = forms.CharField(label=gettext_lazy("Title (Japanese)"), max_length=200)
    name_en = forms.CharField(label=gettext_lazy("Title (English)"), max_length=200, required=False)
    format = forms.ChoiceField(label=gettext_lazy("Format"), choices=Resource.Format.choices)
    url = forms.URLField(
        label=gettext_lazy("Address (URL)"),
        max_length=500,
        assume_scheme="https",
        help_text=gettext_lazy("An API or a file another system serves, e.g. https://…"),
    )


def _live_choices() -> list[tuple[str, str]]:
    english = not (translation.get_language() or "ja").startswith("ja")
    choices = []
    for key, source in live.SOURCES.items():
        definition = DEFINITIONS.get(key.removesuffix("-geojson"))
        if definition is not None:
            title = definition.title_en if english else definition.title_ja
        else:
            title = _("Monthly downloads of the catalogue's files")
        choices.append((key, f"{title} ({source.format})"))
    return choices


class LiveForm(AccessibleForm):
    prefix = "live"
    name_ja = forms.CharField(label=gettext_lazy("Title (Japanese)"), max_length=200)
    name_en = forms.CharField(label=gettext_lazy("Title (English)"), max_length=200, required=False)
    live_key = forms.ChoiceField(
        label=gettext_lazy("Data"),
        help_text=gettext_lazy(
            "Generated now from the platform's records, and again whenever they change."
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["live_key"].choices = _live_choices()  # type: ignore[attr-defined]


class VersionForm(AccessibleForm):
    file = forms.FileField(label=gettext_lazy("New version of the file"))
    encoding = UploadForm.base_fields["encoding"]


def _service_errors(form: forms.Form, error: ValidationError) -> None:
    for field, messages_ in error.message_dict.items():
        form.add_error(field if field in form.fields else None, messages_)


def datasets(request: HttpRequest) -> HttpResponse:
    user = _staff(request)
    return render(
        request,
        "opendata/staff/datasets.html",
        {
            "datasets": selectors.staff_datasets(user)[:200],
            "kpi": selectors.monthly_downloads(months=3),
        },
    )


def dataset_new(request: HttpRequest) -> HttpResponse:
    user = _staff(request)
    form = NewDatasetForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        try:
            created = services.dataset_create(
                organization=form.organizations[form.cleaned_data["organization"]],
                name=form.cleaned_data["name"],
                actor=user,
                **form.service_fields(),
            )
        except ValidationError as error:
            _service_errors(form, error)
        else:
            messages.success(request, _("The dataset was created as a draft. Add its files."))
            return redirect("staff:opendata:dataset", name=created.name)
    return render(
        request,
        "opendata/staff/dataset_new.html",
        {"form": form},
        status=422 if form.errors else 200,
    )


def dataset_detail(request: HttpRequest, name: str) -> HttpResponse:
    found = _dataset(request, name)
    form = DatasetForm(request.POST or None, initial=DatasetForm.initial_from(found))
    if request.method == "POST" and form.is_valid():
        try:
            services.dataset_update(dataset=found, actor=request.user, **form.service_fields())
        except ValidationError as error:
            _service_errors(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect("staff:opendata:dataset", name=found.name)
    return _detail_page(request, found, form=form)


def _detail_page(request: HttpRequest, found: Dataset, **forms_: Any) -> HttpResponse:
    context = {
        "dataset": found,
        "form": forms_.get("form") or DatasetForm(initial=DatasetForm.initial_from(found)),
        "upload_form": forms_.get("upload_form") or UploadForm(),
        "link_form": forms_.get("link_form") or LinkForm(),
        "live_form": forms_.get("live_form") or LiveForm(),
        "version_form": VersionForm(),
        "resources": selectors.staff_resources(found),
        "can_publish": permissions.has_role(request.user, Role.SUPERVISOR),
        "downloads": selectors.dataset_downloads(found),
    }
    failed = any(f.errors for f in forms_.values())
    return render(request, "opendata/staff/dataset.html", context, status=422 if failed else 200)


@require_POST
def resource_add(request: HttpRequest, name: str) -> HttpResponse:
    found = _dataset(request, name)
    form = UploadForm(request.POST, request.FILES)
    if form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            services.resource_upload_add(
                dataset=found,
                name=_translated(form.cleaned_data["name_ja"], form.cleaned_data["name_en"]),
                fmt=form.cleaned_data["format"],
                content=upload.read(),
                original_filename=upload.name or "",
                declared_encoding=form.cleaned_data["encoding"],
                actor=request.user,
            )
        except ValidationError as error:
            _service_errors(form, error)
        else:
            messages.success(request, _("The file was added."))
            return redirect("staff:opendata:dataset", name=found.name)
    return _detail_page(request, found, upload_form=form)


@require_POST
def resource_link_add(request: HttpRequest, name: str) -> HttpResponse:
    found = _dataset(request, name)
    form = LinkForm(request.POST)
    if form.is_valid():
        try:
            services.resource_link_add(
                dataset=found,
                name=_translated(form.cleaned_data["name_ja"], form.cleaned_data["name_en"]),
                fmt=form.cleaned_data["format"],
                url=form.cleaned_data["url"],
                actor=request.user,
            )
        except ValidationError as error:
            _service_errors(form, error)
        else:
            messages.success(request, _("The link was added."))
            return redirect("staff:opendata:dataset", name=found.name)
    return _detail_page(request, found, link_form=form)


@require_POST
def resource_live_add(request: HttpRequest, name: str) -> HttpResponse:
    found = _dataset(request, name)
    form = LiveForm(request.POST)
    if form.is_valid():
        try:
            services.resource_live_add(
                dataset=found,
                live_key=form.cleaned_data["live_key"],
                name=_translated(form.cleaned_data["name_ja"], form.cleaned_data["name_en"]),
                actor=request.user,
            )
        except ValidationError as error:
            _service_errors(form, error)
        else:
            messages.success(request, _("The generated file was added."))
            return redirect("staff:opendata:dataset", name=found.name)
    return _detail_page(request, found, live_form=form)


@require_POST
def resource_version(request: HttpRequest, name: str, resource_id: str) -> HttpResponse:
    found = _dataset(request, name)
    resource = found.resources.filter(public_id=resource_id).first()
    if resource is None:
        raise Http404
    form = VersionForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.resource_upload_version(
                resource=resource,
                content=form.cleaned_data["file"].read(),
                declared_encoding=form.cleaned_data["encoding"],
                actor=request.user,
            )
        except ValidationError as error:
            for text in error.messages:
                messages.error(request, text)
        else:
            messages.success(request, _("The new version was uploaded."))
    else:
        messages.error(request, _("Choose a file to upload."))
    return redirect("staff:opendata:dataset", name=found.name)


@require_POST
def dataset_state(request: HttpRequest, name: str) -> HttpResponse:
    found = _dataset(request, name)
    if not permissions.has_role(request.user, Role.SUPERVISOR):
        raise PermissionDenied
    state = request.POST.get("state", "")
    try:
        services.dataset_set_state(dataset=found, state=state, actor=request.user)
    except ValidationError as error:
        for text in error.messages:
            messages.error(request, text)
    else:
        messages.success(request, _("The dataset's state was changed."))
    return redirect("staff:opendata:dataset", name=found.name)
