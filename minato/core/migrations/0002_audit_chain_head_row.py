"""Create the audit chain's head row up front, so the first writers never race to create it."""

from django.db import migrations


def create_head(apps, schema_editor):
    AuditChainHead = apps.get_model("core", "AuditChainHead")
    AuditChainHead.objects.get_or_create(id=1, defaults={"last_sequence": 0, "last_hash": "0" * 64})


def remove_head_if_unused(apps, schema_editor):
    AuditChainHead = apps.get_model("core", "AuditChainHead")
    AuditChainHead.objects.filter(id=1, last_sequence=0).delete()


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]

    operations = [migrations.RunPython(create_head, remove_head_if_unused)]
