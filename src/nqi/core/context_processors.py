from django.conf import settings
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from nqi import __version__

NAVIGATION = [
    ("home", _("Home")),
    ("organizations:organization-list", _("Organizations")),
    ("organizations:person-list", _("People")),
    ("organizations:country-list", _("Countries")),
    ("standards:document-list", _("Catalogue")),
    ("national:standard-list", _("National standards")),
    ("committees:mirror-list", _("Committees")),
    ("metrology:home", _("Metrology")),
]


def nqi(request):
    path = request.path
    nav = []
    for name, label in NAVIGATION:
        try:
            url = reverse(name)
        except NoReverseMatch:  # a module whose pages are not installed
            continue
        active = path == url if url == "/" else path.startswith(url)
        nav.append({"url": url, "label": label, "active": active})
    return {"nqi_version": __version__, "nqi_nav": nav, "nqi_languages": settings.LANGUAGES}
