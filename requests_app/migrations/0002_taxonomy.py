"""Load the categories and topics (codes from shared/matching-eval) with ja/en/ne names."""

from django.db import migrations

from requests_app.taxonomy import sync_taxonomy


def load_taxonomy(apps, schema_editor):
    sync_taxonomy(apps.get_model("requests_app", "Category"), apps.get_model("requests_app", "Topic"))


class Migration(migrations.Migration):
    dependencies = [("requests_app", "0001_initial")]

    operations = [migrations.RunPython(load_taxonomy, migrations.RunPython.noop)]
