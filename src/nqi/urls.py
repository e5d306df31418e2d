from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog

from nqi.committees.api import router as committees_router
from nqi.core import views as core_views
from nqi.core.api import api
from nqi.metrology.api import router as metrology_router
from nqi.metrology.views import certificates as certificate_views
from nqi.organizations.api import router as organizations_router
from nqi.standards.api import router as standards_router
from nqi.standards.national.api import router as national_router

api.add_router("/", organizations_router)
api.add_router("/national/", national_router)
api.add_router("/committees/", committees_router)
api.add_router("/metrology/", metrology_router)
# last: its /committees/{committee_id} must not shadow the literal /committees/… paths above
api.add_router("/", standards_router)

urlpatterns = [
    path("", core_views.home, name="home"),
    path("search/", core_views.search, name="search"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path("accounts/password/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("accounts/tokens/", core_views.api_tokens, name="api-tokens"),
    path("about/", core_views.about, name="about"),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("", include("nqi.organizations.urls")),
    path("", include("nqi.standards.urls")),
    path("national/", include("nqi.standards.national.urls")),
    path("", include("nqi.committees.urls")),
    path("metrology/", include("nqi.metrology.urls")),
    *certificate_views.public_urlpatterns,
]

handler404 = "nqi.core.views.not_found"
handler403 = "nqi.core.views.forbidden"
