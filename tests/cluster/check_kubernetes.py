#!/usr/bin/env python3
"""The Kubernetes side of Tincture, checked without a cluster and without network.

  1. Every YAML document in packaging/cluster/kubernetes/*.yaml is valid against the official
     Kubernetes schema of its kind (tests/cluster/kubernetes-schema: Kubernetes 1.28's OpenAPI
     spec, strict: an unknown field fails, as with `kubectl apply --validate=strict`). A
     duplicate key fails too (YAML parsers keep the last one silently).
  2. What Tincture relies on: the render Job is Indexed and passes JOB_COMPLETION_INDEX to
     render-shot as --shot; restartPolicy Never; every container has CPU and memory requests
     and limits and OMP_WAIT_POLICY=PASSIVE; the Jobs and the tools pod share the claim, the
     image, the plan and the parts; the claim is ReadWriteMany; the pods' user is the image's.
  3. make-jobs.sh fills the placeholders (the output validates and holds the values given)
     and refuses bad values.
  4. Negative checks: misspelt fields and wrong types injected in memory must fail the schema,
     and broken Tincture facts must fail step 2; otherwise the check itself is broken.
  5. The Dockerfile's shape: known instructions, Debian 12 stages, shell syntax of every RUN,
     ENTRYPOINT ["tincture-cli"], and its ignore file.

usage: check_kubernetes.py SOURCE_DIR      exit 0 passed, 1 failed, 77 skipped
"""
import copy
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

try:
    import jsonschema
    import yaml
except ImportError as e:
    print(f"check-kubernetes: skipped: {e} (Debian 12: apt-get install python3-jsonschema "
          "python3-yaml)")
    sys.exit(77)

kSchemaFile = "tests/cluster/kubernetes-schema/kubernetes-v1.28.2-strict.json"
kManifestDir = "packaging/cluster/kubernetes"
kManifests = ["pvc.yaml", "render-job.yaml", "assemble-job.yaml", "tools-pod.yaml"]

failures = []
passes = 0


def ok(what):
    global passes
    passes += 1
    print(f"ok    {what}")


def fail(what, problems):
    failures.append(what)
    print(f"FAIL  {what}")
    for p in problems[:20]:
        print(f"        {p}")
    if len(problems) > 20:
        print(f"        … and {len(problems) - 20} more")


def expect_none(what, problems):
    (fail(what, problems) if problems else ok(what))


# --- YAML ------------------------------------------------------------------------------------

class StrictLoader(yaml.SafeLoader):
    """SafeLoader that refuses a mapping with the same key twice."""


def _construct_mapping(loader, node, deep=False):
    seen = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r}", key_node.start_mark)
        seen.add(key)
    return yaml.SafeLoader.construct_mapping(loader, node, deep)


StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def load_documents(text, name):
    """The non-empty documents of a YAML stream; raises ValueError naming the file."""
    try:
        return [d for d in yaml.load_all(text, Loader=StrictLoader) if d is not None]
    except yaml.YAMLError as e:
        raise ValueError(f"{name}: not valid YAML: {e}") from e


# --- schema ----------------------------------------------------------------------------------

class Schemas:
    def __init__(self, path):
        with open(path, encoding="utf-8") as f:
            document = json.load(f)
        self.version = document["kubernetesVersion"]
        self.definitions = document["definitions"]
        self.validators = {}
        for name in document["roots"]:
            gvk = self.definitions[name]["x-kubernetes-group-version-kind"][0]
            api = f"{gvk['group']}/{gvk['version']}" if gvk["group"] else gvk["version"]
            schema = {
                "$schema": "http://json-schema.org/draft-04/schema#",
                "definitions": self.definitions,
                "allOf": [{"$ref": f"#/definitions/{name}"}],
            }
            jsonschema.Draft4Validator.check_schema(schema)
            self.validators[(api, gvk["kind"])] = jsonschema.Draft4Validator(schema)

    def errors(self, doc):
        """Schema errors of one document, as 'path: message' strings."""
        if not isinstance(doc, dict):
            return ["the document is not a mapping"]
        key = (doc.get("apiVersion"), doc.get("kind"))
        validator = self.validators.get(key)
        if validator is None:
            known = ", ".join(f"{a} {k}" for a, k in sorted(self.validators))
            return [f"apiVersion {key[0]!r} kind {key[1]!r} has no vendored schema "
                    f"(known: {known}; tests/cluster/kubernetes-schema/README.md says how to "
                    "add one)"]
        out = []
        for e in sorted(validator.iter_errors(doc), key=lambda e: list(map(str, e.absolute_path))):
            out.append(f"{path_text(e.absolute_path)}: {e.message[:300]}")
        return out


def path_text(path):
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text or "(document)"


def describe(doc):
    if isinstance(doc, dict):
        name = (doc.get("metadata") or {}).get("name", "?")
        return f"{doc.get('kind', '?')} {name}"
    return "?"


# --- Tincture's facts ------------------------------------------------------------------------

def dig(node, *path):
    """node[path[0]][path[1]]…, or None where a step is missing."""
    for step in path:
        try:
            node = node[step]
        except (KeyError, IndexError, TypeError):
            return None
    return node


def containers(doc):
    """(pod spec, its containers) of a Job or a Pod; empty where the document lacks them."""
    spec = dig(doc, "spec", "template", "spec") if dig(doc, "kind") == "Job" else dig(doc, "spec")
    spec = spec if isinstance(spec, dict) else {}
    ctrs = spec.get("containers")
    return spec, ctrs if isinstance(ctrs, list) else []


def env_of(container):
    return {e.get("name"): e for e in container.get("env", [])}


def script_of(container):
    return " ".join(container.get("command", []) + container.get("args", []))


def facts(manifests):
    """What the Tincture manifests rely on; manifests maps a file name to its documents.
    Returns the problems found."""
    problems = []

    def need(condition, text):
        if not condition:
            problems.append(text)

    def single(name, kind):
        docs = manifests.get(name, [])
        need(len(docs) == 1 and docs[0].get("kind") == kind, f"{name}: one {kind} expected")
        return docs[0] if len(docs) == 1 and isinstance(docs[0], dict) else {}

    pvc = single("pvc.yaml", "PersistentVolumeClaim")
    render = single("render-job.yaml", "Job")
    assemble = single("assemble-job.yaml", "Job")
    tools = single("tools-pod.yaml", "Pod")
    claim = pvc.get("metadata", {}).get("name")
    need("ReadWriteMany" in pvc.get("spec", {}).get("accessModes", []),
         "pvc.yaml: accessModes must hold ReadWriteMany (the render pods share /data)")

    rspec = render.get("spec", {})
    need(rspec.get("completionMode") == "Indexed",
         "render-job.yaml: spec.completionMode must be Indexed (one index per shot)")
    for field in ("completions", "parallelism"):
        need(isinstance(rspec.get(field), int) and rspec.get(field) >= 1,
             f"render-job.yaml: spec.{field} must be a whole number from 1")
    need("backoffLimitPerIndex" not in rspec,
         "render-job.yaml: backoffLimitPerIndex is alpha in Kubernetes 1.28; use backoffLimit")
    aspec = assemble.get("spec", {})
    need(aspec.get("completionMode", "NonIndexed") == "NonIndexed"
         and aspec.get("completions", 1) == 1,
         "assemble-job.yaml: one pod, not indexed")

    shared = {}
    for name, doc, command in (("render-job.yaml", render, "render-shot"),
                               ("assemble-job.yaml", assemble, "assemble"),
                               ("tools-pod.yaml", tools, None)):
        pod, ctrs = containers(doc)
        need(len(ctrs) == 1, f"{name}: one container expected")
        if not ctrs:
            continue
        c = ctrs[0]
        if doc.get("kind") == "Job":
            need(pod.get("restartPolicy") == "Never",
                 f"{name}: restartPolicy must be Never (a failure is a failed pod, which the "
                 "Job counts and keeps for its log)")
        env = env_of(c)
        need(env.get("OMP_WAIT_POLICY", {}).get("value") == "PASSIVE",
             f"{name}: env OMP_WAIT_POLICY must be PASSIVE")
        resources = c.get("resources", {})
        for kind in ("requests", "limits"):
            for res in ("cpu", "memory"):
                need(res in resources.get(kind, {}), f"{name}: resources.{kind}.{res} missing")
        if command:
            script = script_of(c)
            need(c.get("command", [])[:2] == ["sh", "-c"],
                 f"{name}: command must be [sh, -c] (the shell expands the variables)")
            need(f"exec tincture-cli {command} " in script,
                 f"{name}: the script must exec tincture-cli {command}")
            for var in ("TINCTURE_PLAN", "TINCTURE_PARTS"):
                need(var in env and str(env[var].get("value", "")).startswith("/"),
                     f"{name}: env {var} must be an absolute path")
                shared.setdefault(var, set()).add(env.get(var, {}).get("value"))
        volumes = {v.get("name"): v for v in pod.get("volumes", [])}
        mounts = {m.get("mountPath"): m.get("name") for m in c.get("volumeMounts", [])}
        data = volumes.get(mounts.get("/data"), {})
        need(data.get("persistentVolumeClaim", {}).get("claimName") == claim,
             f"{name}: /data must mount the claim {claim!r} of pvc.yaml")
        shared.setdefault("image", set()).add(c.get("image"))
        shared.setdefault("runAsUser", set()).add(pod.get("securityContext", {}).get("runAsUser"))
        if doc is render:
            need("JOB_COMPLETION_INDEX" in script
                 and re.search(r'--shot "?\$\{?JOB_COMPLETION_INDEX\b', script) is not None,
                 "render-job.yaml: render-shot must get --shot $JOB_COMPLETION_INDEX")
            need("-o \"$TINCTURE_PARTS\"" in script and "--quiet" in script,
                 "render-job.yaml: render-shot must write into $TINCTURE_PARTS, --quiet")
            need("TINCTURE_THREADS" in env and "--threads \"$TINCTURE_THREADS\"" in script,
                 "render-job.yaml: render-shot must get --threads from the CPU limit")
        for var in ("TINCTURE_PLAN", "TINCTURE_PARTS", "TINCTURE_OUTPUT"):
            value = str(env.get(var, {}).get("value", "/data/"))
            need(value.startswith("/data/"), f"{name}: {var} must be on the volume (/data/…)")
    for key, values in shared.items():
        need(len(values) == 1,
             f"the Jobs and the tools pod disagree on {key}: {sorted(map(str, values))}")
    return problems


# --- make-jobs.sh ----------------------------------------------------------------------------

def run_make_jobs(script, args):
    return subprocess.run(["bash", script, *args], capture_output=True, text=True, timeout=60)


def check_make_jobs(kdir, schemas):
    script = os.path.join(kdir, "make-jobs.sh")
    if not shutil.which("bash"):
        print("skip  make-jobs.sh: no bash")
        return
    r = subprocess.run(["bash", "-n", script], capture_output=True, text=True)
    expect_none("make-jobs.sh: bash syntax", [r.stderr.strip()] if r.returncode else [])

    common = ["--image", "registry.example:5000/tincture:test", "--claim", "film-a",
              "--cpus", "3", "--memory", "5Gi"]
    paths = ["--plan", "/data/film a/plan.json", "--parts", "/data/film a/parts"]
    runs = {
        "render-job.yaml": ["render", "--shots", "137", "--parallelism", "9",
                            "--backoff-limit", "12", "--name", "film-a-render", *common, *paths],
        "assemble-job.yaml": ["assemble", "--output", "/data/film a/colour.mkv",
                              "--name", "film-a-assemble", *common, *paths],
        "tools-pod.yaml": ["tools", "--name", "film-a-tools", *common],
    }
    made = {}
    for name, args in runs.items():
        r = run_make_jobs(script, args)
        if r.returncode != 0:
            fail(f"make-jobs.sh {args[0]}: exit {r.returncode}", [r.stderr.strip()])
            continue
        try:
            docs = load_documents(r.stdout, f"make-jobs.sh {args[0]}")
        except ValueError as e:
            fail(f"make-jobs.sh {args[0]}: output", [str(e)])
            continue
        made[name] = docs
        expect_none(f"make-jobs.sh {args[0]}: output valid against Kubernetes {schemas.version}",
                    [e for d in docs for e in schemas.errors(d)])
    if len(made) != len(runs):
        return
    # The claim given was film-a: the facts compare against a pvc.yaml that names it.
    made["pvc.yaml"] = [{"kind": "PersistentVolumeClaim", "metadata": {"name": "film-a"},
                         "spec": {"accessModes": ["ReadWriteMany"]}}]
    expect_none("make-jobs.sh: output keeps Tincture's facts", facts(made))

    render = made["render-job.yaml"][0]
    c = dig(containers(render), 1, 0) or {}
    env = env_of(c)
    assemble_env = env_of(dig(containers(made["assemble-job.yaml"][0]), 1, 0) or {})
    got = {
        "completions": dig(render, "spec", "completions"),
        "parallelism": dig(render, "spec", "parallelism"),
        "backoffLimit": dig(render, "spec", "backoffLimit"),
        "name": dig(render, "metadata", "name"),
        "image": c.get("image"),
        "cpu": (dig(c, "resources", "requests", "cpu"), dig(c, "resources", "limits", "cpu")),
        "memory": (dig(c, "resources", "requests", "memory"),
                   dig(c, "resources", "limits", "memory")),
        "plan": dig(env, "TINCTURE_PLAN", "value"),
        "parts": dig(env, "TINCTURE_PARTS", "value"),
        "output": dig(assemble_env, "TINCTURE_OUTPUT", "value"),
    }
    want = {
        "completions": 137, "parallelism": 9, "backoffLimit": 12, "name": "film-a-render",
        "image": "registry.example:5000/tincture:test", "cpu": ("3", "3"),
        "memory": ("5Gi", "5Gi"), "plan": "/data/film a/plan.json",
        "parts": "/data/film a/parts", "output": "/data/film a/colour.mkv",
    }
    expect_none("make-jobs.sh: fills every value given",
                [f"{k}: {got[k]!r}, expected {want[k]!r}" for k in want if got[k] != want[k]])

    r = run_make_jobs(script, ["render", "--shots", "3"])
    p = dig(yaml.safe_load(r.stdout), "spec", "parallelism") if r.returncode == 0 else None
    expect_none("make-jobs.sh: parallelism defaults to min(shots, 10)",
                [] if p == 3 else [f"got {p!r} (exit {r.returncode}: {r.stderr.strip()})"])

    refused = [
        ["render"],                                           # no --shots
        ["render", "--shots", "0"],
        ["render", "--shots", "12x"],
        ["render", "--shots", "4", "--plan", "plan.json"],    # not absolute
        ["render", "--shots", "4", "--parts", "/tmp/parts"],  # not on the volume
        ["render", "--shots", "4", "--plan", "/data/$(HOME)/plan.json"],
        ["render", "--shots", "4", "--memory", "lots"],
        ["render", "--shots", "4", "--name", "Film_A"],
        ["render", "--shots", "4", "--image", "bad image"],
        ["assemble", "--shots", "4"],                         # not an assemble option
        ["tools", "--plan", "/data/plan.json"],
        ["render", "--shots", "4", "--colour", "red"],
        ["nonsense"],
    ]
    wrong = []
    for args in refused:
        r = run_make_jobs(script, args)
        if r.returncode != 2 or r.stdout:
            wrong.append(f"make-jobs.sh {' '.join(args)}: exit {r.returncode}, "
                         f"{len(r.stdout)} bytes printed")
    expect_none(f"make-jobs.sh: refuses {len(refused)} bad command lines with exit 2", wrong)

    r = run_make_jobs(script, ["--help"])
    expect_none("make-jobs.sh --help: usage on stdout, exit 0",
                [] if r.returncode == 0 and "usage: make-jobs.sh render" in r.stdout
                else [f"exit {r.returncode}"])

    # A placeholder that make-jobs.sh does not know would stay unset: it must refuse.
    with tempfile.TemporaryDirectory() as tmp:
        for name in ("make-jobs.sh", "tools-pod.yaml"):
            shutil.copy(os.path.join(kdir, name), tmp)
        with open(os.path.join(tmp, "tools-pod.yaml"), "a", encoding="utf-8") as f:
            f.write("# x: 1  # make-jobs: colour\n")
        r = run_make_jobs(os.path.join(tmp, "make-jobs.sh"), ["tools"])
        expect_none("make-jobs.sh: refuses a manifest with a placeholder it does not know",
                    [] if r.returncode == 1 and "colour" in r.stderr
                    else [f"exit {r.returncode}: {r.stderr.strip()}"])


# --- negative checks -------------------------------------------------------------------------

def negative_checks(manifests, schemas):
    def container(m):
        return containers(m["render-job.yaml"][0])[1][0]

    def rename(d, old, new):
        d[new] = d.pop(old)

    schema_cases = [
        ("render: spec.completionmode", lambda m: rename(m["render-job.yaml"][0]["spec"],
                                                         "completionMode", "completionmode")),
        ("render: container 'comand'", lambda m: rename(container(m), "command", "comand")),
        ("render: metadata.lables", lambda m: rename(m["render-job.yaml"][0]["metadata"],
                                                     "labels", "lables")),
        ("render: env 'valeu'", lambda m: rename(env_of(container(m))["TINCTURE_PLAN"],
                                                 "value", "valeu")),
        ("render: resources.limit", lambda m: rename(container(m)["resources"], "limits", "limit")),
        ("render: parallelism 'four'", lambda m: m["render-job.yaml"][0]["spec"].update(
            parallelism="four")),
        ("render: args not a list", lambda m: container(m).update(args="tincture-cli")),
        ("render: no containers", lambda m: containers(m["render-job.yaml"][0])[0].pop(
            "containers")),
        ("render: kind Jobs", lambda m: m["render-job.yaml"][0].update(kind="Jobs")),
        ("pvc: spec.accesModes", lambda m: rename(m["pvc.yaml"][0]["spec"],
                                                  "accessModes", "accesModes")),
        ("assemble: persistentVolumeClaim.claimname", lambda m: rename(
            containers(m["assemble-job.yaml"][0])[0]["volumes"][0]["persistentVolumeClaim"],
            "claimName", "claimname")),
        ("tools: container 'volumeMount'", lambda m: rename(
            containers(m["tools-pod.yaml"][0])[1][0], "volumeMounts", "volumeMount")),
    ]
    passed = []
    for what, mutate in schema_cases:
        broken = copy.deepcopy(manifests)
        mutate(broken)
        if not any(schemas.errors(d) for docs in broken.values() for d in docs):
            passed.append(what)
    expect_none(f"schema is strict: {len(schema_cases)} injected mistakes fail validation",
                [f"{w}: passed the schema" for w in passed])

    fact_cases = [
        ("completionMode NonIndexed", lambda m: m["render-job.yaml"][0]["spec"].update(
            completionMode="NonIndexed")),
        ("no JOB_COMPLETION_INDEX", lambda m: container(m).update(args=[
            container(m)["args"][0].replace('"$JOB_COMPLETION_INDEX"', "0")])),
        ("restartPolicy OnFailure", lambda m: containers(m["render-job.yaml"][0])[0].update(
            restartPolicy="OnFailure")),
        ("OMP_WAIT_POLICY ACTIVE", lambda m: env_of(container(m))["OMP_WAIT_POLICY"].update(
            value="ACTIVE")),
        ("no memory limit", lambda m: container(m)["resources"]["limits"].pop("memory")),
        ("backoffLimitPerIndex", lambda m: m["render-job.yaml"][0]["spec"].update(
            backoffLimitPerIndex=1)),
        ("ReadWriteOnce claim", lambda m: m["pvc.yaml"][0]["spec"].update(
            accessModes=["ReadWriteOnce"])),
        ("assemble with another plan", lambda m: env_of(containers(
            m["assemble-job.yaml"][0])[1][0])["TINCTURE_PLAN"].update(value="/data/other.json")),
        ("tools with another image", lambda m: containers(m["tools-pod.yaml"][0])[1][0].update(
            image="tincture:other")),
    ]
    passed = []
    for what, mutate in fact_cases:
        broken = copy.deepcopy(manifests)
        mutate(broken)
        if not facts(broken):
            passed.append(what)
    expect_none(f"Tincture facts: {len(fact_cases)} injected breakages are caught",
                [f"{w}: not caught" for w in passed])


# --- Dockerfile ------------------------------------------------------------------------------

kInstructions = {"FROM", "RUN", "CMD", "LABEL", "EXPOSE", "ENV", "ADD", "COPY", "ENTRYPOINT",
                 "VOLUME", "USER", "WORKDIR", "ARG", "ONBUILD", "STOPSIGNAL", "HEALTHCHECK",
                 "SHELL"}


# The flags each instruction takes (Dockerfile frontend 1.x); any other is a typo.
kFlags = {"FROM": {"platform"}, "COPY": {"from", "chown", "chmod", "link", "parents", "exclude"},
          "ADD": {"chown", "chmod", "link", "checksum", "keep-git-dir", "exclude"},
          "RUN": {"mount", "network", "security"}, "HEALTHCHECK": {"interval", "timeout",
          "start-period", "start-interval", "retries"}}


def dockerfile_instructions(text):
    """(line number, INSTRUCTION, arguments) with continuation lines joined and comments
    dropped, as Docker reads them (default escape character)."""
    out, current, start = [], "", 0
    for number, line in enumerate(text.splitlines(), 1):
        stripped = line.strip()
        if not current and (not stripped or stripped.startswith("#")):
            continue
        if current and stripped.startswith("#"):
            continue  # a comment inside a continued instruction
        if not current:
            start = number
        if line.rstrip().endswith("\\"):
            current += line.rstrip()[:-1] + " "
            continue
        current += line
        word, _, rest = current.strip().partition(" ")
        out.append((start, word, rest.strip()))
        current = ""
    if current:
        out.append((start, "<unfinished>", current))
    return out


def check_dockerfile(kdir, manifests):
    path = os.path.join(kdir, "Dockerfile")
    with open(path, encoding="utf-8") as f:
        text = f.read()
    problems = []
    args, stages, entry, user, runs = {}, [], None, None, []
    for number, word, rest in dockerfile_instructions(text):
        where = f"Dockerfile:{number}"
        if word.upper() not in kInstructions:
            problems.append(f"{where}: unknown instruction {word!r}")
            continue
        if word != word.upper():
            problems.append(f"{where}: write {word.upper()} in capitals")
        for token in rest.split():  # flags come first, before the arguments
            if not token.startswith("--"):
                break
            flag = token[2:].split("=")[0]
            if flag not in kFlags.get(word, set()):
                problems.append(f"{where}: {word} has no flag --{flag}")
        if word == "ARG" and not stages:
            name, _, default = rest.partition("=")
            args[name] = default
        elif word == "FROM":
            m = re.fullmatch(r"(?:--platform=\S+\s+)?(\S+)(?:\s+AS\s+(\S+))?", rest,
                             re.IGNORECASE)
            if not m:
                problems.append(f"{where}: FROM {rest!r}")
                continue
            image = re.sub(r"\$\{(\w+)\}", lambda v: args.get(v.group(1), "?"), m.group(1))
            if image != "debian:12":
                problems.append(f"{where}: stage from {image!r}, expected debian:12")
            stages.append(m.group(2))
            entry, user = None, None
        elif word == "COPY" and "--from=" in rest:
            source = re.search(r"--from=(\S+)", rest).group(1)
            if source not in stages[:-1]:
                problems.append(f"{where}: COPY --from={source}: no earlier stage of that name")
        elif word == "RUN":
            runs.append((where, rest))
        elif word == "ENTRYPOINT":
            try:
                entry = json.loads(rest)
            except ValueError:
                entry = rest
        elif word == "USER":
            user = rest
    if len(stages) != 2 or stages[0] != "builder":
        problems.append(f"two stages expected, the first named builder: {stages}")
    if entry != ["tincture-cli"]:
        problems.append(f"the image's ENTRYPOINT is {entry!r}, expected [\"tincture-cli\"]")
    joined = " ".join(r for _, r in runs)
    for needed in ("./setup.sh build", "cmake --install", "rm -rf /var/lib/apt/lists/*"):
        if needed not in joined:
            problems.append(f"no RUN does {needed!r}")
    uids = {str(u) for u in (containers(d)[0].get("securityContext", {}).get("runAsUser")
                             for docs in manifests.values() for d in docs
                             if d.get("kind") in ("Job", "Pod"))}
    if user is None or user.split(":")[0] not in uids or len(uids) != 1:
        problems.append(f"the image's USER {user!r} is not the pods' runAsUser {sorted(uids)}")
    if shutil.which("sh"):
        for where, body in runs:
            r = subprocess.run(["sh", "-n", "-c", body], capture_output=True, text=True)
            if r.returncode:
                problems.append(f"{where}: RUN is not valid sh: {r.stderr.strip()}")
    ignore = os.path.join(kdir, "Dockerfile.dockerignore")
    if os.path.exists(ignore):
        with open(ignore, encoding="utf-8") as f:
            patterns = {line.strip() for line in f if line.strip() and not line.startswith("#")}
        for needed in (".git", "build", "build-*"):
            if needed not in patterns:
                problems.append(f"Dockerfile.dockerignore does not exclude {needed}")
    else:
        problems.append("Dockerfile.dockerignore is missing")
    expect_none("Dockerfile: shape, stages, RUN shell syntax, ENTRYPOINT, USER, ignore file",
                problems)


# --- main ------------------------------------------------------------------------------------

def guarded(what, check):
    """Runs check(what); a manifest shaped so oddly that a check trips over it fails that
    check instead of ending the run."""
    try:
        check(what)
    except Exception as e:  # noqa: BLE001 -- reported as a failure, with its type
        fail(what, [f"the check stopped: {type(e).__name__}: {e}"])


def main():
    if len(sys.argv) != 2:
        print("usage: check_kubernetes.py SOURCE_DIR", file=sys.stderr)
        return 2
    src = sys.argv[1]
    kdir = os.path.join(src, kManifestDir)
    schemas = Schemas(os.path.join(src, kSchemaFile))
    print(f"check-kubernetes: Kubernetes {schemas.version} schemas, jsonschema {_version()}, "
          f"PyYAML {yaml.__version__}")

    files = sorted(f for f in os.listdir(kdir) if f.endswith((".yaml", ".yml")))
    missing = [f for f in kManifests if f not in files]
    expect_none("the manifests are all there", [f"{f} is missing" for f in missing])
    manifests = {}
    for name in files:
        with open(os.path.join(kdir, name), encoding="utf-8") as f:
            text = f.read()
        try:
            docs = load_documents(text, name)
        except ValueError as e:
            fail(f"{name}: YAML", [str(e)])
            continue
        if not docs:
            fail(f"{name}: YAML", ["no document"])
            continue
        manifests[name] = docs
        for i, doc in enumerate(docs):
            expect_none(f"{name} #{i + 1} ({describe(doc)}): valid against Kubernetes "
                        f"{schemas.version}", schemas.errors(doc))
    if all(f in manifests for f in kManifests):
        guarded("Tincture facts (Indexed render, JOB_COMPLETION_INDEX, restartPolicy Never, "
                "resources, OMP_WAIT_POLICY, shared claim/image/plan)",
                lambda what: expect_none(what, facts(manifests)))
        for name in ("render-job.yaml", "assemble-job.yaml"):
            script = dig(containers(manifests[name][0]), 1, 0, "args", 0)
            r = subprocess.run(["sh", "-n", "-c", str(script)], capture_output=True, text=True)
            expect_none(f"{name}: the container's script is valid sh",
                        ["no script in the container's args"] if not script
                        else [r.stderr.strip()] if r.returncode else [])
        guarded("negative checks", lambda what: negative_checks(manifests, schemas))
        guarded("Dockerfile", lambda what: check_dockerfile(kdir, manifests))
    guarded("make-jobs.sh", lambda what: check_make_jobs(kdir, schemas))

    print(f"check-kubernetes: {passes} passed, {len(failures)} failed")
    return 1 if failures else 0


def _version():
    try:
        from importlib.metadata import version
        return version("jsonschema")
    except Exception:  # the version is only informative
        return "?"


if __name__ == "__main__":
    sys.exit(main())
