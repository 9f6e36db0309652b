from django.apps import AppConfig
from django.conf import settings


class BadgesConfig(AppConfig):
    name = "badges"
    verbose_name = "Open Badges"

    def ready(self):
        if not settings.DEBUG:
            # lms.env has checked that each key file can be read; a file that is not a usable
            # key stops the process here too, instead of at the first credential it would sign.
            from badges import keys

            keys.published_keys()
