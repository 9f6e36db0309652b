from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts and CME profiles"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from accounts.middleware import start_staff_idle_clock

        user_logged_in.connect(start_staff_idle_clock, dispatch_uid="accounts_start_staff_idle_clock")
