"""Helpers for the Chromium tests: pages of each type, and contexts that stay on 127.0.0.1."""

from urllib.parse import urlsplit

LOCAL_HOST = "127.0.0.1"
# Chromium logs this for a document served with status 404: expected on the 404 page only.
NOT_FOUND_MESSAGE = "404 (Not Found)"
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True,
         "device_scale_factor": 2}

# One page of every type, relative to the site URL: (name, path). The landing page leaves for
# a language when site.js runs, so tests that look at it stop scripts or that one script.
LANGUAGE_PAGES = [
    ("home", "{lang}/"),
    ("prefix", "{lang}/AIS/"),
    ("status", "{lang}/status/400/"),
    ("code", "{lang}/codes/AIS.0014/"),
    ("search", "{lang}/search/?q=image"),
    ("services", "{lang}/services/"),
    ("service", "{lang}/services/image-recognition/"),
    ("api", "{lang}/api/"),
]
LANDING = ("landing", "")
NOT_FOUND = ("404", "no/such/page/")


def page_types(languages=("zh", "en")):
    """Every page type as (id, path): the two bilingual pages once, the rest per language."""
    pages = [LANDING]
    for lang in languages:
        pages += [(f"{name}-{lang}", path.format(lang=lang)) for name, path in LANGUAGE_PAGES]
    return pages + [NOT_FOUND]


class Watch:
    """What the pages of one context did wrong: requests off 127.0.0.1, console and page errors."""

    def __init__(self, context):
        self.outside, self.console, self.page_errors, self.not_found = [], [], [], set()
        context.route("**/*", self._only_local)
        context.on("console", self._console)
        context.on("weberror", lambda error: self.page_errors.append(str(error.error)))
        context.on("response", self._response)

    def _only_local(self, route):
        if urlsplit(route.request.url).hostname == LOCAL_HOST:
            route.continue_()
        else:
            self.outside.append(route.request.url)
            route.abort()

    def _console(self, message):
        if message.type == "error":
            self.console.append((message.text, message.location.get("url", "")))

    def _response(self, response):
        if response.status == 404 and response.request.is_navigation_request():
            self.not_found.add(response.url)

    def problems(self):
        """Everything that went wrong, as readable lines (empty when all was well)."""
        found = [f"request left {LOCAL_HOST}: {url}" for url in self.outside]
        found += [f"page error: {error}" for error in self.page_errors]
        found += [f"console error: {text} ({url})" for text, url in self.console
                  if not (NOT_FOUND_MESSAGE in text and url in self.not_found)]
        return found


def open_settled(context, url):
    """Open a page and wait until it has drawn what it will (search results come later)."""
    page = context.new_page()
    page.goto(url)
    if "/search/?q=" in url:
        page.wait_for_selector("#search-results li")
    return page


def new_watched_context(browser, made, **options):
    """A new context whose Watch is appended to `made`; pages time out after 5 s, loads after
    15 s (the first load of a session also starts Chromium's renderer, slow on a busy machine)."""
    context = browser.new_context(**options)
    context.set_default_timeout(5000)
    context.set_default_navigation_timeout(15000)
    made.append((context, Watch(context)))
    return context


def close_and_check(made):
    """Close the contexts, then return every problem their pages had."""
    for context, _ in made:
        context.close()
    return [problem for _, watch in made for problem in watch.problems()]
