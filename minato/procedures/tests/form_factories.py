"""Small factories for form definitions, so tests state the form they need instead of
borrowing the demo's (the demo forms are data for people to edit; tests must not break when
someone does).

``waste_collection_form()`` has the shape the application, workflow, hand-off and payment
tests fill in: a routed yes/no page with an exit, a repeatable group of priced items, a
collection day and place, and the applicant's name and address.
"""

from __future__ import annotations

import itertools
from typing import Any


def t(ja: str, en: str = "", easy: str = "") -> dict[str, str]:
    """A translated text; English and やさしい日本語 default to the Japanese."""
    return {"ja": ja, "en": en or ja, "ja-easy": easy or ja}


def option(value: str, label_en: str, *, fee_yen: int | None = None) -> dict[str, Any]:
    made: dict[str, Any] = {"value": value, "label": t(label_en, label_en)}
    if fee_yen is not None:
        made["fee_yen"] = fee_yen
    return made


def question(qid: str, qtype: str = "text", label: str = "", **extra: Any) -> dict[str, Any]:
    """A question; ``label`` is English (and stands in for every language)."""
    return {"id": qid, "type": qtype, "label": t(label or qid, label or qid), **extra}


def page(pid: str, *questions: dict[str, Any], title: str = "", **extra: Any) -> dict[str, Any]:
    return {
        "id": pid,
        "title": t(title or pid, title or pid),
        "questions": list(questions),
        **extra,
    }


def form(
    *pages: dict[str, Any],
    exits: list[dict[str, Any]] | None = None,
    declaration: str = "The information is correct.",
) -> dict[str, Any]:
    """A definition whose pages follow each other in order unless a page names its next."""
    chained = [
        {"next": following["id"], **made} if "next" not in made else made
        for made, following in itertools.pairwise(pages)
    ]
    made: dict[str, Any] = {
        "pages": [*chained, pages[-1]],
        "declaration": t(declaration, declaration),
    }
    if exits:
        made["exits"] = exits
    return made


def waste_collection_form() -> dict[str, Any]:
    """An oversized-waste (粗大ごみ) collection form like the demo's, cut to what tests use."""
    return form(
        page(
            "appliances",
            question("home_appliance", "yesno", "Is it an air conditioner, TV, fridge or washer?"),
            title="Home appliances",
            routes=[
                {
                    "when": {"question": "home_appliance", "equals": "yes"},
                    "goto": "exit_appliance_recycling",
                }
            ],
        ),
        page(
            "items",
            question(
                "items",
                "group",
                "Items",
                max_items=10,
                questions=[
                    question(
                        "item",
                        "choice",
                        "Item",
                        options=[
                            option("chair", "Chair", fee_yen=400),
                            option("table", "Table or desk", fee_yen=800),
                            option("sofa", "Sofa (two seats or more)", fee_yen=1200),
                            option("bed", "Bed (frame)", fee_yen=2000),
                        ],
                    ),
                    question("count", "number", "How many", min=1, max=10, quantity=True),
                ],
            ),
            title="What are you putting out?",
        ),
        page(
            "collection",
            question(
                "preferred_date",
                "date",
                "Preferred collection day",
                earliest_days=3,
                latest_days=60,
            ),
            question(
                "place",
                "choice",
                "Where will you put it?",
                options=[
                    option("door", "Outside my front door (house)"),
                    option("collection_point", "At the building's collection point"),
                    option("other", "Somewhere else (say where in the notes)"),
                ],
            ),
            question("notes", "textarea", "Notes", max_length=300, required=False),
            title="Collection day and place",
        ),
        page(
            "where",
            question("applicant_name", "name", "Applicant's name", prefill="name"),
            question("postal_code", "postal_code", "Postal code", prefill="postal_code"),
            question(
                "address", "text", "Address (in Minato City)", max_length=200, prefill="address"
            ),
            question("phone", "phone", "Daytime phone number", prefill="phone"),
            title="Collection address and contact",
        ),
        exits=[
            {
                "id": "exit_appliance_recycling",
                "title": t(
                    "この品目は粗大ごみとして出せません", "This cannot go out as oversized waste"
                ),
                "body": t(
                    "家電リサイクル法の対象です。",
                    "Ask the shop you bought it from (Home Appliance Recycling Law).",
                ),
            }
        ],
    )
