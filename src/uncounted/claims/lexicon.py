"""Word lists the claim rules use. Lower-case word forms, so no lemmatiser is needed."""

from __future__ import annotations

import re

# Violation types (the controlled vocabulary of the `violation` field) and their cue words.
VIOLATION_WORDS: dict[str, tuple[str, ...]] = {
    "killing": (
        "kill", "kills", "killed", "killing", "killings", "murder", "murders", "murdered",
        "murdering", "slain", "slay", "slew", "massacre", "massacred", "massacres", "execute",
        "executed", "executions", "execution", "die", "died", "dies", "dead", "deaths", "death",
        "toll", "bodies", "body", "executing", "corpses", "lives", "martyred", "martyrs", "lynched",
        "assassinated", "gunned", "fatalities", "perished", "beheaded", "homicides", "remains",
        "deceased",
    ),
    "enforced disappearance": (
        "disappeared", "disappearance", "disappearances", "missing", "vanished", "untraced",
        "whereabouts", "unaccounted",
    ),
    "abduction": (
        "abducted", "abduct", "abducting", "abduction", "abductions", "kidnapped", "kidnap",
        "kidnapping", "kidnappings", "kidnaps", "hostage", "hostages", "snatched",
    ),
    "arbitrary detention": (
        "arrested", "arrest", "arrests", "arresting", "detained", "detain", "detaining",
        "detention", "detentions", "detainees", "jailed", "imprisoned", "custody", "incarcerated",
        "prisoners", "held", "rounded", "interned", "internment",
    ),
    "torture": ("tortured", "torture", "torturing", "tortures", "maltreated", "ill-treated"),
    "injury": (
        "injured", "injuries", "injuring", "injure", "wounded", "wounding", "hurt", "wounds",
        "maimed", "injures", "wounds",
    ),
    "displacement": (
        "displaced", "displacement", "displacing", "fled", "flee", "fleeing", "uprooted",
        "evicted", "refugees", "homeless", "evacuated", "expelled",
    ),
}
WORD_TO_VIOLATION: dict[str, str] = {
    w: v for v, words in VIOLATION_WORDS.items() for w in words
}
# Multi-word cues, checked on the sentence text before single words.
VIOLATION_PHRASES: list[tuple[re.Pattern, str]] = [
    (re.compile(r"\benforced(?:ly)? disappear\w*|\bforced disappear\w*|\bwent missing"
                r"|\bpicked up\b|\btaken away\b|\bwhereabouts (?:are |remain )?unknown"
                r"|\b(?:never|not) (?:been )?(?:seen|heard from) (?:again|since)\b"
                r"|\btaken (?:away )?from (?:their|his|her) homes?\b", re.I),
     "enforced disappearance"),
    (re.compile(r"\bshot dead\b|\bgunned down\b|\blost (?:their|his|her) lives\b"
                r"|\b(?:burned|burnt) alive\b|\b(?:beaten|tortured|stabbed|hacked|stoned|burned|burnt|"
                r"shot|starved|bludgeoned|strangled|crushed) to death\b"
                r"|\bextra-?judicial(?:ly)? (?:killing|execution)s?\b|\bfake encounters?\b"
                r"|\bstaged encounters?\b|\bembraced? (?:martyrdom|shahadat)\b"
                r"|\blaid down (?:their|his|her) lives\b", re.I), "killing"),
    (re.compile(r"\btaken into custody\b|\brounded up\b|\bbehind bars\b", re.I),
     "arbitrary detention"),
    (re.compile(r"\belectric(?:al)? shocks?\b|\bwaterboard\w*", re.I), "torture"),
    (re.compile(r"\bforced (?:from|out of) (?:their )?homes\b|\bdriven from\b"
                r"|\b(?:forced|compelled) to (?:leave|flee|abandon|quit)\b", re.I),
     "displacement"),
]
# Words that look like violations but are not, in the sense they are used here.
NOT_VIOLATION_CONTEXT = {"held": ("held a", "held talks", "held the", "held on", "held its",
                                  "was held", "were held in", "held responsible")}

REPORTING_VERBS = {
    "say", "said", "says", "saying", "claim", "claimed", "claims", "claiming", "allege",
    "alleged", "alleges", "alleging", "tell", "told", "tells", "state", "stated", "states",
    "announce", "announced", "announces", "report", "reported", "reports", "estimate",
    "estimated", "estimates", "accuse", "accused", "accuses", "insist", "insisted", "insists",
    "maintain", "maintained", "maintains", "add", "added", "adds", "note", "noted", "notes",
    "reveal", "revealed", "confirm", "confirmed", "confirms", "disclose", "disclosed", "charge",
    "charged", "assert", "asserted", "asserts", "warn", "warned", "put", "puts", "document",
    "documented", "documents", "record", "recorded", "records", "register", "registered",
    "count", "counted", "counts", "show", "showed", "shows", "list", "listed", "lists",
    "wrote", "write", "writes", "declared", "declare", "contend", "contended", "argued",
    "argue", "stressed", "explained", "recalled", "lamented", "complained", "blamed", "blame",
    "deplored", "condemned", "tweeted", "posted", "cited", "quoted", "verified", "compiled",
    "informed", "briefed", "testified", "told", "describing", "described", "put", "mentioned",
    "acknowledged", "admitted", "demanded", "urged", "pointed", "observed",
    "reiterated", "repeated", "asked", "announced", "estimating", "according", "remind",
    "reminds", "reminded", "concluded", "concludes", "found", "finds", "recalls", "recall",
    "saying", "alleging", "stating", "adding", "telling", "claiming",
    "documenting", "recording", "registering", "listing", "counting", "reporting", "noting",
    "estimating", "expressed", "expressing",
}
SPEECH_ONLY_VERBS = {"tell", "told", "say", "said", "says", "claim", "claimed", "claims"}

HEDGE_PATTERNS: list[tuple[str, re.Pattern]] = [
    ("claimed", re.compile(r"\bclaim(?:ed|s|ing)?\b", re.I)),
    ("alleged", re.compile(r"\balleg(?:ed|es|ing|ation|ations)\b", re.I)),
    ("allegedly", re.compile(r"\ballegedly\b", re.I)),
    ("according to", re.compile(r"\baccording to\b", re.I)),
    ("what he described as", re.compile(r"\bwhat (?:he|she|they|it|[A-Z]\w+) (?:described|called|termed|referred to)(?: as)?\b")),
    ("reportedly", re.compile(r"\breportedly\b", re.I)),
    ("purportedly", re.compile(r"\bpurported(?:ly)?\b", re.I)),
    ("so-called", re.compile(r"\bso-called\b", re.I)),
    ("could not be independently verified", re.compile(r"\bcould not (?:be )?(?:independently )?verif(?:y|ied)\b|\bcould not be independently confirmed\b", re.I)),
    ("unconfirmed", re.compile(r"\bunconfirmed\b|\bunverified\b", re.I)),
    ("believed to", re.compile(r"\bbelieved to\b", re.I)),
    ("feared", re.compile(r"\b(?:is|are|were|was) feared\b|\bfeared (?:dead|killed)\b", re.I)),
]

MEDIUM_PATTERNS: list[tuple[str, re.Pattern]] = [
    ("video address", re.compile(r"\bvideo(?:taped)? (?:address|message|statement|speech|clip)\b|\btelevised (?:address|speech)\b|\baddress(?:ing|ed)? (?:the nation|a rally|supporters|workers) (?:by|via|through|over) (?:video|telephone|phone|video link)\b|\bvia video link\b|\bby video link\b|\bin a video\b|\bvideo (?:posted|released|shared)\b", re.I)),
    ("press conference", re.compile(r"\b(?:press|news|media) (?:conference|briefing|talk)s?\b|\btold (?:reporters|journalists|the media|newsmen)\b|\bbriefing (?:reporters|journalists)\b|\bspeaking to reporters\b|\bpresser\b", re.I)),
    ("social media post", re.compile(r"\b(?:tweet(?:ed|s)?|on (?:X|Twitter|Facebook|Instagram|Telegram|TikTok|WhatsApp)|social media|posted on|(?:X|Facebook|Telegram) post|in a post)\b")),
    ("interview", re.compile(r"\binterview(?:ed|s)?\b|\b(?:told|telling|tells) (?:AFP|Reuters|AP|the Associated Press|PTI|ANI|IANS|dpa|DPA|Xinhua|Anadolu|EFE|the BBC|BBC|Al Jazeera|the Guardian|CNN|[A-Z][\w.]*(?: [A-Z][\w.]*){0,3} (?:newspaper|daily|channel|television|TV|radio))\b|\b[Ss]peaking to (?!reporters|(?:the |a )?(?:protesters|participants|demonstrators|mourners|crowd|rally|gathering|audience|supporters|workers|students|seminar|ceremony|sit-in|conference|meeting|jirga|protest)\b)|\btold (?:the )?(?:[Dd]aily|[Ww]eekly) [A-Z]")),
    ("written report", re.compile(r"\b(?:report|review|survey|study|statement|press release|communiqu[eé]|letter|memorandum|petition|white paper|dossier|bulletin|submission|document|factsheet|fact sheet)\b", re.I)),
]

WIRE_AGENCIES = [
    "Agence France-Presse", "Associated Press of Pakistan", "Associated Press", "Press Trust of India",
    "Asian News International", "Indo-Asian News Service", "Reuters", "AFP", "AP", "PTI", "ANI",
    "IANS", "dpa", "DPA", "Xinhua", "APP", "UNB", "BSS", "EFE", "Anadolu Agency", "Anadolu",
    "Bernama", "Kyodo", "Yonhap", "TASS", "UNI", "Efe", "AA", "NNI", "INP", "PPI", "ANSA",
    "TNN", "Times News Network",
    "Europa Press", "Notimex", "Colprensa", "PNA", "Philippine News Agency", "SANA", "KUNA", "WAFA",
]
AGENCY_RE = re.compile(r"(?<![\w-])(?:%s)(?![\w-])" % "|".join(
    re.escape(a) for a in sorted(WIRE_AGENCIES, key=len, reverse=True)))

# Heads of noun phrases that name people who can be victims.
PEOPLE_NOUNS = {
    "people", "persons", "person", "civilians", "civilian", "men", "man", "women", "woman",
    "children", "child", "boys", "girls", "youths", "youth", "workers", "activists",
    "members", "students", "supporters", "villagers", "residents", "farmers", "journalists",
    "lawyers", "protesters", "protestors", "demonstrators", "individuals", "citizens",
    "victims", "relatives", "families", "family", "fighters", "militants", "soldiers",
    "troops", "policemen", "officers", "personnel", "teachers", "leaders", "labourers",
    "laborers", "minors", "peasants", "tribesmen", "tribespeople", "detainees", "prisoners",
    "refugees", "migrants", "Muslims", "Hindus", "Christians", "Sikhs", "Tamils", "Kurds",
    "fishermen", "shopkeepers", "traders", "doctors", "nurses", "passengers", "pilgrims",
    "worshippers", "rebels", "insurgents", "guerrillas", "cadres", "volunteers", "colleagues",
    "sons", "daughters", "brothers", "husbands", "wives", "elders", "clerics", "mourners",
    "others", "staff", "employees", "bystanders", "pedestrians", "inmates", "dissidents",
    "defenders", "leaders", "politicians", "councillors", "candidates", "indigenous", "campesinos",
    "Rohingya", "Baloch", "Pashtuns", "Sindhis", "Mohajirs", "Hazaras", "Yazidis", "Alawites",
    "Druze", "Uighurs", "Uyghurs", "Muhajirs", "Kashmiris", "Biharis", "Shias", "Sunnis",
    "Ahmadis", "Dalits", "Adivasis", "Lumad", "Moros",
}
# Counted nouns that are themselves the violation ("45 deaths", "2,000 cases").
EVENT_NOUNS = {
    "deaths", "death", "cases", "case", "killings", "disappearances", "abductions", "kidnappings",
    "arrests", "detentions", "bodies", "casualties", "fatalities", "lives", "incidents",
    "injuries", "executions", "murders", "dead", "complaints", "instances", "toll",
}

# Heads of noun phrases that name perpetrators.
PERPETRATOR_HEADS = {
    "forces", "force", "police", "army", "military", "rangers", "troops", "soldiers",
    "agencies", "agency", "paramilitaries", "paramilitary", "militants", "militias", "militia",
    "gunmen", "rebels", "insurgents", "guerrillas", "taliban", "cartel", "cartels", "gang",
    "gangs", "men", "personnel", "officials", "officers", "policemen", "authorities",
    "government", "state", "regime", "services", "intelligence", "commandos", "guards",
    "squads", "squad", "jawans", "corps", "battalion", "group", "groups", "fighters",
    "operatives", "vigilantes", "attackers", "assailants", "members", "workers", "activists",
    "navy", "gendarmerie", "constabulary", "wing", "party", "outfit", "organisation",
    "organization", "elements", "cadres", "mob", "mobs", "hitmen", "sicarios", "army's",
    "drones", "aircraft", "warplanes", "jets", "brigade", "brigades", "isis", "farc", "eln", "npa",
    "ltte", "al-shabaab", "hamas", "hezbollah", "junta", "tatmadaw", "military's", "militiamen",
    "jihadists", "extremists", "terrorists", "separatists", "bandits", "kidnappers", "abductors",
    "raiders", "policemen", "guardsmen",
}
PERPETRATOR_RE = re.compile(
    r"\b(?:security forces|law[- ]enforcement (?:agencies|personnel|officials)|intelligence agencies"
    r"|state agencies|the agencies|the army|the military|the police|police|paramilitar(?:y|ies)"
    r"|rangers|frontier corps|militants|gunmen|rebels|insurgents|guerrillas|soldiers|troops"
    r"|death squads?|cartels?|drug gangs?|armed groups?|militias?|taliban)\b",
    re.I,
)
TITLE_WORDS = {
    "minister", "leader", "chief", "chairman", "chairwoman", "chairperson", "president",
    "spokesman", "spokeswoman", "spokesperson", "secretary", "general", "director", "head",
    "governor", "commissioner", "officer", "official", "mayor", "senator", "lawmaker",
    "founder", "coordinator", "convener", "convenor", "rapporteur", "envoy", "commander",
    "inspector", "superintendent", "deputy", "vice", "prime", "chief", "lawyer", "advocate",
    "activist", "researcher", "representative", "ombudsman", "premier", "adviser", "advisor",
    "member", "organiser", "organizer", "vice-chairman", "co-chair", "counsel", "judge",
    "justice", "cleric", "priest", "bishop", "imam", "mp", "mna", "mpa", "legislator",
    "campaigner", "analyst", "expert", "monitor", "investigator", "attorney", "prosecutor",
    "ambassador", "colonel", "major", "brigadier", "captain", "lieutenant", "sergeant",
}
ORG_WORDS = {
    "party", "commission", "committee", "council", "association", "union", "league",
    "movement", "front", "forum", "network", "society", "foundation", "organisation",
    "organization", "watch", "institute", "centre", "center", "office", "ministry",
    "department", "government", "army", "police", "forces", "agency", "agencies", "group",
    "coalition", "alliance", "federation", "trust", "bureau", "mission", "tribunal", "court",
    "assembly", "parliament", "board", "cell", "secretariat", "directorate", "panel",
    "campaign", "voice", "initiative", "project", "observatory", "monitor", "rangers",
    "corps", "authority", "authorities", "administration", "un", "nations", "programme",
    "fund", "unicef", "ohchr", "unhcr", "icrc", "red", "crescent", "cross", "jirga", "bar",
}
PRONOUNS = {"he", "she", "they", "it", "his", "her", "their", "its", "him", "them", "we", "us"}
GENERIC_SPEAKERS = {
    "police", "officials", "official", "authorities", "residents", "witnesses", "sources",
    "relatives", "family", "families", "doctors", "hospital", "spokesman", "spokeswoman",
    "spokesperson", "army", "military", "government", "ministry", "activists", "locals",
    "villagers", "rescuers", "officers", "officer", "statement", "report", "group", "rights",
}
