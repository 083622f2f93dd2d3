"""Public campaign pages: the list, and one campaign with its progress, how to give and messages."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from otonari.net import client_ip

from .forms import SupportMessageForm
from .selectors import (
    approved_messages,
    campaign_giving_methods,
    campaign_progress,
    campaign_tiers,
    campaigns_progress,
    get_public_campaign,
    platform_impact,
    public_campaigns,
)
from .services import SupportMessageError, message_submit


@require_GET
def campaign_list(request: HttpRequest) -> HttpResponse:
    campaigns = list(public_campaigns())
    progress = campaigns_progress(campaigns)
    return TemplateResponse(
        request,
        "donations/campaign_list.html",
        {"rows": [(campaign, progress[campaign.pk]) for campaign in campaigns]},
    )


@require_http_methods(["GET", "POST"])
def campaign_detail(request: HttpRequest, slug: str) -> HttpResponse:
    campaign = get_public_campaign(slug)
    form = SupportMessageForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            try:
                message_submit(
                    campaign=campaign,
                    body=form.cleaned_data["body"],
                    name=form.cleaned_data["name"],
                    ip=client_ip(request),
                )
            except SupportMessageError as error:
                form.add_error(None, str(error))
            else:
                messages.success(
                    request,
                    _(
                        "Thank you for your message. It will appear here after our staff have read it."
                    ),
                )
                return redirect(campaign.get_absolute_url() + "#messages")
    return TemplateResponse(
        request,
        "donations/campaign_detail.html",
        {
            "campaign": campaign,
            "progress": campaign_progress(campaign),
            "tiers": campaign_tiers(campaign),
            "giving_methods": campaign_giving_methods(campaign),
            "support_messages": approved_messages(campaign),
            "impact": platform_impact(),
            "form": form,
        },
    )
