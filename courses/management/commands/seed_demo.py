from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from accounts import services as account_services


class Command(BaseCommand):
    help = "Create the demo accounts and demo content (idempotent). Refuses to run with DEBUG off."

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("seed_demo creates accounts with published passwords; it never runs with DEBUG off.")
        account_services.demo_accounts_ensure()
        self.stdout.write(
            f"Demo admin:   {account_services.DEMO_ADMIN_EMAIL} / {account_services.DEMO_ADMIN_PASSWORD}\n"
            f"Demo learner: {account_services.DEMO_LEARNER_EMAIL} / {account_services.DEMO_LEARNER_PASSWORD}"
        )
