"""HTTP reason phrases, marked for translation (Babel extracts N_ calls)."""

from http import HTTPStatus

from .i18n import N_


# RFC 9110 reason phrases of the statuses error pages use, so the catalog can translate them.
REASONS = {
    200: N_("OK"), 201: N_("Created"), 202: N_("Accepted"), 204: N_("No Content"),
    301: N_("Moved Permanently"), 302: N_("Found"), 304: N_("Not Modified"),
    400: N_("Bad Request"), 401: N_("Unauthorized"), 402: N_("Payment Required"), 403: N_("Forbidden"),
    404: N_("Not Found"), 405: N_("Method Not Allowed"), 406: N_("Not Acceptable"),
    408: N_("Request Timeout"), 409: N_("Conflict"), 410: N_("Gone"), 411: N_("Length Required"),
    412: N_("Precondition Failed"), 413: N_("Content Too Large"), 414: N_("URI Too Long"),
    415: N_("Unsupported Media Type"), 416: N_("Range Not Satisfiable"), 417: N_("Expectation Failed"),
    418: N_("I'm a teapot"), 422: N_("Unprocessable Content"), 423: N_("Locked"),
    424: N_("Failed Dependency"), 428: N_("Precondition Required"), 429: N_("Too Many Requests"),
    431: N_("Request Header Fields Too Large"), 451: N_("Unavailable For Legal Reasons"),
    500: N_("Internal Server Error"), 501: N_("Not Implemented"), 502: N_("Bad Gateway"),
    503: N_("Service Unavailable"), 504: N_("Gateway Timeout"), 505: N_("HTTP Version Not Supported"),
    507: N_("Insufficient Storage"), 511: N_("Network Authentication Required"),
}


def reason_phrase(status):
    """The English reason phrase of a status ('' for an unregistered one)."""
    if status in REASONS:
        return REASONS[status]
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return ""
