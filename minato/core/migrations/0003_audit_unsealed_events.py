"""Audit events are written unsealed and sealed later in batches (decision 0005).

``hash`` and ``prev_hash`` may be empty (unsealed), so ``hash`` is unique only once set; a
small partial index lists the unsealed rows for the sealer; on PostgreSQL a sequence hands
out the provisional numbers of unsealed rows without any lock.
"""

from django.db import migrations, models

PENDING_SEQUENCE = "core_auditevent_pending_seq"


def create_pending_sequence(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"CREATE SEQUENCE IF NOT EXISTS {PENDING_SEQUENCE}")


def drop_pending_sequence(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP SEQUENCE IF EXISTS {PENDING_SEQUENCE}")


class Migration(migrations.Migration):
    dependencies = [("core", "0002_audit_chain_head_row")]

    operations = [
        migrations.AlterField(
            model_name="auditevent",
            name="hash",
            field=models.CharField(blank=True, max_length=64),
        ),
        migrations.AlterField(
            model_name="auditevent",
            name="prev_hash",
            field=models.CharField(blank=True, max_length=64),
        ),
        migrations.AddIndex(
            model_name="auditevent",
            index=models.Index(
                condition=models.Q(("hash", "")), fields=["id"], name="audit_unsealed"
            ),
        ),
        migrations.AddConstraint(
            model_name="auditevent",
            constraint=models.UniqueConstraint(
                condition=models.Q(("hash", ""), _negated=True),
                fields=("hash",),
                name="audit_hash_unique",
            ),
        ),
        migrations.RunPython(create_pending_sequence, drop_pending_sequence, elidable=False),
    ]
