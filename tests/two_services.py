"""A small dataset of two services that share codes, for the page and API tests.

- `1100` is a bare number both services use, with different texts: one section per service.
- `APIG.0301` is listed by both with the same texts: one entry naming both.
- `OBS.0001` has an English page; `IAM.0001` has none, but its solution is the same Chinese
  sentence, so its English is upstream's translation from the OBS page.
- `main` and `search-q` are codes named like the page's own ids.
- `OBS.0002` is retired (retired.json).

Service names and public URLs are what h-scraper adds to the dataset's sources; until the
dataset's schema has them, the sources carry only `service` and the names are the ids.
"""

import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
_SOURCE_FIELDS = json.loads((ROOT / "schema" / "errors.schema.json").read_text(encoding="utf-8"))[
    "$defs"]["source"]["properties"]
HAS_NAMES = "service_name" in _SOURCE_FIELDS
NAMES = {"iam": {"zh": "统一身份认证", "en": "Identity and Access Management"},
         "obs": {"zh": "对象存储服务", "en": "Object Storage Service"}}
URLS = {"iam.zh": "https://support.huaweicloud.com/api-iam/iam_02_0005.html",
        "obs.zh": "https://support.huaweicloud.com/api-obs/obs_04_0115.html",
        "obs.en": "https://support.huaweicloud.com/intl/en-us/api-obs/obs_04_0115.html"}
LONG_MESSAGE = ("The bucket policy of the requested bucket does not allow this operation from the address "
                "of the client that sent the request")


def service_name(service, lang):
    """The name a page in `lang` shows for a service."""
    return NAMES[service][lang] if HAS_NAMES else service


def _source(source_id, service, language):
    source = {"id": source_id, "service": service, "language": language, "origin": URLS[source_id],
              "retrieved": "2026-11-27", "file": f"tests/{source_id}.md", "form": "markdown", "title": None,
              "intro": [], "example_response": None, "remarks": []}
    if HAS_NAMES:
        source.update(service_name=NAMES[service], url=URLS[source_id])
    return source


def _entry(status, message, description, solution, *origins):
    return {"http_status": status, "message": message, "description": description, "solution": solution,
            "placeholders": [], "origins": [{"source": s, "row": r, "line": None} for s, r in origins],
            "variants": [], "extra": {}}


def _code(code, prefix, *entries):
    return {"code": code, "prefix": prefix, "entries": list(entries)}


DATASET = {"schema_version": 1, "sources": [
    _source("iam.zh", "iam", "zh"), _source("obs.zh", "obs", "zh"), _source("obs.en", "obs", "en")],
    "codes": [
        _code("1100", "",
              _entry(401, "Invalid token.", {"zh": "Token无效。"}, {"zh": "请重新获取Token。"}, ("iam.zh", 1)),
              _entry(404, "The bucket does not exist.", {"zh": "桶不存在。", "en": "The bucket does not exist."},
                     {"zh": "请检查桶名。", "en": "Check the bucket name."}, ("obs.zh", 1), ("obs.en", 1))),
        _code("main", "", _entry(400, "Main is a code too.", {"zh": "主码。"}, {"zh": "请检查请求。"}, ("iam.zh", 4))),
        _code("APIG.0301", "APIG",
              _entry(401, "Incorrect IAM authentication information.", {"zh": "IAM身份验证信息不正确。"},
                     {"zh": "请检查Token。"}, ("iam.zh", 2), ("obs.zh", 2))),
        _code("IAM.0001", "IAM",
              _entry(401, "The token is invalid.", {"zh": "Token不合法。"}, {"zh": "请检查Token是否正确。"},
                     ("iam.zh", 3))),
        _code("OBS.0001", "OBS",
              _entry(403, LONG_MESSAGE, {"zh": "桶策略不允许此操作。", "en": "The bucket policy denies it."},
                     {"zh": "请检查Token是否正确。", "en": "Check whether the token is correct."},
                     ("obs.zh", 3), ("obs.en", 3))),
        _code("search-q", "search", _entry(400, "Search is a code.", {"zh": "搜索码。"}, {"zh": "请检查。"},
                                           ("obs.zh", 4))),
    ]}

RETIRED = {"codes": [{"retired_on": "2026-11-27", "code": _code(
    "OBS.0002", "OBS", _entry(409, "The bucket exists.", {"zh": "桶已存在。"}, {"zh": "请换一个桶名。"},
                              ("obs.zh", 5)))}]}

NOTES = {"IAM.0001": {"en": "Get a new token:\n\n```sh\ncurl -s https://iam.example/v3/auth/tokens\n```\n",
                      "zh": "重新获取Token：\n\n```sh\ncurl -s https://iam.example/v3/auth/tokens\n```\n"}}


def write_inputs(folder):
    """Write the dataset, retired codes and notes into a folder; return (dataset path, SiteInputs)."""
    from errdex.site import SiteInputs
    folder = Path(folder)
    data = folder / "errors.json"
    data.write_text(json.dumps(DATASET, ensure_ascii=False), encoding="utf-8")
    retired = folder / "retired.json"
    retired.write_text(json.dumps(RETIRED, ensure_ascii=False), encoding="utf-8")
    for code, texts in NOTES.items():
        for lang, text in texts.items():
            (folder / "notes" / lang).mkdir(parents=True, exist_ok=True)
            (folder / "notes" / lang / f"{code}.md").write_text(text, encoding="utf-8")
    return data, SiteInputs(notes_dir=folder / "notes", retired_file=retired)


SITE_URL = "https://example.test/two/"
BASE_PATH = "/two/"


@pytest.fixture(scope="session")
def two_site(tmp_path_factory):
    """The fixture's site, built once per test session (import this fixture to use it)."""
    from errdex.site import SiteSettings, build_site
    folder = tmp_path_factory.mktemp("two-services")
    data, inputs = write_inputs(folder)
    build_site(data, folder / "site", SiteSettings.from_options(SITE_URL), inputs=inputs)
    return folder / "site"


@pytest.fixture(scope="session")
def two_site_url(two_site):
    """The fixture's site served on 127.0.0.1 under /two/."""
    from errdex.serve import serve_in_background
    server, url = serve_in_background(two_site, BASE_PATH)
    yield url
    server.shutdown()
