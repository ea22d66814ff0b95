from django.urls import path

from . import views

app_name = "allocation"

urlpatterns = [
    path("rondes/<int:pk>/", views.round_detail, name="round_detail"),
]
