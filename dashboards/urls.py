from django.urls import path

from . import views

app_name = "dashboards"

urlpatterns = [
    path("dashboard/", views.index, name="index"),
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
