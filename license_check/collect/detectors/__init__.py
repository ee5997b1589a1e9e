"""The ordered registry of evidence detectors, one module per kind of source."""

from __future__ import annotations

from license_check.collect.detectors import datasets as datasets
from license_check.collect.detectors import dependencies as dependencies
from license_check.collect.detectors import doc_prose as doc_prose
from license_check.collect.detectors import license_files as license_files
from license_check.collect.detectors import manifests as manifests
from license_check.collect.detectors import model_cards as model_cards
from license_check.collect.detectors import readme_prose as readme_prose
from license_check.collect.detectors import references as references
from license_check.collect.detectors import reuse as reuse
from license_check.collect.detectors import spdx_headers as spdx_headers
from license_check.collect.detectors import weights as weights
from license_check.collect.detectors.base import Registered
from license_check.collect.reading import HEADER_CAP, README_CAP
from license_check.model import FileEntry


def _is_readme(entry: FileEntry) -> bool:
    return readme_prose.is_readme(entry.name)


# In the order they run (and their results are listed). File-local ones (``wants``) may be served file by
# file from the per-file cache.
DETECTORS: tuple[Registered, ...] = (
    Registered(license_files.NAME, license_files.detect),
    Registered(spdx_headers.NAME, spdx_headers.detect, wants=spdx_headers.wants, cap=HEADER_CAP),
    Registered(manifests.NAME, manifests.detect),
    Registered(readme_prose.NAME, readme_prose.detect, wants=_is_readme, cap=README_CAP),
    Registered(doc_prose.NAME, doc_prose.detect, wants=doc_prose.wants, cap=README_CAP),
    Registered(reuse.NAME, reuse.detect),
    Registered(model_cards.NAME, model_cards.detect),
    Registered(datasets.NAME, datasets.detect),
    Registered(weights.NAME, weights.detect),
    Registered(references.NAME, references.detect, wants=references.wants, cap=README_CAP, merge=references.merge),
    Registered(dependencies.NAME, dependencies.detect),
)
FILE_LOCAL: dict[str, Registered] = {d.name: d for d in DETECTORS if d.file_local}
