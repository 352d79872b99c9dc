"""CAP 1.2 messages: what to_xml writes, and what validate accepts and reports.

Broken messages are made by editing a valid document by hand, the way a faulty producer or a
third party would send them, so each test shows that one rule, and only it, is enforced.
"""

from __future__ import annotations

import dataclasses
import re
import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from minato.information.cap import (
    CAP_LANGUAGES,
    CAP_NAMESPACE,
    EASY_JAPANESE_LANGUAGE,
    SCHEMA_PATH,
    CapAlert,
    CapArea,
    CapInfo,
    CapReference,
    CapResource,
    CapValidationError,
    advisories,
    format_datetime,
    parse_datetime,
    to_valid_xml,
    to_xml,
    validate,
)

JST = ZoneInfo("Asia/Tokyo")
NS = f"{{{CAP_NAMESPACE}}}"
XS = "{http://www.w3.org/2001/XMLSchema}"
SENDER = "alerts.city.minato.tokyo.jp"
SENT = datetime(2026, 12, 6, 10, 0, tzinfo=JST)

# Shibaura to Roppongi and back: a closed ring inside Minato City.
MINATO_POLYGON = (
    (35.6620, 139.7300),
    (35.6800, 139.7450),
    (35.6560, 139.7700),
    (35.6330, 139.7500),
    (35.6620, 139.7300),
)
MINATO = CapArea(
    area_desc="港区全域",
    polygons=(MINATO_POLYGON,),
    circles=((35.6581, 139.7516, 2.5),),  # around the ward office, Shibakoen 1-5-25
    geocodes=(("JIS X 0402", "131032"),),
)


def heavy_rain(language: str, headline: str, instruction: str) -> CapInfo:
    return CapInfo(
        language=language,
        category=("Met",),
        event={"en-US": "Heavy rain"}.get(language, "大雨"),
        urgency="Immediate",
        severity="Severe",
        certainty="Observed",
        headline=headline,
        description=headline,
        instruction=instruction,
        sender_name={"en-US": "Minato City"}.get(language, "港区"),
        web="https://www.city.minato.tokyo.jp/",
        contact="03-3578-2111",
        response_type=("Evacuate",),
        effective=SENT,
        onset=SENT,
        expires=SENT + timedelta(hours=8),
        event_codes=(("JMA", "heavy-rain-warning"),),
        parameters=(("ward", "minato"),),
        areas=(MINATO,),
    )


INFOS = (
    heavy_rain("ja-JP", "港区に大雨警報", "低い土地から避難してください。"),
    heavy_rain("en-US", "Heavy rain warning for Minato City", "Leave low-lying areas."),
    heavy_rain(EASY_JAPANESE_LANGUAGE, "みなとくに おおあめ", "ひくい ところへ にげて ください。"),
)
ORIGINAL = CapAlert(
    identifier="JP-13103-2026-0001",
    sender=SENDER,
    sent=SENT,
    status="Actual",
    msg_type="Alert",
    infos=INFOS,
)
UPDATE = CapAlert(
    identifier="JP-13103-2026-0002",
    sender=SENDER,
    sent=SENT + timedelta(hours=1),
    status="Actual",
    msg_type="Update",
    references=(CapReference.to(ORIGINAL),),
    infos=INFOS,
)
CANCEL = CapAlert(
    identifier="JP-13103-2026-0003",
    sender=SENDER,
    sent=SENT + timedelta(hours=3),
    status="Actual",
    msg_type="Cancel",
    references=(CapReference.to(ORIGINAL), CapReference.to(UPDATE)),
    note="大雨警報は解除されました。",
    infos=tuple(dataclasses.replace(info, response_type=("AllClear",)) for info in INFOS),
)
# Every element the module can write, for the order and coverage tests.
EVERYTHING = CapAlert(
    identifier="JP-13103-2026-0004",
    sender=SENDER,
    sent=SENT,
    status="Exercise",
    msg_type="Update",
    scope="Restricted",
    references=(CapReference.to(ORIGINAL),),
    note="総合防災訓練",
    incidents=("JP-13103-2026-drill", "Shiba drill"),
    source="危機管理課",
    restriction="区の防災関係機関のみ",
    addresses=("shiba-branch@city.minato.tokyo.jp", "Takanawa branch"),
    codes=("drill",),
    infos=(
        dataclasses.replace(
            INFOS[0],
            audience="区民",
            resources=(
                CapResource(
                    resource_desc="浸水想定区域図",
                    mime_type="image/png",
                    size=123456,
                    uri="https://www.city.minato.tokyo.jp/map.png",
                    digest="2fd4e1c67a2d28fced849ee1bb76e7391b93eb12",
                ),
            ),
            areas=(dataclasses.replace(MINATO, altitude=0.0, ceiling=1000.0),),
        ),
    ),
)


def edit(document: bytes, old: str, new: str) -> bytes:
    """``document`` with the one occurrence of ``old`` replaced by ``new``."""
    text = document.decode()
    assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times"
    return text.replace(old, new).encode()


def read(document: bytes) -> ET.Element:
    # Only documents this module wrote or the schema shipped with it are parsed here.
    return ET.fromstring(document)  # noqa: S314


def problems_of(alert: CapAlert) -> list[str]:
    return validate(to_xml(alert))


def mentions(problems: list[str], *words: str) -> bool:
    return any(all(word in problem for word in words) for problem in problems)


# --- Valid messages --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "alert",
    [
        pytest.param(ORIGINAL, id="alert in three languages"),
        pytest.param(UPDATE, id="update"),
        pytest.param(CANCEL, id="cancel"),
        pytest.param(dataclasses.replace(ORIGINAL, status="Exercise"), id="exercise"),
        pytest.param(dataclasses.replace(ORIGINAL, status="Test"), id="test"),
        pytest.param(EVERYTHING, id="every element"),
    ],
)
def test_messages_the_ward_sends_are_valid(alert: CapAlert) -> None:
    assert problems_of(alert) == []


def test_the_alert_has_japanese_english_and_easy_japanese_blocks() -> None:
    root = read(to_xml(ORIGINAL))

    assert [info.findtext(f"{NS}language") for info in root.iter(f"{NS}info")] == [
        "ja-JP",
        "en-US",
        "ja-JP-x-easy",
    ]
    assert CAP_LANGUAGES == {"ja": "ja-JP", "en": "en-US", "ja-easy": "ja-JP-x-easy"}


def test_an_alert_only_in_easy_japanese_passes_the_schemas_xs_language() -> None:
    easy_only = dataclasses.replace(ORIGINAL, infos=(INFOS[2],))

    assert problems_of(easy_only) == []


def test_update_and_cancel_reference_the_earlier_messages_as_sender_identifier_sent() -> None:
    update = read(to_xml(UPDATE))
    cancel = read(to_xml(CANCEL))

    original = f"{SENDER},JP-13103-2026-0001,2026-12-06T10:00:00+09:00"
    assert update.findtext(f"{NS}references") == original
    assert cancel.findtext(f"{NS}references") == (
        f"{original} {SENDER},JP-13103-2026-0002,2026-12-06T11:00:00+09:00"
    )
    assert cancel.findtext(f"{NS}msgType") == "Cancel"


def test_the_document_is_utf8_with_a_declaration_and_cap_as_the_default_namespace() -> None:
    document = to_xml(ORIGINAL)

    assert document.startswith(b'<?xml version="1.0" encoding="UTF-8"?>\n')
    assert b'<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2">' in document
    assert b"ns0:" not in document
    assert "港区に大雨警報".encode() in document
    root = read(document)
    assert root.tag == f"{NS}alert"
    assert {element.tag.partition("}")[0] + "}" for element in root.iter()} == {NS}


def test_written_values_read_back_the_same() -> None:
    root = read(to_xml(EVERYTHING))
    info = root.find(f"{NS}info")
    area = root.find(f"{NS}info/{NS}area")
    assert info is not None
    assert area is not None

    assert root.findtext(f"{NS}sent") == "2026-12-06T10:00:00+09:00"
    assert root.findtext(f"{NS}addresses") == (
        'shiba-branch@city.minato.tokyo.jp "Takanawa branch"'
    )
    assert root.findtext(f"{NS}incidents") == 'JP-13103-2026-drill "Shiba drill"'
    assert info.findtext(f"{NS}expires") == "2026-12-06T18:00:00+09:00"
    assert area.findtext(f"{NS}polygon") == (
        "35.662,139.73 35.68,139.745 35.656,139.77 35.633,139.75 35.662,139.73"
    )
    assert area.findtext(f"{NS}circle") == "35.6581,139.7516 2.5"
    assert area.findtext(f"{NS}geocode/{NS}value") == "131032"
    assert area.findtext(f"{NS}ceiling") == "1000.0"


def schema_sequence(*path: str) -> list[str]:
    """The element names of the xs:sequence of the element at ``path``, from the XSD itself."""
    element = read(SCHEMA_PATH.read_bytes()).find(f"{XS}element[@name='alert']")
    for name in path:
        assert element is not None
        element = element.find(f"{XS}complexType/{XS}sequence/{XS}element[@name='{name}']")
    assert element is not None
    sequence = element.find(f"{XS}complexType/{XS}sequence")
    assert sequence is not None
    return [
        child.get("name") or child.get("ref", "").partition(":")[2]
        for child in sequence
        if child.tag == f"{XS}element"
    ]


@pytest.mark.parametrize(
    ("path", "not_written"),
    [
        ((), set()),
        (("info",), set()),
        (("info", "resource"), {"derefUri"}),
        (("info", "area"), set()),
        (("info", "eventCode"), set()),
    ],
)
def test_elements_are_written_in_the_schemas_order(
    path: tuple[str, ...], not_written: set[str]
) -> None:
    expected = schema_sequence(*path)
    element = read(to_xml(EVERYTHING))
    for name in path:
        found = element.find(f"{NS}{name}")
        assert found is not None
        element = found
    written = [child.tag.removeprefix(NS) for child in element]

    positions = [expected.index(name) for name in written]
    assert positions == sorted(positions), written
    assert set(expected) - set(written) == not_written


# --- format_datetime and parse_datetime ------------------------------------------------------


NEW_YORK_WINTER = timezone(timedelta(hours=-5))
INDIA = timezone(timedelta(hours=5, minutes=30))


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (datetime(2026, 12, 6, 10, 0, tzinfo=JST), "2026-12-06T10:00:00+09:00"),
        (datetime(2026, 12, 6, 1, 0, tzinfo=UTC), "2026-12-06T01:00:00-00:00"),
        (datetime(2026, 12, 6, 1, 0, tzinfo=ZoneInfo("UTC")), "2026-12-06T01:00:00-00:00"),
        (datetime(2026, 12, 5, 20, 0, tzinfo=NEW_YORK_WINTER), "2026-12-05T20:00:00-05:00"),
        (datetime(2026, 12, 6, 6, 30, tzinfo=INDIA), "2026-12-06T06:30:00+05:30"),
        (datetime(2026, 12, 6, 10, 0, 59, 999999, tzinfo=JST), "2026-12-06T10:00:59+09:00"),
        (datetime(987, 1, 2, 3, 4, 5, tzinfo=UTC), "0987-01-02T03:04:05-00:00"),
    ],
)
def test_format_datetime_writes_caps_form(value: datetime, expected: str) -> None:
    assert format_datetime(value) == expected
    assert parse_datetime(expected) == value.replace(microsecond=0)


def test_format_datetime_refuses_naive_datetimes() -> None:
    with pytest.raises(ValueError, match="naive"):
        format_datetime(datetime(2026, 12, 6, 10, 0))


def test_format_datetime_refuses_offsets_that_are_not_whole_minutes() -> None:
    with pytest.raises(ValueError, match="whole number of minutes"):
        format_datetime(datetime(2026, 12, 6, tzinfo=timezone(timedelta(seconds=30))))


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("2026-12-06T01:00:00Z", "'Z'"),
        ("2026-12-06T01:00:00+00:00", "'-00:00'"),
        ("2026-12-06T10:00:00.5+09:00", "fractional seconds"),
        ("2026-12-06T10:00:00", "no UTC offset"),
        ("2026-12-06 10:00:00+09:00", "form"),
        ("2026-02-30T10:00:00+09:00", "not a real date"),
    ],
)
def test_parse_datetime_refuses_what_cap_forbids(text: str, reason: str) -> None:
    with pytest.raises(ValueError, match=re.escape(reason)):
        parse_datetime(text)


# --- What validate reports -------------------------------------------------------------------


@pytest.mark.parametrize("msg_type", ["Update", "Cancel", "Ack", "Error"])
def test_messages_acting_on_earlier_ones_need_references(msg_type: str) -> None:
    alert = dataclasses.replace(UPDATE, msg_type=msg_type, references=())

    assert mentions(problems_of(alert), f"msgType {msg_type} needs <references>")
    assert problems_of(dataclasses.replace(alert, references=UPDATE.references)) == []


@pytest.mark.parametrize(
    ("references", "reason"),
    [
        (f"{SENDER},JP-13103-2026-0001", "not a sender,identifier,sent triple"),
        (f"{SENDER},JP-13103-2026-0001,2026-12-06T10:00:00+09:00,extra", "not a sender"),
        (f"{SENDER},JP-13103-2026-0001,2026-12-06T01:00:00Z", "'Z'"),
        (",JP-13103-2026-0001,2026-12-06T10:00:00+09:00", "the sender is empty"),
        (f"{SENDER},JP&1,2026-12-06T10:00:00+09:00", "the identifier"),
    ],
)
def test_references_are_sender_identifier_sent_triples(references: str, reason: str) -> None:
    document = edit(
        to_xml(UPDATE),
        f"<references>{SENDER},JP-13103-2026-0001,2026-12-06T10:00:00+09:00</references>",
        f"<references>{references.replace('&', '&amp;')}</references>",
    )

    assert mentions(validate(document), "/alert/references", reason)


@pytest.mark.parametrize("bad", ["JP 13103", "JP,13103", "JP<13103", "JP&13103", "JP\t13103"])
@pytest.mark.parametrize("field", ["identifier", "sender"])
def test_identifier_and_sender_have_no_spaces_commas_or_restricted_characters(
    field: str, bad: str
) -> None:
    alert = dataclasses.replace(ORIGINAL, **{field: bad})

    assert mentions(problems_of(alert), f"/alert/{field}", "CAP 1.2 forbids")


def test_an_empty_identifier_is_reported() -> None:
    assert mentions(problems_of(dataclasses.replace(ORIGINAL, identifier="")), "identifier")


@pytest.mark.parametrize(
    ("written", "reason"),
    [
        ("2026-12-06T01:00:00Z", "'Z'"),
        ("2026-12-06T01:00:00+00:00", "'-00:00'"),
        ("2026-12-06T10:00:00.000+09:00", "fractional seconds"),
        ("2026-12-06T10:00:00", "no UTC offset"),
        ("2026-12-06T10:00:00,09:00", "form"),
    ],
)
@pytest.mark.parametrize("element", ["sent", "effective", "onset", "expires"])
def test_datetimes_are_in_caps_exact_form(element: str, written: str, reason: str) -> None:
    document = to_xml(dataclasses.replace(ORIGINAL, infos=(INFOS[0],)))
    correct = "2026-12-06T18:00:00+09:00" if element == "expires" else "2026-12-06T10:00:00+09:00"
    document = edit(
        document, f"<{element}>{correct}</{element}>", f"<{element}>{written}</{element}>"
    )

    assert mentions(validate(document), f"/{element}", reason)


def test_utc_written_as_minus_zero_is_valid() -> None:
    alert = dataclasses.replace(ORIGINAL, sent=datetime(2026, 12, 6, 1, 0, tzinfo=UTC))

    assert b"<sent>2026-12-06T01:00:00-00:00</sent>" in to_xml(alert)
    assert problems_of(alert) == []


def test_an_element_out_of_order_is_reported() -> None:
    document = edit(
        to_xml(ORIGINAL),
        "<status>Actual</status>\n  <msgType>Alert</msgType>",
        "<msgType>Alert</msgType>\n  <status>Actual</status>",
    )

    assert mentions(validate(document), "/alert", "Unexpected child", "msgType")


def test_an_info_element_out_of_order_is_reported_with_its_block() -> None:
    document = to_xml(dataclasses.replace(ORIGINAL, infos=INFOS[:2]))
    document = edit(
        document,
        "<headline>Heavy rain warning for Minato City</headline>",
        "",
    )
    document = edit(
        document,
        "<web>https://www.city.minato.tokyo.jp/</web>\n    <contact>03-3578-2111</contact>\n"
        "    <parameter>\n      <valueName>ward</valueName>\n      <value>minato</value>\n"
        "    </parameter>\n    <area>\n      <areaDesc>港区全域</areaDesc>\n      <polygon>"
        "35.662,139.73 35.68,139.745 35.656,139.77 35.633,139.75 35.662,139.73</polygon>\n"
        "      <circle>35.6581,139.7516 2.5</circle>\n      <geocode>\n"
        "        <valueName>JIS X 0402</valueName>\n        <value>131032</value>\n"
        "      </geocode>\n    </area>\n  </info>\n</alert>",
        "<web>https://www.city.minato.tokyo.jp/</web>\n    <contact>03-3578-2111</contact>\n"
        "    <parameter>\n      <valueName>ward</valueName>\n      <value>minato</value>\n"
        "    </parameter>\n    <headline>Heavy rain warning for Minato City</headline>\n"
        "  </info>\n</alert>",
    )

    assert mentions(validate(document), "/alert/info[2]", "headline")


@pytest.mark.parametrize(
    ("enumerated", "bad"),
    [("status", "Real"), ("msgType", "Notice"), ("scope", "Everyone")],
)
def test_alert_codes_come_from_the_schemas_enumerations(enumerated: str, bad: str) -> None:
    alert = dataclasses.replace(
        ORIGINAL, **{{"msgType": "msg_type"}.get(enumerated, enumerated): bad}
    )

    assert mentions(problems_of(alert), f"/alert/{enumerated}", repr(bad), "schema")


@pytest.mark.parametrize(
    ("field", "bad"),
    [
        ("category", ("Weather",)),
        ("urgency", "Now"),
        ("severity", "Bad"),
        ("certainty", "Sure"),
        ("response_type", ("Run",)),
    ],
)
def test_info_codes_come_from_the_schemas_enumerations(field: str, bad: object) -> None:
    alert = dataclasses.replace(ORIGINAL, infos=(dataclasses.replace(INFOS[0], **{field: bad}),))
    shown = bad[0] if isinstance(bad, tuple) else bad

    assert mentions(problems_of(alert), "/alert/info/", repr(shown), "schema")


def test_a_missing_required_element_is_reported() -> None:
    document = edit(to_xml(ORIGINAL), "<scope>Public</scope>", "")

    assert mentions(validate(document), "/alert", "scope")


def with_area(area: CapArea) -> CapAlert:
    return dataclasses.replace(ORIGINAL, infos=(dataclasses.replace(INFOS[0], areas=(area,)),))


def test_a_polygon_that_is_not_closed_is_reported() -> None:
    open_ring = (*MINATO_POLYGON[:-1], (35.6621, 139.7300))

    assert mentions(problems_of(with_area(CapArea("港区", polygons=(open_ring,)))), "not closed")


def test_a_closed_ring_written_with_different_digits_is_closed() -> None:
    document = edit(
        to_xml(with_area(CapArea("港区", polygons=(MINATO_POLYGON,)))),
        "35.633,139.75 35.662,139.73</polygon>",
        "35.633,139.75 35.6620,139.7300</polygon>",
    )

    assert validate(document) == []


def test_a_polygon_needs_at_least_four_pairs() -> None:
    triangle = ((35.66, 139.73), (35.68, 139.745), (35.66, 139.73))

    assert mentions(
        problems_of(with_area(CapArea("港区", polygons=(triangle,)))),
        "/alert/info/area/polygon",
        "at least 4",
    )


@pytest.mark.parametrize(
    ("point", "reason"),
    [((95.0, 139.75), "latitude 95.0"), ((35.66, 190.0), "longitude 190.0")],
)
def test_polygon_coordinates_are_within_range(point: tuple[float, float], reason: str) -> None:
    ring = (point, *MINATO_POLYGON[1:-1], point)

    assert mentions(problems_of(with_area(CapArea("港区", polygons=(ring,)))), "polygon", reason)


@pytest.mark.parametrize(
    "written", ["35.662;139.73", "35.662,139.73,0", "35.662, 139.73", "1e1,139.73", "north,east"]
)
def test_polygon_pairs_are_latitude_comma_longitude(written: str) -> None:
    document = edit(
        to_xml(with_area(CapArea("港区", polygons=(MINATO_POLYGON,)))),
        "<polygon>35.662,139.73 ",
        f"<polygon>{written} ",
    )

    assert mentions(validate(document), "polygon", "latitude,longitude pair")


@pytest.mark.parametrize(
    ("circle", "reason"),
    [
        ("35.6581,139.7516", "is not a circle"),
        ("35.6581,139.7516 2.5 km", "is not a circle"),
        ("35.6581 139.7516 2.5", "is not a circle"),
        ("35.6581,139.7516 -2.5", "negative"),
        ("-91,139.7516 2.5", "latitude -91"),
    ],
)
def test_circles_are_a_point_and_a_radius(circle: str, reason: str) -> None:
    document = edit(
        to_xml(with_area(CapArea("港区", circles=((35.6581, 139.7516, 2.5),)))),
        "<circle>35.6581,139.7516 2.5</circle>",
        f"<circle>{circle}</circle>",
    )

    assert mentions(validate(document), "circle", reason)


def test_a_ceiling_needs_an_altitude_and_is_not_below_it() -> None:
    assert mentions(problems_of(with_area(CapArea("港区", ceiling=100.0))), "<altitude>")
    assert mentions(problems_of(with_area(CapArea("港区", altitude=500.0, ceiling=100.0))), "below")
    assert problems_of(with_area(CapArea("港区", altitude=0.0, ceiling=100.0))) == []


def test_a_restricted_message_says_who_may_receive_it() -> None:
    restricted = dataclasses.replace(ORIGINAL, scope="Restricted")

    assert mentions(problems_of(restricted), "Restricted", "<restriction>")
    assert problems_of(dataclasses.replace(restricted, restriction="防災関係機関のみ")) == []


def test_a_restriction_is_only_for_restricted_messages() -> None:
    public = dataclasses.replace(ORIGINAL, restriction="防災関係機関のみ")

    assert mentions(problems_of(public), "/alert/restriction", "only when scope is Restricted")


def test_a_private_message_lists_its_addresses() -> None:
    private = dataclasses.replace(ORIGINAL, scope="Private")

    assert mentions(problems_of(private), "Private", "<addresses>")
    addressed = dataclasses.replace(private, addresses=("shiba@example.jp", "Takanawa office"))
    assert problems_of(addressed) == []


def test_quotes_in_addresses_are_balanced() -> None:
    document = edit(
        to_xml(dataclasses.replace(ORIGINAL, scope="Private", addresses=("a b",))),
        '<addresses>"a b"</addresses>',
        '<addresses>"a b</addresses>',
    )

    problems = validate(document)
    assert mentions(problems, "/alert/addresses", "unbalanced")
    assert mentions(problems, "<addresses> must list the recipients")


@pytest.mark.parametrize(
    ("language", "reason"),
    [
        ("Japanese-JP", "first subtag 'Japanese'"),
        ("abcd-JP", "first subtag 'abcd'"),
        ("ja_JP", "not an RFC 3066 language tag"),
        ("ja-JP-x-yasashiinihongo", "not an RFC 3066 language tag"),
    ],
)
def test_info_language_is_an_rfc_3066_tag(language: str, reason: str) -> None:
    alert = dataclasses.replace(ORIGINAL, infos=(dataclasses.replace(INFOS[0], language=language),))

    assert mentions(problems_of(alert), "/alert/info/language", reason)


@pytest.mark.parametrize(
    "language", ["ja", "ja-JP", "en-US", "ja-JP-x-easy", "x-klingon", "i-ainu"]
)
def test_rfc_3066_tags_are_accepted(language: str) -> None:
    alert = dataclasses.replace(ORIGINAL, infos=(dataclasses.replace(INFOS[0], language=language),))

    assert problems_of(alert) == []


def test_an_empty_language_leaves_the_element_out() -> None:
    alert = dataclasses.replace(ORIGINAL, infos=(dataclasses.replace(INFOS[0], language=""),))

    assert b"<language>" not in to_xml(alert)
    assert problems_of(alert) == []


def test_web_is_a_full_absolute_uri() -> None:
    alert = dataclasses.replace(
        ORIGINAL, infos=(dataclasses.replace(INFOS[0], web="/bousai/index.html"),)
    )

    assert mentions(problems_of(alert), "/alert/info/web", "absolute URI")


def test_a_resource_has_an_absolute_uri_and_a_mime_type() -> None:
    resource = CapResource(resource_desc="地図", mime_type="png", uri="map.png")
    alert = dataclasses.replace(
        ORIGINAL, infos=(dataclasses.replace(INFOS[0], resources=(resource,)),)
    )

    problems = problems_of(alert)
    assert mentions(problems, "/alert/info/resource/uri", "absolute URI")
    assert mentions(problems, "/alert/info/resource/mimeType", "type/subtype")


def test_an_error_without_a_note_is_valid_but_advised_against() -> None:
    error = dataclasses.replace(UPDATE, msg_type="Error", infos=())

    assert problems_of(error) == []
    assert mentions(advisories(to_xml(error)), "Error", "<note>")
    assert advisories(to_xml(dataclasses.replace(error, note="参照先が不正です。"))) == []


def test_advisories_name_long_headlines_and_areas_given_only_by_geocode() -> None:
    geocode_only = CapArea("港区", geocodes=(("JIS X 0402", "131032"),))
    info = dataclasses.replace(INFOS[0], headline="大" * 161, areas=(geocode_only,))
    document = to_xml(dataclasses.replace(ORIGINAL, infos=(info,)))

    found = advisories(document)
    assert validate(document) == []
    assert mentions(found, "/alert/info/headline", "161 characters")
    assert mentions(found, "/alert/info/area", "<geocode>")
    assert advisories(to_xml(ORIGINAL)) == []


def test_several_problems_are_all_reported() -> None:
    alert = dataclasses.replace(
        UPDATE, identifier="JP 1", references=(), scope="Restricted", infos=()
    )

    assert len(problems_of(alert)) == 3


# --- Documents that are not CAP 1.2 at all ---------------------------------------------------


def test_a_document_that_is_not_well_formed_is_one_problem() -> None:
    problems = validate(to_xml(ORIGINAL)[:-20])

    assert len(problems) == 1
    assert "not well-formed" in problems[0]


def test_entity_declarations_are_refused() -> None:
    document = (
        b'<?xml version="1.0"?>\n<!DOCTYPE alert [<!ENTITY boom "boom">]>\n'
        b'<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2"><note>&boom;</note></alert>'
    )

    assert mentions(validate(document), "refused", "boom")


def test_another_cap_version_is_not_cap_1_2() -> None:
    document = to_xml(ORIGINAL).replace(b"emergency:cap:1.2", b"emergency:cap:1.1")

    assert mentions(validate(document), "urn:oasis:names:tc:emergency:cap:1.2")


# --- Writing what cannot be written ----------------------------------------------------------


def test_to_xml_refuses_naive_datetimes() -> None:
    with pytest.raises(ValueError, match="naive"):
        to_xml(dataclasses.replace(ORIGINAL, sent=datetime(2026, 12, 6, 10, 0)))


def test_to_xml_refuses_coordinates_that_are_not_numbers() -> None:
    ring = ((float("nan"), 139.73), *MINATO_POLYGON[1:])

    with pytest.raises(ValueError, match="finite"):
        to_xml(with_area(CapArea("港区", polygons=(ring,))))


def test_to_xml_refuses_characters_xml_cannot_carry() -> None:
    with pytest.raises(ValueError, match="cannot carry"):
        to_xml(dataclasses.replace(ORIGINAL, note="bell\x07"))


def test_to_xml_refuses_list_entries_it_cannot_quote() -> None:
    with pytest.raises(ValueError, match="incidents"):
        to_xml(dataclasses.replace(ORIGINAL, incidents=('say "hi"',)))


def test_to_valid_xml_returns_the_document_or_raises_with_the_problems() -> None:
    assert to_valid_xml(ORIGINAL) == to_xml(ORIGINAL)

    with pytest.raises(CapValidationError) as raised:
        to_valid_xml(dataclasses.replace(UPDATE, references=()))
    assert mentions(raised.value.problems, "needs <references>")


def test_the_schema_is_oasiss_with_its_copyright_notice() -> None:
    text = SCHEMA_PATH.read_text(encoding="utf-8")

    assert "<!-- Copyright OASIS Open 2010 All Rights Reserved -->" in text
    assert 'targetNamespace = "urn:oasis:names:tc:emergency:cap:1.2"' in text
    assert 'version = "1.2"' in text
