"""Load the categories and topics (codes from shared/matching-eval) with ja/en/ne names."""

from django.db import migrations

from requests_app.taxonomy import CATEGORIES


def load_taxonomy(apps, schema_editor):
    Category = apps.get_model("requests_app", "Category")
    Topic = apps.get_model("requests_app", "Topic")
    for position, (code, spec) in enumerate(CATEGORIES.items()):
        category, _ = Category.objects.update_or_create(
            code=code,
            defaults={
                "position": position,
                "name": spec["name"]["ja"],
                **{f"name_{lang}": text for lang, text in spec["name"].items()},
                "description": spec["description"]["ja"],
                **{f"description_{lang}": text for lang, text in spec["description"].items()},
            },
        )
        for topic_position, (topic_code, topic) in enumerate(spec["topics"].items()):
            Topic.objects.update_or_create(
                code=topic_code,
                defaults={
                    "category": category,
                    "position": topic_position,
                    "name": topic["name"]["ja"],
                    **{f"name_{lang}": text for lang, text in topic["name"].items()},
                    "hint": topic["hint"]["ja"],
                    **{f"hint_{lang}": text for lang, text in topic["hint"].items()},
                },
            )


class Migration(migrations.Migration):
    dependencies = [("requests_app", "0001_initial")]

    operations = [migrations.RunPython(load_taxonomy, migrations.RunPython.noop)]
