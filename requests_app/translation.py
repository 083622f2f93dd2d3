"""Translated fields (ja/en/ne) of categories and topics."""

from modeltranslation.translator import TranslationOptions, register

from .models import Category, Topic


@register(Category)
class CategoryTranslationOptions(TranslationOptions):
    fields = ("name", "description")


@register(Topic)
class TopicTranslationOptions(TranslationOptions):
    fields = ("name", "hint")
