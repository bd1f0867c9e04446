"""Alumni-office staff administer Alma's records in django-admin without per-model grants."""

from django.contrib.auth.backends import BaseBackend

from alma.accounts.roles import Role, roles_of

ADMINISTERED_APPS = frozenset({"accounts", "people", "activity", "django_tasks_db"})


class AlumniOfficeBackend(BaseBackend):
    def has_perm(self, user_obj, perm, obj=None):  # type: ignore[no-untyped-def]
        if Role.ALUMNI_OFFICE not in roles_of(user_obj):
            return False
        app_label = perm.split(".", 1)[0]
        # Accounts: the office may look but never edit passwords, tokens or superusers.
        if app_label == "accounts":
            return perm.startswith("accounts.view_")
        return app_label in ADMINISTERED_APPS

    def has_module_perms(self, user_obj, app_label):  # type: ignore[no-untyped-def]
        return Role.ALUMNI_OFFICE in roles_of(user_obj) and app_label in ADMINISTERED_APPS
