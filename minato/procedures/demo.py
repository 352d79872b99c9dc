"""Demo catalogue loader, called by `manage.py load_demo` (idempotent)."""

from __future__ import annotations

from typing import Any

from minato.accounts.models import Department
from minato.procedures import services
from minato.procedures.applications import form_publish
from minato.procedures.catalogue import CATEGORIES, LIFE_EVENTS, PROCEDURES
from minato.procedures.demo_forms import DEMO_FORMS
from minato.procedures.models import Category, LifeEvent, Procedure


def load() -> str:
    for item in CATEGORIES:
        services.taxonomy_upsert(
            model=Category, code=item["code"], name=item["name"], sort_order=item["sort_order"]
        )
    for item in LIFE_EVENTS:
        services.taxonomy_upsert(
            model=LifeEvent, code=item["code"], name=item["name"], sort_order=item["sort_order"]
        )
    departments = {d.code: d for d in Department.objects.all()}
    for entry in PROCEDURES:
        data: dict[str, Any] = {
            key: value
            for key, value in entry.items()
            if key not in {"slug", "department", "categories", "life_events"}
        }
        data["department_id"] = departments[entry["department"]].pk
        services.procedure_upsert(
            slug=entry["slug"],
            data=data,
            category_codes=entry["categories"],
            life_event_codes=entry["life_events"],
        )
    for slug, definition in DEMO_FORMS.items():
        procedure = Procedure.objects.get(slug=slug)
        if not procedure.form_versions.exists():
            form_publish(procedure=procedure, definition=definition)
    return (
        f"{len(PROCEDURES)} procedures in the catalogue, online forms for {', '.join(DEMO_FORMS)}"
    )
