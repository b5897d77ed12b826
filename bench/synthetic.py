"""Synthetic datasets in the documented schema, for benchmarks (both languages filled)."""

import json
import random

WORDS = ("request parameter token service account image file quota instance job network gateway "
         "header body format size limit region project user agency bucket model version").split()
HANZI = "请求参数令牌服务账户图像文件配额实例任务网络网关头部格式大小限制区域项目用户委托桶模型版本检查是否正确"


def sentence(rng, words=8, placeholders=0):
    parts = [rng.choice(WORDS) for _ in range(words)]
    for _ in range(placeholders):
        parts.insert(rng.randrange(len(parts)), "%s")
    return " ".join(parts).capitalize() + "."


def chinese(rng, length=14):
    return "".join(rng.choice(HANZI) for _ in range(length)) + "。"


def synthetic_dataset(count, seed=1):
    """A dataset of `count` codes over count/1000+4 prefixes, zh and en on every entry."""
    rng = random.Random(seed)
    prefixes = [f"SVC{n:03d}" for n in range(max(4, count // 1000))]
    codes = []
    for index in range(count):
        prefix = prefixes[index % len(prefixes)]
        number = index // len(prefixes)
        message = sentence(rng, placeholders=rng.choice((0, 0, 1, 2)))
        codes.append({
            "code": f"{prefix}.{number:05d}", "prefix": prefix,
            "entries": [{
                "http_status": rng.choice((400, 400, 400, 401, 403, 404, 409, 429, 500, 503)),
                "message": message,
                "description": {"zh": chinese(rng), "en": sentence(rng)},
                "solution": {"zh": chinese(rng, 24), "en": sentence(rng, 12)},
                "placeholders": ["%s"] * message.count("%s"),
                "origins": [{"source": "synthetic.zh", "row": index + 1, "line": None}],
                "variants": [], "extra": {},
            }],
        })
    codes.sort(key=lambda c: (c["prefix"].casefold(), c["prefix"], int(c["code"].split(".")[1])))
    return {
        "schema_version": 1,
        "sources": [{"id": "synthetic.zh", "service": "Synthetic", "language": "zh", "origin": None,
                     "retrieved": "2026-11-27", "file": "synthetic.txt", "form": "text", "title": "错误码",
                     "intro": [], "example_response": None, "remarks": []}],
        "codes": codes,
    }


def write_synthetic(path, count, edited=None):
    """Write synthetic_dataset(count); with `edited`, that code's description is rewritten
    (as upstream does between two rebuilds)."""
    data = synthetic_dataset(count)
    if edited is not None:
        entry = data["codes"][edited % count]["entries"][0]
        entry["description"] = {"zh": f"上游改写的描述{edited}。", "en": f"A description rewritten upstream ({edited})."}
    with open(path, "w", encoding="utf-8") as handle:
        json.dump(data, handle, ensure_ascii=False)
