from django.urls import path

from . import views, whatif_views

app_name = "allocation"

urlpatterns = [
    path("rondes/", views.round_list, name="round_list"),
    path("rondes/nieuw/", views.round_create, name="round_create"),
    path("rondes/<int:pk>/", views.round_detail, name="round_detail"),
    path("rondes/<int:pk>/instellingen/", views.round_settings, name="round_settings"),
    path("rondes/<int:pk>/scenarios/nieuw/", views.scenario_create, name="scenario_create"),
    path("scenarios/<int:pk>/", views.scenario_detail, name="scenario_detail"),
    path("scenarios/<int:pk>/bewerken/", views.scenario_edit, name="scenario_edit"),
    path(
        "scenarios/<int:pk>/<slug:group>/deelregiosleutel/",
        views.scenario_subregion_key,
        name="scenario_subregion_key",
    ),
    path("scenarios/<int:pk>/berekenen/", views.run_start, name="run_start"),
    path("scenarios/<int:pk>/wat-als/", whatif_views.scenario_whatif, name="scenario_whatif"),
    path(
        "scenarios/<int:pk>/wat-als/voorbeeld/",
        whatif_views.scenario_whatif_preview,
        name="scenario_whatif_preview",
    ),
    path(
        "scenarios/<int:pk>/wat-als/opslaan/",
        whatif_views.scenario_whatif_save,
        name="scenario_whatif_save",
    ),
    path("rondes/<int:pk>/wat-als/", whatif_views.round_whatif, name="round_whatif"),
    path("berekeningen/<int:pk>/", views.run_detail, name="run_detail"),
    path("berekeningen/<int:pk>/voortgang/", views.run_progress, name="run_progress"),
    path("berekeningen/<int:pk>/opnieuw/", views.run_retry, name="run_retry"),
    path("berekeningen/<int:pk>/<slug:group>/", views.run_group, name="run_group"),
    path(
        "berekeningen/<int:pk>/<slug:group>/scenario.json",
        views.run_group_input,
        name="run_group_input",
    ),
]
