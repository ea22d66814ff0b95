"""Sign-in pages: the login form, the second step (TOTP) and its set-up, the lock-out page."""

from __future__ import annotations

import base64
from typing import Any

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login

from . import services, twofactor
from .forms import SecondStepForm


class LoginView(auth_views.LoginView):
    """Django's login view; in the demo (DEBUG) the page says the demo accounts need no code."""

    redirect_authenticated_user = True

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["demo_password_only"] = twofactor.demo_password_only()
        return context


def locked_out(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials: Any = None
) -> HttpResponse:
    """django-axes' answer once an account is locked out (AXES_LOCKOUT_CALLABLE)."""
    return render(
        request,
        "registration/locked_out.html",
        {"minutes": settings.LOGIN_LOCKOUT_MINUTES},
        status=429,
    )


def _next_url(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse(settings.LOGIN_REDIRECT_URL)


def _with_next(name: str, request: HttpRequest) -> HttpResponseRedirect:
    return redirect(f"{reverse(name)}?{request.GET.urlencode()}" if request.GET else reverse(name))


@twofactor.two_factor_exempt
@require_http_methods(["GET", "POST"])
def second_step(request: HttpRequest) -> HttpResponse:
    """Ask for the code of the authenticator app after the password."""
    user = request.user
    if not twofactor.pending(user):
        return redirect(_next_url(request))
    if not twofactor.has_device(user):
        return _with_next("accounts:two_factor_setup", request)
    form = SecondStepForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if services.second_step_throttled(user=user):  # type: ignore[arg-type]
            form.add_error(
                "token", _("Too many wrong codes. Wait a minute, then enter the newest code.")
            )
        else:
            device = services.second_step_verify(
                user=user,  # type: ignore[arg-type]
                token=form.cleaned_data["token"],
            )
            if device is not None:
                otp_login(request, device)
                return redirect(_next_url(request))
            form.add_error("token", _("This code is not right. Enter the code your app shows now."))
    return render(
        request,
        "registration/second_step.html",
        {"form": form, "next": _next_url(request)},
    )


@twofactor.two_factor_exempt
@require_http_methods(["GET", "POST"])
def second_step_setup(request: HttpRequest) -> HttpResponse:
    """Set up an authenticator app: scan the QR code, confirm with a first code.

    Only for an account without a confirmed app: a second app cannot be added with just a
    password. Lost the phone? An administrator deletes the device in the admin.
    """
    user = request.user
    if not twofactor.required_for(user) or twofactor.is_verified(user):
        return redirect(_next_url(request))
    if twofactor.has_device(user):
        return _with_next("accounts:two_factor", request)
    device = services.totp_device_prepare(user=user)  # type: ignore[arg-type]
    form = SecondStepForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if services.totp_device_confirm(device=device, token=form.cleaned_data["token"]):
            otp_login(request, device)
            messages.success(request, _("Two-step sign-in is set up."))
            return redirect(_next_url(request))
        form.add_error("token", _("This code is not right. Enter the code your app shows now."))
    secret = base64.b32encode(device.bin_key).decode()
    qr = segno.make(device.config_url, error="m").svg_inline(
        scale=5, border=4, dark="#000", light="#fff", title=_("QR code for your authenticator app")
    )
    return render(
        request,
        "registration/second_step_setup.html",
        {
            "form": form,
            "next": _next_url(request),
            "qr_svg": mark_safe(qr),  # noqa: S308 - segno's own SVG of our own URL
            "secret_groups": [secret[i : i + 4] for i in range(0, len(secret), 4)],
        },
    )
