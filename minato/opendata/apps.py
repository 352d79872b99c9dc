from django.apps import AppConfig


class OpendataConfig(AppConfig):
    name = "minato.opendata"
    label = "opendata"
    verbose_name = "Open data catalogue (CKAN-compatible, DCAT)"
    # Nothing here reads a resident's data: the catalogue publishes the ward's own data.
    resident_access_labels: dict[str, str] = {}
