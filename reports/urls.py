from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("rondes/<int:pk>/afspraken/", views.round_agreements, name="round_agreements"),
    path(
        "rondes/<int:pk>/afspraken/<slug:scope>.pdf",
        views.agreement_download,
        name="agreement_download",
    ),
    path(
        "rondes/<int:pk>/afspraken/<slug:scope>/opnieuw-maken/",
        views.agreement_regenerate,
        name="agreement_regenerate",
    ),
    path(
        "rondes/<int:pk>/afspraken/status/",
        views.round_documents_status,
        name="round_documents_status",
    ),
    path(
        "rondes/<int:pk>/afspraken/opnieuw-proberen/",
        views.round_agreements_retry,
        name="round_agreements_retry",
    ),
    path("rondes/<int:pk>/export.<str:fmt>", views.round_export, name="round_export"),
    path("berekeningen/<int:pk>/export.<str:fmt>", views.run_export, name="run_export"),
]
