"""Small builders for the reports tests: the departments reports are routed to, the kinds
of problem, reports, and photos with or without an EXIF position."""

from __future__ import annotations

import io
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from minato.accounts import services as accounts
from minato.accounts.models import Department, Role, User
from minato.core import uploads
from minato.reports import catalogue, services
from minato.reports.models import Report, Service

# 芝公園 (Shiba, near the ward office) and 赤坂 (Akasaka): two areas, two branch offices.
SHIBA_PARK = (35.6565, 139.7490)
AKASAKA = (35.6720, 139.7350)
SHINJUKU = (35.6900, 139.7000)  # outside Minato


def report_departments() -> dict[str, Department]:
    """The departments the default kinds of problem are routed to (see catalogue.py)."""
    made: dict[str, Department] = {}
    for code, name_ja, name_en, kind, parent in [
        ("shiba", "芝地区総合支所", "Shiba Branch Office", "department", None),
        ("shiba.machizukuri", "まちづくり課", "Community Development", "section", "shiba"),
        ("akasaka", "赤坂地区総合支所", "Akasaka Branch Office", "department", None),
        ("akasaka.machizukuri", "まちづくり課", "Community Development", "section", "akasaka"),
        ("machizukuri-shien", "街づくり支援部", "Urban Development", "department", None),
        ("machizukuri-shien.doboku", "土木課", "Public Works", "section", "machizukuri-shien"),
        (
            "machizukuri-shien.chiiki-kotsu",
            "地域交通課",
            "Transport",
            "section",
            "machizukuri-shien",
        ),
        ("kankyo-risaikuru-shien", "環境リサイクル支援部", "Environment", "department", None),
        (
            "kankyo-risaikuru-shien.minato-risaikuru-seiso",
            "みなとリサイクル清掃事務所",
            "Recycling Office",
            "section",
            "kankyo-risaikuru-shien",
        ),
    ]:
        made[code] = accounts.department_upsert(
            code=code,
            name_ja=name_ja,
            name_en=name_en,
            kind=kind,
            parent=made[parent] if parent else None,
            handles_resident_records=False,
        )
    catalogue.ensure_services()
    return made


def works_staff(department: Department, email: str = "works@city.minato.example") -> User:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from conftest import PASSWORD

    user = accounts.staff_create(
        email=email, password=PASSWORD, display_name=email, department=department, role=Role.CLERK
    )
    TOTPDevice.objects.create(user=user, name="test", confirmed=True)
    return user


def jpeg(position: tuple[float, float] | None = None, size: tuple[int, int] = (64, 48)) -> bytes:
    """A small JPEG, with EXIF GPS tags for ``position`` when given."""
    image = Image.new("RGB", size, (120, 130, 140))
    out = io.BytesIO()
    if position is None:
        image.save(out, format="JPEG")
        return out.getvalue()
    exif = Image.Exif()
    gps = exif.get_ifd(uploads.EXIF_GPS_IFD)

    def dms(value: float) -> tuple[float, float, float]:
        value = abs(value)
        degrees = int(value)
        minutes = int((value - degrees) * 60)
        seconds = round(((value - degrees) * 60 - minutes) * 60, 4)
        return (degrees, minutes, seconds)

    latitude, longitude = position
    gps[uploads.GPS_LATITUDE_REF] = "N" if latitude >= 0 else "S"
    gps[uploads.GPS_LATITUDE] = dms(latitude)
    gps[uploads.GPS_LONGITUDE_REF] = "E" if longitude >= 0 else "W"
    gps[uploads.GPS_LONGITUDE] = dms(longitude)
    image.save(out, format="JPEG", exif=exif)
    return out.getvalue()


def photo_upload(position: tuple[float, float] | None = None, name: str = "photo.jpg") -> Any:
    return SimpleUploadedFile(name, jpeg(position), content_type="image/jpeg")


def checked_photo(position: tuple[float, float] | None = None) -> uploads.CheckedFile:
    return uploads.inspect(photo_upload(position), accept=("jpeg", "png"), max_size_mb=9)


def report(
    *,
    service_code: str = "streetlight",
    position: tuple[float, float] = SHIBA_PARK,
    reporter: Any = None,
    **overrides: Any,
) -> Report:
    values: dict[str, Any] = {
        "service_code": service_code,
        "description": "街路灯が夜になっても点きません。",
        "latitude": position[0],
        "longitude": position[1],
        "attributes": {"light_state": "off"} if service_code == "streetlight" else {},
        **overrides,
    }
    return services.report_submit(draft=services.ReportDraft(**values), reporter=reporter)


def service(code: str = "streetlight") -> Service:
    return Service.objects.get(code=code)
