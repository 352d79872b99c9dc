"""Checking files that people upload, before anything is stored (applications' attachments,
photos of reported problems).

A file is accepted only if its first bytes say it is one of the allowed kinds (PDF, JPEG,
PNG) — the name and the browser's content type are ignored, so an SVG, an HTML page or a
script renamed to ``.png`` is refused. Images are decoded with a pixel limit (a
"decompression bomb" — a small file that expands to gigapixels — is refused before it is
decoded) and re-encoded, which drops EXIF data (GPS position, camera serial numbers) and
anything hidden after the image data. PDFs are parsed (pypdf: name escapes decoded,
object streams opened) and refused when encrypted, unreadable, or carrying JavaScript,
actions run on opening (/OpenAction, /AA), launch actions, links out (/URI, /GoToR,
/GoToE), embedded files, forms that submit or XFA. What is stored is the checked
file and its SHA-256; where a photo's EXIF said where it was taken, that position is read
before the EXIF is dropped and returned beside it (a report uses it to suggest the place).
"""

from __future__ import annotations

import hashlib
import io
import math
import re
import unicodedata
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django_ratelimit.core import is_ratelimited
from PIL import Image, ImageOps, UnidentifiedImageError
from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject

MAGIC = {
    "pdf": (b"%PDF-",),
    "jpeg": (b"\xff\xd8\xff",),
    "png": (b"\x89PNG\r\n\x1a\n",),
}
CONTENT_TYPES = {"pdf": "application/pdf", "jpeg": "image/jpeg", "png": "image/png"}
EXTENSIONS = {"pdf": ".pdf", "jpeg": ".jpg", "png": ".png"}
ACCEPT_ATTRIBUTE = {
    "pdf": ".pdf,application/pdf",
    "jpeg": ".jpg,.jpeg,image/jpeg",
    "png": ".png,image/png",
}
# 40 megapixels: well above any phone camera, far below a bomb. Larger images are refused
# from their header, before anything is decoded.
MAX_PIXELS = 40_000_000
# A PNG is decoded whole (the format has no reduced-size decoding), so it gets a tighter
# limit: 16 megapixels holds an A4 page scanned at 400 dpi, and decodes in about 50 MB.
MAX_PNG_PIXELS = 16_000_000
# Images are stored at most this many pixels on their long side: plenty for a document
# or a photo of one (A4 at 350 dpi), and it bounds the memory and time of re-encoding.
MAX_SIDE = 4096
# PDF name objects that run code or carry other files when the document is opened.
PDF_ACTIVE_CONTENT = re.compile(
    rb"/(?:JavaScript|JS|Launch|EmbeddedFile|RichMedia|XFA|OpenAction|AA|URI|GoToR|GoToE)\b"
)


class UploadRefused(Exception):
    def __init__(self, message: Any) -> None:
        super().__init__(str(message))
        self.message = message


@dataclass(frozen=True)
class CheckedFile:
    filename: str
    kind: str
    content: bytes
    sha256: str
    # Where the camera said the photo was taken (latitude, longitude), from the EXIF GPS
    # tags of the original; the stored file carries no EXIF.
    position: tuple[float, float] | None = None

    @property
    def size(self) -> int:
        return len(self.content)

    @property
    def content_type(self) -> str:
        return CONTENT_TYPES[self.kind]


def sniff(head: bytes) -> str | None:
    for kind, signatures in MAGIC.items():
        if any(head.startswith(signature) for signature in signatures):
            return kind
    return None


def safe_filename(name: str, kind: str) -> str:
    """A display name without paths, control characters or a misleading extension."""
    base = unicodedata.normalize("NFKC", str(name)).replace("\\", "/").rsplit("/", 1)[-1]
    base = re.sub(r"[\x00-\x1f\x7f<>:\"|?*]", "", base)
    stem = (base.rsplit(".", 1)[0] if "." in base else base).strip(" .")
    return f"{(stem or 'file')[:80]}{EXTENSIONS[kind]}"


# EXIF tags: the GPS block, and in it the references and rational triples of a position.
EXIF_GPS_IFD = 0x8825
GPS_LATITUDE_REF, GPS_LATITUDE, GPS_LONGITUDE_REF, GPS_LONGITUDE = 1, 2, 3, 4


def _degrees(triple: Any, reference: Any) -> float | None:
    """Degrees, minutes and seconds as EXIF stores them, signed by their N/S/E/W reference."""
    try:
        degrees, minutes, seconds = (float(part) for part in triple)
    except (TypeError, ValueError, ZeroDivisionError):
        return None
    value = degrees + minutes / 60 + seconds / 3600
    if not math.isfinite(value):
        return None
    reference = reference.decode("ascii", "ignore") if isinstance(reference, bytes) else reference
    return -value if str(reference).strip().upper() in ("S", "W") else value


def photo_position(image: Image.Image) -> tuple[float, float] | None:
    """The (latitude, longitude) of the photo's EXIF GPS tags, or None when it has none or
    they make no sense (a camera without a fix writes zeros)."""
    try:
        gps = image.getexif().get_ifd(EXIF_GPS_IFD)
    except Exception:  # a damaged EXIF block is only a missing position
        return None
    latitude = _degrees(gps.get(GPS_LATITUDE), gps.get(GPS_LATITUDE_REF, "N"))
    longitude = _degrees(gps.get(GPS_LONGITUDE), gps.get(GPS_LONGITUDE_REF, "E"))
    if latitude is None or longitude is None:
        return None
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180) or (latitude, longitude) == (0, 0):
        return None
    return round(latitude, 6), round(longitude, 6)


def _reencode_image(content: bytes, kind: str) -> tuple[bytes, tuple[float, float] | None]:
    """Decode and re-encode an image (dropping EXIF and anything hidden in the file), at most
    MAX_SIDE pixels on its long side. The work is bounded whatever the file: a JPEG is
    decoded at a reduced scale straight away (``draft``), and a PNG over MAX_PNG_PIXELS is
    refused from its header."""
    with warnings.catch_warnings():
        # Pillow warns (rather than fails) between MAX_IMAGE_PIXELS and twice that.
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(io.BytesIO(content), formats=[kind.upper()]) as image:
                width, height = image.size  # read from the header, nothing decoded yet
                limit = MAX_PNG_PIXELS if kind == "png" else MAX_PIXELS
                if width * height > limit:
                    raise UploadRefused(_("The image is too large. Use a smaller image."))
                scale = min(1.0, MAX_SIDE / max(width, height))
                if kind == "jpeg" and scale < 1:
                    # Decode at 1/2, 1/4 or 1/8 scale, the smallest that still gives at least
                    # half of MAX_SIDE, so the full-size picture is never in memory.
                    half = scale / 2
                    image.draft("RGB", (math.ceil(width * half), math.ceil(height * half)))
                position = photo_position(image)
                image.load()
                upright: Image.Image = image
                ImageOps.exif_transpose(upright, in_place=True)  # the photo the right way up
                if max(upright.size) > MAX_SIDE:
                    upright.thumbnail((MAX_SIDE, MAX_SIDE), reducing_gap=2.0)
                out = io.BytesIO()
                if kind == "jpeg":
                    upright.convert("RGB").save(out, format="JPEG", quality=90)
                else:
                    if upright.mode not in ("1", "L", "LA", "P", "RGB", "RGBA"):
                        upright = upright.convert("RGBA")
                    # No text or EXIF chunks are written. zlib's default level: "optimize"
                    # tries every filter and took most of the time on large images.
                    upright.save(out, format="PNG", compress_level=6)
                return out.getvalue(), position
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise UploadRefused(_("The image is too large. Use a smaller image.")) from None
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
            raise UploadRefused(_("The file could not be read. It may be damaged.")) from None


# PDF names that run code, open other programs or files, or carry files, when the
# document is opened (as pypdf gives them: hex escapes like /J#61vaScript decoded).
PDF_ACTIVE_NAMES = frozenset(
    {
        "/JavaScript",
        "/JS",
        "/Launch",
        "/EmbeddedFile",
        "/EmbeddedFiles",
        "/RichMedia",
        "/XFA",
        "/ImportData",
        "/SubmitForm",
        # Actions run on opening the document or a page (/OpenAction, /AA: "additional
        # actions"), and links that open a web address or another file (/URI, /GoToR,
        # /GoToE): a staff member opening an applicant's PDF must not be sent anywhere.
        "/OpenAction",
        "/AA",
        "/URI",
        "/GoToR",
        "/GoToE",
    }
)
# A PDF with more objects than this is refused rather than walked.
PDF_MAX_OBJECTS = 200_000


def _pdf_has_active_content(reader: PdfReader) -> bool:
    """Walk every object reachable from the trailer (object streams included, since
    pypdf opens them) and look for active names among dictionary keys and name values."""
    seen: set[tuple[int, int]] = set()
    stack: list[Any] = [reader.trailer]
    while stack:
        item = stack.pop()
        if isinstance(item, IndirectObject):
            key = (item.idnum, item.generation)
            if key in seen:
                continue
            seen.add(key)
            if len(seen) > PDF_MAX_OBJECTS:
                return True
            stack.append(item.get_object())
        elif isinstance(item, DictionaryObject):  # streams are dictionaries too
            for name, value in item.items():
                if name in PDF_ACTIVE_NAMES:
                    return True
                stack.append(value)
        elif isinstance(item, ArrayObject):
            stack.extend(item)
        elif isinstance(item, NameObject) and item in PDF_ACTIVE_NAMES:
            return True
    return False


def _check_pdf(content: bytes) -> None:
    refused_active = UploadRefused(
        _(
            "This PDF contains scripts, links, actions or embedded files, which we cannot "
            "accept. Save it again as a plain PDF (for example by printing it to PDF)."
        )
    )
    if b"%%EOF" not in content[-2048:]:
        raise UploadRefused(_("The file could not be read. It may be damaged."))
    if PDF_ACTIVE_CONTENT.search(content):  # cheap first look at the raw bytes
        raise refused_active
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            reader = PdfReader(io.BytesIO(content), strict=False)
            if reader.is_encrypted:
                raise UploadRefused(
                    _(
                        "Password-protected PDFs cannot be accepted. Save it again without "
                        "a password."
                    )
                )
            active = _pdf_has_active_content(reader)
    except UploadRefused:
        raise
    except Exception:  # pypdf raises many kinds of error on a malformed file
        raise UploadRefused(_("The file could not be read. It may be damaged.")) from None
    if active:
        raise refused_active


def check_rate(request: HttpRequest) -> None:
    """Refuse an upload past the person's UPLOAD_RATE (every file is decoded and checked,
    which costs CPU): counted per signed-in person, before anything is looked at."""
    if is_ratelimited(
        request, group="uploads", key="user_or_ip", rate=settings.UPLOAD_RATE, increment=True
    ):
        raise UploadRefused(
            _("You have sent many files in a short time. Wait a while, then try again.")
        )


def inspect(upload: Any, *, accept: Sequence[str], max_size_mb: int) -> CheckedFile:
    """Check one uploaded file; raises UploadRefused with a message for the applicant."""
    limit = max_size_mb * 1024 * 1024
    if upload.size is not None and upload.size > limit:
        raise UploadRefused(_("The file must be smaller than %(mb)s MB.") % {"mb": max_size_mb})
    upload.seek(0)
    content = upload.read(limit + 1)
    if len(content) > limit:
        raise UploadRefused(_("The file must be smaller than %(mb)s MB.") % {"mb": max_size_mb})
    if not content:
        raise UploadRefused(_("The file is empty."))
    kind = sniff(content[:16])
    if kind is None or kind not in accept:
        allowed = "、".join(sorted(k.upper() for k in accept))
        raise UploadRefused(
            _("This type of file is not accepted. Upload one of: %(kinds)s.") % {"kinds": allowed}
        )
    position = None
    if kind == "pdf":
        _check_pdf(content)
    else:
        content, position = _reencode_image(content, kind)
    return CheckedFile(
        filename=safe_filename(getattr(upload, "name", "") or "", kind),
        kind=kind,
        content=content,
        sha256=hashlib.sha256(content).hexdigest(),
        position=position,
    )
