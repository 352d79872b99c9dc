"""Checking files that applicants upload, before anything is stored.

A file is accepted only if its first bytes say it is one of the allowed kinds (PDF, JPEG,
PNG) — the name and the browser's content type are ignored, so an SVG, an HTML page or a
script renamed to ``.png`` is refused. Images are decoded with a pixel limit (a
"decompression bomb" — a small file that expands to gigapixels — is refused before it is
decoded) and re-encoded, which drops EXIF data (GPS position, camera serial numbers) and
anything hidden after the image data. PDFs are parsed (pypdf: name escapes decoded,
object streams opened) and refused when encrypted, unreadable, or carrying JavaScript,
launch actions, embedded files, forms that submit or XFA. What is stored is the checked
file and its SHA-256.
"""

from __future__ import annotations

import hashlib
import io
import re
import unicodedata
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _
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
# 40 megapixels: well above any phone camera, far below a bomb.
MAX_PIXELS = 40_000_000
# PDF name objects that run code or carry other files when the document is opened.
PDF_ACTIVE_CONTENT = re.compile(rb"/(?:JavaScript|JS|Launch|EmbeddedFile|RichMedia|XFA)\b")


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


def _reencode_image(content: bytes, kind: str) -> bytes:
    with warnings.catch_warnings():
        # Pillow warns (rather than fails) between MAX_IMAGE_PIXELS and twice that.
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(io.BytesIO(content), formats=[kind.upper()]) as image:
                width, height = image.size  # read from the header, nothing decoded yet
                if width * height > MAX_PIXELS:
                    raise UploadRefused(_("The image is too large. Use a smaller image."))
                image.load()
                upright = ImageOps.exif_transpose(image)  # keep the photo the right way up
                out = io.BytesIO()
                if kind == "jpeg":
                    upright.convert("RGB").save(out, format="JPEG", quality=90, optimize=True)
                else:
                    if upright.mode not in ("1", "L", "LA", "P", "RGB", "RGBA"):
                        upright = upright.convert("RGBA")
                    upright.save(out, format="PNG", optimize=True)  # no text or EXIF chunks
                return out.getvalue()
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
            "This PDF contains scripts or embedded files, which we cannot accept. Save it "
            "again as a plain PDF (for example by printing it to PDF)."
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
    if kind == "pdf":
        _check_pdf(content)
    else:
        content = _reencode_image(content, kind)
    return CheckedFile(
        filename=safe_filename(getattr(upload, "name", "") or "", kind),
        kind=kind,
        content=content,
        sha256=hashlib.sha256(content).hexdigest(),
    )
