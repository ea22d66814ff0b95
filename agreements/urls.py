from django.urls import path

from . import api, summary, views

app_name = "agreements"

urlpatterns = [
    path("rondes/<int:pk>/beoordeling/", views.round_review, name="round_review"),
    path(
        "rondes/<int:pk>/beoordeling/gemeenten/<str:code>/",
        views.municipality_thread,
        name="municipality_thread",
    ),
    path("rondes/<int:pk>/samenvatting/", summary.summary_default, name="summary_default"),
    path("rondes/<int:pk>/samenvatting/<slug:slug>/", summary.summary, name="summary"),
    path("rondes/<int:pk>/geschiedenis/", views.round_history, name="round_history"),
    path("rondes/<int:pk>/afspraken/teksten/", views.standing_texts, name="standing_texts"),
    path("api/v1/rounds/<int:pk>/agreement/", api.AgreementApi.as_view(), name="api-agreement"),
]
