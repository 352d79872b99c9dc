"""OASIS Common Alerting Protocol (CAP) 1.2 messages for the ward's emergency alerts.

``to_xml`` writes a :class:`CapAlert` as a CAP 1.2 document (UTF-8, default namespace
``urn:oasis:names:tc:emergency:cap:1.2``, elements in the schema's order). ``validate`` checks
a document, ours or a third party's, against the official OASIS schema and against the rules
of the specification that the schema cannot express; ``advisories`` lists what the
specification only recommends (SHOULD, MAY).

The specification is "Common Alerting Protocol Version 1.2", OASIS Standard, 1 July 2010
(CAP-v1.2-os). Section numbers below are that document's. What ``validate`` adds to the
schema, each with the rule it comes from:

- ``identifier`` and ``sender`` are not empty and contain no whitespace, commas, ``<`` or
  ``&`` (§3.2.1: "MUST NOT include spaces, commas or restricted characters (< and &)").
- ``sent``, ``effective``, ``onset``, ``expires`` and the ``sent`` of each reference are
  exactly ``YYYY-MM-DDThh:mm:ss±hh:mm``: no "Z", no fractional seconds, and UTC written
  ``-00:00`` (§3.2.1 ``sent``; §3.3.2 "If the time is in UTC, the symbol '-' will be used").
  The schema's own pattern lets a comma stand for the sign and does not catch ``+00:00``.
- ``references`` is present for msgType Update, Cancel, Ack and Error, since each of those is
  defined as acting on "the earlier message(s) identified in <references>" (§3.2.1 msgType),
  and is a whitespace-separated list of ``sender,identifier,sent`` triples (§3.2.1).
- ``restriction`` is present when scope is Restricted and only then ("Used when <scope> value
  is 'Restricted'"); ``addresses`` is present when scope is Private ("Required when <scope> is
  'Private'"); quoted entries of ``addresses`` and ``incidents`` are balanced (§3.2.1).
- ``language`` is an RFC 3066 tag: subtags of 1 to 8 letters or digits, the first a 2- or
  3-letter ISO 639 code or ``i``/``x`` (§3.2.2; RFC 3066 §2.1, §2.2).
- ``web`` is a full absolute URI (§3.2.2); a resource's ``uri`` is absolute unless it names a
  ``derefUri`` in the same block, and its ``mimeType`` is ``type/subtype`` (§3.2.3).
- Each ``polygon`` has at least 4 "latitude,longitude" pairs and its first and last pairs are
  the same; each ``circle`` is one pair and a radius in kilometres; latitudes lie within
  -90..90 and longitudes within -180..180 (§1.5 coordinate pair, §3.2.4 and its WGS 84 note).
- ``ceiling`` appears only with ``altitude`` ("MUST NOT be used except in combination with the
  <altitude> element") and is not below it (altitude is then "the lower limit of a range").

What ``validate`` deliberately does not require: ``note``. The specification makes it
OPTIONAL; it is "primarily intended for use with <status> 'Exercise' and <msgType> 'Error'",
and for Error "explanation SHOULD appear in <note>" (§3.2.1). A missing note on an Error is
therefore reported by ``advisories``, not as an error. Several ``info`` blocks may share a
language: the specification treats them as one sequence in which later blocks may expand but
not override earlier ones (§3.2.2), so that is not an error either.

Languages. The ward publishes in Japanese, English and やさしい日本語 (Easy Japanese). CAP
carries each language in its own ``info`` blocks, tagged per RFC 3066 (the tag family now
maintained as BCP 47, RFC 5646). Easy Japanese has no registered tag, and tagging it
``ja-JP`` as well would put it in the same sequence as the standard Japanese block, as a
continuation of it rather than an alternative. It is tagged ``ja-JP-x-easy``
(:data:`EASY_JAPANESE_LANGUAGE`):

- it is a syntactically valid RFC 3066 tag whose first two subtags are the ones RFC 3066
  defines (ISO 639 ``ja``, ISO 3166 ``JP``), and ``x-easy`` is a private-use sequence under
  RFC 5646 §2.2.7; the schema's ``xs:language`` accepts it;
- a client that filters on ``ja`` or ``ja-JP`` (RFC 4647 prefix matching) still takes the
  block as Japanese instead of dropping it, and one that knows the private-use subtag can pick
  it for residents who asked for Easy Japanese;
- it stays distinct from the ``ja-JP`` block, so the two are separate sequences.
The site's own pages and feeds call the language ``ja-easy`` (a Django language code) and
``ja-x-easy`` (BCP 47 without a region); :data:`CAP_LANGUAGES` maps the site's codes to the
CAP tags.

Schema. ``schemas/CAP-v1.2.xsd`` is OASIS's CAP 1.2 schema (published at
docs.oasis-open.org/emergency/cap/v1.2/CAP-v1.2.xsd), shipped in the repository with its
copyright notice so that nothing is fetched at run time. Its content was taken from the copy
in google/cap-library (``schema/cap12.xsd``), with which it is identical element for element,
and laid out as OASIS's file: every declaration sits at the line and column recorded for it
in PyXB bindings generated from the OASIS URL. Those record no spacing inside tags, so the
file may differ from OASIS's in such whitespace only. It is loaded once per process.

Parsing. Documents are parsed by xmlschema with ``defuse="always"`` (entity declarations and
external references refused) and ``allow="none"`` (no resource is fetched), because
``validate`` is also meant for messages that arrive from outside. defusedxml is not a
dependency of the project; xmlschema's defusing parser covers the same attacks for this use.
"""

from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation
from functools import cache
from math import isfinite
from pathlib import Path

import xmlschema
from xmlschema.exceptions import XMLResourceError, XMLResourceForbidden

CAP_NAMESPACE = "urn:oasis:names:tc:emergency:cap:1.2"
SCHEMA_PATH = Path(__file__).parent / "schemas" / "CAP-v1.2.xsd"

#: The CAP ``language`` of the ward's Easy Japanese (やさしい日本語) blocks; see the module
#: docstring for why this tag.
EASY_JAPANESE_LANGUAGE = "ja-JP-x-easy"
#: The site's language codes (settings.LANGUAGES) and the CAP tag of each.
CAP_LANGUAGES = {"ja": "ja-JP", "en": "en-US", "ja-easy": EASY_JAPANESE_LANGUAGE}

# The schema's enumerations, for forms and callers; the schema itself enforces them.
STATUSES = ("Actual", "Exercise", "System", "Test", "Draft")
MSG_TYPES = ("Alert", "Update", "Cancel", "Ack", "Error")
SCOPES = ("Public", "Restricted", "Private")
CATEGORIES = (
    "Geo",
    "Met",
    "Safety",
    "Security",
    "Rescue",
    "Fire",
    "Health",
    "Env",
    "Transport",
    "Infra",
    "CBRNE",
    "Other",
)
RESPONSE_TYPES = (
    "Shelter",
    "Evacuate",
    "Prepare",
    "Execute",
    "Avoid",
    "Monitor",
    "Assess",
    "AllClear",
    "None",
)
URGENCIES = ("Immediate", "Expected", "Future", "Past", "Unknown")
SEVERITIES = ("Extreme", "Severe", "Moderate", "Minor", "Unknown")
CERTAINTIES = ("Observed", "Likely", "Possible", "Unlikely", "Unknown")

#: msgTypes that act on earlier messages and so cannot do without ``references``.
MSG_TYPES_NEEDING_REFERENCES = ("Update", "Cancel", "Ack", "Error")
#: The headline length the specification suggests as a target for short-message displays.
HEADLINE_TARGET_LENGTH = 160

Coordinate = tuple[float, float]
ValuePair = tuple[str, str]

_ALERT_TAG = f"{{{CAP_NAMESPACE}}}alert"
_DATETIME_ELEMENTS = ("effective", "onset", "expires")
_CAP_DATETIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2}")
_FRACTIONAL_SECONDS = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d+.*")
_WITHOUT_OFFSET = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?")
_FORBIDDEN_IN_IDENTIFIERS = re.compile(r"[\s,<&]")
_DECIMAL = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)")
_LANGUAGE_SYNTAX = re.compile(r"[A-Za-z]{1,8}(?:-[A-Za-z0-9]{1,8})*")
_ABSOLUTE_URI = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:\S+")
_MIME_TYPE = re.compile(r"[\w!#$&^.+-]+/[\w!#$&^.+-]+(?:\s*;.*)?", re.DOTALL)
_GROUP_ITEM = r'(?:"[^"]*"|[^\s"]+)'
_GROUP = re.compile(rf"\s*(?:{_GROUP_ITEM}(?:\s+{_GROUP_ITEM})*)?\s*")
_GROUP_ITEMS = re.compile(r'"([^"]*)"|([^\s"]+)')
# Characters XML 1.0 cannot carry at all (§2.2 of XML 1.0): writing them gives a document no
# parser accepts, so to_xml refuses them instead.
_NOT_XML_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


class CapValidationError(ValueError):
    """Raised by :func:`to_valid_xml` when the alert would not be a valid CAP 1.2 message."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class CapArea:
    """An ``<area>``. Coordinates are WGS 84 decimal degrees, latitude first.

    A polygon lists its points in order and repeats the first point at the end; a circle is
    ``(latitude, longitude, radius_km)``; a geocode is ``(valueName, value)``, e.g.
    ``("JIS X 0402", "131032")``. Altitude and ceiling are feet above mean sea level.
    """

    area_desc: str
    polygons: tuple[tuple[Coordinate, ...], ...] = ()
    circles: tuple[tuple[float, float, float], ...] = ()
    geocodes: tuple[ValuePair, ...] = ()
    altitude: float | None = None
    ceiling: float | None = None


@dataclass(frozen=True)
class CapResource:
    """A ``<resource>``: a file with supplemental information, such as a map."""

    resource_desc: str
    mime_type: str
    size: int | None = None
    uri: str = ""
    digest: str = ""


@dataclass(frozen=True)
class CapInfo:
    """An ``<info>`` block, in one language.

    ``language`` is an RFC 3066 tag (see :data:`CAP_LANGUAGES`); an empty one leaves the
    element out, which CAP reads as "en-US". Empty texts leave their elements out.
    """

    language: str
    category: tuple[str, ...]
    event: str
    urgency: str
    severity: str
    certainty: str
    headline: str = ""
    description: str = ""
    instruction: str = ""
    sender_name: str = ""
    web: str = ""
    contact: str = ""
    response_type: tuple[str, ...] = ()
    effective: datetime | None = None
    onset: datetime | None = None
    expires: datetime | None = None
    event_codes: tuple[ValuePair, ...] = ()
    parameters: tuple[ValuePair, ...] = ()
    areas: tuple[CapArea, ...] = ()
    audience: str = ""
    resources: tuple[CapResource, ...] = ()


@dataclass(frozen=True)
class CapReference:
    """An earlier message this one refers to, written ``sender,identifier,sent``."""

    sender: str
    identifier: str
    sent: datetime

    @classmethod
    def to(cls, alert: CapAlert) -> CapReference:
        return cls(sender=alert.sender, identifier=alert.identifier, sent=alert.sent)

    def as_text(self) -> str:
        return f"{self.sender},{self.identifier},{format_datetime(self.sent)}"


@dataclass(frozen=True)
class CapAlert:
    """An ``<alert>``. Datetimes must be timezone-aware.

    ``addresses`` and ``incidents`` are written space-separated, an entry that contains
    whitespace between double quotes (§3.2.1); ``codes`` are the ``<code>`` elements.
    """

    identifier: str
    sender: str
    sent: datetime
    status: str
    msg_type: str
    scope: str = "Public"
    references: tuple[CapReference, ...] = ()
    note: str = ""
    incidents: tuple[str, ...] = ()
    infos: tuple[CapInfo, ...] = ()
    source: str = ""
    restriction: str = ""
    addresses: tuple[str, ...] = ()
    codes: tuple[str, ...] = ()


# --- Datetimes -----------------------------------------------------------------------------


def format_datetime(value: datetime) -> str:
    """``value`` in CAP's form, e.g. ``2026-12-06T10:00:00+09:00``.

    Fractional seconds are dropped (CAP's form has none) and UTC is written ``-00:00``, as
    §3.3.2 requires. Naive datetimes are refused: CAP has no way to say "local time".
    """
    offset = value.utcoffset()
    if offset is None:
        raise ValueError(f"{value!r} is naive; CAP datetimes need a UTC offset")
    if offset % timedelta(minutes=1):
        raise ValueError(f"{value!r} has a UTC offset of {offset}, not a whole number of minutes")
    sign = "+" if offset > timedelta(0) else "-"
    hours, minutes = divmod(abs(offset) // timedelta(minutes=1), 60)
    return (
        f"{value.year:04d}-{value.month:02d}-{value.day:02d}"
        f"T{value.hour:02d}:{value.minute:02d}:{value.second:02d}"
        f"{sign}{hours:02d}:{minutes:02d}"
    )


def parse_datetime(text: str) -> datetime:
    """The aware datetime written in CAP's form; ValueError, with the reason, otherwise."""
    value = text.strip()
    if not _CAP_DATETIME.fullmatch(value):
        raise ValueError(_datetime_form_problem(value))
    if value.endswith("+00:00"):
        raise ValueError("writes UTC as '+00:00'; CAP 1.2 requires '-00:00'")
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        raise ValueError("is not a real date and time") from None


def _datetime_form_problem(value: str) -> str:
    if value[-1:] in ("Z", "z"):
        return (
            "uses the time zone designator 'Z', which CAP 1.2 forbids; "
            "write the offset, with UTC as '-00:00'"
        )
    if _FRACTIONAL_SECONDS.fullmatch(value):
        return "has fractional seconds, which CAP 1.2's form does not allow"
    if _WITHOUT_OFFSET.fullmatch(value):
        return "has no UTC offset; CAP 1.2 requires one, e.g. '+09:00'"
    return "is not in CAP 1.2's form YYYY-MM-DDThh:mm:ss±hh:mm, e.g. '2026-12-06T10:00:00+09:00'"


# --- Writing -------------------------------------------------------------------------------


def to_xml(alert: CapAlert) -> bytes:
    """``alert`` as a CAP 1.2 document: UTF-8, with an XML declaration.

    Raises ValueError for what cannot be written at all (a naive datetime, a coordinate that is
    not a finite number, a character XML cannot carry); everything else is written as given,
    and :func:`validate` says whether it is a valid message (:func:`to_valid_xml` does both).
    """
    # A plain xmlns attribute rather than ET.register_namespace, which changes a registry
    # global to the whole process.
    root = ET.Element("alert", {"xmlns": CAP_NAMESPACE})
    _add(root, "identifier", alert.identifier, required=True)
    _add(root, "sender", alert.sender, required=True)
    _add(root, "sent", format_datetime(alert.sent))
    _add(root, "status", alert.status, required=True)
    _add(root, "msgType", alert.msg_type, required=True)
    _add(root, "source", alert.source)
    _add(root, "scope", alert.scope, required=True)
    _add(root, "restriction", alert.restriction)
    _add(root, "addresses", _group(alert.addresses, "addresses"))
    for code in alert.codes:
        _add(root, "code", code, required=True)
    _add(root, "note", alert.note)
    _add(root, "references", " ".join(reference.as_text() for reference in alert.references))
    _add(root, "incidents", _group(alert.incidents, "incidents"))
    for info in alert.infos:
        _add_info(root, info)
    ET.indent(root)
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(
        root, encoding="utf-8", xml_declaration=False
    )


def to_valid_xml(alert: CapAlert) -> bytes:
    """:func:`to_xml`, or CapValidationError listing why the result would not be valid CAP."""
    document = to_xml(alert)
    problems = validate(document)
    if problems:
        raise CapValidationError(problems)
    return document


def _add_info(parent: ET.Element, info: CapInfo) -> None:
    element = ET.SubElement(parent, "info")
    _add(element, "language", info.language)
    for category in info.category:
        _add(element, "category", category, required=True)
    _add(element, "event", info.event, required=True)
    for response_type in info.response_type:
        _add(element, "responseType", response_type, required=True)
    _add(element, "urgency", info.urgency, required=True)
    _add(element, "severity", info.severity, required=True)
    _add(element, "certainty", info.certainty, required=True)
    _add(element, "audience", info.audience)
    for name, value in info.event_codes:
        _add_value_pair(element, "eventCode", name, value)
    for tag, moment in (
        ("effective", info.effective),
        ("onset", info.onset),
        ("expires", info.expires),
    ):
        if moment is not None:
            _add(element, tag, format_datetime(moment))
    _add(element, "senderName", info.sender_name)
    _add(element, "headline", info.headline)
    _add(element, "description", info.description)
    _add(element, "instruction", info.instruction)
    _add(element, "web", info.web)
    _add(element, "contact", info.contact)
    for name, value in info.parameters:
        _add_value_pair(element, "parameter", name, value)
    for resource in info.resources:
        _add_resource(element, resource)
    for area in info.areas:
        _add_area(element, area)


def _add_resource(parent: ET.Element, resource: CapResource) -> None:
    element = ET.SubElement(parent, "resource")
    _add(element, "resourceDesc", resource.resource_desc, required=True)
    _add(element, "mimeType", resource.mime_type, required=True)
    if resource.size is not None:
        _add(element, "size", str(resource.size))
    _add(element, "uri", resource.uri)
    _add(element, "digest", resource.digest)


def _add_area(parent: ET.Element, area: CapArea) -> None:
    element = ET.SubElement(parent, "area")
    _add(element, "areaDesc", area.area_desc, required=True)
    for polygon in area.polygons:
        pairs = " ".join(f"{_decimal_text(lat)},{_decimal_text(lon)}" for lat, lon in polygon)
        _add(element, "polygon", pairs, required=True)
    for lat, lon, radius_km in area.circles:
        circle = f"{_decimal_text(lat)},{_decimal_text(lon)} {_decimal_text(radius_km)}"
        _add(element, "circle", circle)
    for name, value in area.geocodes:
        _add_value_pair(element, "geocode", name, value)
    if area.altitude is not None:
        _add(element, "altitude", _decimal_text(area.altitude))
    if area.ceiling is not None:
        _add(element, "ceiling", _decimal_text(area.ceiling))


def _add_value_pair(parent: ET.Element, tag: str, name: str, value: str) -> None:
    element = ET.SubElement(parent, tag)
    _add(element, "valueName", name, required=True)
    _add(element, "value", value, required=True)


def _add(parent: ET.Element, tag: str, text: str, *, required: bool = False) -> None:
    """Append ``<tag>text</tag>``; an empty optional text leaves the element out."""
    if not text and not required:
        return
    if _NOT_XML_CHARACTERS.search(text):
        raise ValueError(f"<{tag}> contains a character that XML cannot carry: {text!r}")
    ET.SubElement(parent, tag).text = text


def _group(items: Iterable[str], what: str) -> str:
    """CAP's space-separated list, entries with whitespace in double quotes (§3.2.1)."""
    written = []
    for item in items:
        if not item or '"' in item:
            raise ValueError(f"{what} entry {item!r} cannot be written in a CAP list")
        written.append(f'"{item}"' if re.search(r"\s", item) else item)
    return " ".join(written)


def _decimal_text(value: float) -> str:
    """A plain decimal, as short as round-trips (no exponent, which CAP does not allow)."""
    if not isfinite(value):
        raise ValueError(f"{value!r} is not a finite number")
    return format(Decimal(repr(float(value))), "f")


# --- Reading and validating ----------------------------------------------------------------


@cache
def _schema() -> xmlschema.XMLSchema10:
    return xmlschema.XMLSchema10(str(SCHEMA_PATH), allow="sandbox", defuse="always")


def _load(document: bytes) -> xmlschema.XMLResource:
    # A file object, not the bytes themselves: xmlschema would read bytes that do not look
    # like XML as a path or URL.
    return xmlschema.XMLResource(io.BytesIO(document), allow="none", defuse="always")


def validate(xml: bytes) -> list[str]:
    """Problems that keep ``xml`` from being a valid CAP 1.2 message; [] when there are none.

    Checks the OASIS schema, then the specification's rules the schema cannot express (see
    the module docstring). Problems name the element by path, e.g. ``/alert/info[2]/area``.
    """
    try:
        resource = _load(xml)
    except XMLResourceForbidden as error:
        return [f"The document was refused: {error}"]
    except (XMLResourceError, ET.ParseError) as error:
        return [f"The document is not well-formed XML: {error}"]
    root = resource.root
    if root.tag != _ALERT_TAG:
        return [
            f"The root element is {root.tag!r}; a CAP 1.2 message is an <alert> "
            f"in the namespace {CAP_NAMESPACE}."
        ]
    paths = _element_paths(root)
    problems = [_describe_schema_error(error, paths) for error in _schema().iter_errors(resource)]
    problems.extend(_specification_problems(root, paths))
    return problems


def advisories(xml: bytes) -> list[str]:
    """What the specification recommends (SHOULD, MAY) and ``xml`` does not do.

    Not errors: a message with advisories is still valid CAP. [] for what cannot be read.
    """
    try:
        root = _load(xml).root
    except (XMLResourceError, ET.ParseError):
        return []
    if root.tag != _ALERT_TAG:
        return []
    paths = _element_paths(root)
    found = []
    if _text(root, "msgType") == "Error" and not _text(root, "note"):
        found.append(
            "/alert: msgType is Error but there is no <note>; CAP 1.2 says the explanation "
            "SHOULD appear in <note> (§3.2.1)."
        )
    for info in _children(root, "info"):
        for element in _children(info, "headline"):
            headline = (element.text or "").strip()
            if len(headline) <= HEADLINE_TARGET_LENGTH:
                continue
            found.append(
                f"{paths[element]}: the headline has {len(headline)} "
                f"characters; some displays show only the headline, and CAP 1.2 suggests "
                f"{HEADLINE_TARGET_LENGTH} as a target (§3.2.2)."
            )
        for area in _children(info, "area"):
            has_geocode = bool(_children(area, "geocode"))
            has_shape = bool(_children(area, "polygon") or _children(area, "circle"))
            if has_geocode and not has_shape:
                found.append(
                    f"{paths[area]}: the area is given only by <geocode>; CAP 1.2 says a "
                    f"geocode SHOULD come with an equivalent <polygon> or <circle> (§3.2.4)."
                )
    return found


def _element_paths(root: ET.Element) -> dict[ET.Element, str]:
    """Each element's path from the root, with a position where a tag repeats."""
    paths = {root: "/alert"}

    def walk(parent: ET.Element) -> None:
        names = [_local(child.tag) for child in parent]
        seen: dict[str, int] = {}
        for child, name in zip(parent, names, strict=True):
            seen[name] = seen.get(name, 0) + 1
            position = f"[{seen[name]}]" if names.count(name) > 1 else ""
            paths[child] = f"{paths[parent]}/{name}{position}"
            walk(child)

    walk(root)
    return paths


def _describe_schema_error(
    error: xmlschema.XMLSchemaValidationError, paths: dict[ET.Element, str]
) -> str:
    element = error.elem
    where = paths.get(element, error.path or "/alert") if element is not None else "/alert"
    reason = (error.reason or error.message).replace(f"{{{CAP_NAMESPACE}}}", "")
    if element is not None and len(element) == 0 and element.text is not None:
        return f"{where}: {element.text!r} does not fit the CAP 1.2 schema: {reason}"
    return f"{where}: does not fit the CAP 1.2 schema: {reason}"


def _specification_problems(root: ET.Element, paths: dict[ET.Element, str]) -> Iterator[str]:
    for name in ("identifier", "sender"):
        for element in _children(root, name):
            problem = _identifier_problem(element.text or "")
            if problem:
                yield f"{paths[element]}: {problem}"
    for element in _children(root, "sent"):
        yield from _datetime_problems(element, paths)

    msg_type = _text(root, "msgType")
    references = _child(root, "references")
    if msg_type in MSG_TYPES_NEEDING_REFERENCES and not (
        references is not None and (references.text or "").strip()
    ):
        yield (
            f"/alert: msgType {msg_type} needs <references> naming the earlier message(s) "
            f"it acts on (CAP 1.2 §3.2.1)."
        )
    if references is not None:
        for problem in _references_problems(references.text or ""):
            yield f"{paths[references]}: {problem}"

    yield from _scope_problems(root, paths)
    for name in ("addresses", "incidents"):
        for element in _children(root, name):
            if not _GROUP.fullmatch(element.text or ""):
                yield (
                    f"{paths[element]}: unbalanced double quotes; entries are separated by "
                    f"spaces and an entry with spaces is written between double quotes."
                )

    for info in _children(root, "info"):
        yield from _info_problems(info, paths)


def _scope_problems(root: ET.Element, paths: dict[ET.Element, str]) -> Iterator[str]:
    scope = _text(root, "scope")
    restriction = _child(root, "restriction")
    if scope == "Restricted" and not (restriction is not None and _text(root, "restriction")):
        yield "/alert: scope is Restricted, so <restriction> must say who may receive it."
    if restriction is not None and _text(root, "restriction") and scope != "Restricted":
        yield (
            f"{paths[restriction]}: <restriction> is used only when scope "
            f"is Restricted (this message's scope is {scope})."
        )
    if scope == "Private" and not _split_group(_text(root, "addresses") or ""):
        yield "/alert: scope is Private, so <addresses> must list the recipients."


def _info_problems(info: ET.Element, paths: dict[ET.Element, str]) -> Iterator[str]:
    for element in _children(info, "language"):
        problem = _language_problem((element.text or "").strip())
        if problem:
            yield f"{paths[element]}: {problem}"
    for name in _DATETIME_ELEMENTS:
        for element in _children(info, name):
            yield from _datetime_problems(element, paths)
    for element in _children(info, "web"):
        web = (element.text or "").strip()
        if not _ABSOLUTE_URI.fullmatch(web):
            yield f"{paths[element]}: {web!r} is not a full absolute URI."
    for resource in _children(info, "resource"):
        yield from _resource_problems(resource, paths)
    for area in _children(info, "area"):
        yield from _area_problems(area, paths)


def _resource_problems(resource: ET.Element, paths: dict[ET.Element, str]) -> Iterator[str]:
    for element in _children(resource, "mimeType"):
        mime_type = (element.text or "").strip()
        if not _MIME_TYPE.fullmatch(mime_type):
            yield f"{paths[element]}: {mime_type!r} is not a MIME type of the form type/subtype."
    for element in _children(resource, "uri"):
        uri = (element.text or "").strip()
        if not _ABSOLUTE_URI.fullmatch(uri) and _child(resource, "derefUri") is None:
            yield (
                f"{paths[element]}: {uri!r} is not a full absolute URI, and there is no "
                f"<derefUri> for a relative one to name."
            )


def _area_problems(area: ET.Element, paths: dict[ET.Element, str]) -> Iterator[str]:
    for element in _children(area, "polygon"):
        for problem in _polygon_problems(element.text or ""):
            yield f"{paths[element]}: {problem}"
    for element in _children(area, "circle"):
        for problem in _circle_problems(element.text or ""):
            yield f"{paths[element]}: {problem}"
    altitude = _decimal_or_none(_text(area, "altitude"))
    ceiling_element = _child(area, "ceiling")
    if ceiling_element is not None:
        ceiling = _decimal_or_none(ceiling_element.text)
        if _child(area, "altitude") is None:
            yield (
                f"{paths[ceiling_element]}: <ceiling> is used only together with <altitude> "
                f"(CAP 1.2 §3.2.4)."
            )
        elif altitude is not None and ceiling is not None and ceiling < altitude:
            yield (
                f"{paths[ceiling_element]}: the ceiling {ceiling} is below the altitude "
                f"{altitude}, the lower limit of the range."
            )


def _identifier_problem(value: str) -> str | None:
    if not value:
        return "is empty."
    forbidden = sorted(set(_FORBIDDEN_IN_IDENTIFIERS.findall(value)))
    if forbidden:
        shown = ", ".join("whitespace" if char.isspace() else repr(char) for char in forbidden)
        return (
            f"{value!r} contains {shown}; CAP 1.2 forbids spaces, commas and the "
            f"restricted characters < and & here."
        )
    return None


def _datetime_problems(element: ET.Element, paths: dict[ET.Element, str]) -> Iterator[str]:
    value = (element.text or "").strip()
    try:
        parse_datetime(value)
    except ValueError as error:
        yield f"{paths[element]}: {value!r} {error}."


def _references_problems(text: str) -> Iterator[str]:
    triples = text.split()
    if not triples:
        yield "is empty; it lists sender,identifier,sent triples separated by spaces."
    for triple in triples:
        parts = triple.split(",")
        if len(parts) != 3:
            yield (
                f"{triple!r} is not a sender,identifier,sent triple "
                f"(triples are separated by whitespace)."
            )
            continue
        sender, identifier, sent = parts
        for what, value in (("sender", sender), ("identifier", identifier)):
            problem = _identifier_problem(value)
            if problem:
                yield f"in {triple!r}, the {what} {problem}"
        try:
            parse_datetime(sent)
        except ValueError as error:
            yield f"in {triple!r}, the sent time {sent!r} {error}."


def _language_problem(tag: str) -> str | None:
    if not _LANGUAGE_SYNTAX.fullmatch(tag):
        return (
            f"{tag!r} is not an RFC 3066 language tag (subtags of 1 to 8 letters or digits "
            f"joined by '-', e.g. 'ja-JP')."
        )
    primary = tag.split("-", 1)[0]
    if not (len(primary) in (2, 3) or primary.lower() in ("i", "x")):
        return (
            f"{tag!r} is not an RFC 3066 language tag: the first subtag {primary!r} must be "
            f"a 2- or 3-letter ISO 639 code, 'i' or 'x'."
        )
    return None


def _polygon_problems(text: str) -> Iterator[str]:
    tokens = text.split()
    points = []
    for token in tokens:
        point = _coordinate_pair(token)
        if point is None:
            yield f"{token!r} is not a latitude,longitude pair of decimal degrees."
            continue
        yield from _range_problems(point)
        points.append(point)
    if len(tokens) < 4:
        yield (
            f"has {len(tokens)} coordinate pair(s); a polygon needs at least 4, "
            f"the last the same as the first."
        )
    elif len(points) == len(tokens) and points[0] != points[-1]:
        yield (
            f"is not closed: the first pair {tokens[0]!r} and the last {tokens[-1]!r} "
            f"must be the same."
        )


def _circle_problems(text: str) -> Iterator[str]:
    tokens = text.split()
    point = _coordinate_pair(tokens[0]) if len(tokens) == 2 else None
    radius = _decimal_or_none(tokens[1]) if len(tokens) == 2 else None
    if point is None or radius is None:
        yield (
            f"{text.strip()!r} is not a circle: a latitude,longitude pair, a space and a "
            f"radius in kilometres, e.g. '35.658,139.751 2.5'."
        )
        return
    yield from _range_problems(point)
    if radius < 0:
        yield f"the radius {tokens[1]} km is negative."


def _range_problems(point: tuple[Decimal, Decimal]) -> Iterator[str]:
    latitude, longitude = point
    if not -90 <= latitude <= 90:
        yield f"latitude {latitude} is outside -90..90."
    if not -180 <= longitude <= 180:
        yield f"longitude {longitude} is outside -180..180."


def _coordinate_pair(token: str) -> tuple[Decimal, Decimal] | None:
    parts = token.split(",")
    if len(parts) != 2:
        return None
    latitude, longitude = (_decimal_or_none(part) for part in parts)
    if latitude is None or longitude is None:
        return None
    return latitude, longitude


def _decimal_or_none(text: str | None) -> Decimal | None:
    if text is None or not _DECIMAL.fullmatch(text.strip()):
        return None
    try:
        return Decimal(text.strip())
    except InvalidOperation:  # pragma: no cover - the pattern admits only plain decimals
        return None


def _split_group(text: str) -> list[str]:
    if not _GROUP.fullmatch(text):
        return []
    return [item for pair in _GROUP_ITEMS.findall(text) if (item := pair[0] or pair[1])]


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


def _children(parent: ET.Element, name: str) -> list[ET.Element]:
    return parent.findall(f"{{{CAP_NAMESPACE}}}{name}")


def _child(parent: ET.Element, name: str) -> ET.Element | None:
    return parent.find(f"{{{CAP_NAMESPACE}}}{name}")


def _text(parent: ET.Element, name: str) -> str | None:
    element = _child(parent, name)
    return None if element is None else (element.text or "").strip()
