from django.urls import path

from . import views

app_name = "figures"

urlpatterns = [
    path("cijfers/", views.figures_home, name="home"),
    path("cijfers/compleetheid/", views.completeness, name="completeness"),
    path("cijfers/compleetheid/herinneren/", views.send_reminders, name="remind"),
    path("cijfers/import/", views.import_upload, name="import_upload"),
    path("cijfers/import/<int:pk>/", views.import_preview, name="import_preview"),
    path("cijfers/import/<int:pk>/annuleren/", views.import_discard, name="import_discard"),
    path("cijfers/sjabloon/<int:year>.<str:fmt>", views.template_all, name="template_all"),
    path("gemeenten/<str:code>/", views.municipality_detail, name="municipality"),
    path("gemeenten/<str:code>/cijfers/historie/", views.audit_trail, name="history"),
    path("gemeenten/<str:code>/cijfers/<int:year>/", views.year_detail, name="year"),
    path("gemeenten/<str:code>/cijfers/<int:year>/bewerken/", views.figures_edit, name="edit"),
    path("gemeenten/<str:code>/cijfers/<int:year>/controleren/", views.figures_check, name="check"),
    path("gemeenten/<str:code>/cijfers/<int:year>/indienen/", views.figures_submit, name="submit"),
    path(
        "gemeenten/<str:code>/cijfers/<int:year>/bevestigen/", views.figures_confirm, name="confirm"
    ),
    path(
        "gemeenten/<str:code>/cijfers/<int:year>/terugsturen/", views.figures_return, name="return"
    ),
    path(
        "gemeenten/<str:code>/cijfers/<int:year>/ontgrendelen/", views.figures_unlock, name="unlock"
    ),
    path(
        "gemeenten/<str:code>/cijfers/<int:year>/historie/", views.audit_trail, name="year_history"
    ),
    path(
        "gemeenten/<str:code>/cijfers/<int:year>/historie/<slug:key>/",
        views.audit_trail,
        name="figure_history",
    ),
    path(
        "gemeenten/<str:code>/cijfers/<int:year>/sjabloon.<str:fmt>",
        views.template_one,
        name="template_one",
    ),
]
