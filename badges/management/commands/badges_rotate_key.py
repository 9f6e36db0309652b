from django.core.management.base import BaseCommand, CommandError

from badges import services


class Command(BaseCommand):
    help = "Generate a new Open Badges signing key; older keys stay published for old credentials."

    def handle(self, *args, **options):
        try:
            key = services.signing_key_rotate()
        except services.KeyRotationError as error:
            raise CommandError(error.message) from error
        self.stdout.write(f"New credentials are now signed with {key.kid}")
