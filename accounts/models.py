from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q

from accounts.validators import validate_npi


class User(AbstractUser):
    """Django's user; email is the login (allauth). Kept as our own model so it can grow."""

    class Meta:
        db_table = "accounts_user"


class Credential(models.TextChoices):
    MD = "MD", "MD"
    DO = "DO", "DO"
    MBBS = "MBBS", "MBBS"
    PHD = "PhD", "PhD"
    PA = "PA", "PA"
    NP = "NP", "NP"
    RN = "RN", "RN"
    PHARMD = "PharmD", "PharmD"
    OTHER = "other", "Other"


class Profession(models.TextChoices):
    # Decides the certificate: AMA PRA Category 1 Credit™ for physicians, a certificate
    # of participation for everyone else.
    PHYSICIAN = "physician", "Physician"
    OTHER_HEALTH_PROFESSIONAL = "other_hp", "Other health professional"


class CertifyingBoard(models.TextChoices):
    NONE = "", "None"
    ABA = "ABA", "American Board of Anesthesiology (ABA)"
    ABFM = "ABFM", "American Board of Family Medicine (ABFM)"
    ABIM = "ABIM", "American Board of Internal Medicine (ABIM)"
    ABOHNS = "ABOHNS", "American Board of Otolaryngology – Head and Neck Surgery (ABOHNS)"
    ABOS = "ABOS", "American Board of Orthopaedic Surgery (ABOS)"
    ABP = "ABP", "American Board of Pediatrics (ABP)"
    ABPATH = "ABPath", "American Board of Pathology (ABPath)"
    ABPN = "ABPN", "American Board of Psychiatry and Neurology (ABPN)"
    ABS = "ABS", "American Board of Surgery (ABS)"
    ABTS = "ABTS", "American Board of Thoracic Surgery (ABTS)"
    OTHER = "other", "Another board"


US_STATES = [
    ("AL", "Alabama"),
    ("AK", "Alaska"),
    ("AZ", "Arizona"),
    ("AR", "Arkansas"),
    ("CA", "California"),
    ("CO", "Colorado"),
    ("CT", "Connecticut"),
    ("DE", "Delaware"),
    ("DC", "District of Columbia"),
    ("FL", "Florida"),
    ("GA", "Georgia"),
    ("HI", "Hawaii"),
    ("ID", "Idaho"),
    ("IL", "Illinois"),
    ("IN", "Indiana"),
    ("IA", "Iowa"),
    ("KS", "Kansas"),
    ("KY", "Kentucky"),
    ("LA", "Louisiana"),
    ("ME", "Maine"),
    ("MD", "Maryland"),
    ("MA", "Massachusetts"),
    ("MI", "Michigan"),
    ("MN", "Minnesota"),
    ("MS", "Mississippi"),
    ("MO", "Missouri"),
    ("MT", "Montana"),
    ("NE", "Nebraska"),
    ("NV", "Nevada"),
    ("NH", "New Hampshire"),
    ("NJ", "New Jersey"),
    ("NM", "New Mexico"),
    ("NY", "New York"),
    ("NC", "North Carolina"),
    ("ND", "North Dakota"),
    ("OH", "Ohio"),
    ("OK", "Oklahoma"),
    ("OR", "Oregon"),
    ("PA", "Pennsylvania"),
    ("PR", "Puerto Rico"),
    ("RI", "Rhode Island"),
    ("SC", "South Carolina"),
    ("SD", "South Dakota"),
    ("TN", "Tennessee"),
    ("TX", "Texas"),
    ("UT", "Utah"),
    ("VT", "Vermont"),
    ("VA", "Virginia"),
    ("WA", "Washington"),
    ("WV", "West Virginia"),
    ("WI", "Wisconsin"),
    ("WY", "Wyoming"),
]


class Profile(models.Model):
    """The CME profile: what certificates print and what boards need to match a learner."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile")
    first_name = models.CharField(max_length=100, blank=True)
    last_name = models.CharField(max_length=100, blank=True)
    certificate_name = models.CharField(
        "full name on certificates",
        max_length=200,
        blank=True,
        help_text="Exactly as it must appear on your certificates, e.g. “Maria J. Alvarez-Reyes”.",
    )
    credentials = models.CharField("degree / credentials", max_length=10, choices=Credential.choices, blank=True)
    profession = models.CharField(max_length=10, choices=Profession.choices, blank=True)
    institution = models.CharField(max_length=200, blank=True)
    specialty = models.CharField(max_length=120, blank=True)
    npi = models.CharField("NPI", max_length=10, blank=True, validators=[validate_npi])
    licence_state = models.CharField("licence state", max_length=2, choices=US_STATES, blank=True)
    licence_number = models.CharField("licence number", max_length=40, blank=True)
    certifying_board = models.CharField(max_length=10, choices=CertifyingBoard.choices, blank=True)
    board_id = models.CharField("board ID", max_length=40, blank=True)
    # Boards ask for MM/DD only; the year is never stored.
    birth_month = models.PositiveSmallIntegerField(null=True, blank=True)
    birth_day = models.PositiveSmallIntegerField(null=True, blank=True)
    reporting_consent = models.BooleanField(
        "I consent to Docere reporting my completions to ACCME and my certifying board", default=False
    )
    reporting_consent_changed_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                name="profile_birth_month_and_day_together",
                condition=Q(birth_month__isnull=True, birth_day__isnull=True)
                | Q(birth_month__isnull=False, birth_day__isnull=False),
            ),
            models.CheckConstraint(
                name="profile_birth_month_range",
                condition=Q(birth_month__isnull=True) | Q(birth_month__gte=1, birth_month__lte=12),
            ),
            # February 29 is a valid birthday, so 29 is allowed for month 2.
            models.CheckConstraint(
                name="profile_birth_day_fits_month",
                condition=Q(birth_day__isnull=True)
                | (Q(birth_day__gte=1) & Q(birth_day__lte=29) & Q(birth_month=2))
                | (Q(birth_day__gte=1) & Q(birth_day__lte=30) & Q(birth_month__in=[4, 6, 9, 11]))
                | (Q(birth_day__gte=1) & Q(birth_day__lte=31) & Q(birth_month__in=[1, 3, 5, 7, 8, 10, 12])),
            ),
            models.CheckConstraint(
                name="profile_npi_ten_digits_or_blank",
                condition=Q(npi="") | Q(npi__regex=r"^[0-9]{10}$"),
            ),
        ]

    def __str__(self) -> str:
        return self.certificate_name or self.user.email

    @property
    def is_physician(self) -> bool:
        return self.profession == Profession.PHYSICIAN

    @property
    def birth_month_day(self) -> str:
        if self.birth_month is None:
            return ""
        return f"{self.birth_month:02d}/{self.birth_day:02d}"
