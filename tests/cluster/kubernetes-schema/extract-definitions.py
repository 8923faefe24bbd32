#!/usr/bin/env python3
"""Cuts the JSON schemas that check-kubernetes.py needs out of Kubernetes' OpenAPI v2 spec.

usage: extract-definitions.py SWAGGER_JSON KUBERNETES_VERSION OUT_JSON

SWAGGER_JSON is Kubernetes' own api/openapi-spec/swagger.json of one release (README.md
beside this file says which file and version the vendored output came from). The output
holds the definitions reachable from the kinds in kRoots, changed the way
openapi2jsonschema --strict changes them (the "strict" flavour of the kubernetes-json-schema
collections), so that a manifest is checked the way `kubectl apply --validate=strict` checks
it:
  - every object schema with "properties" and no "additionalProperties" gets
    "additionalProperties": false: a misspelt or misplaced field fails;
  - apiVersion and kind of a top-level kind accept only that kind's values
    (from "x-kubernetes-group-version-kind");
  - IntOrString (format int-or-string) accepts a string or an integer, and Quantity a string
    or a number, as the API server does (`cpu: 2` and `cpu: "2"` are both valid);
  - descriptions are dropped (they are most of the spec's size and no check reads them).
Nothing else is changed. Keys are sorted, so the same input gives the same bytes.
"""
import json
import sys

# The kinds the manifests in packaging/cluster/kubernetes use.
kRoots = [
    "io.k8s.api.batch.v1.Job",
    "io.k8s.api.core.v1.PersistentVolumeClaim",
    "io.k8s.api.core.v1.Pod",
]
kRefPrefix = "#/definitions/"
kIntOrString = "io.k8s.apimachinery.pkg.util.intstr.IntOrString"
kQuantity = "io.k8s.apimachinery.pkg.api.resource.Quantity"


def refs(node):
    """Every definition name that node refers to, at any depth."""
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith(kRefPrefix):
            yield ref[len(kRefPrefix):]
        for value in node.values():
            yield from refs(value)
    elif isinstance(node, list):
        for value in node:
            yield from refs(value)


def closure(definitions, roots):
    seen, todo = set(), list(roots)
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        if name not in definitions:
            sys.exit(f"extract-definitions: {name} is referred to but not defined")
        seen.add(name)
        todo.extend(refs(definitions[name]))
    return seen


def strict(schema):
    """schema (one schema object) with descriptions dropped and additionalProperties false
    on every object that lists its properties."""
    if not isinstance(schema, dict):
        return schema
    out = {}
    for key, value in schema.items():
        if key == "description":
            continue
        if key == "properties":
            out[key] = {name: strict(sub) for name, sub in value.items()}
        elif key in ("items", "additionalProperties", "not"):
            out[key] = strict(value)
        elif key in ("allOf", "anyOf", "oneOf"):
            out[key] = [strict(sub) for sub in value]
        else:
            out[key] = value
    if "properties" in out and "additionalProperties" not in out:
        out["additionalProperties"] = False
    if out.get("format") == "int-or-string":
        out = {"oneOf": [{"type": "string"}, {"type": "integer"}]}
    return out


def main():
    if len(sys.argv) != 4:
        sys.exit("usage: extract-definitions.py SWAGGER_JSON KUBERNETES_VERSION OUT_JSON")
    source, version, target = sys.argv[1:]
    with open(source, encoding="utf-8") as f:
        spec = json.load(f)
    definitions = spec["definitions"]
    names = closure(definitions, kRoots)
    out = {name: strict(definitions[name]) for name in sorted(names)}
    if kIntOrString in out:
        out[kIntOrString] = {"oneOf": [{"type": "string"}, {"type": "integer"}]}
    if kQuantity in out:
        out[kQuantity] = {"oneOf": [{"type": "string"}, {"type": "number"}]}
    for name in kRoots:
        kinds = definitions[name].get("x-kubernetes-group-version-kind", [])
        if len(kinds) != 1:
            sys.exit(f"extract-definitions: {name} has {len(kinds)} group-version-kinds")
        gvk = kinds[0]
        api = f"{gvk['group']}/{gvk['version']}" if gvk["group"] else gvk["version"]
        props = out[name]["properties"]
        props["apiVersion"] = {"type": "string", "enum": [api]}
        props["kind"] = {"type": "string", "enum": [gvk["kind"]]}
        out[name]["required"] = sorted(set(out[name].get("required", [])) | {"apiVersion", "kind"})
    document = {
        "$schema": "http://json-schema.org/draft-04/schema#",
        "kubernetesVersion": version,
        "roots": kRoots,
        "definitions": out,
    }
    with open(target, "w", encoding="utf-8") as f:
        json.dump(document, f, indent=1, sort_keys=True)
        f.write("\n")
    print(f"extract-definitions: {len(out)} definitions for {', '.join(kRoots)} -> {target}")


if __name__ == "__main__":
    main()
