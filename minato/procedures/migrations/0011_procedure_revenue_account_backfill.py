"""Give every procedure with a fee the revenue account (歳入科目) its payments were booked to
until now, so the constraint that follows holds.

Until this release the account came from a table in payments keyed by slug, and a slug it did
not know fell back to その他手数料 (13-02-09-01) without a word. This copies that result once,
explicitly: finance should review every procedure left on 13-02-09-01 and set its own account
in the console's catalogue entry (the demo's are set again by ``load_demo``)."""

from django.db import migrations

OTHER_FEES = ("13-02-09-01", "使用料及手数料 手数料 その他手数料")
# The table payments used (minato/payments/account_codes.py), frozen here.
BY_SLUG = {
    "sodai-gomi": ("13-02-05-02", "使用料及手数料 手数料 清掃手数料 粗大ごみ処理手数料"),
    "juminhyo": ("13-02-01-01", "使用料及手数料 手数料 総務手数料 戸籍住民基本台帳手数料"),
    "koseki": ("13-02-01-01", "使用料及手数料 手数料 総務手数料 戸籍住民基本台帳手数料"),
    "inkan-shomei": ("13-02-01-02", "使用料及手数料 手数料 総務手数料 印鑑証明手数料"),
    "inu-toroku": ("13-02-04-01", "使用料及手数料 手数料 衛生手数料 犬登録手数料"),
}


def backfill(apps, schema_editor):
    Procedure = apps.get_model("procedures", "Procedure")
    for procedure in Procedure.objects.exclude(fee_type="none").filter(revenue_account_code=""):
        code, name = BY_SLUG.get(procedure.slug, OTHER_FEES)
        procedure.revenue_account_code = code
        procedure.revenue_account_name = name
        procedure.save(update_fields=["revenue_account_code", "revenue_account_name"])


class Migration(migrations.Migration):
    dependencies = [("procedures", "0010_procedure_revenue_account")]

    # Going back drops the columns (0010), so there is nothing to undo here.
    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
