from django.urls import path

from . import care, lettings, views

app_name = "partners"

urlpatterns = [
    path("provincie/", views.province_page, name="province"),
    path("provincie/statushouders.csv", views.province_export, name="province-export"),
    path("corporatie/cijfers/", views.corporation_home, name="corporation_home"),
    path(
        "corporatie/cijfers/<str:code>/<int:year>/",
        views.corporation_figures,
        name="corporation_figures",
    ),
    path("corporatie/verhuringen/", lettings.lettings_home, name="lettings_home"),
    path(
        "corporatie/verhuringen/<int:pk>/<str:code>/<int:year>/kwartaal-<int:quarter>/",
        lettings.lettings_quarter,
        name="lettings_quarter",
    ),
    path("zorgaanbieder/plaatsen/", care.care_home, name="care_home"),
    path(
        "zorgaanbieder/plaatsen/<str:code>/<int:year>/",
        care.care_figures,
        name="care_figures",
    ),
    path("partner/afspraken/", views.agreements_page, name="agreements"),
    path(
        "partner/afspraken/<int:pk>/<slug:slug>/medeondertekenen/",
        views.cosign,
        name="cosign",
    ),
    path("partners/", views.manage, name="manage"),
    path("partners/nieuw/", views.organisation_edit, name="organisation_create"),
    path("partners/<int:pk>/", views.organisation_edit, name="organisation_edit"),
    path("partners/<int:pk>/uitnodigen/", views.invite, name="invite"),
    path(
        "partners/uitnodiging/<str:uidb64>/<str:token>/",
        views.invite_accept,
        name="invite_accept",
    ),
]
