"""The errdex site as a Hugo project, for the side-by-side benchmark in bench/run.py.

`write_hugo_content(dataset, project)` copies the skeleton bench/hugo/ (hugo.toml, layouts,
i18n, data) into `project` and writes one content file per code and language,
content/{zh,en}/codes/{CODE}.md, whose front matter holds the code's fields in that language.
Prefix and status pages are Hugo taxonomies ("prefixes", "status"), so they come from the
front matter too. Front matter is JSON, the fastest kind for Hugo to read.
"""

import json
import shutil
from pathlib import Path

from errdex.languages import LANGUAGES  # the languages bench/hugo/hugo.toml configures too

SKELETON = Path(__file__).resolve().parent / "hugo"


def _text(value, lang):
    """A {zh, en} text in `lang`, falling back to the other language, as errdex does."""
    if isinstance(value, dict):
        return value.get(lang) or next((v for v in value.values() if v), "")
    return value or ""


def write_hugo_content(dataset_json_path, project_dir):
    """Copy the skeleton into project_dir and write its content from the dataset; return the page count."""
    project = Path(project_dir)
    shutil.copytree(SKELETON, project, dirs_exist_ok=True)
    with open(dataset_json_path, encoding="utf-8") as handle:
        dataset = json.load(handle)
    codes, source = dataset["codes"], dataset["sources"][0]  # synthetic data has one source
    folders = {lang: project / "content" / lang / "codes" for lang in LANGUAGES}
    for folder in folders.values():
        folder.mkdir(parents=True, exist_ok=True)
    for weight, code in enumerate(codes, start=1):
        entry = code["entries"][0]  # synthetic data has one entry per code
        for lang in LANGUAGES:
            front = {
                "title": code["code"], "weight": weight,
                "code": code["code"], "prefix": code["prefix"], "http_status": entry["http_status"],
                "message": entry["message"],
                "description": _text(entry["description"], lang),
                "solution": _text(entry["solution"], lang),
                "prefixes": [code["prefix"]], "status": [str(entry["http_status"])],
                "service": source["service"], "services": [source["service"]],
                "row": entry["origins"][0]["row"], "retrieved": source["retrieved"],
                "placeholders": len(entry["placeholders"]),
            }
            (folders[lang] / f"{code['code']}.md").write_text(
                json.dumps(front, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return len(codes) * len(LANGUAGES)
