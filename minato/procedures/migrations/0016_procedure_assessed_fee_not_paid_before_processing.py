from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("procedures", "0015_procedure_payment_timing_defaults")]

    operations = [
        migrations.AddConstraint(
            model_name="procedure",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("fee_type", "assessed"),
                    ("payment_timing", "before_processing"),
                    _negated=True,
                ),
                name="procedure_assessed_fee_not_paid_before_processing",
            ),
        ),
    ]
