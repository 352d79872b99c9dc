"""Seed the benchmark database with payments a sandbox webhook can complete, and write the
signed ``payment.succeeded`` events that the ``payments_webhook`` scenario sends.

Issue 4's target is webhook events processed per second (≥ 300/s on 2 cores). An event is
only processed (not answered ``duplicate``, 404 or 409) when it names an existing payment
that is ``started`` at the sandbox provider, reports that payment's amount and has an event
id never seen before; and a processed event moves its payment to ``succeeded``, for good. So
every event can be sent once, and each benchmark run needs a fresh batch.

What this does, on the bench database only (it refuses unless ``BENCHMARK_ENDPOINTS=true``,
PostgreSQL and ``PAYMENTS_SANDBOX_ENABLED``):

1. **Tops up** to ``--count`` (default 20,000, ``BENCH_WEBHOOK_EVENTS``) *unused* bench
   payments: ``started`` sandbox payments with a checkout, for bench applications. Each new
   one is a submitted 粗大ごみ application of the demo resident with a per-item fee (bench
   data, bulk-inserted like ``seed_applications.py``, without audit rows, timeline events or
   notifications; its answers carry ``"_bench": "payments_webhook"``), then paid for
   through the payments services as the resident's "Pay now" does:
   ``payables.for_payer`` → ``services.payment_prepare`` → ``services.payment_start``, which
   opens a checkout at the sandbox provider (audited: ``payment_created``,
   ``payment_started``, ``payment_checkout_opened``). Payments that an earlier run never
   sent an event for are reused.
2. With ``--out FILE``: completes those checkouts at the sandbox's side (as the tester's
   "success" on the hosted page does: ``succeeded``, a transaction id; the sandbox's own
   webhook outbox is not used, the benchmark is the sender) and writes one event per
   payment, one line each: the ``Minato-Sandbox-Signature`` header value, a tab, and the
   JSON body, exactly as ``providers.sandbox`` sends it (``{"id", "type", "created",
   "data": {checkout_id, merchant_reference, amount_yen, transaction_id, decline_code}}``,
   HMAC-SHA256 over ``"<t>.<body>"`` with ``PAYMENTS_SANDBOX_WEBHOOK_SECRET``). Every event
   has a new id. The timestamps are those of this moment; the server refuses them after
   ``PAYMENTS_WEBHOOK_TOLERANCE_SECONDS`` (300), so ``http_bench.py`` signs each run's
   events again just before the run when it knows the secret (``scripts/bench`` exports it).

    DJANGO_SETTINGS_MODULE=config.settings.base DATABASE_URL=postgres://… \\
        BENCHMARK_ENDPOINTS=true PAYMENTS_SANDBOX_WEBHOOK_SECRET=… \\
        .venv/bin/python bench/seed_payments.py [--count 20000] [--out events.txt]

``scripts/bench`` runs it before ``payments_webhook`` (and a full run).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import secrets
import sys
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PROCEDURE = "sodai-gomi"  # 粗大ごみ: a per-item fee (400 yen an item in the demo catalogue)
APPLICANT = "hanako@example.jp"
MARKER = "payments_webhook"  # answers["_bench"] of the applications this script creates
BATCH = 500  # applications per bulk insert, and payments per progress line
PURPOSE = "procedures.application"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--count",
        type=int,
        default=int(os.environ.get("BENCH_WEBHOOK_EVENTS", 20_000)),
        help="unused started payments wanted (and events written)",
    )
    parser.add_argument("--out", help="write the signed events here, one per line")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="processes")
    parser.add_argument("--procedure", default=PROCEDURE, help="procedure slug (with a fee)")
    args = parser.parse_args()

    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
    import django

    django.setup()

    from django.conf import settings
    from django.db import connection, transaction
    from django.utils import timezone

    from minato.accounts.models import User
    from minato.core.references import ALPHABET as REFERENCE_ALPHABET
    from minato.payments import payables, services
    from minato.payments.models import Payment, SandboxCheckout
    from minato.payments.providers import sandbox
    from minato.procedures.applications.services import REFERENCE_LENGTH
    from minato.procedures.forms.selectors import current_form_version
    from minato.procedures.models import Application, Procedure

    if connection.vendor != "postgresql" or not getattr(settings, "BENCHMARK_ENDPOINTS", False):
        print(
            "seed_payments: refusing: only for the benchmark's PostgreSQL database "
            "(BENCHMARK_ENDPOINTS=true, DATABASE_URL=postgres://…)",
            file=sys.stderr,
        )
        return 2
    if not settings.PAYMENTS_SANDBOX_ENABLED or settings.PAYMENTS_PROVIDER != "sandbox":
        print(
            "seed_payments: the sandbox provider must be enabled and selected "
            "(PAYMENTS_SANDBOX_ENABLED=true, PAYMENTS_PROVIDER=sandbox)",
            file=sys.stderr,
        )
        return 2

    procedure = Procedure.objects.filter(slug=args.procedure).first()
    form_version = current_form_version(procedure) if procedure else None
    applicant = User.objects.filter(email=APPLICANT).first()
    if procedure is None or form_version is None or applicant is None:
        print("seed_payments: run `manage.py load_demo` first", file=sys.stderr)
        return 2
    if procedure.fee_type not in ("fixed", "per_item") or not procedure.fee_amount_yen:
        print(f"seed_payments: {procedure.slug} has no fixed or per-item fee", file=sys.stderr)
        return 2

    bench_refs = Application.objects.filter(procedure=procedure, answers___bench=MARKER).values(
        "reference"
    )

    def unused() -> Any:
        return (
            Payment.objects.filter(
                purpose=PURPOSE,
                provider="sandbox",
                status=Payment.Status.STARTED,
                object_ref__in=bench_refs,
            )
            .exclude(provider_reference="")
            .order_by("pk")
        )

    existing = unused().count()
    missing = args.count - existing
    if missing > 0:
        print(
            f"seed_payments: {existing} unused bench payments; adding {missing} "
            f"({procedure.slug} applications, started at the sandbox)",
            flush=True,
        )
        started = time.monotonic()
        rng = random.Random()
        taken = set(Application.objects.exclude(reference=None).values_list("reference", flat=True))
        now = timezone.now()
        fee = procedure.fee_amount_yen

        def reference() -> str:
            while True:
                ref = "".join(rng.choice(REFERENCE_ALPHABET) for _ in range(REFERENCE_LENGTH))
                if ref not in taken:
                    taken.add(ref)
                    return ref

        def application() -> Application:
            count = rng.randint(1, 3)
            return Application(
                reference=reference(),
                procedure_id=procedure.pk,
                form_version_id=form_version.pk,
                applicant_id=applicant.pk,
                department_id=procedure.department_id,
                status=Application.Status.SUBMITTED,
                answers={
                    "_bench": MARKER,
                    "items": [{"item": "bed", "count": count}],
                    "place": "door",
                    "postal_code": "1058511",
                    "address": "芝公園1-5-25",
                    "phone": "0335782111",
                },
                fee_yen=fee * count,
                submitted_at=now - timedelta(minutes=rng.randrange(600)),
                version=1,
            )

        refs: list[str] = []
        while len(refs) < missing:
            size = min(BATCH, missing - len(refs))
            with transaction.atomic():
                apps = Application.objects.bulk_create([application() for _ in range(size)])
            refs += [str(app.reference) for app in apps]
        print(
            f"seed_payments: {len(refs)} applications inserted "
            f"({time.monotonic() - started:.0f} s); paying for them",
            flush=True,
        )

        def pay(chunk: list[str]) -> None:
            """Pay for these applications, as "Pay now" does, one commit per batch (the
            services' own transactions become savepoints: seeding is bound by commits
            otherwise; the sandbox is in-process, so no outside call is held open)."""
            for at in range(0, len(chunk), BATCH):
                with transaction.atomic():
                    for ref in chunk[at : at + BATCH]:
                        payable = payables.for_payer(PURPOSE, ref, applicant)
                        if payable is None:
                            raise SystemExit(f"seed_payments: {ref} is not payable")
                        payment = services.payment_prepare(payable=payable)
                        services.payment_start(payment=payment)
                print(
                    f"seed_payments: [{os.getpid()}] {min(at + BATCH, len(chunk))}/{len(chunk)}"
                    f" ({time.monotonic() - started:.0f} s)",
                    flush=True,
                )

        jobs = max(1, min(args.jobs, len(refs) // BATCH or 1))
        if jobs == 1:
            pay(refs)
        else:
            connection.close()  # each child opens its own
            children = []
            for job in range(jobs):
                pid = os.fork()
                if pid == 0:  # the child: its share, then leave without cleanup
                    code = 0
                    try:
                        pay(refs[job::jobs])
                    except BaseException as exc:  # reported, then exit 1
                        print(f"seed_payments: [{os.getpid()}] failed: {exc!r}", file=sys.stderr)
                        code = 1
                    finally:
                        connection.close()
                        os._exit(code)
                children.append(pid)
            failed = [pid for pid in children if os.waitpid(pid, 0)[1] != 0]
            if failed:
                print("seed_payments: a seeding process failed", file=sys.stderr)
                return 1
        with connection.cursor() as cursor:
            for table in ("payments_payment", "payments_sandboxcheckout", "procedures_application"):
                cursor.execute(f"ANALYZE {table}")
        print(
            f"seed_payments: {missing} payments added in {time.monotonic() - started:.1f} s",
            flush=True,
        )
    else:
        print(f"seed_payments: {existing} unused bench payments there; nothing to add")

    if not args.out:
        return 0

    # The provider's side: the tester chose "success" on the hosted page. Done here rather than
    # with sandbox.checkout_choose, which would also queue the sandbox's own webhooks.
    payments = list(unused().values("reference", "provider_reference", "amount_yen")[: args.count])
    checkouts = {
        c.checkout_id: c
        for c in SandboxCheckout.objects.filter(
            checkout_id__in=[p["provider_reference"] for p in payments]
        )
    }
    now = timezone.now()
    to_complete = []
    for checkout in checkouts.values():
        if checkout.status != SandboxCheckout.Status.SUCCEEDED:
            checkout.status = SandboxCheckout.Status.SUCCEEDED
            checkout.completed_at = now
            checkout.transaction_id = "sbx_pi_" + secrets.token_urlsafe(12)
            checkout.updated_at = now
            to_complete.append(checkout)
    with transaction.atomic():
        SandboxCheckout.objects.bulk_update(
            to_complete,
            ["status", "completed_at", "transaction_id", "updated_at"],
            batch_size=BATCH,
        )

    secret = settings.PAYMENTS_SANDBOX_WEBHOOK_SECRET
    timestamp = int(time.time())
    out = Path(args.out)
    with out.open("w", encoding="utf-8") as fh:
        for payment in payments:
            checkout = checkouts[payment["provider_reference"]]
            if checkout.amount_yen != payment["amount_yen"]:
                raise SystemExit(f"seed_payments: checkout {checkout.checkout_id}: amount differs")
            body = json.dumps(
                {
                    "id": "sbx_evt_" + secrets.token_urlsafe(12),
                    "type": "payment.succeeded",
                    "created": timestamp,
                    "data": {
                        "checkout_id": checkout.checkout_id,
                        "merchant_reference": checkout.merchant_reference,
                        "amount_yen": checkout.amount_yen,
                        "transaction_id": checkout.transaction_id,
                        "decline_code": checkout.decline_code,
                    },
                },
                ensure_ascii=False,
            ).encode()
            header = sandbox.sign(secret, timestamp, body)
            fh.write(f"{header}\t{body.decode()}\n")
    print(
        f"seed_payments: {len(payments)} signed payment.succeeded events in {out} "
        f"(t={timestamp}; {len(to_complete)} checkouts completed at the sandbox)",
        flush=True,
    )
    if len(payments) < args.count:
        print(f"seed_payments: only {len(payments)} of {args.count} events", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
