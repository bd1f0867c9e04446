"""django-admin for alumni-office staff: the role, not the is_staff flag, opens it."""

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _


class AlmaAdminSite(admin.AdminSite):
    site_header = _("Alma — alumni office")
    site_title = _("Alma administration")
    index_title = _("Records")

    def has_permission(self, request: HttpRequest) -> bool:
        from alma.accounts.roles import Role, roles_of

        return request.user.is_active and Role.ALUMNI_OFFICE in roles_of(request.user)


class AlmaAdminConfig(AdminConfig):
    default_site = "alma.admin_site.AlmaAdminSite"
