from django.apps import AppConfig


class LtiConfig(AppConfig):
    name = "lti"
    label = "docere_lti"
    verbose_name = "LTI 1.3"
