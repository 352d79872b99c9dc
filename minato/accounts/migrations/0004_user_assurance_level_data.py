"""Fill User.assurance_level from each person's identities (the highest level)."""

from django.db import migrations
from django.db.models import Max, OuterRef, Subquery


def fill(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    Identity = apps.get_model("accounts", "Identity")
    highest = (
        Identity.objects.filter(user=OuterRef("pk"))
        .values("user")
        .annotate(level=Max("assurance_level"))
        .values("level")
    )
    User.objects.filter(identities__isnull=False).update(assurance_level=Subquery(highest))


class Migration(migrations.Migration):
    dependencies = [("accounts", "0003_user_assurance_level")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
