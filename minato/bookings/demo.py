"""Demo facilities, offerings, sessions and lotteries, loaded by ``manage.py load_demo``
(idempotent: what exists is kept; sessions are added for the coming weeks when an offering
has none to come).

Real Minato facilities and addresses; the offerings are like those the ward runs (a 区民センター
meeting room by lottery with priority for residents, a library's study seats, a smartphone
course for older residents, a bone-density checkup, temporary childcare, a free festival).
The console walkthrough for bookings uses the demo account created here, in 芝地区総合支所
協働推進課, which runs the Shiba community space.
"""

from __future__ import annotations

import base64
from datetime import date, datetime, time, timedelta
from typing import Any

from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from minato.accounts import services as account_services
from minato.accounts.management.commands.load_demo import DEMO_PASSWORD
from minato.accounts.models import Department, Role, User
from minato.bookings import services
from minato.bookings.models import Facility, Offering, Session

# A clerk checks people in and sees rosters; a supervisor also manages facilities, offerings,
# sessions, lotteries and closures.
STAFF_EMAIL = "facility-clerk@city.minato.example"
MANAGER_EMAIL = "facility-manager@city.minato.example"
STAFF_DEPARTMENT = "shiba.kyodo-suishin"
STAFF_TOTP_KEY = "3732333435363738393031323334353637383930"

FACILITIES: list[dict[str, Any]] = [
    {
        "slug": "shiba-kyodo-space",
        "name": {"ja": "芝地区総合支所 区民協働スペース", "en": "Shiba Community Space"},
        "area": "shiba",
        "address": "東京都港区芝公園1-5-25",
        "latitude": "35.658068",
        "longitude": "139.751599",
        "department": "shiba.kyodo-suishin",
    },
    {
        "slug": "minato-library",
        "name": {"ja": "港区立みなと図書館", "en": "Minato Library"},
        "area": "shiba",
        "address": "東京都港区芝公園3-2-25",
        "latitude": "35.655750",
        "longitude": "139.748570",
        "department": "kyoiku-iinkai.kyoiku-suishin.tosho-bunkazai",
    },
    {
        "slug": "takanawa-kumin-center",
        "name": {"ja": "高輪区民センター", "en": "Takanawa Civic Centre"},
        "area": "takanawa",
        "address": "東京都港区高輪1-16-25",
        "latitude": "35.643120",
        "longitude": "139.735110",
        "department": "takanawa.kyodo-suishin",
    },
    {
        "slug": "minato-hokenjo",
        "name": {"ja": "みなと保健所", "en": "Minato Public Health Centre"},
        "area": "shiba",
        "address": "東京都港区三田1-4-10",
        "latitude": "35.651450",
        "longitude": "139.746280",
        "department": "minato-hokenjo.kenko-suishin",
    },
    {
        "slug": "kodomo-katei-shien-center",
        "name": {
            "ja": "港区子ども家庭総合支援センター",
            "en": "Minato Child and Family Support Centre",
        },
        "area": "azabu",
        "address": "東京都港区南青山5-7-11",
        "latitude": "35.662190",
        "longitude": "139.711880",
        "department": "kodomo-katei-shien.kodomo-katei-shien-center",
    },
]

# Each offering's sessions: "slots" as (hour, minute, length in minutes) on "weekdays"
# (0 is Monday), each with "capacity" places.
OFFERINGS: list[dict[str, Any]] = [
    {
        "slug": "shiba-meeting-room",
        "facility": "shiba-kyodo-space",
        "kind": Offering.Kind.ROOM,
        "mode": Offering.Mode.LOTTERY,
        "name": {
            "ja": "区民協働スペース 会議室",
            "en": "Community Space meeting room",
            "ja-easy": "かいぎしつ（しば）",
        },
        "description": {
            "ja": "定員20名の会議室です。町会・自治会や区民団体の会合に使えます。"
            "翌月分を抽選で受け付け、区内在住の方は当選確率が2倍です。",
            "ja-easy": "20にんまで つかえる へやです。くじで きめます。"
            "みなとくに すむ ひとは あたりやすいです。",
            "en": "A meeting room for up to 20 people, for neighbourhood associations and "
            "residents' groups. Next month's slots go by lottery; people who live in the ward "
            "have twice the chance.",
        },
        "fee_resident_yen": 1200,
        "fee_other_yen": 2400,
        "revenue_account_code": "14-01-01-03",
        "revenue_account_name": "使用料及手数料 使用料 総務使用料 区民協働スペース使用料",
        "per_person_limit": 2,
        "cancel_hours_before": 72,
        "slots": [(9, 0, 180), (13, 0, 180), (18, 0, 180)],
        "capacity": 1,
        "weekdays": {0, 1, 2, 3, 4, 5},
    },
    {
        "slug": "library-study-seats",
        "facility": "minato-library",
        "kind": Offering.Kind.SEAT,
        "mode": Offering.Mode.FIRST_COME,
        "name": {
            "ja": "学習席（午前・午後）",
            "en": "Study seats (morning or afternoon)",
            "ja-easy": "としょかんで べんきょうする せき",
        },
        "description": {
            "ja": "図書館の学習席を半日単位で予約できます。当日も空きがあれば予約できます。",
            "ja-easy": "としょかんの せきを ごぜん または ごごに よやく できます。",
            "en": "Book a study seat at the library for a morning or an afternoon, "
            "on the day too while seats are free.",
        },
        "per_person_limit": 2,
        "cancel_hours_before": 1,
        "slots": [(9, 0, 210), (13, 30, 210)],
        "capacity": 24,
        "weekdays": {0, 1, 2, 3, 4, 5, 6},
    },
    {
        "slug": "smartphone-course",
        "facility": "takanawa-kumin-center",
        "kind": Offering.Kind.COURSE,
        "mode": Offering.Mode.FIRST_COME,
        "name": {
            "ja": "はじめてのスマートフォン講座",
            "en": "Smartphone course for beginners",
            "ja-easy": "スマートフォンを ならう かい",
        },
        "description": {
            "ja": "60歳以上の区民の方向け。電話のかけ方、LINE、マイナンバーカードを使った"
            "手続きまで、講師が少人数で教えます。",
            "ja-easy": "60さい いじょうの ひとが スマートフォンの つかいかたを ならいます。",
            "en": "For residents aged 60 and over: calls, LINE and online procedures with the "
            "My Number Card, taught in small groups.",
        },
        "residents_only": True,
        "min_age": 60,
        "per_person_limit": 1,
        "slots": [(14, 0, 90)],
        "capacity": 12,
        "weekdays": {2},
    },
    {
        "slug": "bone-density-checkup",
        "facility": "minato-hokenjo",
        "kind": Offering.Kind.CHECKUP,
        "mode": Offering.Mode.FIRST_COME,
        "name": {
            "ja": "骨粗しょう症検診",
            "en": "Bone density checkup",
            "ja-easy": "ほねの けんこうの しらべ",
        },
        "description": {
            "ja": "区内在住の40歳以上の方が無料で受けられます。所要時間は約30分です。",
            "ja-easy": "40さい いじょうの ひとは おかねが いりません。30ぷん ぐらいです。",
            "en": "Free for residents aged 40 and over; it takes about 30 minutes.",
        },
        "residents_only": True,
        "min_age": 40,
        "per_person_limit": 1,
        "slots": [(9, 30, 30), (10, 0, 30), (10, 30, 30), (11, 0, 30)],
        "capacity": 4,
        "weekdays": {1, 3},
    },
    {
        "slug": "temporary-childcare",
        "facility": "kodomo-katei-shien-center",
        "kind": Offering.Kind.CHILDCARE,
        "mode": Offering.Mode.FIRST_COME,
        "name": {
            "ja": "一時預かり（乳幼児）",
            "en": "Temporary childcare (babies and toddlers)",
            "ja-easy": "ちいさい こどもを あずける",
        },
        "description": {
            "ja": "生後4か月から就学前のお子さんを、理由を問わず一時的にお預かりします。",
            "ja-easy": "4かげつから しょうがっこうの まえの こどもを あずかります。",
            "en": "Care for children from 4 months old until school age, for any reason.",
        },
        "fee_resident_yen": 2000,
        "fee_other_yen": 2000,
        "revenue_account_code": "14-01-03-02",
        "revenue_account_name": "使用料及手数料 使用料 民生使用料 一時預かり保育料",
        "residents_only": True,
        "per_person_limit": 4,
        "hold_hours": 2,
        "slots": [(9, 0, 240), (13, 0, 240)],
        "capacity": 6,
        "weekdays": {0, 1, 2, 3, 4},
    },
    {
        "slug": "bosai-talk-stranded-commuters",
        "facility": "takanawa-kumin-center",
        "kind": Offering.Kind.EVENT,
        "mode": Offering.Mode.FIRST_COME,
        "name": {
            "ja": "防災講演会「帰宅困難者にならないために」",
            "en": "Talk: staying safe when you cannot get home after a quake",
            "ja-easy": "じしんの ときの はなし",
        },
        "description": {
            "ja": "大地震のとき、港区には約100万人の昼間人口がいます。"
            "一時滞在施設の使い方を学びます。",
            "ja-easy": "おおきな じしんの とき、いえに かえれない ひとが "
            "いく ばしょを ならいます。",
            "en": "About a million people are in Minato by day. Learn how temporary-stay "
            "facilities work after a large earthquake.",
        },
        "per_person_limit": 1,
        "slots": [(18, 30, 90)],
        "capacity": 80,
        "weekdays": {4},
    },
]

DAYS_AHEAD = 28


def _staff(department: Department, email: str, name: str, role: str) -> str:
    user = User.objects.filter(email=email).first()
    if user is None:
        user = account_services.staff_create(
            email=email, password=DEMO_PASSWORD, display_name=name, department=department, role=role
        )
    device, _ = TOTPDevice.objects.get_or_create(
        user=user, name="demo", defaults={"key": STAFF_TOTP_KEY, "confirmed": True}
    )
    return base64.b32encode(bytes.fromhex(device.key)).decode().rstrip("=")


def _at(day: date, hour: int, minute: int) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def _sessions(offering: Offering, spec: dict[str, Any], first_day: date) -> list[Session]:
    made = []
    for offset in range(DAYS_AHEAD):
        day = first_day + timedelta(days=offset)
        if day.weekday() not in spec["weekdays"]:
            continue
        for hour, minute, minutes in spec["slots"]:
            starts = _at(day, hour, minute)
            made.append(
                Session(
                    offering=offering,
                    starts_at=starts,
                    ends_at=starts + timedelta(minutes=minutes),
                    capacity=spec["capacity"],
                )
            )
    return Session.objects.bulk_create(made)


def load() -> str:
    departments = {d.code: d for d in Department.objects.all()}
    for data in FACILITIES:
        fields = {**data, "department": departments[data["department"]]}
        Facility.objects.get_or_create(slug=fields.pop("slug"), defaults=fields)
    facilities = {f.slug: f for f in Facility.objects.all()}
    today = timezone.localdate()
    sessions_made = lotteries = 0
    for data in OFFERINGS:
        spec = dict(data)
        slots = {key: spec.pop(key) for key in ("slots", "capacity", "weekdays")}
        facility = facilities[spec.pop("facility")]
        offering, _ = Offering.objects.get_or_create(
            slug=spec.pop("slug"),
            defaults={**spec, "facility": facility, "department": facility.department},
        )
        if Session.objects.filter(offering=offering, starts_at__gt=timezone.now()).exists():
            continue
        if offering.mode == Offering.Mode.LOTTERY:
            # Next month's slots go by lottery, open now and drawn in ten minutes (so a demo
            # sees a draw); the slots of the coming days are first-come (a second round).
            later = _sessions(offering, {**slots}, today + timedelta(days=DAYS_AHEAD))
            _sessions(offering, {**slots}, today + timedelta(days=1))
            now = timezone.now()
            services.lottery_create(
                offering=offering,
                sessions=later,
                entries_open_at=now - timedelta(days=1),
                entries_close_at=now + timedelta(minutes=10),
                draw_at=now + timedelta(minutes=10),
                confirm_by=now + timedelta(days=7),
                resident_weight=2,
            )
            lotteries += 1
            sessions_made += 2 * len(later)
        else:
            sessions_made += len(_sessions(offering, slots, today + timedelta(days=1)))
    department = departments[STAFF_DEPARTMENT]
    secret = _staff(department, STAFF_EMAIL, "芝 協働推進課 施設担当", Role.CLERK)
    _staff(department, MANAGER_EMAIL, "芝 協働推進課 施設係長", Role.SUPERVISOR)
    return (
        f"{len(OFFERINGS)} offerings at {len(FACILITIES)} facilities, {sessions_made} new "
        f"sessions, {lotteries} new lotteries; console {STAFF_EMAIL} (施設担当) and "
        f"{MANAGER_EMAIL} (施設係長, manages them), TOTP secret {secret}"
    )
