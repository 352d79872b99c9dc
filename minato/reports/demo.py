"""Demo reports: the kinds of problem, a dozen reports around Minato in every state (one
fixed with before/after photos, one referred to the national road office, one closed without
a fix, …), and an Open311 api_key for trying clients. The photos are drawn here, marked as
demo pictures; the places are real streets, the reports invented."""

from __future__ import annotations

import io
from datetime import datetime, timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone
from PIL import Image, ImageDraw

from minato.accounts import services as accounts
from minato.accounts.models import ApiToken
from minato.core import uploads
from minato.reports import catalogue, services
from minato.reports.models import Photo, Report, Update

DEMO_OPEN311_KEY = "mnt_demo_open311_key_for_local_testing_only"  # a public demo key
# The demo's history is written as the system administrator, who may act for every
# department (the reports go to five branch offices and two ward-wide sections).
DEMO_STAFF_EMAIL = "sysadmin@city.minato.example"
DEMO_REPORTER = "taro@example.jp"

# (service, latitude, longitude, place, description, final status, note)
REPORTS = [
    (
        "streetlight",
        35.65645,
        139.74930,
        "芝公園4丁目 東京タワー通り側の歩道",
        "歩道の街路灯が2日前から夜になっても点きません。暗くて危ないです。",
        "open",
        "",
    ),
    (
        "road-surface",
        35.65480,
        139.75110,
        "芝大門1丁目 増上寺前の横断歩道付近",
        "車道に直径30cmほどの穴があき、自転車が避けて走っています。",
        "fixed",
        "舗装を補修しました。ご連絡ありがとうございました。",
    ),
    (
        "playground",
        35.65210,
        139.72430,
        "有栖川宮記念公園 南側の遊具広場",
        "すべり台の手すりがぐらついています。",
        "in_progress",
        "部品を手配しました。修理まで使用を止めています。",
    ),
    (
        "curve-mirror",
        35.66290,
        139.73180,
        "六本木7丁目 路地の交差点",
        "カーブミラーが横を向いていて、車が見えません。",
        "accepted",
        "",
    ),
    (
        "road-surface",
        35.64700,
        139.74880,
        "第一京浜（国道15号）芝5丁目付近の車道",
        "車道のマンホールの周りが沈んでいます。",
        "referred",
        (
            "国道15号（第一京浜）は国の管理です。国土交通省 東京国道事務所にご連絡ください。"
            "区からも伝えました。"
        ),
    ),
    (
        "park-tree",
        35.67350,
        139.73780,
        "赤坂5丁目 赤坂公園",
        "台風で折れた枝が木に引っかかったままです。",
        "fixed",
        "枝を取り除きました。",
    ),
    (
        "abandoned-bicycle",
        35.63060,
        139.74030,
        "港南2丁目 品川駅港南口の歩道",
        "同じ自転車が1か月以上置かれたままです。",
        "open",
        "",
    ),
    (
        "gutter",
        35.64300,
        139.73300,
        "白金1丁目 商店街の側溝",
        "側溝のふたが割れています。",
        "closed",
        "調べたところ、ふたは私有地の中にありました。管理者の方にお伝えしました。",
    ),
    (
        "park-toilet",
        35.63960,
        139.75380,
        "芝浦4丁目 芝浦公園",
        "公園のトイレの水が止まりません。",
        "open",
        "",
    ),
    (
        "graffiti",
        35.66880,
        139.71900,
        "北青山2丁目 高架下の壁",
        "壁に大きな落書きがあります。",
        "accepted",
        "",
    ),
    (
        "illegal-dumping",
        35.65920,
        139.74490,
        "東麻布1丁目 公園の入口",
        "ソファが捨てられています。",
        "in_progress",
        "回収の日程を調整しています。",
    ),
    (
        "streetlight",
        35.67950,
        139.73020,
        "元赤坂2丁目 坂の途中",
        "街路灯が昼間も点いています。",
        "fixed",
        "点灯の装置を交換しました。",
    ),
]


def demo_photo(label: str, colour: tuple[int, int, int]) -> uploads.CheckedFile:
    """A drawn picture (a street at dusk, a lamp post) marked DEMO, checked like an upload."""
    image = Image.new("RGB", (640, 480), (70, 80, 100))
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 330, 640, 480), fill=(95, 95, 95))  # the road
    draw.rectangle((300, 120, 315, 330), fill=(60, 60, 60))  # the post
    draw.ellipse((280, 90, 335, 130), fill=colour)  # the lamp
    draw.rectangle((0, 0, 640, 40), fill=(255, 255, 255))
    draw.text((12, 12), f"DEMO PICTURE - {label}", fill=(0, 0, 0))
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=85)
    out.seek(0)
    out.name = "demo.jpg"  # type: ignore[attr-defined]
    out.size = len(out.getvalue())  # type: ignore[attr-defined]
    return uploads.inspect(out, accept=("jpeg",), max_size_mb=9)


def _open311_key() -> None:
    client = accounts.service_account_get_or_create(
        email="open311-demo@city.minato.example", display_name="Demo Open311 client"
    )
    if not ApiToken.objects.filter(token_hash=accounts.hash_token(DEMO_OPEN311_KEY)).exists():
        accounts.api_token_create(
            user=client,
            name="open311-demo",
            token=DEMO_OPEN311_KEY,
            scopes=[ApiToken.Scope.REPORTS_SUBMIT],
        )


def load() -> str:
    made = catalogue.ensure_services()
    if not made and Report.objects.exists():
        return f"reports at /reports/, Open311 at /open311/v2/ (api_key {DEMO_OPEN311_KEY})"
    _open311_key()
    users = get_user_model().objects
    staff = users.filter(email=DEMO_STAFF_EMAIL).first()
    reporter = users.filter(email=DEMO_REPORTER).first()
    if staff is None or Report.objects.exists():
        return f"{made} kinds of problem; no demo reports (the demo staff are missing)"
    now = timezone.now()
    for number, (code, lat, lon, place, text, status, note) in enumerate(REPORTS):
        report = services.report_submit(
            draft=services.ReportDraft(
                service_code=code,
                description=text,
                latitude=lat,
                longitude=lon,
                place_hint=place,
                attributes={"light_state": "off"} if code == "streetlight" else {},
                photos=[demo_photo("report", (40, 40, 40))] if number % 3 != 2 else [],
            ),
            reporter=reporter if number in (0, 1) else None,
        )
        # Spread the demo over the last weeks, as a real queue would be.
        sent = now - timedelta(days=3 * (len(REPORTS) - number), hours=number)
        Report.objects.filter(pk=report.pk).update(requested_at=sent, status_changed_at=sent)
        report.refresh_from_db()
        # Staff have looked at the first photos; the newest report's waits for them.
        if number < len(REPORTS) - 1:
            for photo in report.photos.all():
                services.photo_set_public(staff=staff, photo=photo, public=True)
        _move(report, status, note, staff)
        _backdate(report, sent)
    return (
        f"{made} kinds of problem and {len(REPORTS)} reports at /reports/; "
        f"Open311 at /open311/v2/ (api_key {DEMO_OPEN311_KEY})"
    )


def _backdate(report: Report, sent: datetime) -> None:
    """Spread a demo report's history over the days after it was sent, as it would have
    happened (the services stamp everything with the time of loading)."""
    when = sent
    for update in report.updates.order_by("created_at", "id"):
        Update.objects.filter(pk=update.pk).update(created_at=when)
        last, when = when, when + timedelta(days=1, hours=3)
    report.refresh_from_db()
    Report.objects.filter(pk=report.pk).update(
        status_changed_at=last,
        fixed_at=last if report.fixed_at else None,
        closed_at=last if report.closed_at else None,
    )


def _move(report: Report, status: str, note: str, staff: object) -> None:
    """Take a demo report to its final state the way staff would, step by step."""
    steps = {
        "open": [],
        "accepted": ["accepted"],
        "in_progress": ["accepted", "in_progress"],
        "fixed": ["accepted", "in_progress", "fixed"],
        "referred": ["referred"],
        "closed": ["accepted", "closed"],
    }[status]
    for step in steps:
        if step == "fixed":
            services.photo_add(
                staff=staff,
                report=report,
                checked=demo_photo("after", (250, 230, 120)),
                kind=Photo.Kind.AFTER,
            )
        services.report_set_status(
            staff=staff,
            report=report,
            status=step,
            note=note if step == steps[-1] else "",
            referral=Report.Referral.NATIONAL_ROAD if step == "referred" else "",
        )
        report.refresh_from_db()
