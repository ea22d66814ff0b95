"""Sign-in pages of the accounts app (the login and logout views are in mra_housing.urls)."""

from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("inloggen/tweede-stap/", views.second_step, name="two_factor"),
    path("inloggen/tweede-stap/instellen/", views.second_step_setup, name="two_factor_setup"),
]
