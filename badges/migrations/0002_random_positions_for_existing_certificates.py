"""Give every existing certificate a random position in the revocation lists.

Until now a certificate's position was its database id, which tells anyone who sees it
roughly when it was issued and how many came before. Credentials issued before this
migration named that old position; they are derived again on each download, so a learner's
next download names the new one, and the lists set the bits at the new positions only.
"""

import secrets

from django.db import migrations

# Frozen here: the values at the time of this migration (badges.models / badges.services).
STATUS_LIST_BITS = 131_072
STATUS_LIST_FILL_LIMIT = STATUS_LIST_BITS // 2


def allocate(apps, schema_editor):
    Certificate = apps.get_model("certificates", "Certificate")
    StatusListEntry = apps.get_model("badges", "StatusListEntry")
    certificate_ids = list(Certificate.objects.filter(status_entry__isnull=True).order_by("pk")
                           .values_list("pk", flat=True))
    draw = secrets.SystemRandom()
    entries = []
    for list_number, start in enumerate(range(0, len(certificate_ids), STATUS_LIST_FILL_LIMIT)):
        chunk = certificate_ids[start:start + STATUS_LIST_FILL_LIMIT]
        # A sample without replacement: distinct positions within the list, in random order.
        for certificate_id, index in zip(chunk, draw.sample(range(STATUS_LIST_BITS), len(chunk)), strict=True):
            entries.append(StatusListEntry(certificate_id=certificate_id, list_number=list_number, index=index))
    StatusListEntry.objects.bulk_create(entries, batch_size=2000)


class Migration(migrations.Migration):
    dependencies = [
        ("badges", "0001_status_list_entries"),
        ("certificates", "0003_render_generations_and_ready_email_tracking"),
    ]

    operations = [migrations.RunPython(allocate, migrations.RunPython.noop)]
