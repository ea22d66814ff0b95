from django.urls import path

from . import views

app_name = "public"

urlpatterns = [
    path("openbaar/", views.round_list, name="round_list"),
    path("openbaar/<int:pk>/", views.round_detail, name="round_detail"),
    path("openbaar/<int:pk>/narekenen.zip", views.round_kit, name="round_kit"),
]
