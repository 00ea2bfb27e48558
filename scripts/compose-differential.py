#!/usr/bin/env python3
"""Differential check of the compose model (`src/model/compose/`) against `docker-compose config`.

Not part of `cargo test`: it needs docker-compose 1.29 (Debian's `docker-compose` package;
`config` needs no daemon) and PyYAML. For every compose project the model finds in each root
(`examples/compose_config.rs`), it runs

    docker-compose -f FILE... --project-directory DIR config

on a scratch copy of the root, in an empty environment (only PATH: the shell sets nothing, as
the model assumes), and compares per service: image, build context/dockerfile/target,
environment (env files read in), ports (host_ip/published/target/protocol, one per port),
expose, volumes (type/source/target/read_only), depends_on (name -> condition), the healthcheck
test and profiles, both sides normalized the same way (`seaworthy::model::compose::config`).
When the project starts with a default name (`compose.yaml`, `docker-compose.yml`, ...), it
also runs `docker-compose config` without -f, which picks the base and override files by
itself, and checks it prints the same: the model chose the files Compose would.

    cargo build --release --example compose_config
    python3 scripts/compose-differential.py ROOT... [--write-expected] [--keep] [-v]

Each project is one of:

- agree: docker-compose 1.29 read the files as they are and printed what the model says;
- disagree: it printed something else (a compact diff follows; the exit status is 1);
- oracle too old: the files use compose-spec features v1.29 predates. Where the feature can be
  translated into what v1.29 reads, with the current spec's meaning, the project is compared
  after the translation (and counted as agreeing or disagreeing within "oracle too old");
  otherwise it is not compared;
- not comparable: docker-compose refuses the project for a reason the current spec shares (a
  `${VAR:?err}` the empty shell does not set, an undeclared named volume, invalid YAML): the
  model reads such files leniently and the rules report what they can.

`--write-expected` writes each root's normalized answer to `expected.docker-compose.json` in it
(the fixtures under `tests/fixtures/compose-merge/`, which `tests/compose.rs` holds the model
to offline).

Where v1.29 and the current compose spec differ, the spec wins. The translations (each listed
in the project's notes) and the differences they stand for:

- `include` (compose-spec `include.md`, Compose 2.20): v1.29 rejects the key. Each included
  path is run as a project of its own (its folder as project directory, its `.env`, with the
  including project's environment taking precedence: compose-go `loader/include.go`), its
  services copied in unless the including project defines the name, and stub services stand in
  for them while the including files are run (so `depends_on` on them validates).
- `!reset` / `!override` (`merge.md`, Compose 2.24): PyYAML has no constructor for them. The
  tagged path is removed from the earlier files; `!reset` drops the value, `!override` keeps it.
- Interpolation: v1.29 has no `${VAR:+alt}` / `${VAR+alt}` and no nested defaults
  (`${A:-${B:-x}}`). Values using them are interpolated here, per the spec, before v1.29 reads
  them. v1.29 reads `.env` and env files with python-dotenv, which expands only `${VAR}` and
  `${VAR:-default}`, not `$VAR`, and keeps `$$`; compose-go's dotenv interpolates them like
  compose values, from the project environment first, and drops a bare `KEY` it cannot
  resolve (v1.29 prints `KEY: null`). Such files are rewritten with the spec's values.
- YAML 1.1: v1.29 parses with PyYAML (YAML 1.1); Compose v2 with go-yaml v3. Plain scalars
  the two read differently are rewritten with go-yaml v3's reading: `yes`/`no`/`on`/`off` are
  strings (v1.29 reads booleans, and rejects them in `environment`), `30:30` is a string (v1.29:
  the sexagesimal integer 1830), `0o17` is 15, `1e3` a float; floats and booleans in
  `environment` are the strings Go's `fmt.Sprint` makes of them (`1.0` is `1`).
- Keys v1.29 does not know are dropped when no compared field depends on them: top-level
  `name`, `develop`, `healthcheck.start_interval`, `depends_on.*.required` / `restart`, newer
  `build` keys, and every other property v1.29's schema (`compose/config/compose_spec.json`)
  does not allow. `depends_on` long entries without `condition` get `service_started` (the
  spec's default; v1.29 requires it).
- Long `ports` with `host_ip` or a `published` range, and long `env_file` entries
  (`{path, required}`), are written in the short syntax v1.29 reads (an optional env file that
  does not exist is left out).
- `extends` of a service with `depends_on`: v1.29 refuses it; compose-go copies the
  dependencies into the extending service (`loader/extends_test.go`). The script copies them
  and drops them from the extended file (for a service in another file). `links`,
  `volumes_from` and `network_mode: service:x` are not copied: such a project is "oracle too
  old", not compared.
- Short `ports` left with an empty host port by an unset variable (`${PORT}:5432` is `:5432`):
  an ephemeral host port to Compose v2 (go-connections `nat.ParsePortSpec`), which v1.29
  rejects; written as the target alone. One left without a target (`${P}:${P}`) is refused by
  both: not comparable.
- Default files: v1.29 prefers `docker-compose.yml` over `compose.yaml` and refuses two
  override files; compose-go prefers `compose.yaml` and reads the first of
  `compose.override.yml`, `compose.override.yaml`, `docker-compose.override.yml`,
  `docker-compose.override.yaml`. Where a folder has several, the files are not checked.
- v1.29 checks that a build context exists; a missing one is created in the scratch copy (the
  current `docker compose config` does not check it). A missing required env file is created
  empty and noted (current Compose refuses it too).

Differences not translated, because the comparison does not see them:

- The spec (compose-go `loader/normalize.go`) adds a `depends_on` entry for `links`,
  `volumes_from` and `network_mode`/`ipc`/`pid: service:x`; v1.29 and the model read
  `depends_on` as written, and so does the comparison.
- `docker compose config` prints only the services of the active profiles; v1.29 prints all
  of them, as the model keeps them, so every service is compared.
"""

import argparse
import decimal
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

try:
    import yaml
except ImportError:  # pragma: no cover
    sys.exit("compose-differential: needs PyYAML (pip install pyyaml)")

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.join(ROOT, "target", "release", "examples", "compose_config")
EXPECTED = "expected.docker-compose.json"
SCHEMA_129 = "/usr/lib/python3/dist-packages/compose/config/compose_spec.json"
COMPARED = ["image", "build", "environment", "ports", "expose", "volumes", "depends_on",
            "healthcheck", "profiles"]
SKIP_DIRS = {".git", "node_modules", ".next", ".turbo", "dist", "coverage", ".cache"}


# --- The spec's interpolation (compose-spec interpolation.md; compose-go template) ----------

NAME = re.compile(r"[_a-zA-Z][_a-zA-Z0-9]*")


class Invalid(Exception):
    pass


class Missing(Exception):
    pass


class Refused(Exception):
    """The current spec refuses the project too: not comparable."""


def substitute(text, lookup):
    """Interpolates `text` the way compose-go's `template.Substitute` does: `$VAR`, `${VAR}`,
    `${VAR:-d}`, `${VAR-d}`, `${VAR:?e}`, `${VAR?e}`, `${VAR:+a}`, `${VAR+a}`, nested in the
    default, `$$`. `lookup(name)` returns None for an unset variable."""
    out, i = [], 0
    while i < len(text):
        c = text[i]
        if c != "$":
            out.append(c)
            i += 1
            continue
        nxt = text[i + 1:i + 2]
        if nxt == "$":
            out.append("$")
            i += 2
        elif nxt == "{":
            depth, j = 0, i + 1
            while j < len(text):
                if text[j] == "{":
                    depth += 1
                elif text[j] == "}":
                    depth -= 1
                    if depth == 0:
                        break
                j += 1
            if j >= len(text):
                raise Invalid(text)
            out.append(braced(text[i + 2:j], lookup))
            i = j + 1
        else:
            m = NAME.match(text, i + 1)
            if not m:
                raise Invalid(text)
            out.append(lookup(m.group(0)) or "")
            i = m.end()
    return "".join(out)


def braced(inner, lookup):
    m = NAME.match(inner)
    if not m:
        raise Invalid(inner)
    name, rest = m.group(0), inner[m.end():]
    value = lookup(name)
    if rest == "":
        return value or ""
    colon = rest.startswith(":")
    op, arg = (rest[1:2], rest[2:]) if colon else (rest[0], rest[1:])
    unset = value is None or (colon and value == "")
    if op == "-":
        return substitute(arg, lookup) if unset else value
    if op == "?":
        if unset:
            raise Missing(name)
        return value
    if op == "+":
        return "" if unset else substitute(arg, lookup)
    raise Invalid(inner)


def needs_spec_interpolation(text):
    """`${VAR:+a}`, `${VAR+a}` or a `${` inside a braced default: what v1.29 cannot read."""
    return bool(re.search(r"\$\{[_a-zA-Z][_a-zA-Z0-9]*:?\+", text)) or bool(
        re.search(r"\$\{[_a-zA-Z][_a-zA-Z0-9]*:?[-?][^}]*\$\{", text))


# --- .env files as compose-go reads them (dotenv/parser.go) ----------------------------------

def parse_dotenv(text):
    """[(key, value or None for a bare KEY, quote)] with quote in '', "'", '"'."""
    out, lines, i = [], text.lstrip("\ufeff").split("\n"), 0
    while i < len(lines):
        line = lines[i].strip()
        i += 1
        if not line or line.startswith("#"):
            continue
        if line.startswith("export "):
            line = line[7:].lstrip()
        m = re.match(r"([A-Za-z0-9_.\-]+)\s*[=:]\s*", line)
        if not m:
            key = line.strip()
            if re.fullmatch(r"[A-Za-z0-9_.\-]+", key):
                out.append((key, None, ""))
            continue
        key, rest = m.group(1), line[m.end():]
        if rest[:1] in ("'", '"'):
            q, body = rest[0], rest[1:]
            while True:
                end, esc = None, False
                for k, ch in enumerate(body):
                    if esc:
                        esc = False
                    elif ch == "\\":
                        esc = True
                    elif ch == q:
                        end = k
                        break
                if end is not None or i >= len(lines):
                    break
                body += "\n" + lines[i]
                i += 1
            body = body[:end] if end is not None else body
            if q == '"':
                body = re.sub(r"\\(.)", lambda mm: {"n": "\n", "t": "\t", "r": "\r"}.get(
                    mm.group(1), mm.group(1)), body)
            else:
                body = body.replace("\\'", "'")
            out.append((key, body, q))
        else:
            value = rest.split(" #", 1)[0].rstrip()
            out.append((key, value, ""))
    return out


def dotenv_values(path, lookup):
    """A .env file's variables with the spec's values: unquoted and double-quoted values
    interpolated from `lookup` first, then the file's earlier variables; a bare KEY resolved
    from `lookup` or left out."""
    values = {}
    if not os.path.isfile(path):
        return values
    with open(path, encoding="utf-8", errors="replace") as f:
        entries = parse_dotenv(f.read())

    def look(name):
        v = lookup(name)
        return v if v is not None else values.get(name)

    for key, value, quote in entries:
        if value is None:
            v = lookup(key)
            if v is not None:
                values[key] = v
            continue
        if quote == "'":
            values[key] = value
        else:
            try:
                values[key] = substitute(value, look)
            except (Invalid, Missing):
                values[key] = value
    return values


def dotenv_needs_translation(path):
    """Whether python-dotenv (v1.29) would read the file differently from compose-go: a `$`
    other than `${VAR}`/`${VAR:-plain}`, or a bare KEY."""
    if not os.path.isfile(path):
        return False
    with open(path, encoding="utf-8", errors="replace") as f:
        for key, value, quote in parse_dotenv(f.read()):
            if value is None:
                return True
            if "$" not in value:
                continue
            if quote == "'":
                if "${" in value:
                    return True  # python-dotenv 0.21 interpolates single-quoted values too
                continue
            rest = re.sub(r"\$\{[_a-zA-Z][_a-zA-Z0-9]*(:-[^}$]*)?\}", "", value)
            if "$" in rest:
                return True
    return False


# python-dotenv 0.21 interpolates `${NAME}` in every value, quoted or not, and has no escape
# for it: a literal `${` is written as a reference to this variable, which the environment of
# docker-compose sets to `${` (its resolution is not read again).
DOLLAR_BRACE = "SW_LITERAL_DOLLAR_BRACE"


def literal_dotenv(values):
    """The values as a .env python-dotenv reads literally."""
    def quote(v):
        v = v.replace("\\", "\\\\").replace("'", "\\'").replace("${", "${%s}" % DOLLAR_BRACE)
        return "'%s'" % v
    return "".join("%s=%s\n" % (k, quote(v)) for k, v in values.items())


# --- YAML: what go-yaml v3 reads where PyYAML (YAML 1.1) reads otherwise ---------------------

V3_FLOAT = re.compile(r"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$")


def go_int(text):
    """strconv.ParseInt(s, 0, 64), after go-yaml v3 removed underscores; None if not an int."""
    s = text.replace("_", "")
    m = re.fullmatch(r"([-+]?)(0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+|0[0-7]*|[1-9][0-9]*)", s)
    if not m:
        return None
    sign, body = m.group(1), m.group(2)
    low = body.lower()
    if low.startswith("0x"):
        v = int(body[2:], 16)
    elif low.startswith("0o"):
        v = int(body[2:], 8)
    elif low.startswith("0b"):
        v = int(body[2:], 2)
    elif body.startswith("0") and len(body) > 1:
        v = int(body[1:], 8)
    else:
        v = int(body)
    return -v if sign == "-" else v


def v3_resolve(text):
    """go-yaml v3's reading of a plain scalar: (kind, value)."""
    if text in ("", "~", "null", "Null", "NULL"):
        return "null", None
    if text in ("true", "True", "TRUE"):
        return "bool", True
    if text in ("false", "False", "FALSE"):
        return "bool", False
    if text in (".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF"):
        return "float", float("inf")
    if text in ("-.inf", "-.Inf", "-.INF"):
        return "float", float("-inf")
    if text in (".nan", ".NaN", ".NAN"):
        return "float", float("nan")
    if text[:1] in "+-.0123456789" and text:
        v = go_int(text)
        if v is not None:
            return "int", v
        plain = text.replace("_", "")
        if V3_FLOAT.match(plain):
            return "float", float(plain)
    return "str", text


def go_float(f):
    """fmt.Sprint(float64): Go's shortest 'g' form, the exponent form when the exponent is
    below -4 or at least 6 (strconv `formatDigits`: `eprec = 6` when shortest)."""
    if f != f:
        return "NaN"
    if f in (float("inf"), float("-inf")):
        return "+Inf" if f > 0 else "-Inf"
    if f == 0:
        return "0"
    sign, digits, exp = decimal.Decimal(repr(f)).as_tuple()
    digits = list(digits)
    while len(digits) > 1 and digits[-1] == 0:
        digits.pop()
        exp += 1
    ds = "".join(map(str, digits))
    e10 = len(ds) - 1 + exp
    neg = "-" if sign else ""
    if e10 < -4 or e10 >= 6:
        mant = ds[0] + ("." + ds[1:] if len(ds) > 1 else "")
        return "%s%se%s%02d" % (neg, mant, "-" if e10 < 0 else "+", abs(e10))
    if exp >= 0:
        return neg + ds + "0" * exp
    point = len(ds) + exp
    if point > 0:
        return neg + ds[:point] + "." + ds[point:]
    return neg + "0." + "0" * (-point) + ds


STR_TAG = "tag:yaml.org,2002:str"


class Tagged:
    def __init__(self, tag, value):
        self.tag, self.value = tag, value


class Loader(yaml.SafeLoader):
    pass


def _tagged(loader, suffix, node):
    if isinstance(node, yaml.ScalarNode):
        value = loader.construct_scalar(node)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = loader.construct_mapping(node, deep=True)
    return Tagged(suffix, value)


Loader.add_multi_constructor("!", lambda loader, suffix, node: _tagged(loader, "!" + suffix, node))


def load_for_v129(path, notes):
    """The file's YAML as data, with every plain scalar read the way go-yaml v3 reads it."""
    with open(path, encoding="utf-8") as f:
        loader = Loader(f.read())
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        seen, changed = set(), []

        def walk(n):
            if id(n) in seen:
                return
            seen.add(id(n))
            if isinstance(n, yaml.ScalarNode):
                if n.style is None and n.tag.startswith("tag:yaml.org,2002:") and \
                        not n.tag.endswith(":merge"):
                    kind, value = v3_resolve(n.value)
                    was = n.tag.rsplit(":", 1)[-1]
                    if kind == "str" and was != "str":
                        changed.append(n.value)
                        n.tag = STR_TAG
                    elif kind == "int" and (was != "int" or yaml.safe_load(n.value) != value):
                        changed.append(n.value)
                        n.tag, n.value = "tag:yaml.org,2002:int", str(value)
                    elif kind == "float":
                        # A float is a string to Compose in the end (`environment`, labels,
                        # `cpus`): the one Go's fmt.Sprint makes of it.
                        if go_float(value) != n.value:
                            changed.append(n.value)
                        n.tag, n.value = STR_TAG, go_float(value)
                    elif kind == "bool" and was != "bool":
                        changed.append(n.value)
                        n.tag = "tag:yaml.org,2002:bool"
                return
            if isinstance(n, yaml.SequenceNode):
                for item in n.value:
                    walk(item)
            elif isinstance(n, yaml.MappingNode):
                for k, v in n.value:
                    walk(k)
                    walk(v)

        walk(node)
        data = loader.construct_document(node)
    finally:
        loader.dispose()
    if changed:
        notes.add("YAML 1.1 scalars read as go-yaml v3 reads them: " +
                  ", ".join(sorted(set(map(repr, changed)))[:6]))
    return data


def contains_tags(data):
    if isinstance(data, Tagged):
        return True
    if isinstance(data, dict):
        return any(contains_tags(v) for v in data.values())
    if isinstance(data, list):
        return any(contains_tags(v) for v in data)
    return False


# --- v1.29's schema: properties it does not know ---------------------------------------------

with open(SCHEMA_129) as _f:
    SCHEMA = json.load(_f)


def _resolve(schema):
    while "$ref" in schema:
        ref = schema["$ref"].split("/")[-1]
        schema = SCHEMA["definitions"][ref]
    return schema


def _kind(value):
    if isinstance(value, dict):
        return "object"
    if isinstance(value, list):
        return "array"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    if value is None:
        return "null"
    return "string"


def _branch(schema, value):
    schema = _resolve(schema)
    for key in ("oneOf", "anyOf"):
        if key in schema:
            for b in schema[key]:
                b = _resolve(b)
                types = b.get("type")
                types = types if isinstance(types, list) else [types]
                k = _kind(value)
                if k in types or (k == "number" and "integer" in types) or (
                        types == [None] and ("properties" in b or "patternProperties" in b)
                        and k == "object"):
                    return _branch(b, value)
    return schema


def drop_unknown(value, schema, path, dropped):
    schema = _branch(schema, value)
    if isinstance(value, dict):
        props = schema.get("properties", {})
        patterns = schema.get("patternProperties", {})
        additional = schema.get("additionalProperties", True)
        for key in list(value):
            if key in props:
                drop_unknown(value[key], props[key], path + [key], dropped)
                continue
            pat = next((p for p in patterns if re.search(p, str(key))), None)
            if pat is not None:
                drop_unknown(value[key], patterns[pat], path + [key], dropped)
            elif additional is False:
                dropped.add(".".join(re.sub(r"^services\.[^.]+", "services.*", ".".join(
                    map(str, path + [key]))).split(".")))
                del value[key]
            elif isinstance(additional, dict):
                drop_unknown(value[key], additional, path + [key], dropped)
    elif isinstance(value, list) and isinstance(schema.get("items"), dict):
        for item in value:
            drop_unknown(item, schema["items"], path + ["*"], dropped)


# --- Translating a project into what v1.29 reads ---------------------------------------------

class Translation:
    def __init__(self, mirror):
        self.mirror = mirror
        self.notes = set()
        self.originals = {}

    def write(self, path, data=None, text=None):
        if path not in self.originals:
            self.originals[path] = open(path, "rb").read() if os.path.exists(path) else None
        with open(path, "w", encoding="utf-8") as f:
            if text is not None:
                f.write(text)
            else:
                yaml.safe_dump(data, f, sort_keys=False, default_flow_style=False)

    def restore(self):
        for path, content in self.originals.items():
            if content is None:
                if os.path.isfile(path):
                    os.remove(path)
            else:
                with open(path, "wb") as f:
                    f.write(content)
        self.originals.clear()


def untag(data):
    if isinstance(data, Tagged):
        return untag(data.value)
    if isinstance(data, dict):
        return {k: untag(v) for k, v in data.items()}
    if isinstance(data, list):
        return [untag(v) for v in data]
    return data


def scalar_string(v):
    """An `environment` value as Compose v2 makes it a string (`fmt.Sprint`): v1.29 rejects
    booleans there."""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float):
        return go_float(v)
    return v


def remove_path(data, path):
    """Removes services.NAME.KEY... from a file's data (for `!reset` / `!override`)."""
    node = data
    for key in path[:-1]:
        if isinstance(node, dict) and key in node:
            node = node[key]
        else:
            return
    last = path[-1]
    if isinstance(node, dict):
        node.pop(last, None)
    elif isinstance(node, list) and len(path) >= 2 and path[-2] in ("environment", "labels"):
        node[:] = [i for i in node if not (isinstance(i, str) and
                                          (i == last or i.startswith(last + "=")))]


def tagged_paths(data, path=()):
    if isinstance(data, Tagged):
        yield list(path), data
        return
    if isinstance(data, dict):
        for k, v in data.items():
            yield from tagged_paths(v, path + (k,))


def interpolate_newer(data, lookup, notes):
    """Pre-interpolates, per the spec, the values v1.29 cannot interpolate (escaped `$$`)."""
    if isinstance(data, dict):
        return {k: interpolate_newer(v, lookup, notes) for k, v in data.items()}
    if isinstance(data, list):
        return [interpolate_newer(v, lookup, notes) for v in data]
    if isinstance(data, str) and needs_spec_interpolation(data):
        try:
            value = substitute(data, lookup)
        except (Invalid, Missing):
            return data
        notes.add("interpolation v1.29 lacks (`${VAR:+alt}`, `${VAR+alt}`, nested defaults)")
        return value.replace("$", "$$")
    return data


def short_port(p):
    published = p.get("published")
    ip = p.get("host_ip")
    text = str(p["target"])
    if published not in (None, ""):
        text = "%s:%s" % (published, text)
    elif ip:
        text = ":" + text
    if ip:
        text = "%s:%s" % ("[%s]" % ip if ":" in ip else ip, text)
    return text + "/" + p.get("protocol", "tcp")


def translate_service(svc, base_dir, services, lookup, tr):
    if not isinstance(svc, dict):
        return svc
    ports = svc.get("ports")
    if isinstance(ports, list):
        new = []
        for p in ports:
            if isinstance(p, str) and "$" in p:
                # `${PORT}:5432` in an empty shell is `:5432`, an ephemeral host port to
                # Compose v2 (go-connections nat.ParsePortSpec), which v1.29 rejects.
                try:
                    value = substitute(p, lookup)
                except (Invalid, Missing):
                    value = p
                if value.endswith(":") or not value.strip():
                    raise Refused("a port the empty shell leaves without a target (%s)" % p)
                if re.match(r"^:\d", value):
                    tr.notes.add("short `ports` with an empty host port (`:5432`) as the target "
                                 "alone")
                    p = value[1:].replace("$", "$$")
            if isinstance(p, dict) and "target" in p and (
                    p.get("host_ip") or not isinstance(p.get("published", 0), int)
                    and not str(p.get("published")).isdigit()):
                tr.notes.add("long `ports` with host_ip or a published range, in the short syntax")
                p = short_port(p)
            elif isinstance(p, dict) and isinstance(p.get("published"), str) and \
                    p["published"].isdigit():
                p = dict(p, published=int(p["published"]))
            if p not in new:
                new.append(p)
        if len(new) < len(ports):
            tr.notes.add("repeated `ports`/`expose`/`volumes`/`profiles` entries kept once "
                          "(compose-go EnforceUnicity; v1.29 rejects them)")
        svc["ports"] = new
    for key in ("expose", "volumes", "profiles"):
        if isinstance(svc.get(key), list):
            uniq = []
            for item in svc[key]:
                if item not in uniq:
                    uniq.append(item)
            if len(uniq) < len(svc[key]):
                tr.notes.add("repeated `ports`/`expose`/`volumes`/`profiles` entries kept once "
                              "(compose-go EnforceUnicity; v1.29 rejects them)")
            svc[key] = uniq
    env_file = svc.get("env_file")
    if isinstance(env_file, list) and any(isinstance(e, dict) for e in env_file):
        tr.notes.add("long `env_file` entries, as paths")
        out = []
        for e in env_file:
            if isinstance(e, dict):
                path = e.get("path")
                required = str(e.get("required", True)).lower() not in ("false", "no", "off")
                if path is None:
                    continue
                if not required and not os.path.exists(os.path.join(base_dir, path)):
                    continue
                out.append(path)
            else:
                out.append(e)
        svc["env_file"] = out
    deps = svc.get("depends_on")
    if isinstance(deps, dict):
        for dep in list(deps):
            spec = deps[dep]
            if not isinstance(spec, dict):
                continue
            if "condition" not in spec:
                tr.notes.add("`depends_on` long entries without condition: service_started")
                spec["condition"] = "service_started"
    return svc


def spec_env(path_dir, parent_env):
    """The project environment: the including project's first, then `.env` (spec include.md),
    the shell being empty."""
    dotenv = dotenv_values(os.path.join(path_dir, ".env"), lambda k: parent_env.get(k))
    env = dict(dotenv)
    env.update(parent_env)
    return env


def translate_data(data, lookup, base_dir, all_services, tr):
    """One file's data in what v1.29 reads: newer keys dropped or rewritten, interpolation it
    lacks done, values typed as Compose v2 types them."""
    if "name" in data:
        data.pop("name")
        tr.notes.add("top-level `name` dropped")
    data = interpolate_newer(data, lookup, tr.notes)
    services = data.get("services")
    if isinstance(services, dict):
        for name in list(services):
            services[name] = translate_service(services[name], base_dir, all_services, lookup,
                                               tr)
            svc = services[name]
            if isinstance(svc, dict) and isinstance(svc.get("environment"), dict):
                svc["environment"] = {k: scalar_string(v) for k, v in
                                      svc["environment"].items()}
    dropped = set()
    drop_unknown(data, SCHEMA, [], dropped)
    if dropped:
        tr.notes.add("keys v1.29 does not know dropped: " + ", ".join(sorted(dropped)))
    return data


def translate(files, project_dir, parent_env, tr, services_of_include):
    """Rewrites the project's files in the scratch copy where v1.29 needs it (`tr` restores
    them)."""
    env = spec_env(project_dir, parent_env)
    lookup = env.get
    datas, changed = [], []
    for f in files:
        notes = set()
        data = load_for_v129(f, notes)
        if not isinstance(data, dict):
            datas.append(data)
            changed.append(False)
            continue
        tr.notes |= notes
        datas.append(data)
        changed.append(bool(notes))
    # `include`: the included projects were run separately; stubs stand in for them.
    for i, data in enumerate(datas):
        if isinstance(data, dict) and "include" in data:
            data.pop("include")
            tr.notes.add("`include` run as projects of their own")
            changed[i] = True
    # `!reset` / `!override`: remove the path from the earlier files.
    for i, data in enumerate(datas):
        if not isinstance(data, dict) or not contains_tags(data):
            continue
        for path, tagged in list(tagged_paths(data)):
            for earlier in range(i):
                if isinstance(datas[earlier], dict):
                    remove_path(datas[earlier], path)
                    changed[earlier] = True
            if tagged.tag == "!reset":
                remove_path(data, path)
            tr.notes.add("`%s` applied by removing the path from the earlier files" % tagged.tag)
        datas[i] = untag(data)
        changed[i] = True
    all_services = set(services_of_include)
    for data in datas:
        if isinstance(data, dict) and isinstance(data.get("services"), dict):
            all_services |= set(data["services"])
    for i, data in enumerate(datas):
        if not isinstance(data, dict):
            continue
        before = json.dumps(data, sort_keys=True, default=str)
        data = translate_data(data, lookup, project_dir, all_services, tr)
        if i == 0 and services_of_include:
            data.setdefault("services", {})
            for name in services_of_include:
                data["services"].setdefault(name, {"image": "sw-include-stub"})
        datas[i] = data
        if before != json.dumps(data, sort_keys=True, default=str):
            changed[i] = True
    # Files named by `extends.file`: v1.29 reads them itself, so their YAML is translated too.
    # v1.29 refuses to extend a service with `depends_on`, which compose-go copies into the
    # extending service (loader/extends_test.go): the copy is made here.
    extended_files, moved = {}, set()
    pending = list(enumerate(datas))
    while pending:
        index, data = pending.pop()
        f = files[index] if isinstance(index, int) else index
        for svc in ((data.get("services") or {}) if isinstance(data, dict) else {}).values():
            ext = svc.get("extends") if isinstance(svc, dict) else None
            other = ext.get("file") if isinstance(ext, dict) else None
            if not isinstance(other, str):
                continue
            path = os.path.normpath(os.path.join(os.path.dirname(f), other))
            if path in files or not os.path.isfile(path):
                continue
            if path not in extended_files:
                notes = set()
                try:
                    extended = load_for_v129(path, notes)
                except yaml.YAMLError:
                    continue
                if not isinstance(extended, dict):
                    continue
                tr.notes |= notes
                extended_files[path] = [translate_data(
                    untag(extended), lookup, os.path.dirname(path),
                    all_services | set(extended.get("services") or {}), tr), bool(notes)]
                pending.append((path, extended_files[path][0]))
            base = ((extended_files[path][0].get("services") or {}).get(ext.get("service"))
                    or {})
            deps = base.get("depends_on") if isinstance(base, dict) else None
            if deps:
                as_map = lambda d: {k: {"condition": "service_started"} for k in d} \
                    if isinstance(d, list) else dict(d or {})
                svc["depends_on"] = {**as_map(deps), **as_map(svc.get("depends_on"))}
                moved.add((path, ext.get("service")))
                if isinstance(index, int):
                    changed[index] = True
                else:
                    extended_files[index][1] = True
                tr.notes.add("`depends_on` of an extended service copied into the extending "
                             "one (v1.29 refuses to extend it)")
    for path, name in moved:
        extended_files[path][0]["services"][name].pop("depends_on", None)
        extended_files[path][1] = True
    for path, (data, ch) in extended_files.items():
        original = load_for_v129(path, set())
        if ch or json.dumps(untag(original), sort_keys=True, default=str) != json.dumps(
                data, sort_keys=True, default=str):
            tr.write(path, data=data)
    for f, data, ch in zip(files, datas, changed):
        if ch:
            tr.write(f, data=data)
    # .env and env files python-dotenv reads otherwise.
    dot = os.path.join(project_dir, ".env")
    if dotenv_needs_translation(dot):
        tr.notes.add("`.env` written with the spec's values (python-dotenv reads it otherwise)")
        tr.write(dot, text=literal_dotenv(dotenv_values(dot, parent_env.get)))
    for f, data in zip(files, datas):
        for svc in ((data or {}).get("services") or {}).values() if isinstance(data, dict) else []:
            if not isinstance(svc, dict):
                continue
            ef = svc.get("env_file")
            for e in ([ef] if isinstance(ef, str) else ef if isinstance(ef, list) else []):
                if not isinstance(e, str):
                    continue
                p = os.path.normpath(os.path.join(project_dir, e))
                if dotenv_needs_translation(p) and p not in tr.originals:
                    tr.notes.add("env files written with the spec's values")
                    tr.write(p, text=literal_dotenv(dotenv_values(p, lookup)))


# --- Running docker-compose --------------------------------------------------------------------

# docker-compose's refusals, after the translations: v1.29 lacks a feature (nothing translates
# it), or the current spec refuses the project too. Anything else is an "oracle error", to
# look into.
TOO_OLD = [
    (r"'(include|name|models)' does not match any of the regexes", "top-level key v1.29 lacks"),
    (r"could not determine a constructor for the tag '!(reset|override)'", "!reset/!override"),
    (r"Unsupported config option for services\.[^:]+: '[a-z_]+'", "service key v1.29 lacks"),
    (r"contains unsupported option: '[a-z_]+'", "sub-key v1.29 lacks"),
    (r"Version in .* is unsupported", "compose file version"),
    (r"services with '[a-z_]+' cannot be extended",
     "v1.29 refuses to extend a service with depends_on/links/volumes_from; compose-go copies "
     "them"),
]
NOT_COMPARABLE = [
    (r"Missing mandatory value for|required variable \S+ is missing", "a mandatory variable is unset"),
    (r"Invalid interpolation format", "an invalid interpolation (a lone `$`)"),
    (r"Named volume .* is used in service .* but no declaration", "undeclared named volume"),
    (r"depends on service .* which is undefined", "depends_on an undefined service"),
    (r"Cannot extend service|Circular reference|extends .* not found|Cannot locate",
     "extends names nothing"),
    (r"while (parsing|scanning)|found character|mapping values are not allowed", "invalid YAML"),
    (r"Top level object in .* needs to be an object", "not a mapping"),
    (r"Circular dependency between", "a depends_on cycle"),
    (r"has neither an image nor a build context", "a service with neither image nor build"),
]


def run_compose(files, project_dir, env_vars, mirror, tr):
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), DOLLAR_BRACE: "${"}
    env.update(env_vars)
    args = ["docker-compose"]
    for f in files:
        args += ["-f", f]
    args += ["--project-directory", project_dir, "config"]
    for _ in range(30):
        r = subprocess.run(args, cwd=project_dir, env=env, capture_output=True, text=True)
        if r.returncode == 0:
            return yaml.safe_load(r.stdout), None
        err = r.stderr.strip()
        m = re.search(r"build path (\S+) either does not exist", err)
        if m and m.group(1).startswith(mirror):
            os.makedirs(m.group(1), exist_ok=True)
            tr.notes.add("missing build context created (v1.29 checks it; `config` today does not)")
            continue
        m = re.search(r"Couldn't find env file: (\S+)", err)
        if m and m.group(1).startswith(mirror):
            os.makedirs(os.path.dirname(m.group(1)), exist_ok=True)
            tr.write(m.group(1), text="")
            tr.notes.add("missing env file created empty (Compose refuses to run without it)")
            continue
        return None, err
    return None, err


def classify_error(err):
    """(status, label, the line that says why)."""
    lines = [l.strip() for l in err.splitlines()
             if l.strip() and "is not set. Defaulting" not in l]
    for status, table in (("oracle too old", TOO_OLD), ("not comparable", NOT_COMPARABLE)):
        for pattern, label in table:
            line = next((l for l in lines if re.search(pattern, l)), None)
            if line is not None:
                return status, label, line
    return "oracle error", "docker-compose refused it", lines[-1] if lines else "?"


# --- Normalizing docker-compose's answer --------------------------------------------------------

def unescape(v):
    if isinstance(v, str):
        return v.replace("$$", "$")
    return v


def text(v):
    if v is None:
        return None
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float):
        return go_float(v)
    return unescape(str(v))


class Paths:
    def __init__(self, mirror):
        self.mirror = mirror
        self.home = os.path.expanduser("~")

    def __call__(self, p):
        if p is None:
            return None
        p = unescape(str(p))
        if "://" in p or p.startswith("git@"):
            return p
        if p == self.home or p.startswith(self.home + "/"):
            return "~" + p[len(self.home):]
        parent = os.path.dirname(self.mirror)
        if p.startswith(parent + "/") or p == parent:
            return os.path.relpath(p, self.mirror)
        return p


def norm_port(p):
    if isinstance(p, dict):
        return [{"host_ip": p.get("host_ip"),
                 "published": text(p.get("published")),
                 "target": text(p.get("target")),
                 "protocol": p.get("protocol", "tcp")}]
    s = str(p)
    protocol = "tcp"
    if "/" in s:
        s, protocol = s.rsplit("/", 1)
    parts = s.split(":")
    target = parts[-1]
    published = parts[-2] if len(parts) >= 2 else None
    ip = ":".join(parts[:-2]) if len(parts) >= 3 else None
    ip = ip.strip("[]") if ip else None
    published = published or None

    def rng(x):
        a, _, b = x.partition("-")
        return int(a), int(b or a)

    try:
        ta, tb = rng(target)
    except ValueError:
        return [{"host_ip": ip, "published": published, "target": target, "protocol": protocol}]
    if tb > ta and published is None:
        return [{"host_ip": ip, "published": None, "target": str(t), "protocol": protocol}
                for t in range(ta, tb + 1)]
    if tb > ta:
        pa, pb = rng(published)
        if pb - pa == tb - ta:
            return [{"host_ip": ip, "published": str(q), "target": str(t), "protocol": protocol}
                    for t, q in zip(range(ta, tb + 1), range(pa, pb + 1))]
    return [{"host_ip": ip, "published": published, "target": target, "protocol": protocol}]


def norm_volume(v, paths):
    if isinstance(v, dict):
        kind = v.get("type", "volume")
        source = v.get("source")
        if kind == "bind":
            source = paths(source)
        return {"type": kind, "source": unescape(source), "target": unescape(v.get("target")),
                "read_only": bool(v.get("read_only", False))}
    parts = str(v).split(":")
    if len(parts) == 1:
        return {"type": "volume", "source": None, "target": unescape(parts[0]),
                "read_only": False}
    source, target = parts[0], parts[1]
    mode = parts[2] if len(parts) > 2 else ""
    bind = source.startswith((".", "/", "~"))
    return {"type": "bind" if bind else "volume",
            "source": paths(source) if bind else unescape(source),
            "target": unescape(target), "read_only": "ro" in mode.split(",")}


def normalize_service(svc, paths):
    out = {}
    if "image" in svc:
        out["image"] = text(svc["image"])
    if "build" in svc:
        b = svc["build"]
        if isinstance(b, str):
            b = {"context": b}
        out["build"] = {"context": paths(b.get("context", ".")),
                        "dockerfile": text(b.get("dockerfile", "Dockerfile")),
                        "target": text(b.get("target"))}
    env = svc.get("environment") or {}
    if isinstance(env, list):
        env = dict((e.split("=", 1) + [None])[:2] for e in env)
    if env:
        out["environment"] = {unescape(k): text(v) for k, v in env.items()}
    ports = [q for p in svc.get("ports") or [] for q in norm_port(p)]
    if ports:
        out["ports"] = sorted(ports, key=lambda x: json.dumps(x, sort_keys=True,
                                                              separators=(",", ":")))
    expose = sorted(text(e) for e in svc.get("expose") or [])
    if expose:
        out["expose"] = expose
    volumes = [norm_volume(v, paths) for v in svc.get("volumes") or []]
    if volumes:
        out["volumes"] = sorted(volumes, key=lambda x: json.dumps(x["target"]))
    deps = svc.get("depends_on")
    if deps:
        if isinstance(deps, list):
            deps = {d: {} for d in deps}
        out["depends_on"] = {k: (v or {}).get("condition", "service_started")
                             for k, v in deps.items()}
    if "healthcheck" in svc:
        h = svc["healthcheck"] or {}
        if h.get("disable"):
            out["healthcheck"] = ["NONE"]
        elif isinstance(h.get("test"), str):
            out["healthcheck"] = ["CMD-SHELL", unescape(h["test"])]
        elif isinstance(h.get("test"), list):
            out["healthcheck"] = [text(x) for x in h["test"]]
        else:
            out["healthcheck"] = None
    if svc.get("profiles"):
        out["profiles"] = [unescape(p) for p in svc["profiles"]]
    return out


# --- One project ---------------------------------------------------------------------------------

def oracle(files, project_dir, mirror, parent_env, depth=0):
    """(status, services or None, notes, error) for the project made of `files` (absolute, in
    the scratch copy)."""
    tr = Translation(mirror)
    try:
        included_services, include_notes = {}, set()
        # The included projects run first: their services stand in for stubs.
        try:
            includes = [f for f in files if isinstance(d := load_for_v129(f, set()), dict)
                        and d.get("include")]
        except (yaml.YAMLError, OSError) as e:
            return "not comparable", None, set(), "unreadable: %s" % str(e).splitlines()[0]
        env = spec_env(project_dir, parent_env)
        if includes and depth < 8:
            for f in includes:
                data = load_for_v129(f, set())
                for item in data.get("include") or []:
                    paths = item if isinstance(item, str) else (item or {}).get("path")
                    paths = [paths] if isinstance(paths, str) else list(paths or [])
                    pdir = None if isinstance(item, str) else item.get("project_directory")
                    base = os.path.dirname(f)
                    try:
                        abs_paths = [os.path.normpath(os.path.join(base, substitute(p, env.get)))
                                     for p in paths]
                    except (Invalid, Missing):
                        return "not comparable", None, set(), "include path needs a variable"
                    if not abs_paths:
                        continue
                    inc_dir = os.path.normpath(os.path.join(base, pdir)) if pdir else \
                        os.path.dirname(abs_paths[0])
                    status, services, notes, err = oracle(abs_paths, inc_dir, mirror, env,
                                                          depth + 1)
                    include_notes |= notes
                    if services is None:
                        return status, None, include_notes, "included %s: %s" % (
                            os.path.relpath(abs_paths[0], mirror), err)
                    for name, svc in services.items():
                        included_services.setdefault(name, svc)
        try:
            translate(files, project_dir, parent_env, tr, sorted(included_services))
        except yaml.YAMLError as e:
            return "not comparable", None, set(), "invalid YAML: %s" % str(e).splitlines()[0]
        except Refused as e:
            return "not comparable", None, set(), str(e)
        out, err = run_compose(files, project_dir, parent_env, mirror, tr)
        notes = tr.notes | include_notes
        if out is None:
            status, label, line = classify_error(err)
            return status, None, notes, "%s: %s" % (label, line)
        paths = Paths(mirror)
        services = {name: normalize_service(svc or {}, paths)
                    for name, svc in (out.get("services") or {}).items()}
        for name, svc in included_services.items():
            if services.get(name, {}).get("image") == "sw-include-stub" or name not in services:
                services[name] = svc
        if depth == 0:
            discovery = check_default_files(files, project_dir, parent_env, out)
            if discovery:
                notes.add(discovery)
        translated = {n for n in notes - {NOTE_BUILD, NOTE_ENVFILE}
                      if not n.startswith("default files")}
        return ("oracle too old" if translated else "compared", services, notes, None)
    finally:
        tr.restore()


# docker-compose 1.29's default files (compose/config/config.py), in its order of preference.
BASES_129 = ["docker-compose.yml", "docker-compose.yaml", "compose.yml", "compose.yaml"]
OVERRIDES_129 = ["docker-compose.override.yml", "docker-compose.override.yaml",
                 "compose.override.yml", "compose.override.yaml"]
DISCOVERY_DIFFERS = "default files differ"
DISCOVERY_OK = {"default files: docker-compose without -f reads the same"}


def check_default_files(files, project_dir, env_vars, out):
    """When the project starts with a default name, whether `docker-compose config` without
    -f (the files Compose picks by itself) prints what the model's files make."""
    if os.path.dirname(files[0]) != project_dir or os.path.basename(files[0]) not in BASES_129:
        return None
    names = set(os.listdir(project_dir))
    bases = [n for n in BASES_129 if n in names]
    overrides = [n for n in OVERRIDES_129 if n in names]
    if len(bases) > 1 or len(overrides) > 1:
        return ("default files not checked: v1.29 prefers docker-compose.yml and refuses two "
                "override files; compose-go prefers compose.yaml and takes the first override "
                "of compose.override.yml/.yaml, docker-compose.override.yml/.yaml")
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), DOLLAR_BRACE: "${"}
    env.update(env_vars)
    r = subprocess.run(["docker-compose", "--project-directory", project_dir, "config"],
                       cwd=project_dir, env=env, capture_output=True, text=True)
    if r.returncode != 0:
        return "default files not checked: " + last_line(r.stderr)
    if yaml.safe_load(r.stdout) == out:
        return next(iter(DISCOVERY_OK))
    return "%s: without -f docker-compose reads %s" % (
        DISCOVERY_DIFFERS, " + ".join(bases[:1] + overrides[:1]))


NOTE_BUILD = "missing build context created (v1.29 checks it; `config` today does not)"
NOTE_ENVFILE = "missing env file created empty (Compose refuses to run without it)"


def last_line(err):
    lines = [l for l in (err or "").splitlines()
             if l.strip() and "is not set. Defaulting" not in l]
    return lines[-1].strip() if lines else ""


def diff(model, oracle_services):
    """['service.field: model X, docker-compose Y']."""
    out = []
    for name in sorted(set(model) | set(oracle_services)):
        if name not in model:
            out.append("%s: only docker-compose has it" % name)
            continue
        if name not in oracle_services:
            out.append("%s: only the model has it" % name)
            continue
        a, b = model[name], oracle_services[name]
        for key in COMPARED:
            if a.get(key) == b.get(key):
                continue
            x, y = a.get(key), b.get(key)
            if isinstance(x, dict) and isinstance(y, dict) and key == "environment":
                for k in sorted(set(x) | set(y)):
                    if x.get(k, "<absent>") != y.get(k, "<absent>"):
                        out.append("%s.%s.%s: model %s, docker-compose %s" % (
                            name, key, k, json.dumps(x.get(k, "<absent>")),
                            json.dumps(y.get(k, "<absent>"))))
                continue
            out.append("%s.%s: model %s, docker-compose %s" % (
                name, key, compact(x), compact(y)))
    return out


def compact(v):
    s = json.dumps(v, sort_keys=True, separators=(",", ":"))
    return s if len(s) < 240 else s[:237] + "..."


def copy_root(root, dest):
    def ignore(d, names):
        return [n for n in names if n in SKIP_DIRS or (
            os.path.isfile(os.path.join(d, n)) and not os.path.islink(os.path.join(d, n))
            and os.path.getsize(os.path.join(d, n)) > 2_000_000)]
    shutil.copytree(root, dest, symlinks=True, ignore=ignore, ignore_dangling_symlinks=True)


def model_projects(root, binary):
    r = subprocess.run([binary, root], capture_output=True, text=True)
    if r.returncode != 0:
        raise SystemExit("compose_config failed on %s: %s" % (root, r.stderr.strip()))
    return json.loads(r.stdout)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("roots", nargs="+")
    ap.add_argument("--bin", default=BIN, help="the compose_config example binary")
    ap.add_argument("--write-expected", action="store_true",
                    help="write %s into each root" % EXPECTED)
    ap.add_argument("--keep", action="store_true", help="keep the scratch copies")
    ap.add_argument("-v", "--verbose", action="store_true", help="print notes of every project")
    args = ap.parse_args()
    if not os.path.exists(args.bin):
        sys.exit("build the model first: cargo build --release --example compose_config")
    if shutil.which("docker-compose") is None:
        sys.exit("docker-compose 1.29 is needed (apt-get install docker-compose)")
    version = subprocess.run(["docker-compose", "version", "--short"], capture_output=True,
                             text=True).stdout.strip()
    counts = {"agree": 0, "disagree": 0, "too old, agree": 0, "too old, disagree": 0,
              "too old, not compared": 0, "not comparable": 0, "oracle error": 0}
    failed = False
    for root in args.roots:
        root = os.path.abspath(root)
        projects = model_projects(root, args.bin)
        scratch = tempfile.mkdtemp(prefix="compose-diff-")
        mirror = os.path.join(scratch, "repo")
        copy_root(root, mirror)
        label = os.path.relpath(root, os.getcwd()) if root.startswith(os.getcwd()) else root
        expected = []
        for p in projects:
            files = [os.path.join(mirror, f) for f in p["files"]]
            pdir = os.path.join(mirror, p["dir"]) if p["dir"] else mirror
            status, services, notes, err = oracle(files, pdir, mirror, {})
            name = "%s: %s" % (label, " + ".join(p["files"]))
            if services is None:
                key = {"oracle too old": "too old, not compared"}.get(status, status)
                counts[key] += 1
                print("%s %s\n    %s" % ({"too old, not compared": "TOO OLD"}.get(
                    key, key.upper()), name, err))
                continue
            d = diff(p["services"], services)
            d += [n for n in notes if n.startswith(DISCOVERY_DIFFERS)]
            notes = {n for n in notes if not n.startswith(DISCOVERY_DIFFERS)}
            if not args.verbose:
                notes -= DISCOVERY_OK
            too_old = status == "oracle too old"
            if d:
                counts["too old, disagree" if too_old else "disagree"] += 1
                failed = True
                print("%s %s" % ("TOO OLD, DISAGREE" if too_old else "DISAGREE", name))
                for line in d:
                    print("    " + line)
            else:
                counts["too old, agree" if too_old else "agree"] += 1
                print("%s %s" % ("TOO OLD, AGREE" if too_old else "AGREE", name))
            if (too_old or args.verbose) and notes:
                for n in sorted(notes):
                    print("    note: " + n)
            kept = sorted(n for n in notes if not n.startswith("default files"))
            expected.append({"files": p["files"], "translated": kept if too_old else [],
                             "services": services})
        if args.write_expected:
            doc = {
                "//": "Written by scripts/compose-differential.py --write-expected from "
                      "docker-compose %s config, normalized (seaworthy::model::compose::config); "
                      "where `translated` lists anything, v1.29 predates a feature the files use "
                      "and the answer is the current compose spec's (see the script's "
                      "docstring). Do not edit by hand." % version,
                "projects": expected,
            }
            with open(os.path.join(root, EXPECTED), "w") as f:
                json.dump(doc, f, indent=2, sort_keys=True)
                f.write("\n")
        if args.keep:
            print("    scratch copy: " + mirror)
        else:
            shutil.rmtree(scratch, ignore_errors=True)
    total = sum(counts.values())
    print("\n%d projects: %d agree, %d disagree, %d oracle too old (%d compared after "
          "translation: %d agree, %d disagree; %d not compared), %d not comparable, "
          "%d oracle errors" % (
              total, counts["agree"], counts["disagree"],
              counts["too old, agree"] + counts["too old, disagree"] +
              counts["too old, not compared"],
              counts["too old, agree"] + counts["too old, disagree"], counts["too old, agree"],
              counts["too old, disagree"], counts["too old, not compared"],
              counts["not comparable"], counts["oracle error"]))
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
