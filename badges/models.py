"""Where each certificate's credential stands in Docere's revocation lists."""

from django.db import models
from django.db.models import Q
from django.utils import timezone

from certificates.models import Certificate

# Bitstring Status List v1.0 §2.2 and §6.1: a list is at least 16 KB (131,072 entries), so one list
# hides each credential among that many others.
STATUS_LIST_BITS = 131_072


class StatusListEntry(models.Model):
    """A certificate's position (list, index) in the revocation status lists.

    Bitstring Status List v1.0 says indexes SHOULD be assigned at random, so a position says
    nothing about when a certificate was issued or how many came before it. A position is
    never handed out twice: when its certificate is deleted the row stays, without a
    certificate, and the bit stays set (a credential whose certificate is gone is revoked).
    """

    list_number = models.PositiveIntegerField()
    index = models.PositiveIntegerField()
    certificate = models.OneToOneField(
        Certificate, on_delete=models.SET_NULL, null=True, blank=True, related_name="status_entry"
    )
    allocated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name_plural = "status list entries"
        constraints = [
            models.UniqueConstraint(fields=["list_number", "index"], name="status_position_used_once"),
            models.CheckConstraint(name="status_index_within_list", condition=Q(index__lt=STATUS_LIST_BITS)),
        ]

    def __str__(self) -> str:
        return f"list {self.list_number}, index {self.index}"
