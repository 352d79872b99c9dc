import os

from django.core.asgi import get_asgi_application

from minato.core.checks import refuse_public_secrets

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
application = get_asgi_application()
# Application servers run no system checks: refuse the demo's public secrets here.
refuse_public_secrets()
