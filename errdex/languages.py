"""The site's languages: the one list every module takes them from."""

# In the order the build makes them; urls, the dataset reader, notes and the sitemap use it.
LANGUAGES = ("zh", "en")
# BCP 47 tags for lang="", hreflang="" and og:locale.
HTML_LANG = {"zh": "zh-CN", "en": "en"}
# Each language's own name, for the language switch.
LANGUAGE_NAMES = {"zh": "中文", "en": "English"}
# A page's other language: where its fallbacks and its language switch lead.
OTHER = {"zh": "en", "en": "zh"}
