"""DCAT-AP at fixed addresses outside the language prefixes (mounted at the site root), the
paths ckanext-dcat uses: /catalog.{ttl,rdf,jsonld} and /opendata/dataset/<name>.{…}."""

from django.urls import re_path

from minato.opendata.views import dcat

app_name = "dcat"

_FORMAT = r"(?P<fmt>ttl|rdf|jsonld)"

urlpatterns = [
    re_path(rf"^catalog\.{_FORMAT}$", dcat.catalogue, name="catalogue"),
    # A dataset's name has no dot (models.NAME_PATTERN), so its page stays at .../<name>/.
    re_path(
        rf"^opendata/dataset/(?P<name>[-a-zA-Z0-9_]+)\.{_FORMAT}$", dcat.dataset, name="dataset"
    ),
]
