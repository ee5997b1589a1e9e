"""The ordered registry of evidence detectors, one module per kind of source."""

from __future__ import annotations

from license_check.collect.detectors import datasets as datasets
from license_check.collect.detectors import license_files as license_files
from license_check.collect.detectors import manifests as manifests
from license_check.collect.detectors import model_cards as model_cards
from license_check.collect.detectors import readme_prose as readme_prose
from license_check.collect.detectors import references as references
from license_check.collect.detectors import reuse as reuse
from license_check.collect.detectors import spdx_headers as spdx_headers
from license_check.collect.detectors import weights as weights
from license_check.collect.detectors.base import Detector

DETECTORS: tuple[tuple[str, Detector], ...] = (
    (license_files.NAME, license_files.detect),
    (spdx_headers.NAME, spdx_headers.detect),
    (manifests.NAME, manifests.detect),
    (readme_prose.NAME, readme_prose.detect),
    (reuse.NAME, reuse.detect),
    (model_cards.NAME, model_cards.detect),
    (datasets.NAME, datasets.detect),
    (weights.NAME, weights.detect),
    (references.NAME, references.detect),
)
