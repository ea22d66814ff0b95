from django.urls import path

from . import fallback_views, views

app_name = "dashboards"

urlpatterns = [
    path("dashboard/", views.index, name="index"),
    path("dashboard/terugvalregel/", fallback_views.fallback, name="fallback"),
    path("dashboard/rondes/<int:round_pk>/", views.round_index, name="round"),
    path("dashboard/rondes/<int:round_pk>/vergelijken/", views.compare, name="compare"),
    path(
        "dashboard/rondes/<int:round_pk>/scenarios/<int:scenario_pk>/",
        views.overview,
        name="overview",
    ),
    path(
        "dashboard/rondes/<int:round_pk>/scenarios/<int:scenario_pk>/gemeenten/<str:code>/",
        views.municipality,
        name="municipality",
    ),
]
