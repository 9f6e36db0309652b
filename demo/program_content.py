"""What the demo cohort program says: its fictional institutions and residents, the program's
texts, the session agendas and the projects. demo/programs.py builds the program from it."""

from dataclasses import dataclass

# The smallest PDF a reader opens: one empty page. Letters of support and final reports are
# checked by their first bytes, so the demo's files are real PDFs.
DEMO_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 612 792]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)

# Fictional schools: (name, short name). Riverside is on the demo learner's profile.
INSTITUTIONS = (
    ("Lakeshore University School of Medicine", "Lakeshore"),
    ("Riverside University College of Medicine", "Riverside"),
    ("Harbor Point College of Medicine", "Harbor Point"),
    ("Summit Ridge University School of Medicine", "Summit Ridge"),
)


@dataclass(frozen=True)
class Resident:
    first_name: str
    last_name: str
    institution: str  # short name
    residency_program: str
    training_year: int

    @property
    def email(self) -> str:
        return f"{self.first_name}.{self.last_name}@residents.docere.local".lower().replace(" ", "-")


LEARNER = Resident("Maya", "Okonkwo-Reyes", "Riverside", "Internal Medicine", 2)
# The current cohort besides the demo learner; the first misses the past session.
COHORT = (
    Resident("Amara", "Bello", "Lakeshore", "Pediatrics", 1),
    Resident("Jordan", "Ellis-Whitehorse", "Lakeshore", "Family Medicine", 2),
    Resident("Luis", "Carrillo Vega", "Riverside", "Emergency Medicine", 3),
    Resident("Kiana", "Makoa", "Harbor Point", "Obstetrics and Gynecology", 2),
    Resident("Tomás", "Herrera", "Harbor Point", "Psychiatry", 3),
    Resident("Naomi", "Begay", "Summit Ridge", "General Surgery", 2),
    Resident("Adaeze", "Nwosu", "Summit Ridge", "Internal Medicine", 1),
)
# Next year's applicants, waiting in the director's queue; the last is waitlisted.
APPLICANTS = (
    Resident("Imani", "Brooks", "Lakeshore", "Pediatrics", 1),
    Resident("Rafael", "Ortiz", "Summit Ridge", "Family Medicine", 2),
    Resident("Leilani", "Kahale", "Harbor Point", "Internal Medicine", 1),
    Resident("Samuel", "Yazzie", "Riverside", "Emergency Medicine", 2),
)
STATEMENT = (
    "I want to build a peer mentoring network for residents who, like me, are the first in "
    "their family in medicine, and to learn how to move an idea through my department's committees."
)

DESCRIPTION = """\
A year of learning together for residents from backgrounds underrepresented in medicine.

- **Curriculum**: Docere courses on inclusive teaching and leading equity projects, and
  monthly live sessions with the whole cohort.
- **Mentoring**: each participant is paired with a leader in academic medicine.
- **A project at home**: every participant leads a health equity project at their own
  institution, with milestones, a final report and feedback from the facilitators.
"""
ELIGIBILITY = """\
Residents in any specialty, PGY-1 to PGY-4, at one of the four participating institutions,
who identify as underrepresented in medicine or whose work serves communities that are.
A letter of support from your residency program director is required.
"""
PAST_AGENDA = (
    "Welcome and introductions; what health equity leadership asks of a resident; small-group work on project ideas."
)
TODAY_AGENDA = "Project check-ins in pairs; panel: getting a project through department committees; next steps."
NEXT_AGENDA = "Measuring what changed: simple evaluation designs for equity projects; writing the final report."

PROJECTS = {
    # participant's last name: (title, aim)
    LEARNER.last_name: (
        "Mentoring circles for first-generation residents",
        "Fewer first-generation internal medicine residents feel alone in their first year.",
    ),
    "Begay": (
        "Interpreters on time in the surgical clinic",
        "Patients who prefer a language other than English meet their interpreter before consent, every time.",
    ),
    "Carrillo Vega": (
        "Spanish-language discharge teaching in the emergency department",
        "Spanish-speaking patients leave the ED knowing their medicines and when to come back.",
    ),
    "Makoa": (
        "Holistic review training for residency interviewers",
        "Interviewers at Harbor Point score applicants on what predicts success, not on pedigree.",
    ),
}
