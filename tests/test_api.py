"""The API for scripts (api/v1/): files that validate against the schema published beside
them, with every language the site shows, notes, pages, services, retired codes marked."""

import json

import pytest
from jsonschema import Draft202012Validator

from errdex import api, model
from errdex.pipeline import compact_json
from tests import two_services
from tests.conftest import FIXTURES, ROOT, SEED_DATA


def load(site, path):
    return json.loads((site / path).read_text(encoding="utf-8"))


@pytest.fixture(params=["seed", "two services"])
def site(request, built_site, two_site):
    return {"seed": built_site, "two services": two_site}[request.param]


def test_every_api_file_validates_against_the_published_schema(site):
    schema = load(site, "api/v1/schema.json")
    Draft202012Validator.check_schema(schema)
    dataset = Draft202012Validator(schema)
    code_file = Draft202012Validator({"$defs": schema["$defs"], "$ref": "#/$defs/code_file"})
    code_list = Draft202012Validator({"$defs": schema["$defs"], "$ref": "#/$defs/code_list"})
    assert list(dataset.iter_errors(load(site, "api/v1/errors.json"))) == []
    assert list(code_list.iter_errors(load(site, "api/v1/codes.json"))) == []
    files = sorted((site / "api/v1/codes").glob("*.json"))
    assert files
    for path in files:
        assert list(code_file.iter_errors(json.loads(path.read_text(encoding="utf-8")))) == [], path.name


def test_a_broken_file_fails_the_schema(built_site):
    schema = load(built_site, "api/v1/schema.json")
    document = load(built_site, "api/v1/codes/AIS.0014.json")
    document["entries"][0]["texts"]["solution"]["en"]["from"] = "guess"
    assert list(Draft202012Validator({"$defs": schema["$defs"], "$ref": "#/$defs/code_file"}).iter_errors(document))


def test_english_of_upstream_pages_and_of_the_catalog_is_in_the_api(site):
    for path in sorted((site / "api/v1/codes").glob("*.json")):
        document = json.loads(path.read_text(encoding="utf-8"))
        for entry in document.get("entries", ()):
            for field in ("description", "solution"):
                if "en" in entry[field]:  # upstream's English page has it
                    assert entry["texts"][field]["en"] == {"text": entry[field]["en"], "from": "upstream",
                                                           "source": None}, path.name
                if "zh" in entry[field]:
                    assert entry["texts"][field]["zh"]["from"] == "upstream"


def test_the_seed_has_english_for_every_code_from_the_catalog(built_site):
    errors = load(built_site, "api/v1/errors.json")
    assert len(errors["codes"]) == 77
    for code in errors["codes"]:
        for entry in code["entries"]:
            assert entry["texts"]["description"]["en"]["from"] == "catalog", code["code"]
            assert entry["texts"]["description"]["en"]["text"]


def test_reused_english_names_the_page_it_comes_from(two_site):
    entry = load(two_site, "api/v1/codes/IAM.0001.json")["entries"][0]
    assert entry["texts"]["solution"]["en"] == {"text": "Check whether the token is correct.", "from": "reused",
                                                "source": "obs.en"}
    # Nothing to show in English for APIG.0301 (no English page, no catalog entry): left out.
    shared = load(two_site, "api/v1/codes/APIG.0301.json")["entries"][0]
    assert set(shared["texts"]["description"]) == {"zh"}


def test_code_files_carry_services_notes_and_pages_in_both_languages(two_site):
    document = load(two_site, "api/v1/codes/IAM.0001.json")
    assert document["notes"]["en"].startswith("Get a new token:")
    assert document["notes"]["zh"].startswith("重新获取Token")
    assert document["pages"] == {"zh": "zh/codes/IAM.0001/", "en": "en/codes/IAM.0001/"}
    shared = load(two_site, "api/v1/codes/1100.json")
    assert [s["id"] for s in shared["services"]] == ["iam", "obs"]
    assert [e["services"] for e in shared["entries"]] == [["iam"], ["obs"]]
    assert shared["services"][1]["upstream"][1] == {"language": "en", "url": two_services.URLS["obs.en"],
                                                    "retrieved": "2026-11-27"}


def test_codes_json_and_errors_json_agree_on_retired_codes(two_site):
    errors = load(two_site, "api/v1/errors.json")
    codes = load(two_site, "api/v1/codes.json")
    assert [c["code"] for c in errors["codes"]] == codes  # no redirects in this fixture
    assert {c["code"]: c["retired"] for c in errors["codes"]}["OBS.0002"] is True
    assert [c["code"] for c in errors["codes"] if c["retired"]] == ["OBS.0002"]
    retired = load(two_site, "api/v1/codes/OBS.0002.json")
    assert (retired["retired"], retired["retired_on"]) == (True, "2026-11-27")


@pytest.mark.parametrize("data", [ROOT / "source" / "errors.json", FIXTURES / "golden-data.json"])
def test_api_dataset_is_its_json_encoded_whole(data):
    dataset = model.load(data)
    extra = {"redirects": {}, "services": []}
    documents = [model.code_to_json(c) for c in dataset.codes]
    spliced = "".join(api.dataset_json_pieces(dataset, [compact_json(d) for d in documents], extra))
    whole = {**model.dataset_to_json(dataset, codes=False), **extra, "codes": documents}
    assert spliced == compact_json(whole) + "\n"
    assert json.loads(spliced) == whole


def test_api_paths_are_the_files_api_files_writes(built_site):
    written = {p.relative_to(built_site).as_posix() for p in (built_site / "api").rglob("*.json")}
    from errdex.gather import read_inputs
    from errdex.site import SiteInputs
    content = read_inputs(model.load(SEED_DATA), SiteInputs.repository())
    assert set(api.api_paths(content)) == written
