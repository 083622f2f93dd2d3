"""Translated fields (ja/en/ne, falling back to Japanese) of campaigns and their content blocks."""

from modeltranslation.translator import TranslationOptions, register

from .models import Campaign, GivingMethod, ImpactTier


@register(Campaign)
class CampaignTranslationOptions(TranslationOptions):
    fields = ("title", "summary", "story", "cover_alt")


@register(ImpactTier)
class ImpactTierTranslationOptions(TranslationOptions):
    fields = ("description",)


@register(GivingMethod)
class GivingMethodTranslationOptions(TranslationOptions):
    fields = ("title", "body")
