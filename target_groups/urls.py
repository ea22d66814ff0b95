from django.urls import path

from . import views

app_name = "target_groups"

urlpatterns = [
    path("doelgroepen/", views.target_group_list, name="list"),
]
