from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import translation


class ChosenLanguageMiddleware(LocaleMiddleware):
    """Indonesian unless the user chose English with the switcher.

    Many phones in Indonesia run an English interface, so the browser's
    Accept-Language is not taken as a choice: only the language cookie is.
    """

    def process_request(self, request):
        language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if language not in dict(settings.LANGUAGES):
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()


class RequestSizeLimitMiddleware:
    """Refuse a request body larger than REQUEST_MAX_BYTES from its Content-Length, before it is read.

    Django spools uploads to disk and limits form fields (DATA_UPLOAD_MAX_MEMORY_SIZE), but would
    still write a 2 GB upload to the temporary folder before the form can say it is too large.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        limit = getattr(settings, "REQUEST_MAX_BYTES", 12 * 1024 * 1024)
        if length > limit:
            from django.http import HttpResponse
            from django.utils.translation import gettext as _

            message = _("The file is larger than %(size)s MB. Split it into smaller files.") % {
                "size": settings.PARTICIPANT_IMPORT_MAX_BYTES // (1024 * 1024)
            }
            return HttpResponse(message, status=413, content_type="text/plain; charset=utf-8")
        return self.get_response(request)
