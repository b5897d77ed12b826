#!/usr/bin/env python3
"""Benchmark the client-side search at 1,000 / 10,000 / 100,000 synthetic codes and on the family.

    .venv/bin/python bench/search_bench.py [--sizes 1000 10000 100000] [--family [DATA]] [--no-pagefind]

For each size: generate records (messages with placeholders, texts in both
languages), write the English index, serve it with a minimal search page and drive
Chromium. With --family, the same for the dataset (source/errors.json by default: the
whole family once it is merged), its records made as the site build makes them, and
its queries the query table of tests/search_queries.json. Reported: index size and
build time; gzip bytes fetched before the first result of a code lookup and of a word
query (fresh browser each); time from the input event in the header box to its popup
of results over the queries, the first time (shards fetched) and again (shards cached:
the p95 of this column is the issue's "keystroke to rendered results once loaded",
target 16 ms); JS heap after the queries. The page's debounce is set to 0: we time the
search, not the typing pause. If pagefind-bin is installed (bench/requirements.txt),
Pagefind indexes the same codes as HTML pages and is measured the same way.
"""

import argparse
import functools
import gzip
import json
import random
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

import jinja2

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from errdex import urls  # noqa: E402
from errdex.codes import PLACEHOLDER_RE, code_sort_key, lookup_key, prefix_of  # noqa: E402
from errdex.search_index import write_search_index  # noqa: E402
from errdex.serve import serve_in_background  # noqa: E402

OUT = ROOT / "bench" / "out"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync"]

# Parallel vocabularies, so that a code's English and Chinese texts say the same thing.
OBJECTS = [
    ("request", "请求"), ("parameter", "参数"), ("token", "令牌"), ("service", "服务"), ("account", "账户"),
    ("image", "镜像"), ("file", "文件"), ("bucket", "桶"), ("instance", "实例"), ("volume", "云硬盘"),
    ("snapshot", "快照"), ("network", "网络"), ("subnet", "子网"), ("security group", "安全组"),
    ("key pair", "密钥对"), ("flavor", "规格"), ("quota", "配额"), ("cluster", "集群"), ("node", "节点"),
    ("namespace", "命名空间"), ("job", "作业"), ("task", "任务"), ("model", "模型"), ("dataset", "数据集"),
    ("endpoint", "终端节点"), ("certificate", "证书"), ("domain name", "域名"), ("listener", "监听器"),
    ("load balancer", "负载均衡器"), ("backend server", "后端服务器"), ("policy", "策略"), ("role", "角色"),
    ("user", "用户"), ("user group", "用户组"), ("agency", "委托"), ("project", "项目"), ("region", "区域"),
    ("availability zone", "可用区"), ("tag", "标签"), ("topic", "主题"), ("queue", "队列"),
    ("message", "消息"), ("database", "数据库"), ("table", "数据表"), ("backup", "备份"),
    ("replica", "副本"), ("parameter template", "参数模板"), ("function", "函数"), ("trigger", "触发器"),
    ("stream", "数据流"), ("partition", "分区"), ("alarm rule", "告警规则"), ("metric", "指标"),
    ("template", "模板"), ("stack", "资源栈"), ("resource", "资源"), ("order", "订单"), ("package", "套餐"),
    ("gateway", "网关"), ("route table", "路由表"), ("elastic IP", "弹性公网IP"), ("bandwidth", "带宽"),
    ("disk", "磁盘"), ("host", "主机"), ("container", "容器"), ("workload", "工作负载"), ("plugin", "插件"),
    ("repository", "仓库"), ("pipeline", "流水线"), ("branch", "分支"), ("secret", "密钥"),
    ("configuration", "配置"), ("log group", "日志组"), ("log stream", "日志流"), ("dashboard", "仪表盘"),
    ("notification", "通知"), ("subscription", "订阅"), ("signature", "签名"), ("header", "请求头"),
    ("request body", "请求体"), ("URL", "URL"), ("JSON body", "JSON消息体"), ("version", "版本"),
    ("API", "API"), ("AK/SK", "AK/SK"), ("IAM user", "IAM用户"), ("enterprise project", "企业项目"),
]
STATES = [
    ("invalid", "不合法"), ("empty", "为空"), ("missing", "缺失"), ("too long", "过长"), ("not found", "不存在"),
    ("already exists", "已存在"), ("expired", "已过期"), ("frozen", "已冻结"), ("locked", "已锁定"),
    ("in use", "正在使用中"), ("not supported", "不支持"), ("unavailable", "不可用"), ("busy", "繁忙"),
    ("out of range", "超出范围"), ("malformed", "格式错误"), ("duplicated", "重复"), ("deleted", "已删除"),
    ("disabled", "已禁用"), ("restricted", "受限"), ("oversized", "过大"),
]
VERBS = [
    ("create", "创建"), ("delete", "删除"), ("update", "更新"), ("query", "查询"), ("attach", "挂载"),
    ("detach", "卸载"), ("start", "启动"), ("stop", "停止"), ("restart", "重启"), ("resize", "变更"),
    ("upload", "上传"), ("download", "下载"), ("parse", "解析"), ("validate", "校验"), ("authenticate", "认证"),
    ("subscribe to", "订阅"), ("publish", "发布"), ("bind", "绑定"), ("unbind", "解绑"), ("import", "导入"),
    ("export", "导出"), ("migrate", "迁移"), ("restore", "恢复"), ("scale", "扩缩容"), ("obtain", "获取"),
]
MESSAGES = [
    ("The {o} is {s}.", "{O}{S}。"),
    ("The {o} %s is {s}.", "{O}{S}。"),
    ("Failed to {v} the {o}.", "{V}{O}失败。"),
    ("Failed to {v} the {o} %s: %s.", "{V}{O}失败。"),
    ("The {o} ID %s does not exist.", "{O}ID不存在。"),
    ("The number of {o}s exceeds the quota: {}.", "{O}数量超过配额。"),
    ("Invalid {o}: {0}. Valid values: {1}.", "{O}{S}。"),
    ("{o} %s {s}.", "{O}{S}。"),
    ("The request parameter %s is invalid, allowed values are %s.", "请求参数{S}。"),
    ("Insufficient permissions to {v} the {o}.", "没有{V}{O}的权限。"),
    ("The {o} is being processed. Try to {v} it later.", "{O}正在处理中，请稍后{V}。"),
    ("An internal error occurred while trying to {v} the {o}.", "{V}{O}时发生内部错误。"),
    ("The size of the {o} exceeds the upper limit %d MB.", "{O}大小超过上限。"),
    ("The {o} and the {o2} do not match.", "{O}与{O2}不匹配。"),
]
SOLUTIONS = [
    ("Check whether the {o} is correct.", "请检查{O}是否正确。"),
    ("Check the {o} and try again.", "请检查{O}后重试。"),
    ("Contact technical support.", "请联系技术支持人员，通过工单进行处理。"),
    ("Try again later. If the problem persists, submit a service ticket.", "请稍后重试，如仍失败请提交工单。"),
    ("Delete unused {o}s or apply for a higher quota.", "请删除不再使用的{O}或申请更高配额。"),
    ("Make sure the {o} is ready before you {v} it.", "请确认{O}就绪后再{V}。"),
]
SERVICES = ("ECS EVS VPC ELB IAM OBS RDS DCS DMS CCE CCI SWR AOM LTS CES CTS SMN APIG FunctionGraph "
            "ModelArts DLI DWS MRS CSS GES DDS GaussDB WAF HSS DEW KMS SCM CDN DNS NAT VPN DC ER CBR SFS "
            "IMS AS BMS DeH CPH ROMA CodeArts AIS OCR NLP ASR TMS EPS BSS CSE ServiceStage").split()
STATUSES = (400,) * 14 + (401, 403, 403, 404, 404, 404, 405, 409, 429, 500, 500, 503)


def fill(template, words):
    """Fill a bilingual template's {o}/{O}, {o2}/{O2}, {s}/{S} and {v}/{V} with one choice each."""
    for key, (en, zh) in words.items():
        template = template.replace("{" + key + "}", en).replace("{" + key.upper() + "}", zh)
    return template[:1].upper() + template[1:]


def synthetic_records(count, seed=1):
    """`count` English-page records over realistic services, sorted by code."""
    rng = random.Random(seed)
    prefixes = [s if i < len(SERVICES) else f"{s}{i // len(SERVICES)}"
                for i, s in enumerate(SERVICES * (count // 500 // len(SERVICES) + 1))][:max(4, count // 500)]
    codes, records = set(), []
    while len(codes) < count:
        prefix = rng.choice(prefixes)
        code = f"{prefix}.{rng.randrange(1, 10000):04d}" if rng.random() < 0.8 else f"{prefix}.{rng.randrange(10 ** 8):08d}"
        if code not in codes:
            codes.add(code)
    for code in sorted(codes, key=code_sort_key):
        entries = [bilingual_entry(rng) for _ in range(2 if rng.random() < 0.05 else 1)]
        records.append({
            "code": code, "url": urls.code_path("en", code), "prefix": prefix_of(code),
            "statuses": sorted({e["status"] for e in entries}), "messages": [e["message"] for e in entries],
            "snippet": entries[0]["texts"]["en"][0],
            "texts": {lang: [t for e in entries for t in e["texts"][lang]] for lang in ("zh", "en")},
            "retired": rng.random() < 0.01})
    return records


def bilingual_entry(rng):
    """One entry: an English message template, description and solution in both languages."""
    words = {"o": rng.choice(OBJECTS), "o2": rng.choice(OBJECTS), "s": rng.choice(STATES), "v": rng.choice(VERBS)}
    message, zh_description = rng.choice(MESSAGES)
    solution = rng.choice(SOLUTIONS)
    return {
        "status": rng.choice(STATUSES),
        "message": fill(message, words),
        "texts": {"en": [" ".join(PLACEHOLDER_RE.sub("", fill(message, words)).split()), fill(solution[0], words)],
                  "zh": [fill(zh_description, words), fill(solution[1], words)]},
    }


def filled(message, rng):
    """A template with its placeholders filled by values with spaces, brackets and punctuation."""
    values = ["my-bucket", "[a, b]", "POST", "ecs (prod) #2", "1024", "x.y/z", "'name with spaces'"]
    for placeholder in ("%s", "%d", "{0}", "{1}", "{}"):
        while placeholder in message:
            message = message.replace(placeholder, rng.choice(values), 1)
    return message


def queries(records, count, seed=2):
    """About `count` queries of every kind, from real codes, messages and texts."""
    rng = random.Random(seed)
    live = [r for r in records if not r["retired"]]
    picks = [rng.choice(live) for _ in range(count)]
    spellings = (str.lower, lambda c: c.replace(".", "-"), lambda c: c.replace(".", " "), lookup_key, str)
    made = []
    for i, record in enumerate(picks):
        code, message = record["code"], record["messages"][0]
        kind = i % 10
        if kind in (0, 1):
            made.append(spellings[i % len(spellings)](code))
        elif kind == 2:
            made.append(code.split(".")[-1] if i % 20 == 2 else code[:len(code) - 2])
        elif kind == 3:
            made.append(json.dumps({"error_code": code, "error_msg": filled(message, rng)}))
        elif kind == 4:
            made.append(filled(message, rng))
        elif kind in (5, 6):
            words = [w for w in record["texts"]["en"][0].split() if len(w) > 3]
            made.append(" ".join(rng.sample(words, min(2, len(words))))[:-1] if words else code)
        elif kind == 7:
            made.append(record["texts"]["zh"][0][:2] + record["texts"]["zh"][0][3:5])
        elif kind == 8:
            made.append(f"{record['texts']['en'][0].split()[1]}{record['texts']['zh'][0][:2]}")
        else:
            made.append(str(record["statuses"][0]))
    return made


def family_records(data_file):
    """The English site's search records of a dataset, as the site build makes them (texts of
    both languages), and the query table's queries."""
    from errdex import model
    from errdex.notes import load_notes
    from errdex.views import SiteViews
    dataset = model.load(data_file)
    known = {c.code for c in dataset.codes}
    notes, _ = load_notes(ROOT / "source" / "notes", known, {c.prefix or "_" for c in dataset.codes})
    records = SiteViews(dataset, "en", notes=notes).search_records()
    table = json.loads((ROOT / "tests" / "search_queries.json").read_text(encoding="utf-8"))
    return records, [row[4] for row in table]


def bench_page(lang):
    """The minimal search page: the header box and the results partial, debounce 0."""
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(ROOT / "templates")), autoescape=True,
                             undefined=jinja2.StrictUndefined, extensions=["jinja2.ext.i18n"])
    env.install_null_translations(newstyle=True)
    page = env.from_string(
        "<!DOCTYPE html><html lang=\"{{ lang }}\"><head><meta charset=\"utf-8\"><title>bench</title>"
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'self'\"></head><body>"
        "<header>{% include '_search_box.html' %}</header><main>{% include '_search_results.html' %}</main>"
        "</body></html>")
    path = urls.search_path(lang)
    url = functools.partial(urls.relative, path)
    html = page.render(lang=lang, url=url, root=url(""))
    return html.replace('data-debounce="100"', 'data-debounce="0"')


def build_ours(records, site):
    """Write the index, the page and the scripts; return (seconds to write the index, files)."""
    started = time.perf_counter()
    paths = write_search_index(records, "en", site)
    seconds = time.perf_counter() - started
    page = site / urls.output_file(urls.search_path("en"))
    page.parent.mkdir(parents=True, exist_ok=True)
    page.write_text(bench_page("en"), encoding="utf-8")
    for name in ("search-core.js", "search.js"):
        (site / "assets").mkdir(exist_ok=True)
        shutil.copy(ROOT / "templates" / "assets" / name, site / "assets" / name)
    return seconds, paths


def pagefind_executable():
    """The Pagefind binary of pagefind-bin, or None if it is not installed."""
    try:
        from pagefind_bin import get_executable
    except ImportError:
        return None
    return get_executable()


def build_pagefind(records, site, executable):
    """Write one HTML page per code and the page that searches them; run Pagefind; return seconds."""
    for r in records:
        page = site / urls.output_file(r["url"])
        page.parent.mkdir(parents=True, exist_ok=True)
        texts = "".join(f"<p>{t}</p>" for lang in ("en", "zh") for t in r["texts"][lang])
        page.write_text(f"<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{r['code']}</title>"
                        f"</head><body><main data-pagefind-body><h1>{r['code']}</h1>"
                        f"<p>HTTP {' '.join(map(str, r['statuses']))}</p><p>{' '.join(r['messages'])}</p>{texts}"
                        f"</main></body></html>", encoding="utf-8")
    (site / "pf.html").write_text(
        "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><script type=\"module\">"
        "window.pagefind = await import('./pagefind/pagefind.js'); await window.pagefind.init();"
        "window.pagefindReady = true;"
        "</script></head><body><ol id=\"results\"></ol></body></html>", encoding="utf-8")
    started = time.perf_counter()
    subprocess.run([str(executable), "--site", str(site), "--output-subdir", "pagefind"],
                   check=True, capture_output=True)
    return time.perf_counter() - started


# Time from the input event in the header box to results in its popup, with layout done.
OURS_QUERY_JS = """async (text) => {
  const input = document.getElementById('search-q');
  const status = document.querySelector('form[data-search-box] [role="status"]');
  return new Promise((resolve) => {
    const started = performance.now();
    const observer = new MutationObserver(() => {
      observer.disconnect();
      void document.getElementById('search-popup').offsetHeight;
      resolve([performance.now() - started, document.querySelectorAll('#search-popup [role="option"]').length]);
    });
    observer.observe(status, { childList: true });
    input.value = text;
    input.dispatchEvent(new Event('input'));
  });
}"""

PAGEFIND_QUERY_JS = """async (text) => {
  const list = document.getElementById('results');
  const started = performance.now();
  const search = await window.pagefind.search(text);
  const data = await Promise.all(search.results.slice(0, 8).map((r) => r.data()));
  list.replaceChildren(...data.map((d) => { const li = document.createElement('li'); li.textContent = d.meta.title + ' ' + d.excerpt; return li; }));
  void list.offsetHeight;
  return [performance.now() - started, data.length];
}"""


def gzip_size(path):
    """Bytes of a file after gzip -6."""
    return len(gzip.compress(path.read_bytes(), compresslevel=6))


def fetched_bytes(browser, engine, text):
    """Files and gzip bytes of the search's own files fetched, from page load to one query's results."""
    context = browser.new_context()
    page = context.new_page()
    fetched = []
    page.on("requestfinished", lambda request: fetched.append(request.url.split("?")[0]))
    page.goto(engine["base"] + engine["page"])
    page.wait_for_function(engine["ready"])
    page.evaluate(engine["query_js"], text)
    paths = {u[len(engine["base"]):] for u in fetched if u[len(engine["base"]):].startswith(engine["files"])}
    context.close()
    return len(paths), sum(gzip_size(engine["site"] / p) for p in paths)


def latencies(page, query_js, texts):
    """Milliseconds per query: a first pass (files fetched) and a second (cached)."""
    first = [page.evaluate(query_js, t)[0] for t in texts]
    again = [page.evaluate(query_js, t)[0] for t in texts]
    return first, again


def heap_mb(page):
    """Used JS heap after a garbage collection, in MB."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("HeapProfiler.collectGarbage")
    return cdp.send("Runtime.getHeapUsage")["usedSize"] / 1e6


def p95(values):
    """The 95th percentile."""
    return statistics.quantiles(values, n=20)[-1]


def measure(browser, engine, texts, code_query, word_query):
    """One row of figures for one engine at one size."""
    context = browser.new_context()
    page = context.new_page()
    page.goto(engine["base"] + engine["page"])
    page.wait_for_function(engine["ready"])
    heap_before = heap_mb(page)
    first, again = latencies(page, engine["query_js"], texts)
    heap_after = heap_mb(page)
    context.close()
    return {
        "code": fetched_bytes(browser, engine, code_query),
        "word": fetched_bytes(browser, engine, word_query),
        "first": (statistics.median(first), p95(first)), "again": (statistics.median(again), p95(again)),
        "heap": (heap_before, heap_after),
    }


def folder_size(folder):
    """(files, raw MB, gzip MB) of a folder."""
    files = [p for p in folder.rglob("*") if p.is_file()]
    return len(files), sum(p.stat().st_size for p in files) / 1e6, sum(gzip_size(p) for p in files) / 1e6


def row(name, size, build_seconds, index, figures):
    """Format one line of the table."""
    (code_files, code_bytes), (word_files, word_bytes) = figures["code"], figures["word"]
    return (f"{name:<9}{size:>8} {build_seconds:>7.1f}s {index[0]:>7} {index[1]:>8.1f} {index[2]:>7.1f} "
            f"{code_files:>3} {code_bytes / 1000:>7.1f} {word_files:>4} {word_bytes / 1000:>7.1f} "
            f"{figures['first'][0]:>6.1f} {figures['first'][1]:>6.1f} {figures['again'][0]:>6.1f} "
            f"{figures['again'][1]:>6.1f} {figures['heap'][0]:>6.1f} {figures['heap'][1]:>6.1f}")


HEADER = ("engine      codes   build   files   raw MB   gz MB | code: n  gz KB | word: n  gz KB"
          " | 1st ms   p95 | again   p95 | heap MB: page after")


def main(argv=None):
    """Run the benchmark for each size and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=[1000, 10000, 100000])
    parser.add_argument("--family", nargs="?", const=str(ROOT / "source" / "errors.json"), default=None,
                        help="also measure a dataset (default: source/errors.json) with the query table")
    parser.add_argument("--queries", type=int, default=50)
    parser.add_argument("--no-pagefind", action="store_true", help="skip the Pagefind comparison")
    args = parser.parse_args(argv)
    from playwright.sync_api import sync_playwright

    pagefind = None if args.no_pagefind else pagefind_executable()
    lines = [HEADER]
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        runs = [(size, None) for size in args.sizes] + ([("family", args.family)] if args.family else [])
        for size, data_file in runs:
            if data_file:
                records, texts = family_records(data_file)
                code_query, word_query = records[len(records) // 3]["code"].lower(), "request body too large"
            else:
                records = synthetic_records(size)
                texts = queries(records, args.queries)
                code_query, word_query = records[len(records) // 3]["code"].lower(), texts[5]
            folder = OUT / f"search-{size}"
            shutil.rmtree(folder, ignore_errors=True)
            seconds, _ = build_ours(records, folder)
            server, url = serve_in_background(folder, "/")
            engine = {"site": folder, "base": url, "page": "en/search/", "ready": "window.ErrdexSearchCore",
                      "query_js": OURS_QUERY_JS, "files": ("search-index/", "assets/search")}
            try:
                figures = measure(browser, engine, texts, code_query, word_query)
            finally:
                server.shutdown()
            lines.append(row("errdex", len(records), seconds, folder_size(folder / "search-index"), figures))
            print(lines[-1], flush=True)
            if pagefind:
                folder = OUT / f"pagefind-{size}"
                shutil.rmtree(folder, ignore_errors=True)
                seconds = build_pagefind(records, folder, pagefind)
                server, url = serve_in_background(folder, "/")
                engine = {"site": folder, "base": url, "page": "pf.html", "ready": "window.pagefindReady",
                          "query_js": PAGEFIND_QUERY_JS, "files": ("pagefind/",)}
                try:
                    figures = measure(browser, engine, texts, code_query, word_query)
                finally:
                    server.shutdown()
                lines.append(row("pagefind", len(records), seconds, folder_size(folder / "pagefind"), figures))
                print(lines[-1], flush=True)
        browser.close()
    print("\n" + "\n".join(lines))
    print(f"\nlast code lookup: {code_query!r}; word query: {word_query!r}; {args.queries} synthetic queries of every "
          "kind, or the query table's on the family.")
    print("ms: input event to rendered results, 8 in the header popup (median, p95); 1st: files fetched on the way; again: cached.")
    if args.no_pagefind:
        print("Pagefind: skipped (--no-pagefind).")
    elif not pagefind:
        print("Pagefind: not measured; `pip install pagefind-bin` into the venv to compare.")
    else:
        print("Pagefind (pagefind-bin, not pagefind_extended: no Chinese segmentation) indexes the same codes "
              "as one HTML page each; its page needs 'wasm-unsafe-eval' in a CSP.")


if __name__ == "__main__":
    main()
