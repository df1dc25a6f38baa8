#!/usr/bin/env python3
"""Build step of agora::apidoc: writes a C++ source holding api/openapi.yaml as it is and a
self-contained HTML page that renders it (inline CSS, collapsible operations with <details>), with a
form under each operation that sends it to the gateway serving the page ("try it", the bearer token set
once at the top). Its one inline script is allowed by its hash in the page's Content-Security-Policy,
which the build writes too; nothing is loaded from anywhere else.

usage: embed_api.py <openapi.yaml> <output.cpp>"""
import base64
import hashlib
import html
import json
import re
import sys

import yaml

DELIMITER = "agora_apidoc"
METHODS = ["get", "put", "post", "delete", "patch", "head", "options"]
CONSTRAINTS = ["format", "minimum", "exclusiveMinimum", "maximum", "exclusiveMaximum", "multipleOf", "minLength",
               "maxLength", "pattern", "minItems", "maxItems", "default", "const"]

STYLE = """
body{font:15px/1.5 system-ui,sans-serif;margin:0 auto;max-width:1100px;padding:1rem 2rem;color:#1d2330}
h1{margin-bottom:0}h2{border-bottom:2px solid #dde3ec;padding-bottom:.2rem;margin-top:2rem}
code,pre{font:13px/1.4 ui-monospace,monospace}pre{background:#f4f6fa;padding:.6rem;overflow:auto}
details{border:1px solid #dde3ec;border-radius:6px;margin:.4rem 0;padding:.3rem .7rem}
summary{cursor:pointer}details[open]>summary{margin-bottom:.5rem}
.m{display:inline-block;min-width:4.2em;text-align:center;border-radius:4px;color:#fff;font-weight:600;
font-size:12px;padding:1px 4px;margin-right:.5rem}
.get{background:#2f7bd8}.post{background:#1f9d55}.put{background:#c98a00}.delete{background:#d23c3c}
.lock{color:#8a5a00;font-size:12px;margin-left:.4rem}
table{border-collapse:collapse;margin:.3rem 0 .8rem}td,th{border:1px solid #dde3ec;padding:.2rem .5rem;
text-align:left;vertical-align:top}th{background:#f4f6fa}.req{color:#d23c3c}.s{font-weight:600}
.muted{color:#5b6577}
.token{position:sticky;top:0;background:#fff;border-bottom:1px solid #dde3ec;padding:.5rem 0;z-index:1}
.token input{width:60%}.try{background:#f9fafc;border:1px dashed #c7d0dd;border-radius:6px;padding:.5rem .7rem;
margin:.6rem 0}.try label{display:block;margin:.2rem 0}.try textarea{width:100%;min-height:7em;
font:13px/1.4 ui-monospace,monospace}.try pre{max-height:24em}
"""

# Sends an operation's form to this gateway: path parameters filled in, empty query parameters left
# out, the token of the field at the top (kept for the tab's life) as the bearer token.
SCRIPT = r"""
const token = document.getElementById('token');
token.value = sessionStorage.getItem('agora-token') || '';
token.addEventListener('input', () => sessionStorage.setItem('agora-token', token.value.trim()));
for (const form of document.querySelectorAll('form.try')) {
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const out = form.querySelector('pre');
    let path = form.dataset.path;
    const query = new URLSearchParams();
    for (const input of form.querySelectorAll('input[data-in]')) {
      if (input.dataset.in === 'path') path = path.replace('{' + input.name + '}', encodeURIComponent(input.value));
      else if (input.value !== '') query.append(input.name, input.value);
    }
    const headers = {};
    const body = form.querySelector('textarea');
    if (body) headers['Content-Type'] = 'application/json';
    if (token.value.trim()) headers['Authorization'] = 'Bearer ' + token.value.trim();
    const url = path + (query.toString() ? '?' + query : '');
    out.textContent = form.dataset.method + ' ' + url + ' ...';
    try {
      const res = await fetch(url, {method: form.dataset.method, headers, body: body ? body.value : undefined});
      const text = await res.text();
      let shown = text;
      try { shown = JSON.stringify(JSON.parse(text), null, 2); } catch (e) {}
      out.textContent = res.status + ' ' + res.statusText + '\nX-Request-ID: ' +
        (res.headers.get('X-Request-ID') || '') + '\n\n' + shown;
      out.dataset.status = res.status;
    } catch (e) {
      out.textContent = 'no answer: ' + e;
    }
  });
}
"""


def esc(text):
    return html.escape(str(text), quote=True)


def prose(text):
    """Paragraphs of the spec's Markdown-ish text: `code` and **bold** only."""
    out = []
    for para in re.split(r"\n\s*\n", (text or "").strip()):
        if not para:
            continue
        para = esc(para)
        para = re.sub(r"`([^`]+)`", r"<code>\1</code>", para)
        para = re.sub(r"\*\*([^*]+)\*\*", r"<strong>\1</strong>", para)
        out.append(f"<p>{para}</p>")
    return "\n".join(out)


def ref_name(ref):
    return ref.rsplit("/", 1)[-1]


def resolve(spec, node):
    while isinstance(node, dict) and "$ref" in node:
        path = node["$ref"].lstrip("#/").split("/")
        target = spec
        for part in path:
            target = target[part.replace("~1", "/").replace("~0", "~")]
        node = target
    return node


def type_of(schema):
    """A short description of a schema's type, with links to named schemas."""
    if not isinstance(schema, dict):
        return ""
    if "$ref" in schema:
        name = ref_name(schema["$ref"])
        return f'<a href="#schema-{esc(name)}">{esc(name)}</a>'
    for combinator, word in (("allOf", " &amp; "), ("oneOf", " | "), ("anyOf", " | ")):
        if combinator in schema:
            return word.join(type_of(s) or "object" for s in schema[combinator])
    kind = schema.get("type", "")
    if kind == "array":
        return f"array of {type_of(schema.get('items', {})) or 'any'}"
    if "enum" in schema:
        return esc(kind or "value") + " (" + ", ".join(f"<code>{esc(v)}</code>" for v in schema["enum"]) + ")"
    return esc(kind)


def constraints(schema):
    if not isinstance(schema, dict):
        return ""
    parts = [f"{key} <code>{esc(json.dumps(schema[key]) if key != 'pattern' else schema[key])}</code>"
             for key in CONSTRAINTS if key in schema]
    return ", ".join(parts)


def properties_table(schema):
    """The properties of an object schema as a table; '' when it has none."""
    props = schema.get("properties") if isinstance(schema, dict) else None
    if not props:
        return ""
    required = set(schema.get("required", []))
    rows = []
    for name, prop in props.items():
        mark = ' <span class="req">*</span>' if name in required else ""
        about = prose(prop.get("description", "")) if isinstance(prop, dict) else ""
        rows.append(f"<tr><td><code>{esc(name)}</code>{mark}</td><td>{type_of(prop)}</td>"
                    f"<td>{constraints(prop)}</td><td>{about}</td></tr>")
    return ("<table><tr><th>field</th><th>type</th><th>constraints</th><th>about</th></tr>"
            + "".join(rows) + "</table>")


def schema_block(schema):
    """A schema where it is used: its type, then its own fields when it declares them inline."""
    out = [f"<p>{type_of(schema) or 'object'}</p>"]
    if isinstance(schema, dict):
        for part in schema.get("allOf", []):
            out.append(properties_table(part))
        out.append(properties_table(schema))
    return "".join(out)


def examples_of(spec, media):
    shown = []
    if "example" in media:
        shown.append(("example", media["example"]))
    for name, example in (media.get("examples") or {}).items():
        example = resolve(spec, example)
        shown.append((example.get("summary", name), example.get("value")))
    out = []
    for title, value in shown:
        text = value if isinstance(value, str) else json.dumps(value, indent=2, ensure_ascii=False)
        out.append(f'<p class="muted">{esc(title)}</p><pre>{esc(text)}</pre>')
    return "".join(out)


def parameters_table(spec, params):
    if not params:
        return ""
    rows = []
    for param in params:
        param = resolve(spec, param)
        mark = ' <span class="req">*</span>' if param.get("required") else ""
        schema = param.get("schema", {})
        rows.append(f"<tr><td><code>{esc(param['name'])}</code>{mark}</td><td>{esc(param['in'])}</td>"
                    f"<td>{type_of(schema)}</td><td>{constraints(resolve(spec, schema))}</td>"
                    f"<td>{prose(param.get('description', ''))}</td></tr>")
    return ("<h4>Parameters</h4><table><tr><th>name</th><th>in</th><th>type</th><th>constraints</th>"
            "<th>about</th></tr>" + "".join(rows) + "</table>")


def try_form(spec, path, method, op, params):
    """The form that sends this operation: one field per path or query parameter (its example filled in)
    and the request body's example in a text area."""
    fields = []
    for param in (resolve(spec, p) for p in params):
        if param["in"] not in ("path", "query"):
            continue
        example = param.get("example", "")
        fields.append(f'<label><code>{esc(param["name"])}</code> ({esc(param["in"])}) <input name="{esc(param["name"])}" '
                      f'data-in="{esc(param["in"])}" value="{esc(example)}"></label>')
    body = resolve(spec, op.get("requestBody", {})).get("content", {}).get("application/json")
    if body is not None:
        example = body.get("example")
        if example is None:
            shown = examples_of_values(spec, body)
            example = shown[0] if shown else {}
        fields.append(f"<label>body <textarea name=\"body\">{esc(json.dumps(example, indent=2))}</textarea></label>")
    return (f'<form class="try" data-method="{method.upper()}" data-path="{esc(path)}"><strong>Try it</strong> '
            f'{"".join(fields)}<button type="submit">Send</button><pre class="out"></pre></form>')


def examples_of_values(spec, media):
    return [resolve(spec, e).get("value") for e in media.get("examples", {}).values()]


def operation(spec, path, method, op, path_params):
    secured = op.get("security", spec.get("security", []))
    role = op.get("x-required-role")
    lock = f'<span class="lock">🔒 bearer token{", role " + esc(role) if role else ""}</span>' if secured else ""
    out = [f'<details id="op-{esc(op.get("operationId", ""))}"><summary><span class="m {method}">'
           f'{method.upper()}</span><code>{esc(path)}</code> — {esc(op.get("summary", ""))}{lock}</summary>',
           prose(op.get("description", "")),
           try_form(spec, path, method, op, path_params + op.get("parameters", [])),
           parameters_table(spec, path_params + op.get("parameters", []))]
    body = op.get("requestBody")
    if body:
        body = resolve(spec, body)
        for media_type, media in body.get("content", {}).items():
            out.append(f"<h4>Request body <code>{esc(media_type)}</code></h4>")
            out.append(schema_block(media.get("schema", {})))
            out.append(examples_of(spec, media))
    out.append("<h4>Responses</h4>")
    for status, response in op.get("responses", {}).items():
        named = ref_name(response["$ref"]) if "$ref" in response else ""
        response = resolve(spec, response)
        headers = ", ".join(f"<code>{esc(h)}</code>" for h in response.get("headers", {}))
        out.append(f'<details><summary><span class="s">{esc(status)}</span> {esc(response.get("description", ""))}'
                   f'{" <span class=muted>(" + esc(named) + ")</span>" if named else ""}</summary>')
        if headers:
            out.append(f"<p>Headers: {headers}</p>")
        for media_type, media in response.get("content", {}).items():
            out.append(f"<p><code>{esc(media_type)}</code></p>" + schema_block(media.get("schema", {})))
            out.append(examples_of(spec, media))
        out.append("</details>")
    out.append("</details>")
    return "\n".join(part for part in out if part)


def render(spec, text):
    info = spec["info"]
    out = ["<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
           '<meta name="viewport" content="width=device-width, initial-scale=1">',
           f"<title>{esc(info['title'])} {esc(info['version'])}</title><style>{STYLE}</style></head><body>",
           f"<h1>{esc(info['title'])}</h1><p class=\"muted\">version {esc(info['version'])} · OpenAPI "
           f"{esc(spec['openapi'])} · the <a href=\"#spec\">whole description</a> is at the end</p>",
           prose(info.get("description", "")),
           '<p class="token"><label>Bearer token for <em>Try it</em> (the <code>access_token</code> of '
           '<code>POST /auth/login</code>): <input id="token" autocomplete="off" spellcheck="false"></label></p>']
    tags = spec.get("tags", [])
    by_tag = {tag["name"]: [] for tag in tags}
    for path, item in spec["paths"].items():
        for method in METHODS:
            if method in item:
                op = item[method]
                tag = (op.get("tags") or ["other"])[0]
                by_tag.setdefault(tag, []).append(operation(spec, path, method, op, item.get("parameters", [])))
    descriptions = {tag["name"]: tag.get("description", "") for tag in tags}
    for tag, ops in by_tag.items():
        out.append(f'<h2 id="tag-{esc(tag)}">{esc(tag)}</h2>{prose(descriptions.get(tag, ""))}')
        out.extend(ops)
    out.append('<h2 id="schemas">Schemas</h2>')
    for name, schema in spec.get("components", {}).get("schemas", {}).items():
        out.append(f'<details id="schema-{esc(name)}"><summary><code>{esc(name)}</code> '
                   f'<span class="muted">{type_of({k: v for k, v in schema.items() if k != "properties"})}'
                   f"</span></summary>{prose(schema.get('description', ''))}"
                   f"<p>{constraints(schema)}</p>{schema_block(schema)}</details>")
    out.append('<h2 id="spec">The description</h2><details><summary><code>openapi.yaml</code></summary>'
               f"<pre>{esc(text)}</pre></details>")
    out.append(f"<script>{SCRIPT}</script>")
    out.append("</body></html>")
    return "\n".join(out) + "\n"


def content_security_policy():
    """Only this page's own script (by its hash), its inline style, and requests to the same gateway."""
    digest = base64.b64encode(hashlib.sha256(SCRIPT.encode()).digest()).decode()
    return (f"default-src 'none'; script-src 'sha256-{digest}'; style-src 'unsafe-inline'; connect-src 'self'; "
            "base-uri 'none'; form-action 'none'; frame-ancestors 'none'")


def literal(name, text):
    if f"){DELIMITER}\"" in text:
        sys.exit(f"embed_api.py: the text of {name} contains the raw string delimiter")
    return f'constexpr char {name}[] = R"{DELIMITER}({text}){DELIMITER}";\n'


def main():
    source, output = sys.argv[1], sys.argv[2]
    with open(source, encoding="utf-8") as f:
        text = f.read()
    spec = yaml.safe_load(text)
    if not str(spec.get("openapi", "")).startswith("3.1"):
        sys.exit(f"embed_api.py: {source} is not an OpenAPI 3.1 description")
    page = render(spec, text)
    cpp = ("// Generated by libs/apidoc/embed_api.py from api/openapi.yaml at build time; do not edit.\n"
           '#include "apidoc/openapi.hpp"\n\nnamespace agora::apidoc {\nnamespace {\n\n'
           + literal("kOpenApiYaml", text) + "\n" + literal("kDocsHtml", page) + "\n"
           + literal("kDocsCsp", content_security_policy())
           + "\n}  // namespace\n\n"
           "std::string_view openapi_yaml() { return {kOpenApiYaml, sizeof kOpenApiYaml - 1}; }\n\n"
           "std::string_view docs_html() { return {kDocsHtml, sizeof kDocsHtml - 1}; }\n\n"
           "std::string_view docs_content_security_policy() { return {kDocsCsp, sizeof kDocsCsp - 1}; }\n\n"
           "}  // namespace agora::apidoc\n")
    with open(output, "w", encoding="utf-8") as f:
        f.write(cpp)


if __name__ == "__main__":
    main()
