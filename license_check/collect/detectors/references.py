"""Referenced artifacts (source ``reference``): models and data the repository loads or downloads
but does not contain.

Found in code, scripts, configs and READMEs (tests and docs are skipped: they are not what an
adopter runs):

- Hugging Face loaders: ``from_pretrained("org/name")``, ``pipeline(model="org/name")``,
  ``hf_hub_download(repo_id="org/name")``, ``snapshot_download("org/name")``, ``load_dataset("org/name")``
  (a dataset);
- Hub URLs: ``https://huggingface.co/org/name`` (a model) and ``https://huggingface.co/datasets/org/name``;
- download URLs on lines that download (``wget``, ``curl``, ``aria2c``, ``gsutil``, ``rsync``,
  ``urlretrieve``, ``download``) or in a README's link table, whose file is an archive or weights
  (``.tar``, ``.zip``, ``.pt``, ``.ckpt``, ``.safetensors``, ``.gguf``, ...): a checkpoint archive is a
  model, a weights file weights when its URL speaks of parameters, weights, checkpoints or models,
  else a dataset.

Each distinct reference becomes one Artifact with ``ref`` (a Hub id, ``datasets/org/name``, or the
URL) and the path and line of its first mention. Nothing is fetched: the known-models table and
README prose give the license later, else it is unknown (``external-artifact``).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator, Sequence

from license_check.collect.detectors._util import read_or_report
from license_check.collect.detectors.base import DetectorResult, ScanContext
from license_check.collect.parsers.frontmatter import split_front_matter
from license_check.collect.reading import README_CAP
from license_check.model import Artifact, Evidence, FileEntry, Finding, Kind

NAME = "references"
SOURCE = "reference"
MAX_REFERENCES = 500  # distinct references kept per repository (the rest are counted in a log line)

_SUFFIXES = frozenset({".py", ".sh", ".bash", ".zsh", ".yaml", ".yml", ".cfg", ".ini", ".toml", ".md", ".rst",
                       ".txt", ".ipynb", ".json"})
_NAMES = frozenset({"dockerfile", "makefile"})
_SKIP_DIRS = frozenset({"tests", "test", "testing", "docs", "doc", "site-packages",
                        ".github", ".circleci", ".gitlab", ".buildkite"})  # CI: tools, not what an adopter runs
# Trees of vendored code: their catalogues (a model zoo's list of URLs) are not what the repository uses.
_VENDORED_DIRS = frozenset({"third_party", "third-party", "thirdparty", "vendor", "vendored", "external", "extern",
                            "deps", "3rdparty", "model_zoo", "model-zoo"})
_SKIP_FILES = frozenset({"package.json", "package-lock.json", "tsconfig.json", "requirements.txt", ".gitlab-ci.yml",
                         ".travis.yml", "azure-pipelines.yml", "appveyor.yml", ".pre-commit-config.yaml",
                         "citation.cff"})
# load_dataset's packaged builders read the user's own files: "json", "csv" ... name no dataset
# (https://huggingface.co/docs/datasets/loading#local-and-remote-files).
_BUILTIN_BUILDERS = frozenset({"json", "csv", "text", "parquet", "arrow", "pandas", "generator", "imagefolder",
                               "audiofolder", "videofolder", "webdataset", "sql", "xml", "spark", "cache", "folder"})
# Objects whose load_dataset / download methods are the Hub's: any other ``x.load_dataset("train")`` is the
# repository's own method (fairseq's ``task.load_dataset(split)``).
_HUB_OBJECTS = frozenset({"datasets", "huggingface_hub", "hub", "hf", "nlp", "transformers", "diffusers"})

_HUB_ID = r"[A-Za-z0-9][\w.-]{0,95}(?:/[A-Za-z0-9][\w.-]{0,95})?"
_CALLS = ("from_pretrained", "pipeline", "hf_hub_download", "snapshot_download", "load_dataset", "from_single_file")
# What follows a loader call's name: the first string argument, or a model=/repo_id= keyword.
_LOADER_TAIL_RE = re.compile(
    r"\s*\((?:[^()\"']{0,80}?(?:model|repo_id|pretrained_model_name_or_path|path)\s*=\s*)?\s*(?P<q>[\"'])"
    rf"(?P<id>{_HUB_ID})(?P=q)")
_PIPELINE_TAIL_RE = re.compile(
    r"\s*\(\s*(?:[\"'][^\"'\n]{0,80}[\"']\s*,\s*)?[^()\"']{0,200}?\bmodel\s*=\s*(?P<q>[\"'])"
    rf"(?P<id>{_HUB_ID})(?P=q)")
_HUB_URL_RE = re.compile(
    r"https?://(?:www\.)?(?:huggingface\.co|hf\.co)/(?P<ds>datasets/)?(?P<id>[A-Za-z0-9][\w.-]*+/[A-Za-z0-9][\w.-]*+)(?![{$<%\[*])")
_HUB_RESERVED = frozenset({"docs", "spaces", "blog", "papers", "learn", "join", "settings", "models", "api",
                           "organizations", "pricing", "tasks", "login", "new", "collections", "course", "chat",
                           "transformers", "welcome", "huggingface", "datasets", "posts", "enterprise"})
_DOWNLOAD_LINE_RE = re.compile(r"\b(?:wget|curl|aria2c|gsutil|rsync|urlretrieve|download|fetch)\w*", re.IGNORECASE)
_URL_RE = re.compile(r"(?:https?|ftp|gs|s3)://[^\s\"'<>()\[\]`{}|\\]+")
_ARCHIVE_RE = re.compile(
    r"\.(?:tar(?:\.gz|\.bz2|\.xz|\.zst)?|tgz|zip|7z|pt|pth|ckpt|safetensors|bin|h5|hdf5|npz|npy|gguf|onnx|pkl"
    r"|pickle|msgpack|params|pb|tflite|parquet|jsonl?|csv|tsv|gz)$", re.IGNORECASE)
# Tools and installers downloaded by setup scripts are not artifacts.
_INSTALLER_RE = re.compile(
    r"awscli|aws-cli|miniconda|anaconda|miniforge|mambaforge|micromamba|cuda|cudnn|nccl|cmake|ninja|node-v|"
    r"go\d[\d.]*\.linux|bazel|protoc|openmpi|mpich|libtorch|get-pip|openmp|libomp|intel-openmp|redist|cudart|tensorrt|"
    r"onnxruntime|mkl|\btbb|\.(?:deb|rpm|whl|exe|dmg|msi|pkg|appimage)$",
    re.IGNORECASE)
# README sections that list other people's work, not what the repository uses.
_OTHERS_RE = re.compile(r"adopt|used\s+by|who\s+uses|users|publication|papers?\b|citation|\bcit(?:e|ing)\b|acknowledg|"
                        r"related|news|community|showcase|projects\s+using|built\s+with|awesome|press|changelog",
                        re.IGNORECASE)
_HEADING_RE = re.compile(r"^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$")
_FENCE_RE = re.compile(r"^\s*(```|~~~)")
_WEIGHTS_WORD_RE = re.compile(r"param|weight|checkpoint|ckpt|model|pretrain|\.(?:pt|pth|safetensors|gguf|onnx|h5)$",
                              re.IGNORECASE)


_CARD_KEY_RE = re.compile(r"^(?:license|base_model|pipeline_tag|library_name|task_categories|datasets)\s*:",
                          re.MULTILINE)


def _is_card(text: str) -> bool:
    """A Hugging Face card: front matter at the top that has card keys."""
    block, _ = split_front_matter(text)
    return block is not None and bool(_CARD_KEY_RE.search(block))


@functools.lru_cache(maxsize=1 << 14)
def _skipped_folder(folder: str) -> bool:
    """Whether a file in ``folder`` (lower-case, '' for the root) is in a test, doc, CI or vendored tree; asked
    once per folder, not once per file (each is asked about twice a scan)."""
    return any(p in _SKIP_DIRS or p in _VENDORED_DIRS for p in folder.split("/")) if folder else False


def _eligible(entry: FileEntry) -> bool:
    folder, _, name = entry.path.lower().rpartition("/")
    if _skipped_folder(folder) or name in _SKIP_FILES:
        return False
    suffix = name[name.rfind("."):] if "." in name else ""
    return suffix in _SUFFIXES or name in _NAMES or name.startswith("readme")


# Owners that name no real artifact: placeholders in docs and docstrings, and Hugging Face's tiny test models.
_PLACEHOLDER_OWNERS = frozenset({"my-user", "my-username", "username", "your-username", "your_username",
                                 "my-org", "your-org", "hf-internal-testing", "your-hf-username", "yourname"})


def _hub_ref(ident: str, dataset: bool) -> str | None:
    ident = ident.rstrip(".")
    owner = ident.split("/", 1)[0].lower()
    if (owner in _HUB_RESERVED and not dataset) or ("/" in ident and owner in _PLACEHOLDER_OWNERS):
        return None
    if ident.lower().endswith((".git", ".md", ".html")):
        ident = ident.rsplit(".", 1)[0]
    return f"datasets/{ident}" if dataset else ident


def _calls(text: str) -> list[tuple[str, int]]:
    """(name, offset) of every loader call name that starts a word (str.find: much faster than a regex
    alternation over megabytes of code)."""
    out = []
    for call in _CALLS:
        at = text.find(call)
        while at != -1:
            if at == 0 or not (text[at - 1].isalnum() or text[at - 1] == "_"):
                out.append((call, at))
            at = text.find(call, at + len(call))
    return out


def _skipped_sections(lines: Sequence[str]) -> list[tuple[int, int]]:
    """Line ranges [start, end) of README sections about other people's work."""
    ranges: list[tuple[int, int]] = []
    headings: list[tuple[int, str]] = []
    fenced = False
    open_at: int | None = None
    for number, line in enumerate(lines, start=1):
        if _FENCE_RE.match(line):
            fenced = not fenced
        heading = None if fenced or not line.lstrip().startswith("#") else _HEADING_RE.match(line)
        if not heading:
            continue
        level = len(heading.group(1))
        headings = [h for h in headings if h[0] < level] + [(level, heading.group(2))]
        skipping = any(_OTHERS_RE.search(title) for _, title in headings)
        if skipping and open_at is None:
            open_at = number
        elif not skipping and open_at is not None:
            ranges.append((open_at, number))
            open_at = None
    if open_at is not None:
        ranges.append((open_at, len(lines) + 1))
    return ranges


_CITATION_LINE_RE = re.compile(r"\s*(?:url|howpublished|note|eprint|doi)\s*=\s*[{\"]", re.IGNORECASE)
_COMMENT_LEADERS = ("#", "//", "--", ";", "%", "rem ", "::")
_ARCHIVE_ONLY_RE = re.compile(r"\.(?:tar(?:\.gz|\.bz2|\.xz|\.zst)?|tgz|zip|7z)$", re.IGNORECASE)


def _commented(text: str, offset: int, is_readme: bool) -> bool:
    """Whether ``offset`` is on a comment line of code, a script or a config (README headings are no comments)."""
    if is_readme:
        return False
    begin = text.rfind("\n", 0, offset) + 1
    return text[begin:offset].lstrip().lower().startswith(_COMMENT_LEADERS)


def _own_method(text: str, start: int) -> bool:
    """``x.load_dataset(...)`` where ``x`` is not one of the Hub's modules."""
    if start == 0 or text[start - 1] != ".":
        return False
    head = re.search(r"([A-Za-z_][\w]*)\s*$", text[max(0, start - 80): start - 1])
    return head is None or head.group(1).lower() not in _HUB_OBJECTS


def _url_kind(url: str, name: str) -> Kind:
    """What a downloaded file is: a checkpoint archive is a model, a weights file is weights, else data."""
    path = url.split("?", 1)[0].lower()
    if not _WEIGHTS_WORD_RE.search(path.split("://", 1)[-1].split("/", 1)[-1]):
        return Kind.DATASET
    return Kind.MODEL if _ARCHIVE_ONLY_RE.search(name) else Kind.WEIGHTS


def _url_matches(text: str) -> Iterator[re.Match[str]]:
    """``_URL_RE.finditer(text)``, tried only where a URL can start: 2 to 5 characters (the scheme) before a
    "://" (the regex alone tries every offset of megabytes of code). Each "://" in turn, the starts from left to
    right: a match at a start not yet tried would need a "://" at or after this one, so within 2-5 of it."""
    at = 0
    sep = text.find("://")
    while sep != -1:
        for start in range(max(at, sep - 5), sep - 1):
            match = _URL_RE.match(text, start)
            if match is not None:
                yield match
                at = match.end()
                break
        sep = text.find("://", max(at, sep + 1))


def find_references(text: str, is_script: bool, is_readme: bool = False) -> list[tuple[str, Kind, int]]:
    """(ref, kind, line) for every reference in ``text`` (in order, duplicates kept).

    In a README, sections that list other people's work (adoption, publications, citations, news,
    related work) are skipped: what they link to is not what the repository uses.
    """
    cursor = [0, 1]  # offset, line: matches come in increasing order within each pass

    def line_of(offset: int) -> int:
        if offset < cursor[0]:
            cursor[:] = [0, 1]
        cursor[1] += text.count("\n", cursor[0], offset)
        cursor[0] = offset
        return cursor[1]

    found: list[tuple[int, int, str, Kind]] = []
    for call, start in _calls(text):
        # pipeline("sentiment-analysis") names a task; its model comes as model=...
        match = (_PIPELINE_TAIL_RE if call == "pipeline" else _LOADER_TAIL_RE).match(text, start + len(call))
        if match is None or _commented(text, start, is_readme):
            continue
        ident = match.group("id")
        if "/" not in ident and ("." in ident or ident.startswith(("-", "_"))):
            continue  # a local file name, not a Hub id
        if call != "from_pretrained" and _own_method(text, start):
            continue  # task.load_dataset("train"): the repository's own method
        dataset = call == "load_dataset"
        if dataset and ident.lower() in _BUILTIN_BUILDERS:
            continue  # load_dataset("json", data_files=...): the user's own files
        ref = _hub_ref(ident, dataset)
        if ref:
            found.append((start, line_of(start), ref, Kind.DATASET if dataset else Kind.MODEL))
    for match in (_HUB_URL_RE.finditer(text) if "huggingface.co" in text or "hf.co/" in text else ()):
        ref = _hub_ref(match.group("id"), bool(match.group("ds")))
        if ref:
            found.append((match.start(), line_of(match.start()), ref,
                          Kind.DATASET if match.group("ds") else Kind.MODEL))
    for match in _url_matches(text):
        url = match.group(0).rstrip(".,;:")
        if "huggingface.co" in url or "hf.co/" in url or not _ARCHIVE_RE.search(url.split("?", 1)[0]):
            continue
        if "$" in url or re.search(r"//(?:www\.)?github\.com/[^/]+/[^/]+/(?:blob|tree)/", url):
            continue  # a shell variable (the name is not known statically), or a link to a source file
        name = url.split("?", 1)[0].rsplit("/", 1)[-1]
        if _INSTALLER_RE.search(name):
            continue
        number = line_of(match.start())
        begin = text.rfind("\n", 0, match.start()) + 1
        end = text.find("\n", match.start())
        line = text[begin: end if end != -1 else len(text)][:4000]
        if _commented(text, match.start(), is_readme) or _CITATION_LINE_RE.match(line):
            continue  # "# wget ...", a BibTeX "url = {...}"
        table_row = is_readme and line.lstrip().startswith("|")  # a README link table lists what to fetch
        if not is_script and not table_row and not _DOWNLOAD_LINE_RE.search(_URL_RE.sub(" ", line)):
            continue  # the download word must be the line's, not the host's ("download.openmmlab.com")
        found.append((match.start(), number, url, _url_kind(url, name)))
    if not found:
        return []
    found.sort(key=lambda f: f[0])
    skipped = _skipped_sections(text.splitlines()) if is_readme else []
    return [(ref, kind, number) for _, number, ref, kind in found
            if not any(a <= number < b for a, b in skipped)]


def detect(files: Sequence[FileEntry], ctx: ScanContext) -> DetectorResult:
    artifacts: dict[str, Artifact] = {}
    findings: list[Finding] = []
    dropped = 0
    for entry in files:
        if entry.size == 0 or not _eligible(entry):
            continue
        read = read_or_report(entry.path, entry.abspath, README_CAP, "file", report_binary=False)
        findings += read.findings
        if read.text is None:
            continue
        name = entry.name.lower()
        script = name.endswith((".sh", ".bash", ".zsh")) or name in _NAMES
        readme = name.startswith("readme")
        if readme and _is_card(read.text):
            continue  # a card's usage snippets load the card's own model; its lineage is in base_model
        for ref, kind, line in find_references(read.text, script, readme):
            if ref in artifacts:
                continue
            if len(artifacts) >= MAX_REFERENCES:
                dropped += 1
                continue
            evidence = Evidence(entry.path, SOURCE, None, line=line, key=ref)
            artifacts[ref] = Artifact(path=entry.path, kind=kind, evidence=evidence, ref=ref, is_dir=False)
    if dropped:
        ctx.log(f"references: {dropped} references beyond the first {MAX_REFERENCES} were not listed")
    return DetectorResult(artifacts=tuple(artifacts[k] for k in sorted(artifacts)), findings=tuple(findings))


def wants(entry: FileEntry) -> bool:
    """The files this detector reads (the per-file cache asks)."""
    return _eligible(entry)


def merge(parts: Sequence[DetectorResult]) -> DetectorResult | None:
    """Per-file results combined: the first file (in scan order) that references an artifact is its
    evidence; None when the cap on references is reached (which ones are kept then depends on the order
    inside files: rerun as a whole)."""
    artifacts: dict[str | None, Artifact] = {}
    for part in parts:
        for artifact in part.artifacts:
            artifacts.setdefault(artifact.ref, artifact)
    if len(artifacts) >= MAX_REFERENCES:
        return None
    return DetectorResult(artifacts=tuple(artifacts[k] for k in sorted(artifacts, key=str)),
                          findings=tuple(f for p in parts for f in p.findings))
