"""Give existing procedures the payment timing their fee implies (as
``catalogue.services.default_payment_timing`` does for new ones): an assessed fee is paid once
approved, a fee of a procedure not done online at the counter, any other before processing
(the field's default)."""

from django.db import migrations


def set_defaults(apps, schema_editor):
    Procedure = apps.get_model("procedures", "Procedure")
    Procedure.objects.filter(fee_type="assessed").update(payment_timing="after_approval")
    Procedure.objects.filter(fee_type__in=["fixed", "per_item"]).exclude(
        availability="online"
    ).update(payment_timing="at_counter")


class Migration(migrations.Migration):
    dependencies = [("procedures", "0014_procedure_payment_timing")]

    # Going back drops the column (0014), so there is nothing to undo here.
    operations = [migrations.RunPython(set_defaults, migrations.RunPython.noop)]
