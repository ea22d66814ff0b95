from django.urls import path

from . import fallback_views, views

app_name = "dashboards"

SCENARIO = "dashboard/rondes/<int:round_pk>/scenarios/<int:scenario_pk>/"

urlpatterns = [
    path("dashboard/", views.index, name="index"),
    path("dashboard/terugvalregel/", fallback_views.fallback, name="fallback"),
    path("dashboard/rondes/<int:round_pk>/", views.round_index, name="round"),
    path("dashboard/rondes/<int:round_pk>/vergelijken/", views.compare, name="compare"),
    # The region overview and its tabs, each with its own URL.
    path(SCENARIO, views.overview, name="overview"),
    path(SCENARIO + "kaart/", views.overview_map, name="overview_map"),
    path(SCENARIO + "mutaties/", views.overview_mutations, name="overview_mutations"),
    path(
        SCENARIO + "doelgroepen/<slug:group_code>/",
        views.overview_group,
        name="overview_group",
    ),
    path(SCENARIO + "gemeenten/<str:code>/", views.municipality, name="municipality"),
]
