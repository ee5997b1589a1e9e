"""The license texts the fast path knows: each is a file of the installed ScanCode's LicenseDB data
(``licensedcode/data``), read without importing ScanCode. tests/test_scancode_matcher.py checks that
ScanCode identifies each of them (and edited variants) the same way.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class RefSpec:
    spdx: str  # SPDX expression the text stands for
    source: str  # path inside licensedcode/data ("project:x" is rules/texts/x); "a+b" is a's text then b's
    version_ambiguous: bool = False  # GPL family: a bare text says neither -only nor -or-later


_L, _R = "licenses/", "rules/"
_P = "project:"  # a text of the project's own rules/texts/, for variants ScanCode does not know
_GPL = True
_CLASSPATH = "GPL-2.0-only WITH Classpath-exception-2.0"
REFERENCE_SPECS: tuple[RefSpec, ...] = (
    RefSpec("MIT", _L + "mit.LICENSE"),
    RefSpec("MIT", _R + "mit_346.RULE"),  # "The MIT License (MIT)" title + copyright template
    RefSpec("MIT-0", _L + "mit-0.LICENSE"),
    RefSpec("X11", _L + "x11-xconsortium.LICENSE"),
    RefSpec("BSD-2-Clause", _L + "bsd-simplified.LICENSE"),
    RefSpec("BSD-3-Clause", _L + "bsd-new.LICENSE"),
    RefSpec("BSD-3-Clause-Clear", _L + "clear-bsd.LICENSE"),
    RefSpec("0BSD", _L + "bsd-zero.LICENSE"),
    RefSpec("ISC", _L + "isc.LICENSE"),
    RefSpec("Apache-2.0", _L + "apache-2.0.LICENSE"),
    RefSpec("Apache-2.0", _R + "apache-2.0_398.RULE"),  # without the "How to apply" appendix
    # The terms, then the standard notice instead of the appendix (tensorflow/minigo's LICENSE).
    RefSpec("Apache-2.0", _R + "apache-2.0_398.RULE+" + _R + "apache-2.0_7.RULE"),
    RefSpec("Apache-1.1", _L + "apache-1.1.LICENSE"),
    RefSpec("Zlib", _L + "zlib.LICENSE"),
    RefSpec("Libpng", _L + "libpng.LICENSE"),  # libpng's own LICENSE up to 1.6.35 (vendored by emulators, games)
    RefSpec("BSL-1.0", _L + "boost-1.0.LICENSE"),
    RefSpec("Unlicense", _L + "unlicense.LICENSE"),
    RefSpec("CC0-1.0", _L + "cc0-1.0.LICENSE"),
    RefSpec("CC-BY-4.0", _L + "cc-by-4.0.LICENSE"),
    RefSpec("CC-BY-SA-4.0", _L + "cc-by-sa-4.0.LICENSE"),
    RefSpec("CC-BY-NC-4.0", _L + "cc-by-nc-4.0.LICENSE"),
    RefSpec("CC-BY-NC-SA-4.0", _L + "cc-by-nc-sa-4.0.LICENSE"),
    RefSpec("CC-BY-ND-4.0", _L + "cc-by-nd-4.0.LICENSE"),
    RefSpec("CC-BY-NC-ND-4.0", _L + "cc-by-nc-nd-4.0.LICENSE"),
    RefSpec("CC-BY-3.0", _L + "cc-by-3.0.LICENSE"),
    RefSpec("CC-BY-SA-3.0", _L + "cc-by-sa-3.0.LICENSE"),
    RefSpec("MPL-2.0", _L + "mpl-2.0.LICENSE"),
    RefSpec("MPL-1.1", _L + "mpl-1.1.LICENSE"),
    RefSpec("EPL-2.0", _L + "epl-2.0.LICENSE"),
    RefSpec("EPL-1.0", _L + "epl-1.0.LICENSE"),
    RefSpec("CDDL-1.0", _L + "cddl-1.0.LICENSE"),
    RefSpec("GPL-2.0-only", _L + "gpl-2.0.LICENSE", _GPL),
    RefSpec("GPL-2.0-only", _R + "gpl-2.0_32.RULE", _GPL),  # without "How to Apply"
    # GPL-2.0 followed by the Classpath exception in one file (GNU Classpath's and OpenJDK's layout): the
    # exception stays attached (WITH), never dropped into a plain GPL.
    RefSpec(_CLASSPATH, _L + "gpl-2.0.LICENSE+" + _L + "classpath-exception-2.0.LICENSE", _GPL),
    RefSpec(_CLASSPATH, _R + "gpl-2.0_32.RULE+" + _L + "classpath-exception-2.0.LICENSE", _GPL),
    RefSpec("GPL-3.0-only", _L + "gpl-3.0.LICENSE", _GPL),
    RefSpec("GPL-3.0-only", _R + "gpl-3.0_80.RULE", _GPL),  # without "How to Apply"
    RefSpec("LGPL-2.0-only", _L + "lgpl-2.0.LICENSE", _GPL),
    RefSpec("LGPL-2.1-only", _L + "lgpl-2.1.LICENSE", _GPL),
    RefSpec("LGPL-2.1-only", _R + "lgpl-2.1_296.RULE", _GPL),  # without "How to Apply"
    RefSpec("LGPL-3.0-only", _L + "lgpl-3.0.LICENSE", _GPL),
    RefSpec("AGPL-3.0-only", _L + "agpl-3.0.LICENSE", _GPL),
    RefSpec("AGPL-3.0-only", _R + "agpl-3.0_156.RULE", _GPL),  # without "How to Apply"
    RefSpec("PSF-2.0", _L + "psf-2.0.LICENSE"),
    RefSpec("WTFPL", _L + "wtfpl-2.0.LICENSE"),
    RefSpec("Artistic-2.0", _L + "artistic-2.0.LICENSE"),
    RefSpec("UPL-1.0", _L + "upl-1.0.LICENSE"),
    RefSpec("BlueOak-1.0.0", _L + "blueoak-1.0.0.LICENSE"),
    RefSpec("PostgreSQL", _L + "postgresql.LICENSE"),
    RefSpec("NCSA", _L + "uoi-ncsa.LICENSE"),
    RefSpec("AFL-3.0", _L + "afl-3.0.LICENSE"),
    # AI model and data licenses: model repositories ship these as their LICENSE.
    *(RefSpec(f"LicenseRef-scancode-{key}", f"{_L}{key}.LICENSE") for key in (
        "llama-license-2023", "llama-2-license-2023", "llama-3.1-license-2024", "llama-3.2-license-2024",
        "llama-3.3-license-2024", "llama-4-cla-2025", "bigscience-rail-1.0", "bigscience-open-rail-m",
        "bigscience-open-rail-m2", "stable-diffusion-2022-08-22", "bigcode-open-rail-m-v1", "gemma-tou-2024-04-01",
        "gemma-tou-2025-03-24", "deepseek-la-1.0", "tongyi-qianwen-2023", "qwen-2024", "stability-ai-community-2024",
        "stability-ai-nc-2023-12-06", "nvidia-open-model-2025-04-28", "falcon-2-11b-1.0")),
    # Variants ScanCode has no text for, kept in rules/texts/ with their source (rules/README.md).
    RefSpec("LicenseRef-license-check-modified-mit-openai", _P + "modified-mit-openai.txt"),
    RefSpec("ODbL-1.0", _L + "odbl-1.0.LICENSE"),
    RefSpec("ODC-By-1.0", _L + "odc-by-1.0.LICENSE"),
    RefSpec("PDDL-1.0", _L + "pddl-1.0.LICENSE"),
    RefSpec("CDLA-Permissive-2.0", _L + "cdla-permissive-2.0.LICENSE"),
)
