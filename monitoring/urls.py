from django.urls import path

from . import views

app_name = "monitoring"

urlpatterns = [
    path("monitoring/", views.round_list, name="index"),
    path("monitoring/<int:pk>/", views.dashboard, name="dashboard"),
    path("monitoring/<int:pk>/importeren/", views.import_upload, name="import"),
    path(
        "monitoring/<int:pk>/<str:code>/<int:year>/kwartaal-<int:quarter>/",
        views.quarter,
        name="quarter",
    ),
]
