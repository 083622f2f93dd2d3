"""Every admin column header, filter, action and form label is in Japanese for Japanese staff."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from django.contrib import admin
from django.contrib.admin.utils import get_fields_from_path, label_for_field
from django.test import RequestFactory
from django.utils import translation

pytestmark = pytest.mark.django_db

JAPANESE = re.compile(r"[\u3040-\u30ff\u3400-\u9fff]")
# Names that stay as they are in Japanese admin text.
KEPT = {"ID", "HTML", "OFP", "URL"}


def _filter_title(model, spec) -> str:  # noqa: ANN001
    if isinstance(spec, str):
        return get_fields_from_path(model, spec)[-1].verbose_name
    if isinstance(spec, tuple):  # ("field", SomeFieldListFilter)
        return get_fields_from_path(model, spec[0])[-1].verbose_name
    return spec.title


def _labels(request) -> Iterator[tuple[str, str, str]]:  # noqa: ANN001
    for model, model_admin in admin.site._registry.items():
        where = model._meta.label
        for name in model_admin.get_list_display(request):
            yield where, f"column {name}", label_for_field(name, model, model_admin)
        for spec in model_admin.get_list_filter(request):
            yield where, f"filter {spec}", _filter_title(model, spec)
        for name, (_func, _name, description) in model_admin.get_actions(request).items():
            yield where, f"action {name}", description
        for title, _options in model_admin.get_fieldsets(request):
            if title:
                yield where, "fieldset", title
        form = model_admin.get_form(request)()
        for name, field in form.fields.items():
            yield where, f"field {name}", field.label or name
        for name in model_admin.get_readonly_fields(request):
            yield where, f"read-only {name}", label_for_field(name, model, model_admin)
        for inline in model_admin.get_inline_instances(request):
            for name in inline.get_fields(request):
                yield (
                    where,
                    f"inline {inline.model._meta.label} {name}",
                    label_for_field(name, inline.model, inline),
                )


def test_no_admin_label_is_left_in_english(carol) -> None:  # noqa: ANN001
    request = RequestFactory().get("/ja/admin/")
    request.user = carol
    with translation.override("ja"):
        untranslated = [
            f"{where}: {what} = {str(label)!r}"
            for where, what, label in _labels(request)
            if str(label) not in KEPT and not JAPANESE.search(str(label))
        ]
    assert untranslated == [], "\n".join(untranslated)
