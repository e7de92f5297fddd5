"""Reading reports: HTML to text, paragraphs, the dateline and the closing relay line."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from html.parser import HTMLParser
from pathlib import Path

from uncounted.errors import ClaimsError

from .dates import parse_date
from .lexicon import AGENCY_RE

_BLOCK_TAGS = {"p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "article",
               "section", "blockquote", "header", "footer", "title", "time"}
_SKIP_TAGS = {"script", "style", "noscript", "nav", "aside", "form", "svg", "head"}
_CELL_TAGS = {"td", "th"}


class _TextOfHTML(HTMLParser):
    """Collects blocks of visible text, each with how much of it is link text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[tuple[str, int]] = []
        self._current: list[str] = []
        self._link_chars = 0
        self._skip = 0
        self._in_link = 0

    def _flush(self) -> None:
        text = "".join(self._current)
        if text.strip():
            self.blocks.append((text, self._link_chars))
        self._current, self._link_chars = [], 0

    def handle_starttag(self, tag: str, attrs) -> None:
        if tag in _SKIP_TAGS:
            self._skip += 1
        elif tag == "a":
            self._in_link += 1
        elif tag in _BLOCK_TAGS:
            self._flush()
        elif tag in _CELL_TAGS:
            self._current.append(" | ")  # table cells stay apart ("Kech | 212", not "Kech212")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP_TAGS and self._skip:
            self._skip -= 1
        elif tag == "a" and self._in_link:
            self._in_link -= 1
        elif tag in _BLOCK_TAGS:
            self._flush()

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self._current.append(data)
            if self._in_link:
                self._link_chars += len(data.strip())


def html_to_text(html: str) -> str:
    """Visible text of an HTML page, one paragraph per block element.

    Blocks that are mostly link text (menus, related-story lists) are left out.
    """
    parser = _TextOfHTML()
    parser.feed(html)
    parser.close()
    parser._flush()
    kept = [text for text, links in parser.blocks
            if not (links and links >= 0.6 * len(text.strip()))]
    text = "\n\n".join(kept)
    text = re.sub(r"[ \t\r\f\v]+", " ", text)
    return re.sub(r"\n\s*\n+", "\n\n", text).strip()


def looks_like_html(text: str) -> bool:
    return bool(re.search(r"<(?:html|body|p|div|article|br)\b", text[:5000], re.IGNORECASE))


def read_report(path: Path) -> str:
    """The text of one report file (plain text or HTML, UTF-8 or close to it)."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ClaimsError(f"Cannot read report {path}: {exc.strerror}. Check the path.") from exc
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        text = raw.decode("cp1252", errors="replace")
    if path.suffix.lower() in (".html", ".htm") or looks_like_html(text):
        text = html_to_text(text)
    return text


def report_files(paths: list[Path]) -> list[Path]:
    """The report files named, with folders expanded to their .txt/.html files (sorted)."""
    out: list[Path] = []
    for p in paths:
        if p.is_dir():
            out.extend(sorted(q for q in p.rglob("*")
                              if q.is_file() and q.suffix.lower() in (".txt", ".html", ".htm")))
        elif p.is_file():
            out.append(p)
        else:
            raise ClaimsError(f"No such report file or folder: {p}. Give a .txt or .html file "
                              "or a folder of them.")
    return out


_DATELINE_RE = re.compile(
    r"^\s*(?:\((?P<agency0>[A-Z][\w., ]{1,50})\)\s*(?:-|–|—|:)\s+|(?P<place>[A-Z][A-Za-z.'\- ]{1,40}(?:,\s*[A-Z][A-Za-z.'\- ]{1,30})?)"
    r"(?:,\s*(?P<date>[A-Za-z]{3,9}\.?\s+\d{1,2}(?:,\s*\d{4})?|\d{1,2}\s+[A-Za-z]{3,9}\.?(?:\s+\d{4})?))?"
    r"\s*(?:\((?P<agency>[^)]{1,40})\)\s*(?:-|–|—|:)?|(?:-|–|—|:))\s+)"
)
_CLOSING_RELAY_RE = re.compile(
    r"(?:based on (?:an? |the )?(?P<a>[A-Z][\w.&' -]{1,40}?) (?:report|dispatch|story)s?"
    r"|with (?:inputs|input|reporting) from (?P<b>[A-Z][\w.&' -]{1,40}?)"
    r"|(?:source|courtesy|via)\s*:\s*(?P<c>[A-Z][\w.&' -]{1,40}?)"
    r"|this (?:story|report|article) (?:was|has been) (?:sourced|taken) from (?:an? )?(?P<d>[A-Z][\w.&' -]{1,40}?)(?: report| feed)?)"
    r"\s*[.)]?\s*$",
    re.IGNORECASE,
)
_ISSUER_RE = re.compile(
    r"^(?:(?:joint |press |public )?statement|press release|press note|communiqu[eé]|declaration"
    r"|(?:annual |interim |final |special )?report|factsheet|fact sheet|briefing note|press briefing notes?)"
    r"(?:\s+(?:by|of|from|issued by)\s+(?:the\s+)?(?P<org>[^.:]{3,90}))?\s*:?$",
    re.IGNORECASE,
)
# "Issued by the X", "Spokesperson: Jane Doe" in a document's header name who issues it.
_ISSUED_BY_RE = re.compile(
    r"^(?:issued|released|published) by\s+(?:the\s+)?(?P<org>[^.:]{3,90}?)\.?$"
    r"|^(?:spokes(?:person|man|woman)|issued by|source)\s*:\s*(?P<person>[^.:]{3,60}?)\.?$",
    re.IGNORECASE)
_ORG_FUNCTION_WORDS = {"of", "for", "the", "and", "on", "in", "de", "del", "&", "to"}
_PUBLISHED_RE = re.compile(r"(?:^|\|)\s*(?:published|posted|date|dated|updated)(?: on)?\s*:?\s*(?P<d>[^|]{6,40}?)\s*(?:\||$)",
                           re.IGNORECASE | re.MULTILINE)
_BULLET_RE = re.compile(r"^\s*(?:[-•*▪●◦–]|\d{1,2}[.)])\s+(?=\S)")
_SENTENCE_END = re.compile(r"[.!?:\"”’)]\s*$")


@dataclass
class Report:
    """A report split for extraction: paragraphs (dateline removed) and what frames them."""

    paragraphs: list[str]
    # per paragraph: "text", "item" (a bullet or numbered list item after a line ending in ":"),
    # or "heading" (a short line without final punctuation at the top: read for the date and the
    # issuer, never for claims)
    kinds: list[str] = field(default_factory=list)
    dateline_place: str | None = None
    dateline_date: date | None = None
    doc_relays: list[str] = field(default_factory=list)
    statement_date: date | None = None
    issuer: str | None = None  # the organisation issuing a statement or press release
    press_release: bool = False  # the text is a statement or press release, whoever issues it
    dated_events: dict = field(default_factory=dict)  # "operation" -> its date (set by extract)


def split_report(text: str, statement_date: date | None = None) -> Report:
    """Paragraphs of a report, with its dateline, publication date and closing relay line."""
    blocks = [b for b in re.split(r"\n\s*\n|\r\n\s*\r\n", text) if b.strip()]
    paras = []
    bullets: set[int] = set()
    for i, block in enumerate(blocks):
        lines = [ln.strip() for ln in block.splitlines() if ln.strip()]
        if len(lines) > 1 and sum(1 for ln in lines if _BULLET_RE.match(ln)) >= 2:
            for ln in lines:  # a list: each item is a paragraph of its own
                if _BULLET_RE.match(ln):
                    bullets.add(len(paras))
                    paras.append(" ".join(_BULLET_RE.sub("", ln).split()))
                elif paras and bullets and len(paras) - 1 in bullets:
                    paras[-1] += " " + " ".join(ln.split())
                else:
                    paras.append(" ".join(ln.split()))
            continue
        if len(lines) == 1 and _BULLET_RE.match(lines[0]) and not re.match(r"^\s*\d", lines[0]):
            bullets.add(len(paras))
            paras.append(" ".join(_BULLET_RE.sub("", lines[0]).split()))
            continue
        # header blocks ("Party, Secretariat, City" / "Date: 19 June 2022") keep their lines apart
        if len(lines) > 1 and i < 3 and all(len(ln) < 60 and not ln[0].islower() and
                                            not ln.endswith(".") for ln in lines):
            paras.extend(lines)
        else:
            paras.append(" ".join(block.split()))
    if len(paras) == 1 and "\n" in text.strip():
        lines = [" ".join(p.split()) for p in text.splitlines() if p.strip()]
        ended = sum(1 for ln in lines if re.search(r"[.!?:\"”’)]$", ln))
        if ended > len(lines) / 2:  # one paragraph per line; hard-wrapped text stays joined
            paras = lines
    report = Report(paragraphs=[])
    relays: list[str] = []
    published: date | None = None
    kept: list[str] = []
    kinds: list[str] = []
    issuer: str | None = None
    expect_issuer = False
    after_colon = False
    for i, para in enumerate(paras):
        im = _ISSUER_RE.match(para) if i <= 2 and issuer is None else None
        if im:
            report.press_release = True
            issuer = im.group("org")
            # a statement's issuer may stand on the next line; a report's is named in its title
            expect_issuer = issuer is None and not re.match(r"(?i)(?:\w+ )?report|fact|brief", para)
            continue
        ib = _ISSUED_BY_RE.match(para) if i <= 5 and issuer is None else None
        if ib:
            issuer = ib.group("org") or ib.group("person")
            expect_issuer = False
            continue
        if expect_issuer and len(para) < 90 and not para.rstrip().endswith(".") and \
                _looks_like_name(para.split(",")[0]):
            issuer = para.split(",")[0].strip()
            expect_issuer = False
            continue
        if i <= 3 and len(para.split()) <= 7 and re.search(r"\b(?:19|20)\d\d\b", para) and \
                parse_date(para) and not para.rstrip().endswith("."):
            published = published or parse_date(para)  # a date line: "Hyderabad, 10 December 2023"
            relays.extend(m.group(0) for m in AGENCY_RE.finditer(para))  # "TNN | Jul 15, 2025"
            continue
        pm = _PUBLISHED_RE.search(para)
        if pm and len(para) < 100 and i <= 5 and parse_date(pm.group("d")):
            # "Published: 05 Oct 2024", "By Staff Correspondent | Published: ...", "TNN | Updated: ..."
            published = published or parse_date(pm.group("d"))
            relays.extend(m.group(0) for m in AGENCY_RE.finditer(para[:pm.start()]))
            continue
        cm = _CLOSING_RELAY_RE.search(para) if i >= len(paras) - 2 else None
        if cm and len(para) < 120:
            name = next(g for g in cm.groups() if g)
            relays.append(_clean_relay(name))
            rest = para[:cm.start()].strip(" -–—()")
            if len(rest) < 3:
                continue
            para = rest
        if re.fullmatch(r"\(?\s*(?:[-–—]+\s*)?(?:%s)\s*\)?\.?" % AGENCY_RE.pattern, para):
            relays.append(para.strip("()-–—. "))  # a closing "-- Reuters" line
            continue
        if re.fullmatch(r"\[[^\]]*\]", para.strip()) or re.fullmatch(
                r"\((?:reporting|writing|editing|additional reporting) by [^)]*\)", para.strip(), re.I):
            continue  # an editor's note in square brackets, a credit line
        kinds.append("item" if i in bullets and (after_colon or kinds[-1:] == ["item"]) else "text")
        after_colon = para.rstrip().endswith(":")
        kept.append(para)
    for i, para in enumerate(kept[:4]):
        dm = _DATELINE_RE.match(para)
        if not dm or not _plausible_dateline(dm):
            continue
        if any(len(p.split()) >= 30 for p in kept[:i]):
            break  # a dateline comes first in the body; this one is something else
        if dm.group("place"):
            report.dateline_place = dm.group("place").strip().title()
        agency = dm.group("agency0") or dm.group("agency")
        ref = published or statement_date
        if agency and AGENCY_RE.search(agency):
            relays.insert(0, agency.strip())
        elif agency:
            # "GENEVA (14 March 2025) –", "(New York, June 2, 2025) –": a date, not an agency
            report.dateline_date = parse_date(agency, ref)
            if dm.group("agency0") and not report.dateline_place:
                report.dateline_place = agency.split(",")[0].strip()
        if dm.group("date"):
            report.dateline_date = parse_date(dm.group("date"), ref)
        # what comes before the dateline is a headline, kicker or byline: not the report
        kept = [para[dm.end():]] + kept[i + 1:]
        kinds = ["text"] + kinds[i + 1:]
        break
    else:
        kinds = [_heading_kind(p, n, kinds[n]) for n, p in enumerate(kept)]
    report.paragraphs = kept
    report.kinds = kinds
    report.doc_relays = list(dict.fromkeys(r for r in relays if r))
    report.statement_date = statement_date or report.dateline_date or published
    report.issuer = issuer.strip() if issuer else None
    return report


def _looks_like_name(line: str) -> bool:
    """True for a name in title case ("Human Rights Council of Balochistan"), not a headline
    ("UN experts alarmed by pattern of disappearances")."""
    words = re.findall(r"[\w'’&-]+", line)
    return bool(words) and all(w[0].isupper() or w[0].isdigit() or w.lower() in _ORG_FUNCTION_WORDS
                               for w in words)


def _heading_kind(para: str, index: int, kind: str) -> str:
    """'heading' for a title line at the top of a report without a dateline."""
    if index <= 3 and kind == "text" and len(para.split()) <= 14 and not _SENTENCE_END.search(para):
        return "heading"
    return kind


def _plausible_dateline(dm: re.Match) -> bool:
    """A dateline names a city (capitals, or a short name) with a date or a news agency."""
    if dm.group("agency0"):
        return bool(AGENCY_RE.search(dm.group("agency0"))) or bool(
            re.search(r"\b(?:19|20)\d\d\b", dm.group("agency0")) and parse_date(dm.group("agency0")))
    city = dm.group("place").split(",")[0].strip()
    if city.isupper():
        return True
    words = city.split()
    short_name = 0 < len(words) <= 3 and all(w[0].isupper() for w in words) and words[0] != "The"
    agency = dm.group("agency")
    dated = bool(agency and re.search(r"\b(?:19|20)\d\d\b", agency) and parse_date(agency))
    return short_name and (bool(dm.group("date")) or dated or bool(agency and AGENCY_RE.search(agency)))


def _clean_relay(name: str) -> str:
    name = name.strip(" .")
    return re.sub(r"^(?:the|an?)\s+", "", name, flags=re.IGNORECASE)
