"""Demo data: the nine life-event guides (``guides.json``), the 区民課 counters of the five
地区総合支所 with their queues and desks, a few tickets in line today at 芝, and the open
dataset 窓口混雑状況 (a link to ``/api/v1/counters/waits``). Idempotent."""

from __future__ import annotations

import json
from datetime import time
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone

from minato.accounts.models import Department
from minato.navigator.guide import services as guide_services
from minato.navigator.models import Ticket
from minato.navigator.queues import services as queue_services
from minato.opendata import selectors as opendata_selectors
from minato.opendata import services as opendata_services
from minato.procedures.catalogue import selectors as catalogue_selectors
from minato.procedures.forms import selectors as form_selectors
from minato.procedures.forms import services as form_services

HERE = Path(__file__).resolve().parent

# The five 地区総合支所 (addresses from the ward's office list); each 区民課 runs the counters.
OFFICES = [
    (
        "shiba",
        "芝地区総合支所",
        "Shiba Branch Office",
        "しば ちく そうごう ししょ",
        "港区芝公園一丁目5番25号",
    ),
    (
        "azabu",
        "麻布地区総合支所",
        "Azabu Branch Office",
        "あざぶ ちく そうごう ししょ",
        "港区六本木五丁目16番45号",
    ),
    (
        "akasaka",
        "赤坂地区総合支所",
        "Akasaka Branch Office",
        "あかさか ちく そうごう ししょ",
        "港区赤坂四丁目18番13号",
    ),
    (
        "takanawa",
        "高輪地区総合支所",
        "Takanawa Branch Office",
        "たかなわ ちく そうごう ししょ",
        "港区高輪一丁目16番25号",
    ),
    (
        "shibaura-konan",
        "芝浦港南地区総合支所",
        "Shibaura-Konan Branch Office",
        "しばうら こうなん ちく そうごう ししょ",
        "港区芝浦一丁目16番1号",
    ),
]
QUEUES = [
    {
        "slug": "ido",
        "prefix": "A",
        "name": {
            "ja": "住民異動（転入・転出・転居）",
            "en": "Moving house (in, out, within)",
            "ja-easy": "ひっこしの とどけ",
        },
        "service_minutes": 15,
    },
    {
        "slug": "shomei",
        "prefix": "B",
        "name": {
            "ja": "証明書（住民票・印鑑証明・戸籍）",
            "en": "Certificates",
            "ja-easy": "しょうめいしょ",
        },
        "service_minutes": 5,
    },
    {
        "slug": "kokuho",
        "prefix": "C",
        "name": {
            "ja": "国民健康保険・国民年金",
            "en": "National Health Insurance and pension",
            "ja-easy": "こくみん けんこうほけん・ねんきん",
        },
        "service_minutes": 12,
    },
    {
        "slug": "fukushi",
        "prefix": "D",
        "name": {"ja": "子育て・福祉", "en": "Children and welfare", "ja-easy": "こそだて・ふくし"},
        "service_minutes": 15,
    },
]
DATASET = "counter-waits"
# 転入届 is done at the counter by law, so it has no online form; this one is the counter's
# intake form, which a clerk's 書かない窓口 visit records as an application (never offered
# online: procedures only starts online forms of procedures that are online).
COUNTER_FORMS = {"tennyu-todoke": "tennyu_todoke_form.json"}


def _guides() -> int:
    guides = json.loads((HERE / "guides.json").read_text(encoding="utf-8"))
    for guide in guides:
        guide_services.guide_upsert(
            slug=guide["slug"],
            name=guide["name"],
            summary=guide["summary"],
            definition=guide["definition"],
            sort_order=guide["order"],
        )
    return len(guides)


def _offices() -> int:
    made = 0
    for order, (slug, ja, en, easy, address) in enumerate(OFFICES):
        department = Department.objects.filter(code=f"{slug}.kumin").first()
        if department is None:
            continue
        office = queue_services.office_upsert(
            slug=slug,
            name={"ja": ja, "en": en, "ja-easy": easy},
            address=address,
            department=department,
            opens_at=time(8, 30),
            closes_at=time(17, 0),
            sort_order=order,
            queues=QUEUES,
            desks=6,
        )
        made += 1
        if (
            slug == "shiba"
            and not Ticket.objects.filter(
                queue__office=office, service_date=timezone.localdate()
            ).exists()
            and not settings.NAVIGATOR_KEEP_OFFICE_HOURS
        ):
            # People already in line, so that the hall display and the waits say something.
            for queue_slug, count in (("ido", 4), ("shomei", 3), ("kokuho", 2)):
                queue = office.queues.get(slug=queue_slug)
                for _ in range(count):
                    queue_services.ticket_issue(queue=queue, channel=Ticket.Channel.KIOSK)
    return made


def _counter_forms() -> int:
    published = 0
    for slug, filename in COUNTER_FORMS.items():
        procedure = catalogue_selectors.published_procedures().filter(slug=slug).first()
        if procedure is None or form_selectors.current_form_version(procedure) is not None:
            continue
        definition = json.loads((HERE / filename).read_text(encoding="utf-8"))
        form_services.form_publish(procedure=procedure, definition=definition)
        published += 1
    return published


def _dataset() -> bool:
    organization = opendata_selectors.organization("joho-seisaku")
    if organization is None:
        return False
    try:
        dataset = opendata_services.dataset_create(
            organization=organization,
            name=DATASET,
            title={"ja": "窓口混雑状況", "en": "Waiting times at the ward's counters"},
            notes={
                "ja": "各地区総合支所の区民課窓口で、いま並んでいる人数と待ち時間の目安です。"
                "発券システムから随時作成しています（JSON）。"
            },
            tags=["窓口", "混雑状況", "待ち時間"],
            frequency="CONT",
            contact_name=organization.title["ja"],
        )
    except ValidationError:  # listed already
        return False
    opendata_services.resource_link_add(
        dataset=dataset,
        name={"ja": "窓口混雑状況（JSON）", "en": "Waiting times (JSON)"},
        fmt="JSON",
        url=f"{settings.SITE_URL}/api/v1/counters/waits",
    )
    opendata_services.dataset_set_state(dataset=dataset, state="active")
    return True


def load() -> str:
    guides = _guides()
    offices = _offices()
    _counter_forms()
    listed = _dataset()
    return (
        f"{guides} life-event guides at /navigator/, counters at {offices} branch offices "
        f"(/navigator/counters/){', and 窓口混雑状況 in the open-data catalogue' if listed else ''}"
    )
