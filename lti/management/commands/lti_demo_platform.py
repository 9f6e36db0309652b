from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from lti.demo import demo_platform_ensure
from lti.services import tool_key_ensure


class Command(BaseCommand):
    help = "Create the demo LMS registration (idempotent). Refuses to run with DEBUG off."

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("The demo LMS registration is for `make run` only.")
        registration = demo_platform_ensure()
        tool_key_ensure()
        self.stdout.write(f"Demo LMS registration: {registration.name} ({registration.issuer})")
