from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import User

from portal.models import Department, Profile, RoleMapping


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    search_fields = ["name"]


class ProfileInline(admin.StackedInline):
    model = Profile
    fk_name = "user"
    can_delete = False
    autocomplete_fields = ["department", "manager"]
    readonly_fields = ["oidc_issuer", "oidc_subject"]


@admin.register(RoleMapping)
class RoleMappingAdmin(admin.ModelAdmin):
    list_display = ["group_id", "role", "note"]
    list_filter = ["role"]
    search_fields = ["group_id", "note"]


class PortalUserAdmin(UserAdmin):
    inlines = [ProfileInline]
    list_display = ["username", "first_name", "last_name", "email", "department", "is_staff"]
    list_select_related = ["profile__department"]

    @admin.display(description="Afdeling", ordering="profile__department__name")
    def department(self, user: User) -> str:
        profile = getattr(user, "profile", None)
        return str(profile.department) if profile and profile.department else "–"


admin.site.unregister(User)
admin.site.register(User, PortalUserAdmin)
