"""The JSON Schemas at the door: every data file is checked against its schema before
anything reads it, so the readers after it can trust every field's type and shape.

schema/errors.schema.json describes the dataset (and is published with the site);
schema/retired.schema.json and schema/redirects.schema.json the lifecycle files, which
refer to the dataset's definitions. fastjsonschema compiles a schema into plain Python,
kept in build/schemas/: checking 10,000 codes takes 0.15 s, where
jsonschema took 2.6 s (and 32.6 s for 100,000, half the build's time).
"""

import functools
import hashlib
import importlib.util
import json
from pathlib import Path

import fastjsonschema

from .errors import DataError

SCHEMA_DIR = Path(__file__).resolve().parent.parent / "schema"
COMPILED_DIR = Path(__file__).resolve().parent.parent / "build" / "schemas"
DATASET = "errors.schema.json"
RETIRED = "retired.schema.json"
REDIRECTS = "redirects.schema.json"
_KINDS = {"object": "an object", "array": "a list", "string": "a string", "integer": "an integer",
          "null": "null", "boolean": "true or false", "number": "a number"}


def check(raw, path, schema_name=DATASET):
    """Raise DataError naming the JSON path, what was expected and what was got, if `raw`
    does not match the schema."""
    try:
        _validator(schema_name)(raw)
    except fastjsonschema.JsonSchemaValueException as error:
        raise DataError(f"{path}: {_place(error)}: {_expected(error)}, got {describe(error.value)}") from None


def load_schema(name):
    """A schema file of schema/ as a dict, without its `$id`.

    Its `$id` (a relative URI) would be the base of its `$ref`s, which fastjsonschema then
    tries to fetch from the network; without it, `#/...` refers to the file itself.
    """
    schema = json.loads((SCHEMA_DIR / name).read_text(encoding="utf-8"))
    schema.pop("$id", None)
    return schema


@functools.lru_cache(maxsize=None)
def _validator(name):
    """The compiled validator of a schema file, made once per change of schema/ (40 ms)."""
    digest = hashlib.sha256(fastjsonschema.VERSION.encode())
    for schema_file in sorted(SCHEMA_DIR.glob("*.json")):  # a schema may refer to the others
        digest.update(schema_file.read_bytes())
    module_file = COMPILED_DIR / f"{name.partition('.')[0]}-{digest.hexdigest()[:32]}.py"
    if not module_file.exists():
        from .pipeline import write_atomic  # pipeline imports the model, which imports this
        code = fastjsonschema.compile_to_code(load_schema(name), handlers=_LOCAL_ONLY, use_default=False)
        try:
            write_atomic(module_file, code)
        except OSError:  # a read-only checkout: compile every time
            return fastjsonschema.compile(load_schema(name), handlers=_LOCAL_ONLY, use_default=False)
    # Imported as a module, as fastjsonschema's documentation does with compile_to_code's
    # output: Python then keeps its bytecode too (compiling the 90 KB source takes 23 ms).
    spec = importlib.util.spec_from_file_location(f"errdex_schema_{module_file.stem.replace('-', '_')}", module_file)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.validate


def _local_schema(uri):
    """Resolve a reference to another file of schema/ (never the network)."""
    name = uri.split("#")[0]
    if "/" in name or not (SCHEMA_DIR / name).is_file():
        raise DataError(f"schema reference {uri!r} is not a file of {SCHEMA_DIR}")
    return load_schema(name)


_LOCAL_ONLY = {scheme: _local_schema for scheme in ("", "file", "http", "https")}


def _place(error):
    """The JSON path of the bad value as the readers name it: codes[3].entries[0].message."""
    name = error.name or "data"
    return name[len("data"):].lstrip(".") or "(top level)"


def _expected(error):
    """What the schema wanted, in words."""
    rule, wanted = error.rule, error.rule_definition
    if rule == "type":
        kinds = [wanted] if isinstance(wanted, str) else wanted
        return "expected " + " or ".join(_KINDS.get(k, k) for k in kinds)
    if rule == "required":
        missing = ", ".join(repr(k) for k in wanted if not isinstance(error.value, dict) or k not in error.value)
        return f"missing {missing}"
    if rule == "additionalProperties":
        known = sorted(error.definition.get("properties", {}))
        unknown = sorted(k for k in error.value if k not in known) if isinstance(error.value, dict) else []
        return f"unknown key(s) {unknown}, expected only {known}"
    if rule in ("enum", "const"):
        return f"expected one of {wanted if rule == 'enum' else [wanted]}"
    if rule == "pattern":
        return f"expected text matching {wanted} (one line, no control characters)"
    if rule in ("minimum", "maximum"):
        bounds = error.definition
        return f"expected a number from {bounds.get('minimum', '-∞')} to {bounds.get('maximum', '∞')}"
    if rule in ("minItems", "minLength"):
        return f"expected at least {wanted} {'item' if rule == 'minItems' else 'character'}(s)"
    if rule in ("maxItems", "maxLength"):
        return f"expected at most {wanted} {'item' if rule == 'maxItems' else 'character'}(s)"
    if rule == "propertyNames":
        names = error.definition.get("propertyNames", {})
        if "enum" in names and isinstance(error.value, dict):
            unknown = sorted(k for k in error.value if k not in names["enum"])
            return f"unknown key(s) {unknown}, expected keys from {names['enum']}"
        return f"a key does not match {names.get('pattern', 'the schema')}"
    return error.message.replace(error.name or "data", "value", 1)


def describe(value):
    """A short, safe description of a JSON value for a message (no repr of deep values)."""
    if isinstance(value, dict):
        return f"an object with keys {sorted(map(str, value))[:8]}" if value else "an empty object"
    if isinstance(value, list):
        return f"a list of {len(value)} item(s)"
    if isinstance(value, bool) or value is None:
        return json.dumps(value)
    if isinstance(value, int) and value.bit_length() > 64:
        return f"an integer of {len(str(abs(value)))} digits" if value.bit_length() < 14000 else "a huge integer"
    return f"{value!r:.80}"
