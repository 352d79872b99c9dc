"""The actions of CKAN's Action API that the catalogue answers: ``ACTIONS[name](data)``.

Each takes the request's parameters as a dict (strings from a query string, any JSON from a
body) and returns the action's result, or raises one of ``minato.opendata.ckan``'s errors.
Each docstring is what ``help_show`` answers, as CKAN's are.

Results follow CKAN 2.10 (``ckan/logic/action/get.py``); where this catalogue departs, a
comment says why. Datasets are answered from the CKAN package dict each one stores
(``Dataset.document``), so a search page is one query however many results it has.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, NoReturn

from django.conf import settings

from minato.core.translated import localized
from minato.opendata import documents, selectors
from minato.opendata.ckan import (
    MISSING,
    NotAuthorized,
    NotFound,
    SearchQueryError,
    ValidationError,
    boolean,
    datastore,
    integer,
    natural_number,
    string_list,
    text,
)
from minato.opendata.ckan.query import DEFAULT_SORT, package_query, parse_moment
from minato.opendata.models import (
    Group,
    License,
    Organization,
)
from minato.opendata.search import MAX_ROWS, Filter, Query

Action = Callable[[dict[str, Any]], Any]

# The CKAN release whose Action API this one answers like (status_show's ckan_version).
CKAN_VERSION = "2.10.4"
# The CKAN extensions whose actions and pages the catalogue provides: datastore_search here,
# and ckanext-dcat's /catalog.* and dataset .ttl/.rdf/.jsonld addresses (urls_dcat).
EXTENSIONS = ["datastore", "dcat"]
# What package_search passes on to Solr in CKAN (lib/search/query.py VALID_SOLR_PARAMETERS);
# any other parameter is a Search Query Error there, and here.
SOLR_PARAMETERS = frozenset(
    {
        "q",
        "fl",
        "fq",
        "rows",
        "sort",
        "start",
        "wt",
        "qf",
        "bf",
        "boost",
        "facet",
        "facet.mincount",
        "facet.limit",
        "facet.field",
        "extras",
        "fq_list",
        "tie",
        "defType",
        "mm",
        "df",
    }
)
# package_search parameters CKAN takes out before Solr sees them; the catalogue has no
# private or draft datasets to show anyone here, so they change nothing. ``modified_since``
# is this catalogue's own.
SEARCH_OPTIONS = frozenset(
    {"include_private", "include_drafts", "include_deleted", "use_default_schema"}
)
SEARCH_EXTENSIONS = frozenset({"modified_since"})
FACET_LIMIT = 50  # CKAN's search.facets.limit
# CKAN's ckan.group_and_organization_list_max and …_all_fields_max.
GROUP_LIST_MAX = 1000
GROUP_LIST_ALL_FIELDS_MAX = 25
# organization_show and group_show with include_datasets list one package_search page.
INCLUDED_DATASETS = 10
# CKAN's write actions. Asked by GET they are a bad request, as in CKAN; by POST, a refusal
# (CKAN's answer to a client without an API key), so that a client learns the API is
# read-only instead of that the action does not exist.
WRITE_ACTIONS = (
    "package_create",
    "package_update",
    "package_patch",
    "package_revise",
    "package_delete",
    "dataset_purge",
    "resource_create",
    "resource_update",
    "resource_patch",
    "resource_delete",
    "organization_create",
    "organization_update",
    "organization_patch",
    "organization_delete",
    "group_create",
    "group_update",
    "group_patch",
    "group_delete",
    "member_create",
    "member_delete",
    "tag_create",
    "datastore_create",
    "datastore_upsert",
    "datastore_delete",
)


def _facet_fields(data: dict[str, Any]) -> list[str]:
    # CKAN's convert_to_json_if_string and list_of_strings: a JSON list, as a string in a
    # query string, or a list in a JSON body.
    value = data.get("facet.field")
    if value is None:
        return []
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except (ValueError, RecursionError):
            raise ValidationError({"facet.field": ["Could not parse as valid JSON"]}) from None
    if not isinstance(value, list):
        raise ValidationError({"facet.field": ["Not a list"]})
    for item in value:
        if not isinstance(item, str):
            raise ValidationError({"facet.field": [f"Not a string: {item}"]})
    return value


def _string_or_list(data: dict[str, Any], key: str) -> list[str]:
    value = data.get(key)
    if value is None or value == "":
        return []
    values = value if isinstance(value, list) else [value]
    if not all(isinstance(item, str) for item in values):
        raise ValidationError({key: ["Not a list of strings"]})
    return values


def _display_names(facets: dict[str, dict[str, int]]) -> dict[tuple[str, str], str]:
    """What search_facets shows for organisations, groups and licences: their titles."""
    names: dict[tuple[str, str], str] = {}
    if facets.get("organization"):
        for name, title in (
            selectors.organizations()
            .filter(name__in=list(facets["organization"]))
            .values_list("name", "title")
        ):
            names["organization", name] = localized(title, "ja") or name
    if facets.get("groups"):
        for name, title in (
            selectors.groups().filter(name__in=list(facets["groups"])).values_list("name", "title")
        ):
            names["groups", name] = localized(title, "ja") or name
    for value in facets.get("license_id", {}):
        if value in License.values:
            names["license_id", value] = str(License(value).label)
    return names


def _search_facets(facets: dict[str, dict[str, int]]) -> dict[str, Any]:
    display = _display_names(facets)
    restructured = {}
    for field_name, counts in facets.items():
        items: list[dict[str, Any]] = [
            {
                "name": value,
                "display_name": display.get((field_name, value), value),
                "count": count,
            }
            for value, count in counts.items()
        ]
        # CKAN sorts the items by display name, last first.
        items.sort(key=lambda item: item["display_name"], reverse=True)
        restructured[field_name] = {"title": field_name, "items": items}
    return restructured


def package_search(data: dict[str, Any]) -> dict[str, Any]:
    """Search the datasets (packages).

    :param q: the query: free text, ``field:value`` (organization, groups, tags, res_format,
        license_id, name, id, standard), ranges of metadata_modified or metadata_created
        (``[2024-04-01T00:00:00Z TO *]``, ``NOW-7DAYS``), ``-field:value`` to exclude;
        every clause must match (optional, default: every dataset)
    :param fq: more clauses in the same syntax (optional)
    :param fq_list: a list of such strings (optional)
    :param sort: ``field asc|desc`` separated by commas; the fields are score, name,
        title_string, metadata_modified and metadata_created (optional, default:
        ``score desc, metadata_modified desc``)
    :param rows: how many datasets to return, at most 1000 (optional, default: 10)
    :param start: the offset of the first dataset to return (optional, default: 0)
    :param facet.field: a JSON list of the fields to count values of (organization, groups,
        tags, res_format, license_id) (optional)
    :param facet.limit: how many values of each (optional, default: 50; -1: all)
    :param facet.mincount: the smallest count to show (optional, default: 1)
    :param fl: the fields of each result to return (optional, default: the whole dataset)
    :param modified_since: only datasets modified at or after this ISO 8601 time (optional;
        an extension of this catalogue)

    :returns: ``count``, ``facets``, ``results`` (the datasets), ``sort`` and
        ``search_facets``
    """
    # CKAN lowers rows above ckan.search.rows_max (1000) to it without a word; a client that
    # asks for 5000 and gets 1000 silently loses datasets, so the catalogue refuses instead.
    rows = natural_number(data, "rows", 10, maximum=MAX_ROWS)
    start = natural_number(data, "start", 0)
    facet_mincount = natural_number(data, "facet.mincount", 1)
    facet_limit = integer(data, "facet.limit", FACET_LIMIT)
    facet_fields = _facet_fields(data)
    q, fq = text(data, "q"), text(data, "fq")
    fq_list = _string_or_list(data, "fq_list")
    fields = [
        name for value in _string_or_list(data, "fl") for name in value.replace(",", " ").split()
    ]
    sort = data.get("sort")
    sort = DEFAULT_SORT if sort in (None, "rank") else text(data, "sort")
    modified_since = text(data, "modified_since")
    facet = text(data, "facet")
    allowed = SOLR_PARAMETERS | SEARCH_OPTIONS | SEARCH_EXTENSIONS
    unknown = sorted(key for key in data if key not in allowed and not key.startswith("ext_"))
    if unknown:
        raise SearchQueryError(f"Invalid search parameters: {unknown}")

    query = package_query(
        q="" if q.strip() in ('""', "''") else q,
        fq=fq,
        fq_list=fq_list,
        sort=sort,
        start=start,
        rows=rows,
        facet_fields=[] if facet.lower() == "false" else facet_fields,
        facet_limit=facet_limit,
        modified_since=modified_since,
    )
    found = selectors.datasets_search(query)
    facets = {
        field_name: {value: count for value, count in counts.items() if count >= facet_mincount}
        for field_name, counts in found.facets.items()
    }
    results = found.documents
    if fields:
        results = [{name: doc[name] for name in fields if name in doc} for doc in results]
    return {
        "count": found.count,
        "facets": facets,
        "results": results,
        "sort": sort,
        "search_facets": _search_facets(facets),
    }


def package_show(data: dict[str, Any]) -> dict[str, Any]:
    """Return a dataset (package) with its resources.

    :param id: the id or name of the dataset
    :param use_default_schema: ignored (the catalogue has one schema)

    :returns: the dataset
    """
    name_or_id = text(data, "id") or text(data, "name_or_id", required=True)
    dataset = selectors.dataset_public(name_or_id)
    if dataset is None:
        raise NotFound()
    return dataset.document


def package_list(data: dict[str, Any]) -> list[str]:
    """Return the names of the datasets, in name order.

    :param limit: at most this many (optional)
    :param offset: skip this many first (optional)
    :param modified_since: only datasets modified at or after this ISO 8601 time (optional;
        an extension of this catalogue)

    :returns: a list of names
    """
    limit = natural_number(data, "limit", 0)
    offset = natural_number(data, "offset", 0)
    since = text(data, "modified_since")
    try:
        modified_since = parse_moment(since) if since.strip() else None
    except SearchQueryError as error:
        raise ValidationError({"modified_since": [error.message]}) from None
    names = selectors.dataset_names(modified_since=modified_since).values_list("name", flat=True)
    return list(names[offset : offset + limit] if limit else names[offset:])


def current_package_list_with_resources(data: dict[str, Any]) -> list[dict[str, Any]]:
    """Return the datasets with their resources, the most recently modified first.

    :param limit: at most this many (optional, default: 10, at most 1000)
    :param offset: skip this many first (optional)

    :returns: a list of datasets
    """
    limit = natural_number(data, "limit", 10, maximum=None) or 10
    offset = natural_number(data, "offset", 0)
    found = selectors.datasets_search(
        Query(sort=(("metadata_modified", True),), start=offset, rows=min(limit, MAX_ROWS))
    )
    return found.documents


# --- Resources ------------------------------------------------------------------------------


def resource_show(data: dict[str, Any]) -> dict[str, Any]:
    """Return a resource.

    :param id: the id of the resource

    :returns: the resource
    """
    resource_id = selectors.as_uuid(text(data, "id", required=True))
    document = selectors.resource_package(resource_id) if resource_id else None
    if document is None:
        raise NotFound()
    for resource in document.get("resources", []):
        if resource.get("id") == str(resource_id):
            return resource
    raise NotFound("Resource was not found.")


def _datastore_table(resource_id: str) -> datastore.Table | None:
    # Only the hash is read unless the file is not in the cache.
    found = selectors.tabular_content(resource_id)
    if found is None:
        return None
    return datastore.tables.get(found.sha256, lambda: selectors.version_content(found.version_id))


def datastore_search(data: dict[str, Any]) -> dict[str, Any]:
    """Search the rows of a CSV resource.

    :param resource_id: the id of the resource (or ``id``)
    :param q: words every row must contain, or a JSON object of column: words (optional)
    :param full_text: words every row must contain (optional)
    :param filters: a JSON object of column: value or [values] (optional)
    :param fields: the columns to return, a list or comma-separated (optional)
    :param sort: ``column asc|desc`` separated by commas (optional, default: ``_id``)
    :param limit: how many rows (optional, default: 100, at most 32000)
    :param offset: skip this many first (optional)
    :param distinct: only distinct rows (optional, default: false)
    :param include_total: count the matching rows (optional, default: true)
    :param records_format: ``objects``, ``lists``, ``csv`` or ``tsv`` (optional, default:
        ``objects``)

    :returns: ``fields``, ``records``, ``_links`` to the first and next pages, ``total``,
        ``limit`` and the parameters
    """
    resource_id = text(data, "id") or text(data, "resource_id", required=True)
    if not resource_id:
        raise ValidationError({"resource_id": [MISSING]})
    table = _datastore_table(resource_id)
    if table is None:
        raise NotFound(f'Resource "{resource_id}" was not found.')
    return datastore.search(table, data, resource_id=resource_id)


# --- Organisations, groups and tags ---------------------------------------------------------


def _organization(organization: Organization, package_count: int | None) -> dict[str, Any]:
    title = localized(organization.title, "ja")
    found = {
        **documents.organization_document(organization),
        "display_name": title or organization.name,
        "description_translated": documents.translated(organization.description),
        "image_display_url": "",
        "num_followers": 0,
    }
    if package_count is not None:
        found["package_count"] = package_count
    return found


def _group(group: Group, package_count: int | None) -> dict[str, Any]:
    title = localized(group.title, "ja")
    found = {
        "id": str(group.public_id),
        "name": group.name,
        "title": title,
        "title_translated": documents.translated(group.title),
        "display_name": title or group.name,
        "type": "group",
        "description": localized(group.description, "ja"),
        "description_translated": documents.translated(group.description),
        "image_url": "",
        "image_display_url": "",
        "created": documents.ckan_time(group.created_at),
        "is_organization": False,
        "approval_status": "approved",
        "state": "active",
        "num_followers": 0,
    }
    if package_count is not None:
        found["package_count"] = package_count
    return found


def _sort_of_list(data: dict[str, Any]) -> tuple[str, bool]:
    # CKAN's _unpick_search with the fields group_list allows, and one sort criterion.
    sort = (text(data, "sort") or text(data, "order_by") or "title").strip()
    if sort in ("packages", "package_count"):
        sort = "package_count desc"
    parts = [part.split() for part in sort.split(",")]
    if len(parts) > 1:
        raise ValidationError("Too many sort criteria provided only 1 allowed")
    words = parts[0] or ["title"]
    name, direction = words[0], (words[1].lower() if len(words) > 1 else "asc")
    if name not in ("name", "title", "packages", "package_count"):
        raise ValidationError(f"Cannot sort by field `{name}`")
    if direction not in ("asc", "desc"):
        raise ValidationError(f"Invalid sort direction `{direction}`")
    return ("package_count" if name == "packages" else name), direction == "desc"


def _matches_text(needle: str, *values: Any) -> bool:
    for value in values:
        texts = value.values() if isinstance(value, dict) else [value]
        if any(needle in str(item).casefold() for item in texts):
            return True
    return False


def _list(data: dict[str, Any], *, organizations: bool) -> list[Any]:
    limit = natural_number(data, "limit", 0)
    offset = natural_number(data, "offset", 0)
    all_fields = boolean(data, "all_fields")
    # CKAN sorts by title unless told otherwise (ckan.default_group_sort), whatever its
    # docstring says.
    sort, descending = _sort_of_list(data)
    most = GROUP_LIST_ALL_FIELDS_MAX if all_fields else GROUP_LIST_MAX
    limit = most if not limit or limit > most else limit
    wanted = set(string_list(data, "organizations" if organizations else "groups"))
    needle = text(data, "q").strip().casefold()

    field_name = "organization" if organizations else "groups"
    counts = selectors.package_counts(field_name)
    rows: list[Any] = list(selectors.organizations() if organizations else selectors.groups())
    rows = [
        row
        for row in rows
        if (not wanted or row.name in wanted)
        and (not needle or _matches_text(needle, row.name, row.title, row.description))
    ]
    keys: dict[str, Callable[[Any], Any]] = {
        "name": lambda row: row.name,
        "title": lambda row: localized(row.title, "ja"),
        "package_count": lambda row: counts.get(row.name, 0),
    }
    rows.sort(key=lambda row: row.name)
    rows.sort(key=keys[sort], reverse=descending)
    rows = rows[offset : offset + limit]
    if not all_fields:
        return [row.name for row in rows]
    build = _organization if organizations else _group
    return [build(row, counts.get(row.name, 0)) for row in rows]


def organization_list(data: dict[str, Any]) -> list[Any]:
    """Return the organizations (the publishing departments).

    :param sort: ``name``, ``title`` or ``package_count``, then ``asc`` or ``desc``
        (optional, default: ``title asc``)
    :param limit: at most this many (optional, default: 1000, or 25 with all_fields)
    :param offset: skip this many first (optional)
    :param organizations: only these names, a list or comma-separated (optional)
    :param q: only those whose name, title or description contains this (optional)
    :param all_fields: return dictionaries with package_count instead of names (optional,
        default: false)

    :returns: a list of names, or of organizations
    """
    return _list(data, organizations=True)


def group_list(data: dict[str, Any]) -> list[Any]:
    """Return the groups (themes).

    :param sort: ``name``, ``title`` or ``package_count``, then ``asc`` or ``desc``
        (optional, default: ``title asc``)
    :param limit: at most this many (optional, default: 1000, or 25 with all_fields)
    :param offset: skip this many first (optional)
    :param groups: only these names, a list or comma-separated (optional)
    :param q: only those whose name, title or description contains this (optional)
    :param all_fields: return dictionaries with package_count instead of names (optional,
        default: false)

    :returns: a list of names, or of groups
    """
    return _list(data, organizations=False)


def _show(data: dict[str, Any], found: Organization | Group | None) -> dict[str, Any]:
    if found is None:
        raise NotFound()
    include_datasets = boolean(data, "include_datasets")
    count: int | None = None
    packages: list[dict[str, Any]] = []
    if include_datasets or boolean(data, "include_dataset_count", default=True):
        field_name = "organization" if isinstance(found, Organization) else "groups"
        result = selectors.datasets_search(
            Query(
                filters=(Filter(field=field_name, value=found.name),),
                rows=INCLUDED_DATASETS if include_datasets else 0,
            )
        )
        count, packages = result.count, result.documents
    shown = _organization(found, count) if isinstance(found, Organization) else _group(found, count)
    # The members are staff accounts: never published (CKAN lists them as users).
    for name in ("extras", "tags", "groups", "users"):
        if boolean(data, f"include_{name}", default=True):
            shown[name] = []
    if include_datasets:
        shown["packages"] = packages
    return shown


def organization_show(data: dict[str, Any]) -> dict[str, Any]:
    """Return an organization (a publishing department).

    :param id: its id or name
    :param include_datasets: include its first 10 datasets as ``packages`` (optional,
        default: false)
    :param include_dataset_count: include ``package_count`` (optional, default: true)

    :returns: the organization
    """
    return _show(data, selectors.organization(text(data, "id", required=True)))


def group_show(data: dict[str, Any]) -> dict[str, Any]:
    """Return a group (a theme).

    :param id: its id or name
    :param include_datasets: include its first 10 datasets as ``packages`` (optional,
        default: false)
    :param include_dataset_count: include ``package_count`` (optional, default: true)

    :returns: the group
    """
    return _show(data, selectors.group(text(data, "id", required=True)))


def tag_list(data: dict[str, Any]) -> list[Any]:
    """Return the tags of the published datasets, sorted.

    :param query: only tags containing this (optional; also ``q``)
    :param all_fields: return tag dictionaries instead of names (optional, default: false)

    :returns: a list of names, or of tags
    """
    vocabulary = text(data, "vocabulary_id")
    if vocabulary:
        # The catalogue's tags are free tags: no vocabulary exists.
        raise NotFound(f"could not find vocabulary '{vocabulary}'")
    names = selectors.tags((text(data, "query") or text(data, "q")).strip())
    if boolean(data, "all_fields"):
        return [documents.tag_document(name) for name in names]
    return names


# --- The site -------------------------------------------------------------------------------


def status_show(data: dict[str, Any]) -> dict[str, Any]:
    """Return what this site is and which CKAN it answers like.

    :returns: ``site_title``, ``site_description``, ``site_url``, ``ckan_version``,
        ``error_emails_to``, ``locale_default`` and ``extensions``
    """
    municipality = settings.MUNICIPALITY_NAME["ja"]
    return {
        "site_title": f"{municipality}オープンデータカタログ",
        "site_description": f"{municipality}が公開するオープンデータの一覧です。",
        "site_url": settings.SITE_URL,
        "ckan_version": CKAN_VERSION,
        # Errors go to the platform's own monitoring, not to a mailbox a client could use.
        "error_emails_to": None,
        "locale_default": "ja",
        "extensions": EXTENSIONS,
    }


def site_read(data: dict[str, Any]) -> bool:
    """Return true: the site may be read.

    :returns: true
    """
    return True


def help_show(data: dict[str, Any]) -> str | None:
    """Return the help text of an action.

    :param name: the action's name

    :returns: its help text
    """
    action = ACTIONS.get(text(data, "name", required=True))
    if action is None:
        raise NotFound("Action function not found")
    return action.__doc__


def _refuse_write(data: dict[str, Any]) -> NoReturn:
    """This catalogue's API is read-only: datasets are published by the ward's staff in the
    catalogue's console."""
    raise NotAuthorized("this catalogue's API is read-only")


READ_ACTIONS: dict[str, Action] = {
    "package_search": package_search,
    "package_show": package_show,
    "package_list": package_list,
    "current_package_list_with_resources": current_package_list_with_resources,
    "resource_show": resource_show,
    "datastore_search": datastore_search,
    "organization_list": organization_list,
    "organization_show": organization_show,
    "group_list": group_list,
    "group_show": group_show,
    "tag_list": tag_list,
    "status_show": status_show,
    "site_read": site_read,
    "help_show": help_show,
}
# Answers that depend on the datasets' documents alone, kept until one changes (answers.py).
REMEMBERED_ACTIONS = frozenset({"package_search"})
ACTIONS: dict[str, Action] = {
    **READ_ACTIONS,
    **dict.fromkeys(WRITE_ACTIONS, _refuse_write),
}
