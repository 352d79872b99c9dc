"""Name the revenue account (歳入科目) of payments made before payments stored it: the names of
the table payments used until then (minato/payments/account_codes.py), frozen here."""

from django.db import migrations

NAMES = {
    "13-02-09-01": "使用料及手数料 手数料 その他手数料",
    "13-02-05-02": "使用料及手数料 手数料 清掃手数料 粗大ごみ処理手数料",
    "13-02-01-01": "使用料及手数料 手数料 総務手数料 戸籍住民基本台帳手数料",
    "13-02-01-02": "使用料及手数料 手数料 総務手数料 印鑑証明手数料",
    "13-02-04-01": "使用料及手数料 手数料 衛生手数料 犬登録手数料",
}


def backfill(apps, schema_editor):
    Payment = apps.get_model("payments", "Payment")
    for code, name in NAMES.items():
        Payment.objects.filter(account_code=code, account_name="").update(account_name=name)


class Migration(migrations.Migration):
    dependencies = [("payments", "0003_payment_account_name")]

    # Going back drops the column (0003), so there is nothing to undo here.
    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
