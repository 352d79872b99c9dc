from django.db import migrations, models


def fill_facet_match(apps, schema_editor):  # type: ignore[no-untyped-def]
    # The same folding as minato.opendata.search.folded, written out: a migration must not
    # change when the app's code does.
    lower = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")
    Dataset = apps.get_model("opendata", "Dataset")
    datasets = list(Dataset.objects.only("pk", "facet_text"))
    for dataset in datasets:
        dataset.facet_match = dataset.facet_text.translate(lower)
    Dataset.objects.bulk_update(datasets, ["facet_match"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [
        ("opendata", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="dataset",
            name="facet_match",
            field=models.TextField(blank=True, editable=False),
        ),
        migrations.RunPython(fill_facet_match, migrations.RunPython.noop),
    ]
