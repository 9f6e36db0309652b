from django.core.management.base import BaseCommand

from library.services import demo_resource_ensure


class Command(BaseCommand):
    help = "Create the resource library's demo document (idempotent)."

    def handle(self, *args, **options):
        resource = demo_resource_ensure()
        self.stdout.write(f"Demo resource: {resource.title} ({resource.file.name})")
