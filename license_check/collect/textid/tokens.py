"""The words of a license text, normalized for comparison: the one tokenizer of the fast path, the
bundles and the boilerplate gate."""

from __future__ import annotations

import re
import unicodedata

_QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u00a0": " "})
# Line-start patterns are anchored on "\n" (the text gets one in front): much faster than "^" + MULTILINE.
_BULLET = re.compile(r"\n[ \t#>*+•|=_`~/-]+")  # also comment prefixes: "# ", "// ", " * "
COPYRIGHT_LINE = re.compile(
    r"\n(?:(?:portions[ \t]+)?(?:copyright[ \t]*(?:\(c\)|©|\[?\d{4}\]?|\[yyyy\]|<year>|\{yyyy\}|yyyy|\[year\])"
    r"|©|\(c\)[ \t]*\d{4})[^\n]*|all[ \t]+rights[ \t]+reserved[^a-z0-9\n]*(?=\n))"
)
_NUMBERING = re.compile(r"\n(?:\(?(?:\d{1,3}|[a-z]|[ivxlc]{1,5})[.)]|\d+(?:\.\d+)+\.?)(?:\*\*|__)?[ \t]+")  # "**0.** "
_INLINE_MARKER = re.compile(r"\((?:[a-z]|[ivx]{1,4}|\d{1,2})\)")
_MD_LINK = re.compile(r"\[([^\]\n]*)\]\([^)\n]*\)")
# bytes -> words: every byte that is not [a-z0-9] becomes a space.
_WORD_BYTES = bytes(c if (97 <= c <= 122 or 48 <= c <= 57) else 32 for c in range(256))
_SPELLING = {
    "https": "http", "organisation": "organization",
    "authorised": "authorized", "unauthorised": "unauthorized", "favour": "favor",
}


# A URL or e-mail address is one word: which page a text links to ("http://fsf.org/" or "https://fsf.org/",
# ".../philosophy/why-not-lgpl.html" or ".../licenses/why-not-lgpl.html") is not a term of the license,
# and the gate (gate.py) counts a URL as boilerplate.
_URL = re.compile(r"<?(?:https?://|ftp://|www\.)[^\s<>\"')\]]+>?|<?[\w.+-]+@[\w-]+(?:\.[\w-]+)+>?")
# The Free Software Foundation's postal addresses over the years: GNU texts printed before 1995 say
# "675 Mass Ave, Cambridge, MA 02139", until 2005 "59 Temple Place, Suite 330, Boston, MA 02111-1307",
# since then "51 Franklin Street, Fifth Floor, Boston, MA 02110-1301" (the FSF's own copies of GPL-2.0
# carried each in turn). Which one a copy prints does not change its terms.
_FSF_ADDRESS = re.compile(
    r"(?:675[ \t]+mass(?:achusetts)?[ \t]+ave(?:nue)?\.?,?[ \t]+cambridge,?[ \t]+ma[ \t]+02139"
    r"|59[ \t]+temple[ \t]+place,?[ \t]+(?:-[ \t]+)?suite[ \t]+330,?[ \t]+boston,?[ \t]+ma[ \t]+02111-1307"
    r"|51[ \t]+franklin[ \t]+st(?:reet|\.)?,?[ \t]+fifth[ \t]+floor,?[ \t]+boston,?[ \t]+ma[ \t]+02110-1301)"
    r",?(?:[ \t]+usa\b)?")

_NON_ASCII_RUN = re.compile(r"[^\x00-\x7f]+")
# Text in another script says something the reference does not: it becomes this token, which starts
# with the operative prefix "non", so a foreign-language restriction can never ride along unseen.
FOREIGN_TOKEN = "nonlatintext"


def _fold_foreign(text: str) -> str:
    """Accented Latin letters lose their accents; runs of other letters become FOREIGN_TOKEN."""
    plain = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return _NON_ASCII_RUN.sub(
        lambda m: f" {FOREIGN_TOKEN} " if any(ch.isalpha() for ch in m.group()) else " ", plain)


def normalize_tokens(text: str) -> list[str]:
    """The words of a license text, normalized for comparison.

    Lowercase; quotes, markdown links, bullets, list numbering and "(a)"-style markers dropped;
    copyright and "All rights reserved" lines dropped; "non-x" joined; British spellings unified.
    """
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text).translate(_QUOTES)
    text = "\n" + text.lower().replace("\r\n", "\n").replace("\r", "\n") + "\n"
    if "](" in text:
        text = _MD_LINK.sub(r"\1", text)
    text = _BULLET.sub("\n", text)
    text = COPYRIGHT_LINE.sub("\n", text)
    if "://" in text or "www." in text or "@" in text:
        text = _URL.sub(" url ", text)
    if "ma" in text:
        text = _FSF_ADDRESS.sub(" fsfaddress ", text)
    if not text.isascii():
        text = _fold_foreign(text)
    text = _NUMBERING.sub("\n", text)
    text = _INLINE_MARKER.sub(" ", text)
    text = text.replace("non-", "non").replace("sub-licen", "sublicen").replace("&", " and ")
    text = text.replace("licenc", "licens")  # licence, sublicence, licencee, ...
    words = text.encode("latin-1", "replace").translate(_WORD_BYTES).decode("ascii").split()
    spelling = _SPELLING
    return [spelling.get(w, w) for w in words]
