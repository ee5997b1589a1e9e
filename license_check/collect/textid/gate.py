"""One gate for text added around a recognised license text (issue 11 A.4).

The fast path, bundles and ScanCode matches all ask the same question: is what the file says beyond the
matched license harmless? The answer is a list of what is harmless, never a list of restricting words: a
word list rejects standard wording ("may", "or", "Google Research") and lets through restrictions that
avoid its words ("Use by Acme Corp is disallowed.", "costs USD 500", a sentence in German). So a sentence
outside the match passes only when it is recognised boilerplate:

* a copyright, "All rights reserved", author, maintainer or contact line;
* a title or heading: a few words, each a title word (rules/boilerplate.toml), a license name, a number
  or a word of the project's own name;
* a URL or e-mail address, alone or after a short label ("CC0: http://...");
* an SPDX line (``SPDX-License-Identifier: MIT``); a separator or markup line;
* a connective of rules/boilerplate.toml ("The following license applies to all parts of this software
  except as documented below", "Below are licenses used in those files"), which may grant a named
  license to a part of the work (CC0 for sample code).

Anything else keeps the file from being the plain license; the caller then reads it as a custom text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from license_check.collect.textid.tokens import normalize_tokens
from license_check.knowledge.textrules import Boilerplate

MAX_TITLE_WORDS = 12
MAX_LABEL_WORDS = 3  # "CC0:", "Source code:", "See" before a URL
MAX_NAME_HEADING_WORDS = 3  # a heading of a few words that is a name, not a sentence
MAX_SENTENCE_CHARS = 2000  # longer "sentences" are never boilerplate (and patterns stay cheap)

_URL = re.compile(r"<?(?:https?://|ftp://|www\.)[^\s<>\"')\]]+>?|<?[\w.+-]+@[\w-]+(?:\.[\w-]+)+>?", re.IGNORECASE)
_COPYRIGHT = re.compile(r"(?:portions[ \t]+)?(?:copyright\b|©|\(c\)[ \t]*\d)|all rights reserved\b", re.IGNORECASE)
_AUTHOR = re.compile(
    r"(?:(?:original[ \t]+)?authors?|maintainers?|contacts?|contributors?)[ \t]*:|"
    r"(?:written|created|maintained|developed|authored)[ \t]+by\b", re.IGNORECASE)
_ABBREVIATION = re.compile(r"\b(?:inc|ltd|co|corp|jr|sr|st|llc|l\.l\.c|e\.v|s\.a|b\.v|n\.v|al|pty|plc)\.",
                           re.IGNORECASE)
_INITIAL = re.compile(r"\b[A-Z]\.")  # "Alexei A. Efros": an initial, not the end of a sentence
_RESERVED = re.compile(r"all\s+rights\s+reserved\.?", re.IGNORECASE)
MAX_LOWERCASE_NAME_WORDS = 3
_PLACEHOLDER = re.compile(r"<%=.*?%>|<[^<>\n]{0,60}>|\[[^\[\]\n]{0,60}\]|\{[^{}\n]{0,60}\}")  # "<name of author>"
_YEARS = re.compile(r"\d{4}(?:\s*[-–,]\s*(?:\d{4}|present))*")
# Lowercase words a holder's name may hold ("Meta Platforms, Inc. and affiliates", "the TensorFlow authors").
_NAME_WORDS = frozenset(str.split(
    """and the of its their affiliates affiliate contributors contributor authors author other others all rights
    reserved inc ltd llc gmbh corp corporation co company by on behalf et al de da di von van der den du la le
    project developers developer team foundation university group holders holder owners owner respective
    individual individuals members organization organisation""")) | {"c"}
_SPDX = re.compile(r"spdx-(?:license-identifier|filecopyrighttext|filecontributor)\s*:", re.IGNORECASE)
_MARKUP = " \t#*>_|`~=+-/\\<>[](){}\"'.,;:!?"
_LINE_MARKUP = " \t#*>_|`~=+-/\\"  # brackets stay: "Copyright (c) [year], [fullname]"
_LINE_END_MARKUP = " \t#*_|`~=+-/\\"  # and a closing ">" too: "Jane Doe <jane at example dot com>"
_WORD = re.compile(r"[a-z0-9]+")
_ENDS_ABBREVIATION = re.compile(
    r"\b(?:inc|ltd|co|corp|llc|e\.g|i\.e|etc|vs|dr|mr|mrs|ms|st|no|al|jr|sr|u\.s|approx)\.$", re.IGNORECASE)
_ENDS_INITIAL = re.compile(r"(?:^|\s)[A-Z]\.$")
_SENTENCE_END = re.compile(r"(?<=[.;!?])\s+(?=\S)|\n\s*\n")
_VERSIONED = re.compile(r"([a-z]+?)v?\d+")
_DIGITS = re.compile(r"\d+(?:\.\d+)*[a-z]?|v\d+(?:\.\d+)*|[ivx]{1,4}")


@dataclass(frozen=True, slots=True)
class Verdict:
    """What the gate says of text outside a match."""

    ok: bool
    offending: str = ""  # the first sentence that is not boilerplate (quoted in findings and logs)
    grants: tuple[str, ...] = ()  # licenses connectives grant to a part of the work ("CC0-1.0")
    kinds: frozenset[str] = frozenset()  # the kinds of boilerplate seen ("copyright", "connective", "title", ...)


# Words of license names: a title or heading may hold them ("MIT License", "Apache 2.0"); the fast path
# also keeps them out of the words a reference text may lose.
LICENSE_NAME_WORDS = frozenset(str.split(
    """mit apache bsd gpl lgpl agpl gnu affero lesser mpl mozilla eupl epl eclipse isc cc cc0 creative
    commons zlib boost bsl unlicense wtfpl artistic psf python cddl afl postgresql x11 expat openrail rail
    llama gemma proprietary commercial sspl elastic busl bsl polyform cal ncsa upl blueoak openssl"""))


def name_words(names: Iterable[str]) -> frozenset[str]:
    """The words of the project's own names (root folder, package names) a title may use."""
    return frozenset(w for name in names for w in _WORD.findall(name.lower()) if len(w) > 1)


def title_word(bp: Boilerplate, word: str, names: frozenset[str] = frozenset()) -> bool:
    """Whether one normalized word may stand in a title or heading (``bp``: the scan's
    Knowledge.boilerplate, as for every function here that takes it)."""
    if word in bp.title_words or word in LICENSE_NAME_WORDS or word in names:
        return True
    versioned = _VERSIONED.fullmatch(word)  # "gplv2", "lgpl21", "apache2"
    return _DIGITS.fullmatch(word) is not None or (versioned is not None and versioned.group(1) in LICENSE_NAME_WORDS)


def words_harmless(bp: Boilerplate, words: Sequence[str], names: frozenset[str] = frozenset()) -> bool:
    """Token-level gate (the fast path's extra runs): every word a title word, license name, number, URL
    token or project name word. A run of other words is an addition to the license, whatever it says."""
    return all(title_word(bp, w, names) for w in words)


MAX_TITLE_NAME_WORDS = 4
_USE_STEMS = ("commerc", "noncommerc", "research", "academ", "evaluat", "personal", "internal", "prohibit",
              "restrict", "forbid", "nonlatin", "kommerz", "comerc", "verbot", "interdit")


def holder_run(words: Sequence[str]) -> bool:
    """"Copyright Romain Tisserand", "Copyright Zhengxiao Du": a holder line without a year, which
    normalization keeps (it drops only lines with a year or (c)); a few words, none about use."""
    return bool(words) and words[0] == "copyright" and len(words) <= MAX_TITLE_NAME_WORDS + 2 and not any(
        w in _USE_WORDS or w.startswith(_USE_STEMS) for w in words)


def title_run(bp: Boilerplate, words: Sequence[str], names: frozenset[str] = frozenset()) -> bool:
    """The gate on words before a license text: title words, or a heading "<Name> License" whose name
    ("Some Project", "DALLE-pytorch") is at most a few words, none about use ("Noncommercial License")."""
    if words_harmless(bp, words, names):
        return True
    if holder_run(words):
        return True
    others = [w for w in words if not title_word(bp, w, names)]
    return (len(others) <= MAX_TITLE_NAME_WORDS and any(w in {"license", "licence"} for w in words)
            and not any(w in _USE_WORDS or w.startswith(_USE_STEMS) for w in others))


def copyright_template_run(bp: Boilerplate, words: Sequence[str]) -> bool:
    """A license's own copyright template inside a text ("Copyright [yyyy] [name of copyright owner]", the
    line normalization drops, when rewrapping put it mid-line)."""
    return len(words) > 1 and words[0] == "copyright" and all(
        w in bp.placeholder_words or _DIGITS.fullmatch(w) is not None for w in words[1:])


def substitution(bp: Boilerplate, words: Sequence[str], reference: Sequence[str]) -> bool:
    """Whether the file's ``words`` in place of the reference's are an official rewording (boilerplate.toml)."""
    return (tuple(words), tuple(reference)) in bp.substitutions


def placeholder_run(bp: Boilerplate, words: Sequence[str]) -> bool:
    """Whether reference words a file lacks are a placeholder a name may replace ("the copyright holder")."""
    return bool(words) and all(w in bp.placeholder_words for w in words)


def sentences(text: str) -> list[str]:
    """The sentences of ``text``, one per line for short lines that end without punctuation (titles)."""
    out: list[str] = []
    blocks: list[str] = []
    for block in _SENTENCE_END.split(text.replace("\r\n", "\n").replace("\r", "\n")):
        if blocks and (_ENDS_ABBREVIATION.search(blocks[-1]) or _ENDS_INITIAL.search(blocks[-1])):
            blocks[-1] += " " + block  # "Hugging Face Inc. and Google Research": one sentence
        else:
            blocks.append(block)
    for block in blocks:
        lines = [line.strip() for line in block.split("\n") if line.strip(_MARKUP)]
        buffer: list[str] = []
        for line in lines:  # a line of its own that is a copyright, author or SPDX line stays one
            if _line_kind(line) is not None:
                if buffer:
                    out.append(" ".join(buffer))
                    buffer = []
                out.append(line)
                continue
            buffer.append(line)
            if line.rstrip().endswith((".", ":", ";", "!", "?")):
                out.append(" ".join(buffer))
                buffer = []
        if buffer:
            out.append(" ".join(buffer))
    return out


def name_like(rest: str) -> bool:
    """Whether ``rest`` (a copyright or author line after its keyword) is only names, years, URLs and
    addresses: "2020 Meta Platforms, Inc. and affiliates. All rights reserved." is; "Acme, not for resale" is not."""
    text = _YEARS.sub(" ", _URL.sub(" ", _PLACEHOLDER.sub(" ", rest)))
    text = _RESERVED.sub(" ", _INITIAL.sub(" ", _ABBREVIATION.sub(" ", text)))
    if re.search(r"[.;!?]\s+\w", text):
        return False  # a second sentence on the line ("Copyright 2020 Acme. Use is disallowed.")
    unknown = 0
    for word in re.findall(r"[^\W\d_]+", text):
        lower = word.lower()
        if lower in _USE_WORDS or lower.startswith(_USE_STEMS):
            return False
        if not word.islower() or word in _NAME_WORDS or len(word) == 1:  # "Meta", "jQuery", "and"
            continue
        unknown += 1  # a lower-case name ("the fastfilter developers"): a few at most
    return unknown <= MAX_LOWERCASE_NAME_WORDS


# Words that say how a work may be used: never part of a holder's name when written in lower case
# ("code from Google Research" names a holder; "code for research use only" does not).
_USE_WORDS = frozenset(str.split(
    """use uses usage used using only non noncommercial commercial commercially research academic evaluation
    personal internal purpose purposes not no never except unless may must shall prohibited forbidden
    restricted permission permitted consent fee fees paid payment pay sold sell sale resale cost costs price
    usd eur gbp license licence licensed allow allowed disallow disallowed ban banned forbid forbids prohibit
    prohibits restrict restricts restriction excluded exclusive exclusively revoke revoked revocable terminate
    terminated confidential proprietary"""))


def holder_like(text: str) -> bool:
    """Whether ``text`` names who code comes from ("Hugging Face Inc., Google Research, Facebook (from their
    Fairseq project)"): capitalized names and plain words, but no lower-case word about use."""
    words = re.findall(r"[^\W\d_]+", _URL.sub(" ", text))
    # A lower-case word about use says something of the code, not who wrote it ("Code from Acme is disallowed").
    return len(words) <= 40 and all(w[0].isupper() or w.lower() not in _USE_WORDS for w in words)


def copyright_line_ok(line: str) -> bool:
    """Whether a copyright line states a holder and nothing else (the fast path drops such lines)."""
    bare = line.lstrip(_LINE_MARKUP).rstrip(_LINE_END_MARKUP)
    found = _COPYRIGHT.match(bare)
    return found is not None and name_like(re.sub(r"copyright|\(c\)|©", " ", bare, flags=re.IGNORECASE))


def _line_kind(line: str) -> str | None:
    bare = line.lstrip(_LINE_MARKUP).rstrip(_LINE_END_MARKUP)
    if not bare:
        return "markup"
    if _COPYRIGHT.match(bare):
        return "copyright" if copyright_line_ok(bare) else None
    if _SPDX.match(bare):
        return "spdx"
    found = _AUTHOR.match(bare)
    if found is not None and name_like(bare[found.end():]):
        return "author"
    return None


def _words(sentence: str) -> list[str]:
    return normalize_tokens(sentence)


def sentence_kind(bp: Boilerplate, sentence: str, names: frozenset[str] = frozenset(),
                  first: bool = False) -> tuple[str, str | None] | None:
    """What kind of boilerplate ``sentence`` is, with the license a connective grants; None if it is none.
    ``first``: the sentence opens the text (a tagline connective may stand only there)."""
    if len(sentence) > MAX_SENTENCE_CHARS:
        return None
    kind = _line_kind(sentence)
    if kind is not None:
        return kind, None
    bare = " ".join(sentence.strip(_MARKUP).split())
    if not bare.isascii() and any(c.isalpha() and ord(c) > 127 for c in bare):
        return None  # words the normalized reading cannot see: never boilerplate
    if not _COPYRIGHT.match(bare):  # a copyright line that says more than its holder may only be a connective
        words = _words(_URL.sub(" url ", bare))
        if not words:
            return "markup", None
        label = [w for w in words if w != "url"]
        if len(label) < len(words) and len(label) <= MAX_LABEL_WORDS and not any(
                w in _USE_WORDS or w.startswith(_USE_STEMS) for w in label):
            return "url", None  # "CC0: <url>", "foo-lib (<url>)", "See <url>"
        if len(words) <= MAX_TITLE_WORDS and title_run(bp, words, names):
            return "title", None
        if len(words) <= MAX_NAME_HEADING_WORDS and not bare.endswith((".", ";", "!", "?")) and not any(
                w in _USE_WORDS or w.startswith(_USE_STEMS) for w in words):
            return "title", None  # a heading that names the project ("Gym Retro", "RequireJS")
    flat = " ".join(_URL.sub("url", bare).split()).rstrip(".:;!? ")
    as_written = " ".join(bare.split()).rstrip(".:;!? ")
    for connective in bp.connectives:
        if connective.first and not first:
            continue
        found = connective.pattern.fullmatch(as_written if connective.urls else flat)
        if found is not None and groups_ok(bp, found.groupdict(), names):
            return "connective", connective.license
    return None


MAX_DESCRIPTION_WORDS = 12


def groups_ok(bp: Boilerplate, groups: dict[str, str | None], names: frozenset[str] = frozenset()) -> bool:
    """The checks on a connective's groups: a ``name`` is title words or license names; a ``holder...`` group
    names who (no lower-case word about use); an ``author`` is a name (author_like); a ``description`` ("a
    Just-In-Time Compiler for Lua") is a few words, none about use in any case ("a Compiler for Research
    Only", "not for commercial use")."""
    for key, value in groups.items():
        if value is None:
            continue
        if key == "name" and not words_harmless(bp, _words(value), names):
            return False
        if key.startswith("holder") and not holder_like(value):
            return False
        if key == "author" and not author_like(value):
            return False
        if key == "description":
            words = _words(value)
            if len(words) > MAX_DESCRIPTION_WORDS or any(w in _USE_WORDS or w.startswith(_USE_STEMS) for w in words):
                return False
    return True


MAX_AUTHOR_WORDS = 8


def author_like(text: str) -> bool:
    """Whether ``text`` is a person's or group's name ("Doug Lea", "the Xiph.Org Foundation"): a few words,
    each capitalized or a word of a holder's name ("and", "the"), nothing else ("Acme and is disallowed")."""
    words = re.findall(r"[^\W\d_]+", _URL.sub(" ", text))
    return 0 < len(words) <= MAX_AUTHOR_WORDS and all(w[0].isupper() or w in _NAME_WORDS for w in words)


def connective_run(bp: Boilerplate, words: Sequence[str], names: frozenset[str] = frozenset()) -> bool:
    """Whether normalized ``words`` (a run the fast path finds inside a text) are, as they stand, one
    connective of boilerplate.toml that grants nothing ("This code is released under the libpng license"
    inside libpng's own text, ``names`` holding the reference's own words). Only connectives whose groups
    are names of licenses: free text of a ``holder`` group ("code from Acme ...") never rides inside a text."""
    flat = " ".join(words)
    for connective in bp.connectives:
        if connective.license is not None or connective.urls or connective.first or any(
                key != "name" for key in connective.pattern.groupindex):
            continue
        found = connective.pattern.fullmatch(flat)
        if found is not None and groups_ok(bp, found.groupdict(), names):
            return True
    return False


def harmless(bp: Boilerplate, text: str, names: Iterable[str] = ()) -> Verdict:
    """Whether all of ``text`` (what a file says outside the matched license) is recognised boilerplate."""
    own = name_words(names)
    grants: list[str] = []
    kinds: set[str] = set()
    for number, sentence in enumerate(sentences(text)):
        kind = sentence_kind(bp, sentence, own, first=number == 0)
        if kind is None:
            return Verdict(False, " ".join(sentence.split())[:300])
        kinds.add(kind[0])
        if kind[1] is not None:
            grants.append(kind[1])
    return Verdict(True, grants=tuple(dict.fromkeys(grants)), kinds=frozenset(kinds))
