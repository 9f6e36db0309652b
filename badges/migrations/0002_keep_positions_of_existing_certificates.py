"""Record the revocation-list position of every certificate that existed before positions
were drawn at random.

Until now a certificate's position was derived from its database id (list = id // 131,072,
index = id % 131,072). Credentials carrying that position are already in learners' wallets
and on employers' files, and a verifier reads the bit at the position the credential names,
so those certificates keep it: moving them would leave every credential already handed out
pointing at a bit that never changes, and a revocation would go unseen. Only certificates
issued from now on get a random position (badges.services.status_entry_for); the unique
(list, index) constraint keeps a random draw off the positions recorded here.
"""

from django.db import migrations

# Frozen here: the list size at the time of this migration (badges.models).
STATUS_LIST_BITS = 131_072


def record_existing_positions(apps, schema_editor):
    Certificate = apps.get_model("certificates", "Certificate")
    StatusListEntry = apps.get_model("badges", "StatusListEntry")
    certificate_ids = Certificate.objects.filter(status_entry__isnull=True).values_list("pk", flat=True)
    StatusListEntry.objects.bulk_create(
        (
            StatusListEntry(certificate_id=pk, list_number=pk // STATUS_LIST_BITS, index=pk % STATUS_LIST_BITS)
            for pk in certificate_ids.iterator()
        ),
        batch_size=2000,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("badges", "0001_status_list_entries"),
        ("certificates", "0003_render_generations_and_ready_email_tracking"),
    ]

    operations = [migrations.RunPython(record_existing_positions, migrations.RunPython.noop)]
