"""Demo catalogue loader, called by `manage.py load_demo` (idempotent)."""

from __future__ import annotations

from typing import Any

from minato.accounts.models import Department
from minato.core.models import AuditEvent
from minato.procedures import services
from minato.procedures.applications import form_publish
from minato.procedures.catalogue import CATEGORIES, LIFE_EVENTS, PROCEDURES
from minato.procedures.demo_forms import DEMO_FORMS
from minato.procedures.models import Category, FormVersion, LifeEvent, Procedure

# The actor `load_demo` runs as (minato/accounts/management/commands/load_demo.py).
DEMO_ACTOR = "system:load_demo"


def _needs_publishing(procedure: Procedure, definition: dict[str, Any]) -> bool:
    """Publish the demo form when the procedure has none, or when its latest version is an
    older demo form (published by load_demo); a version staff published is left alone."""
    latest = procedure.form_versions.order_by("-version").first()
    if latest is None:
        return True
    if latest.definition == definition:
        return False
    return AuditEvent.objects.filter(
        action="procedures.form_published",
        object_type=FormVersion._meta.label_lower,
        object_id=str(latest.pk),
        actor_label=DEMO_ACTOR,
    ).exists()


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
    published = []
    for slug, definition in DEMO_FORMS.items():
        procedure = Procedure.objects.get(slug=slug)
        if _needs_publishing(procedure, definition):
            version = form_publish(procedure=procedure, definition=definition)
            published.append(f"{slug} v{version.version}")
    return (
        f"{len(PROCEDURES)} procedures in the catalogue, online forms for {len(DEMO_FORMS)} "
        f"({', '.join(DEMO_FORMS)})" + (f"; published {', '.join(published)}" if published else "")
    )
