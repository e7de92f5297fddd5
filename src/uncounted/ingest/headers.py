"""Recognising column headers: a scored synonym matcher, not a list of known files.

Each report field has variants ("Name of Victim", "Deceased", "victim_name", ...). A header is
normalised (case, punctuation, possessives, "s/o", "No."/"#", camelCase), split into tokens, and
compared with every variant by a weighted token overlap (Dice) in which vague words such as
"name", "victim" or "date" weigh little and telling words such as "father" or "perpetrator" weigh
a lot; tokens may differ by a typo. HXL hashtags (#date+occurred, #loc, #adm2, #meta+id, ...) are
matched by tag and attributes. Columns are then assigned to fields greedily, best score first,
each field and each column at most once.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from uncounted.records.crypto import ALWAYS_SENSITIVE

# The fields a column can feed. "district" is a coarser place used when the finer one is missing;
# "indicator:<violation>" columns (HXL #affected+killed) mark the violation with a yes / 1.
FIELDS: dict[str, str] = {
    "record_id": "the list's own record number or id",
    "name": "the victim's name as written",
    "given_name": "first or given name(s), when the family name has a column of its own",
    "family_name": "last name, surname or family name, in a column of its own",
    "father_name": "father's (or husband's) name",
    "sex": "sex or gender",
    "age": "age at the time",
    "age_sex": "age and sex in one column (32/M, M/32, F-40, 25 yrs / male)",
    "birth_year": "year (or date) of birth",
    "community": "community, ethnicity, tribe, caste or religion",
    "occupation": "occupation",
    "residence": "home address or place of residence",
    "violation": "what happened (type of violation, cause of death)",
    "event_date": "date of the event",
    "event_place": "place of the event (the finest level given)",
    "date_place": "date and place of the event in one column (14-06-1995, Nazimabad; June 1995 Lyari)",
    "event_day": "the day of the event's date, when day, month and year are columns of their own",
    "event_month": "the month of the event's date (7, 07, Jul, July), in a column of its own",
    "event_year": "the year of the event's date, in a column of its own",
    "district": "district or other coarser area of the event",
    "perpetrator": "alleged perpetrator",
    "victim_status": "the victim's status (dead, missing, released, ...)",
    "custody_acknowledged": "whether the authorities acknowledge or deny holding the person",
    "certainty": "certainty or confidence of the report",
    "notes": "notes or remarks",
    "people_count": "how many people the row counts (No. of victims, Number killed): one person per row",
    # Sensitive fields: never stored in plain text; they go only into the report's encrypted blob
    # (see uncounted.records.crypto.ALWAYS_SENSITIVE, which lists the same names).
    "witness_name": "a witness's name (encrypted)",
    "witness_contact": "a witness's or family's contact details (encrypted)",
    "witness_phone": "a witness's phone number (encrypted)",
    "witness_address": "a witness's address (encrypted)",
    "contact_name": "a contact person's name (encrypted)",
    "contact_phone": "a phone or mobile number (encrypted)",
    "contact_email": "an e-mail address (encrypted)",
    "contact_address": "the address of a complainant, informant or contact (encrypted)",
    "family_contact": "how to reach the family (encrypted)",
    "informant": "who reported the case: informant, complainant (encrypted)",
    "testimony": "free-text testimony, statement or account of events (encrypted)",
    "testimony_text": "free-text testimony (encrypted)",
    "id_number": "a national identity card, CNIC or passport number (encrypted)",
}
SENSITIVE_FIELDS = frozenset(ALWAYS_SENSITIVE)
INDICATORS = ("killing", "disappearance", "abduction", "detention", "injury", "torture")
ALL_FIELDS = tuple(FIELDS) + tuple(f"indicator:{v}" for v in INDICATORS)

VARIANTS: dict[str, tuple[str, ...]] = {
    "record_id": ("نمبر شمار", "سیریل نمبر", "نمبر", "s no", "sno", "serial no", "serial", "sr no", "sr", "no", "id", "record id", "entry no",
                  "case id", "case no", "case", "ref", "ref no", "reference", "reference no", "file no",
                  "register no", "registration no", "reg no", "registration", "index", "row id", "record no", "list no", "uid", "key", "number",
                  "entry", "sl no", "s n", "identifier", "report id", "complaint no"),
    "name": ("name parentage", "name and parentage", "name with parentage", "name and father name", "نام", "مقتول کا نام", "نام مغوی", "لاپتہ شخص کا نام", "name", "name victim", "victim name", "victim", "deceased", "name deceased", "deceased name",
             "full name", "person name", "missing person", "name missing person", "name disappeared",
             "disappeared person", "name person", "victim full name", "names", "person", "dead",
             "name killed", "name detained", "detainee", "detainee name", "name detainee", "shaheed",
             "name shaheed", "martyr", "name martyr"),
    "given_name": ("first name", "given name", "given names", "forename", "forenames", "first names", "firstname",
                   "victim first name", "first name victim", "name first", "first"),
    "family_name": ("last name", "surname", "family name", "lastname", "victim last name", "last name victim",
                    "victim surname", "name last", "last"),
    "father_name": ("ولدیت", "والد کا نام", "ولد", "father name", "father", "s_o", "d_o", "s_o d_o", "son", "parentage", "parent",
                    "parent name", "father husband name", "f_h name", "father husband", "fathers",
                    "guardian", "guardian name", "relation name", "wali", "son daughter",
                    "name father", "father full name", "s_o w_o d_o", "father spouse name", "wald", "walad",
                    "waldiyat", "wald name"),
    "sex": ("جنس", "sex", "gender", "m f", "male female", "sex gender"),
    "age": ("عمر", "age", "age years", "age yrs", "approx age", "age at time", "age when", "age at incident",
            "age at death", "age at disappearance", "age at arrest", "victim age", "estimated age"),
    "age_sex": ("age sex", "sex age", "age gender", "gender age", "age and sex", "sex and age", "age and gender",
                "gender and age", "age sex m f", "age m f", "umar jins", "عمر جنس"),
    "birth_year": ("birth year", "year birth", "yob", "dob", "date birth", "born", "birth date",
                   "birthdate", "birth"),
    "community": ("برادری", "ذات", "مذہب", "community", "ethnicity", "ethnic group", "tribe", "caste", "religion", "sect",
                  "clan", "nationality", "ethnic", "qaum", "biradari", "religious group", "minority"),
    "occupation": ("پیشہ", "occupation", "profession", "job", "work", "employment", "trade", "occupation profession",
                   "designation"),
    "residence": ("پتہ", "سکونت", "residence", "address", "home address", "resident", "r_o", "home", "home town",
                  "hometown", "native", "domicile", "permanent address", "residential address",
                  "lives", "place residence", "village residence"),
    "violation": ("واقعہ", "نوعیت", "نوعیت واقعہ", "وجہ موت",
                  "violation", "violation type", "type violation", "cause death", "cause", "incident type",
                  "type incident", "event type", "type event", "nature incident", "nature violation",
                  "act", "type act", "what happened", "abuse", "abuse type", "category", "violation category",
                  "crime", "offence", "event", "incident", "case type", "type case", "manner death"),
    "event_date": ("تاریخ", "تاریخ واقعہ", "تاریخ گمشدگی", "date", "date incident", "incident date", "event date", "date event", "date occurrence",
                   "occurrence date", "date arrest", "arrest date", "date abduction", "abduction date",
                   "date disappearance", "disappearance date", "date death", "death date", "date killed",
                   "date missing", "missing since", "date received", "received date", "date when",
                   "when", "date violation", "violation date", "date last seen", "last seen date",
                   "last seen", "date detention", "detention date", "date pick", "picked up date",
                   "incident", "date happened", "day", "year", "year incident", "month year",
                   "abducted on", "picked up on", "arrested on", "killed on", "missing from", "date recovery",
                   "body found on"),
    "people_count": ("no victims", "number victims", "victims number", "victim count", "number killed",
                     "no killed", "killed number", "total killed", "persons killed", "no persons", "number persons",
                     "number people", "people killed", "no dead", "number dead", "casualties", "number casualties",
                     "no casualties", "number injured", "no missing", "number missing", "count", "head count",
                     "تعداد"),
    "date_place": ("date place", "place date", "date and place", "place and date", "date place incident",
                   "date and place incident", "date place occurrence", "date place event", "date place arrest",
                   "date place abduction", "date place death", "date place disappearance", "when and where",
                   "date venue", "تاریخ جگہ"),
    "event_place": ("جگہ", "مقام", "علاقہ", "جائے وقوعہ", "place", "area", "location", "place incident", "incident place", "place event",
                    "incident location", "location incident", "locality", "village", "town", "mohalla",
                    "neighbourhood", "neighborhood", "place arrest", "place abduction", "place death",
                    "place occurrence", "where", "spot", "place last seen", "site", "sector", "colony",
                    "area incident", "incident area", "police station", "ps", "thana", "city", "tehsil",
                    "brought from", "body found at", "found at", "recovered from", "picked up from",
                    "abducted from"),
    "district": ("ضلع", "district", "region", "province", "division", "zone", "county", "state", "governorate",
                 "adm2", "dist", "district incident", "incident district"),
    "perpetrator": ("ملزم", "ذمہ دار", "perpetrator", "alleged perpetrator", "perpetrators", "responsible", "accused",
                    "forces believed responsible", "forces responsible", "believed responsible", "force responsible",
                    "agency responsible", "responsible forces",
                    "suspected perpetrator", "by whom", "abducted by", "arrested by", "killed by",
                    "picked up by", "taken by", "agency", "force", "perpetrator type", "perpetrator category",
                    "responsible party", "alleged responsible", "who did", "suspect", "culprit",
                    "alleged agency", "actor", "armed group", "detained by"),
    "victim_status": ("موجودہ صورتحال", "حیثیت", "status", "victim status", "current status", "whereabouts", "fate", "outcome",
                      "condition", "present status", "case status", "status victim", "situation"),
    "custody_acknowledged": ("custody acknowledged", "acknowledged", "custody", "detention acknowledged",
                             "acknowledged custody", "authorities acknowledge", "official acknowledgement",
                             "acknowledgement", "state acknowledged", "custody admitted", "admitted",
                             "custody denied", "denied", "authorities response", "official response"),
    "certainty": ("certainty", "confidence", "reliability", "verified", "verification",
                  "verification status", "certainty level", "confidence level", "confirmed",
                  "confirmation", "credibility"),
    "notes": ("کیفیت", "تفصیل", "ریمارکس", "notes", "note", "remarks", "remark", "comments", "comment", "details", "description",
              "steps taken", "steps taken family", "steps taken by family", "action taken", "actions taken",
              "action taken by family",
              "summary", "observations", "observation", "other information", "other details",
              "additional information", "info", "particulars", "brief", "story", "facts"),
    "witness_name": ("witness", "witness name", "name witness", "eyewitness", "eye witness", "witnesses",
                     "witness names", "witness full name"),
    "witness_contact": ("contact", "contact details", "witness contact", "contact witness", "contact info",
                        "contact information", "witness contact details", "contact person details"),
    "contact_name": ("contact person", "contact name", "name contact person"),
    "contact_phone": ("phone", "phone no", "mobile", "mobile no", "tel", "tel no", "telephone", "telephone no",
                      "cell", "cell no", "contact no", "whatsapp", "whatsapp no", "witness phone", "family phone",
                      "phone complainant", "complainant phone", "informant phone", "mobile complainant"),
    "contact_email": ("email", "e mail", "email address", "contact email"),
    "contact_address": ("address complainant", "complainant address", "contact address", "witness address",
                        "address witness", "informant address", "address informant", "address contact person",
                        "family address"),
    "informant": ("informant", "informant name", "name informant", "complainant", "complainant name",
                  "name complainant", "reported by", "source person", "informed by"),
    "testimony": ("testimony", "statement", "witness statement", "statement witness", "narrative",
                  "account events", "account", "testimony text", "eyewitness account",
                  "interview notes", "witness account", "statement family", "first hand account"),
    "id_number": ("cnic", "cnic no", "nic", "nic no", "id card", "id card no", "national id", "national id no",
                  "identity document", "identity document no", "id document", "identity no", "identity card no",
                  "passport no", "passport",
                  "national identity card", "identity card", "identity card no", "passport", "passport no",
                  "computerised national identity card", "computerized national identity card", "tazkira"),
}

# Vague words weigh little; format hints (dd/mm/yyyy, yrs) almost nothing.
WEAK_TOKENS = {"name": 0.3, "victim": 0.3, "person": 0.35, "no": 0.4, "date": 0.45, "type": 0.3,
               "full": 0.3, "of": 0.1, "the": 0.1, "his": 0.1, "her": 0.1, "incident": 0.5, "event": 0.5,
               "deceased": 0.6, "missing": 0.6, "disappeared": 0.6, "alleged": 0.4, "current": 0.3,
               "list": 0.3, "record": 0.5, "case": 0.6, "details": 0.6, "information": 0.5}
FORMAT_TOKENS = {"dd", "mm", "yy", "yyyy", "yrs", "years", "yr", "approx", "approximate", "optional",
                 "if", "known", "any", "eg", "e", "g", "urdu", "english", "text", "in", "at", "on", "a",
                 "an", "to", "for", "and", "or", "s", "m", "f"}
MIN_SCORE = 0.6
# Fields that hold two things at once: the header must name each of them ("Age/Sex", "Sex & Age"),
# or it scores as if it named neither ("Age" alone is the age, "Sex" alone the sex).
BOTH_ANCHORS: dict[str, tuple[frozenset[str], ...]] = {
    "age_sex": (frozenset({"age", "عمر", "umar"}), frozenset({"sex", "gender", "جنس", "jins", "m", "f"})),
    "date_place": (frozenset({"date", "when", "dated", "تاریخ"}),
                   frozenset({"place", "where", "venue", "location", "area", "جگہ", "مقام"})),
}
HEADER_CELL_SCORE = 0.75  # a cell must look at least this much like a column name to count as one

# A header with none of its field's telling words scores at most 0.6 of its overlap: "Violation
# type" shares "violation" with "Date of violation" but says nothing about a date.
ANCHORS: dict[str, frozenset[str]] = {k: frozenset(v.split()) for k, v in {
    "record_id": "نمبر شمار no id sno serial sr entry ref reference index key number uid identifier sl s_n case reg "
                 "registration",
    "name": "نام مقتول مغوی name deceased victim person detainee names disappeared missing shaheed martyr",
    "given_name": "first given forename forenames firstname",
    "family_name": "last surname family lastname",
    "father_name": "ولدیت والد ولد father s_o d_o w_o parentage parent guardian son daughter wali husband f_h relation spouse "
                   "wald walad waldiyat",
    "sex": "جنس sex gender m f male female",
    "age": "عمر age",
    "age_sex": "عمر جنس age sex gender umar jins",
    "date_place": "تاریخ جگہ date place when where venue",
    "people_count": "تعداد number no count total nos casualties tally",
    "birth_year": "birth dob born yob birthdate",
    "community": "برادری ذات مذہب community ethnicity ethnic tribe caste religion sect clan nationality qaum biradari "
                 "religious minority",
    "occupation": "پیشہ occupation profession job work employment trade designation",
    "residence": "پتہ سکونت residence address resident r_o home hometown native domicile lives residential",
    "violation": "واقعہ نوعیت وجہ violation cause type nature act happened abuse category crime offence event incident "
                 "manner",
    "event_date": "تاریخ date when day since seen dated year month time on",
    "event_place": "جگہ مقام علاقہ جائے place area location locality village town mohalla neighbourhood neighborhood where spot "
                   "site sector colony station ps thana city tehsil from brought found recovered",
    "district": "ضلع district region province division zone county state governorate adm2 dist",
    "perpetrator": "ملزم ذمہ perpetrator responsible accused by agency force suspect culprit actor group did",
    "victim_status": "صورتحال حیثیت status whereabouts fate outcome condition situation",
    "custody_acknowledged": "custody acknowledged acknowledge acknowledgement denied admitted response",
    "certainty": "certainty confidence reliability verified verification confirmed confirmation credibility",
    "notes": "کیفیت تفصیل ریمارکس note remark comment details description summary observation information info "
             "particulars brief story facts steps action",
    "witness_name": "witness eyewitness witnesses",
    "witness_contact": "contact",
    "contact_name": "contact",
    "contact_phone": "phone mobile tel telephone cell whatsapp contact",
    "contact_email": "email mail",
    "contact_address": "complainant contact witness informant family",
    "informant": "informant complainant reported informed",
    "testimony": "testimony statement narrative account interview",
    "id_number": "cnic nic id identity passport tazkira",
}.items()}

HXL_TAGS: dict[str, tuple[tuple[str, frozenset[str], float], ...]] = {
    # base tag -> (field, attributes that must be present, confidence)
    "#meta": (("record_id", frozenset({"id"}), 1.0), ("notes", frozenset({"notes"}), 0.9),
              ("notes", frozenset({"comment"}), 0.9)),
    "#event": (("record_id", frozenset({"id"}), 0.8), ("violation", frozenset({"type"}), 0.9)),
    "#date": (("event_date", frozenset({"occurred"}), 1.0), ("event_date", frozenset({"incident"}), 0.95),
              ("birth_year", frozenset({"birth"}), 0.95), ("event_date", frozenset(), 0.7)),
    "#loc": (("event_place", frozenset(), 1.0),),
    "#adm5": (("event_place", frozenset(), 0.9),),
    "#adm4": (("event_place", frozenset(), 0.9),),
    "#adm3": (("event_place", frozenset(), 0.85),),
    "#adm2": (("district", frozenset(), 1.0),),
    "#adm1": (("district", frozenset(), 0.7),),
    "#affected": (("indicator:killing", frozenset({"killed"}), 1.0),
                  ("indicator:killing", frozenset({"dead"}), 1.0),
                  ("indicator:disappearance", frozenset({"x_disappeared"}), 1.0),
                  ("indicator:disappearance", frozenset({"disappeared"}), 0.95),
                  ("indicator:disappearance", frozenset({"missing"}), 0.9),
                  ("indicator:abduction", frozenset({"abducted"}), 1.0),
                  ("indicator:detention", frozenset({"detained"}), 1.0),
                  ("indicator:detention", frozenset({"arrested"}), 0.95),
                  ("indicator:injury", frozenset({"injured"}), 1.0),
                  ("indicator:torture", frozenset({"tortured"}), 1.0),
                  ("name", frozenset({"name"}), 1.0), ("age", frozenset({"age"}), 0.95),
                  ("sex", frozenset({"sex"}), 0.95), ("sex", frozenset({"gender"}), 0.95),
                  ("occupation", frozenset({"occupation"}), 0.95),
                  ("community", frozenset({"ethnicity"}), 0.9), ("victim_status", frozenset({"status"}), 0.9),
                  ("father_name", frozenset({"father"}), 0.95)),
    "#victim": (("name", frozenset({"name"}), 1.0), ("age", frozenset({"age"}), 0.95),
                ("sex", frozenset({"sex"}), 0.95), ("victim_status", frozenset({"status"}), 0.9)),
    "#person": (("name", frozenset({"name"}), 0.95),),
    "#group": (("perpetrator", frozenset(), 0.85),),
    "#org": (("perpetrator", frozenset({"perpetrator"}), 0.95),),
    "#actor": (("perpetrator", frozenset(), 0.85),),
    "#description": (("notes", frozenset(), 0.9),),
    "#status": (("victim_status", frozenset(), 0.8),),
}

# "S/O", "D.O", "W/O", "R/O", "F/H/O"; not "D.O.B" or "D.O.I" (dates), expanded first.
_RELATION_SHORT = re.compile(r"\b([sdwrfh])\s*[/\\.\s]\s*o\b\.?(?!\s*[a-z]\b)")
_DATE_ABBREVIATIONS = (
    (re.compile(r"\bd\s*\.?\s*o\s*\.?\s*b\b\.?"), " date birth "),
    (re.compile(r"\bd\s*\.?\s*o\s*\.?\s*i\b\.?"), " date incident "),
    (re.compile(r"\bd\s*\.?\s*o\s*\.?\s*d\b\.?"), " date death "),
    (re.compile(r"\bd\s*\.?\s*o\s*\.?\s*a\b\.?"), " date arrest "),
    (re.compile(r"\bf\s*[/.']\s*name\b"), " father name "),
    (re.compile(r"\bdt\b\.?"), " date "),  # "Dt. of Incident"
)
_BRACKETED = re.compile(r"\s*[(\[][^)\]]*[)\]]\s*")
# "P.S." (police station), "F.I.R.", "U.C.": two or more single letters with dots are one word.
_DOTTED_LETTERS = re.compile(r"\b(?:[a-z]\.\s?)+[a-z]\b\.?")
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")
_NUMBER_MARK = re.compile(r"(?:\bno\.|\bnum\b|\bnumber\b|\bnr\.?|#)")
_NON_WORD = re.compile(r"[^\w]+")


@lru_cache(maxsize=4096)
def header_tokens(header: str) -> tuple[str, ...]:
    """A header reduced to comparable tokens: 'Father's Name (S/O)' -> ('father', 'name', 's_o')."""
    text = unicodedata.normalize("NFKC", header)
    text = _CAMEL.sub(" ", text).casefold()
    text = text.replace("\u2019", "'").replace("\u2018", "'").replace("`", "'")
    text = re.sub(r"'s\b", "", text).replace("_", " ").replace("-", " ")
    for pattern, words in _DATE_ABBREVIATIONS:
        text = pattern.sub(words, text)
    text = _RELATION_SHORT.sub(lambda m: f" {m.group(1)}_o ", text)
    text = _DOTTED_LETTERS.sub(lambda m: " " + re.sub(r"[.\s]", "", m.group(0)) + " ", text)
    text = _NUMBER_MARK.sub(" no ", text)
    tokens = _NON_WORD.sub(" ", text).split()
    return tuple(_singular(t) for t in tokens if t)


# Headers of one part of a date: "Day", "Month of incident", "Year (yyyy)", "DD", "MM".
_DATE_PART_TOKENS = {"day": "event_day", "dd": "event_day", "month": "event_month", "mm": "event_month",
                     "mon": "event_month", "year": "event_year", "yyyy": "event_year", "yy": "event_year",
                     "yr": "event_year"}
_DATE_PART_EXTRA_TOKENS = frozenset({"of", "the", "incident", "event", "occurrence", "death", "arrest", "abduction",
                                     "disappearance", "killing", "missing", "no", "number"})


def date_part_field(header: str) -> str | None:
    """event_day, event_month or event_year for a header that names one part of a date ("Day",
    "Month of Incident", "Year (yyyy)"), else None."""
    tokens = [t for t in header_tokens(header) if t not in _DATE_PART_EXTRA_TOKENS]
    fields = {_DATE_PART_TOKENS.get(t) for t in tokens}
    return fields.pop() if len(fields) == 1 and None not in fields else None


def _singular(token: str) -> str:
    if token in ("address", "status", "whereabouts", "news", "remarks", "notes", "details", "comments",
                 "perpetrators", "names", "observations", "particulars", "facts"):
        return {"remarks": "remark", "notes": "note", "comments": "comment", "perpetrators": "perpetrator",
                "names": "name", "observations": "observation", "details": "details",
                "particulars": "particulars", "facts": "facts"}.get(token, token)
    return token


def _weight(token: str) -> float:
    if token in FORMAT_TOKENS:
        return 0.05
    return WEAK_TOKENS.get(token, 1.0)


def _same_token(a: str, b: str) -> bool:
    if a == b:
        return True
    if min(len(a), len(b)) >= 5:
        return Levenshtein.normalized_similarity(a, b) >= 0.8  # a typo: 'perpetrater', 'occuption'
    return False


def token_score(header: tuple[str, ...], variant: tuple[str, ...]) -> float:
    """Weighted Dice overlap of two token lists (1.0 = the same words)."""
    if not header or not variant:
        return 0.0
    if header == variant:
        return 1.0
    total = sum(_weight(t) for t in header) + sum(_weight(t) for t in variant)
    common = 0.0
    unused = list(variant)
    for token in header:
        for other in unused:
            if _same_token(token, other):
                common += _weight(token) + _weight(other)
                unused.remove(other)
                break
    return 0.97 * common / total if total else 0.0


_VARIANT_TOKENS: dict[str, tuple[tuple[str, ...], ...]] = {
    f: tuple(dict.fromkeys(header_tokens(v) for v in variants)) for f, variants in VARIANTS.items()
}


_KNOWN_TOKENS = frozenset(t for variants in _VARIANT_TOKENS.values() for v in variants for t in v)
_LONG_KNOWN_TOKENS = sorted(t for t in _KNOWN_TOKENS if len(t) >= 5)


def _known_token(token: str) -> bool:
    """Whether ``_same_token`` holds for this token and a word of some field's headers. A header
    none of whose tokens is known scores zero for every field (``token_score`` counts only them)."""
    if token in _KNOWN_TOKENS:
        return True
    return len(token) >= 5 and process.extractOne(token, _LONG_KNOWN_TOKENS, scorer=Levenshtein.normalized_similarity,
                                                  processor=None, score_cutoff=0.8) is not None


@lru_cache(maxsize=4096)
def field_scores(header: str) -> tuple[tuple[str, float], ...]:
    """Every field with its score for this header, best first (only scores above zero)."""
    text = header.strip()
    if not text:
        return ()
    if text.rstrip(".:") == "#":  # a bare "#" heads the row numbers (an HXL hashtag has a name)
        return (("record_id", 1.0),)
    if text.startswith("#"):
        hxl = hxl_field(text)
        return ((hxl[0], hxl[1]),) if hxl else ()
    readings = [header_tokens(text)]
    unbracketed = _BRACKETED.sub(" ", text).strip()
    if unbracketed and unbracketed != text:  # "Name (as reported)", "Age (yrs)": also read without
        readings.append(header_tokens(unbracketed))
    if not any(_known_token(token) for tokens in readings for token in tokens):
        return ()  # (a name, a date, a place in a data row: no field's words, so every score is zero)
    scores = []
    for field_name, variants in _VARIANT_TOKENS.items():
        best = max(_reading_score(tokens, variants, field_name) for tokens in readings)
        if best > 0:
            scores.append((field_name, round(best, 3)))
    scores.sort(key=lambda fs: -fs[1])
    return tuple(scores)


def _reading_score(tokens: tuple[str, ...], variants: tuple[tuple[str, ...], ...], field_name: str) -> float:
    best = max(token_score(tokens, v) for v in variants)
    both = BOTH_ANCHORS.get(field_name)
    if both is not None:
        if not all(any(t in group for t in tokens) for group in both):
            best *= 0.6
    elif not any(_same_token(t, a) for t in tokens for a in ANCHORS[field_name]):
        best *= 0.6
    return best


def hxl_field(tag: str) -> tuple[str, float] | None:
    """The field for an HXL hashtag with attributes, e.g. '#affected+killed' -> indicator:killing."""
    parts = [p.strip().casefold() for p in tag.strip().split("+")]
    base, attributes = parts[0].replace(" ", ""), frozenset(p for p in parts[1:] if p)
    for field_name, needed, confidence in HXL_TAGS.get(base, ()):
        if needed <= attributes:
            return field_name, confidence
    return None


def is_hxl_row(cells: list[str]) -> bool:
    filled = [c.strip() for c in cells if c and c.strip()]
    tags = [c for c in filled if re.match(r"^#[a-z_][\w]*(\s*\+\s*[\w]+)*$", c, re.IGNORECASE)]
    return len(filled) >= 1 and len(tags) >= max(1, 0.5 * len(filled))


def header_score(cells: list[str]) -> float:
    """How much a row looks like a header: the summed best scores of its cells (>= MIN_SCORE)."""
    total = 0.0
    for cell in cells:
        text = cell.strip()
        if not text or len(text) > 80 or re.fullmatch(r"[\d\s./:-]+", text):
            continue
        best = field_scores(text)
        if best and best[0][1] >= HEADER_CELL_SCORE:
            total += best[0][1]
    return total


@dataclass(frozen=True)
class ColumnMatch:
    column: str
    field: str | None
    confidence: float
    source: str  # "header", "hxl", "mapping file", or "" when unmapped
    alternative: str | None = None  # the next best field, shown in --dry-run when close


def match_columns(headers: list[str], hxl_tags: list[str | None] | None = None) -> list[ColumnMatch]:
    """Assign each column at most one field and each field at most one column, best scores first."""
    candidates: list[tuple[float, int, str, str]] = []
    per_column: dict[int, list[tuple[str, float]]] = {}
    for i, header in enumerate(headers):
        tag = hxl_tags[i] if hxl_tags and i < len(hxl_tags) else None
        scored: list[tuple[str, float]] = []
        origin = "header"
        if tag:
            hxl = hxl_field(tag)
            if hxl:
                scored = [hxl]
                origin = "hxl"
        if not scored:
            scored = list(field_scores(header))
        per_column[i] = scored
        for field_name, score in scored:
            if score >= MIN_SCORE:
                candidates.append((score, -i, field_name, origin))
    candidates.sort(reverse=True)
    taken_fields: set[str] = set()
    assigned: dict[int, tuple[str, float, str]] = {}
    for score, neg_i, field_name, origin in candidates:
        i = -neg_i
        if i in assigned or field_name in taken_fields:
            continue
        assigned[i] = (field_name, score, origin)
        taken_fields.add(field_name)
    out = []
    for i, header in enumerate(headers):
        if i in assigned:
            field_name, score, origin = assigned[i]
            others = [f for f, s in per_column[i] if f != field_name and s >= MIN_SCORE and s >= score - 0.1]
            out.append(ColumnMatch(header, field_name, score, origin, others[0] if others else None))
        else:
            near = [f for f, s in per_column[i] if s >= 0.45]
            out.append(ColumnMatch(header, None, 0.0, "", near[0] if near else None))
    return out
