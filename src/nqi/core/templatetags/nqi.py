from django import template
from django.contrib.contenttypes.models import ContentType

register = template.Library()


@register.filter
def field_label(entry, field_name: str) -> str:
    """The verbose name of a changed field of an audit entry's model."""
    model = ContentType.objects.get_for_id(entry.content_type_id).model_class()
    try:
        return str(model._meta.get_field(field_name).verbose_name)
    except Exception:
        return field_name


@register.filter
def short(value, length: int = 60):
    text = "" if value is None else str(value)
    return text if len(text) <= length else text[: length - 1] + "…"


@register.simple_tag(takes_context=True)
def querystring_with(context, **changes):
    """The current query string with some parameters replaced (for pagination links)."""
    params = context["request"].GET.copy()
    for key, value in changes.items():
        params[key] = value
    return "?" + params.urlencode()
