from django.urls import path

from . import views

app_name = "agreements"

urlpatterns = [
    path("rondes/<int:pk>/beoordeling/", views.round_review, name="round_review"),
    path(
        "rondes/<int:pk>/beoordeling/gemeenten/<str:code>/",
        views.municipality_thread,
        name="municipality_thread",
    ),
]
