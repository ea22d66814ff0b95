from django.urls import path

from . import views

app_name = "municipalities"

urlpatterns = [
    path("gemeenten/", views.municipality_list, name="list"),
    path("deelregios/", views.subregion_list, name="subregion_list"),
    path("deelregios/<slug:slug>/", views.subregion_detail, name="subregion_detail"),
]
