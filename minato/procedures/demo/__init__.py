"""Demo catalogue and forms, loaded by `manage.py load_demo` (idempotent).

The data are files beside this module, in the same JSON the console uses, so staff can read
them, a municipality can swap them for its own, and a form can be opened in the builder's
import page unchanged:

- ``catalogue.json``: categories, life events and procedures (sources in ``README.md``);
- ``forms/<procedure slug>.json``: one form per online procedure, in the builder's exported
  (compact) JSON.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from minato.accounts.models import Department
from minato.core.models import AuditEvent
from minato.procedures.catalogue import services
from minato.procedures.forms.services import form_publish
from minato.procedures.models import Category, FormVersion, LifeEvent, Procedure

DATA_DIR = Path(__file__).resolve().parent
# The actor `load_demo` runs as (minato/accounts/management/commands/load_demo.py).
DEMO_ACTOR = "system:load_demo"


@cache
def catalogue() -> dict[str, list[dict[str, Any]]]:
    """``{"categories": [...], "life_events": [...], "procedures": [...]}``."""
    return json.loads((DATA_DIR / "catalogue.json").read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def demo_forms() -> dict[str, dict[str, Any]]:
    """Each demo form definition by procedure slug (a fresh copy: callers may change it)."""
    return {
        path.stem: json.loads(path.read_text(encoding="utf-8"))
        for path in sorted((DATA_DIR / "forms").glob("*.json"))
    }


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
    data = catalogue()
    for item in data["categories"]:
        services.taxonomy_upsert(
            model=Category, code=item["code"], name=item["name"], sort_order=item["sort_order"]
        )
    for item in data["life_events"]:
        services.taxonomy_upsert(
            model=LifeEvent, code=item["code"], name=item["name"], sort_order=item["sort_order"]
        )
    departments = {d.code: d for d in Department.objects.all()}
    for entry in data["procedures"]:
        fields: dict[str, Any] = {
            key: value
            for key, value in entry.items()
            if key not in {"slug", "department", "categories", "life_events"}
        }
        fields["department_id"] = departments[entry["department"]].pk
        services.procedure_upsert(
            slug=entry["slug"],
            data=fields,
            category_codes=entry["categories"],
            life_event_codes=entry["life_events"],
        )
    forms = demo_forms()
    published = []
    for slug, definition in forms.items():
        procedure = Procedure.objects.get(slug=slug)
        if _needs_publishing(procedure, definition):
            version = form_publish(procedure=procedure, definition=definition)
            published.append(f"{slug} v{version.version}")
    return (
        f"{len(data['procedures'])} procedures in the catalogue, online forms for {len(forms)} "
        f"({', '.join(forms)})" + (f"; published {', '.join(published)}" if published else "")
    )
