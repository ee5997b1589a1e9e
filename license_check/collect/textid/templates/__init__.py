"""SPDX's own license templates: exact identification by SPDX's matching rules, without ScanCode.

The templates (rules/generated/spdx-templates.json, from SPDX license-list-XML by
scripts/gen_spdx.py) mark what may vary in a license text: ``<optional>`` text, ``<alt match=...>``
replaceable text, the title and the copyright notice. A text matches a template when, word by word,
it is the template's text with those parts varied within their bounds (SPDX Matching Guidelines,
https://spdx.github.io/spdx-spec/v2.3/license-matching-guidelines-and-templates/): case (B.4),
punctuation and white space (B.3, B.5, B.6), bullets and numbering (B.8), SPDX's equivalent
spellings (B.9, equivalentwords.txt) and the copyright notice (B.11) do not count.

This module is the arbiter between siblings: where the text is exactly one SPDX license, that
license wins over any near match. It adds its own bounds to SPDX's: a replaceable part written as
a wildcard (``.+``) holds a name, never a restriction (words such as "not", "commercial" or "only"
that the default text lacks fail the part), and the text outside the matched licenses must pass
the gate (gate.py). Nothing here reads files or the network.
"""

from license_check.collect.textid.templates.data import list_version
from license_check.collect.textid.templates.identify import Part, TemplateMatch, expression_of, identify, missing_clause
from license_check.collect.textid.templates.match import find, run
from license_check.collect.textid.templates.program import Template, all_templates, reference_text, render, template
from license_check.collect.textid.templates.text import Text, read_text, words

__all__ = ["Part", "Template", "TemplateMatch", "Text", "all_templates", "expression_of", "find",
           "identify", "list_version", "missing_clause", "read_text", "reference_text", "render", "run", "template",
           "words"]
