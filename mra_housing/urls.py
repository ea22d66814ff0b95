"""Top-level URLs: pages per app, the API under /api/v1/, health and the admin."""

from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import set_language
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from accounts.api import MeApi
from accounts.twofactor import two_factor_exempt
from accounts.views import LoginView
from core.health import healthz
from figures.api import (
    YearFiguresApi,
    YearFiguresConfirmApi,
    YearFiguresSubmitApi,
    YearFiguresValidateApi,
)
from home.views import home
from municipalities.api import MunicipalityListApi, SubRegionListApi
from target_groups.api import TargetGroupListApi

api_v1 = [
    path("municipalities/", MunicipalityListApi.as_view(), name="api-municipalities"),
    path("subregions/", SubRegionListApi.as_view(), name="api-subregions"),
    path("target-groups/", TargetGroupListApi.as_view(), name="api-target-groups"),
    path("me/", MeApi.as_view(), name="api-me"),
    path("figures/<str:code>/<int:year>/", YearFiguresApi.as_view(), name="api-figures"),
    path(
        "figures/<str:code>/<int:year>/validate/",
        YearFiguresValidateApi.as_view(),
        name="api-figures-validate",
    ),
    path(
        "figures/<str:code>/<int:year>/submit/",
        YearFiguresSubmitApi.as_view(),
        name="api-figures-submit",
    ),
    path(
        "figures/<str:code>/<int:year>/confirm/",
        YearFiguresConfirmApi.as_view(),
        name="api-figures-confirm",
    ),
]

urlpatterns = [
    path("", home, name="home"),
    path("healthz", healthz, name="healthz"),
    path("inloggen/", LoginView.as_view(), name="login"),
    path("uitloggen/", two_factor_exempt(auth_views.LogoutView.as_view()), name="logout"),
    path("", include("accounts.urls")),
    # The language choice must work before login too (the login page offers English).
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    path("", include("municipalities.urls")),
    path("", include("target_groups.urls")),
    path("", include("figures.urls")),
    path("", include("allocation.urls")),
    path("", include("agreements.urls")),
    path("", include("reports.urls")),
    path("", include("dashboards.urls")),
    path("", include("monitoring.urls")),
    path("", include("partners.urls")),
    path("", include("public.urls")),
    path("api/v1/", include(api_v1)),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("beheer/", admin.site.urls),
]

handler403 = "core.views.error_403"
handler404 = "core.views.error_404"
handler500 = "core.views.error_500"

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
