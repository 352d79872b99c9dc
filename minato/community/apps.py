from django.apps import AppConfig


class CommunityConfig(AppConfig):
    name = "minato.community"
    label = "community"
    verbose_name = "Neighbourhood associations and digital circular boards"
