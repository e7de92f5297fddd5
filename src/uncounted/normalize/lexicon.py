"""Word lists for South-Asian and Arabic-origin names, as written in romanised records.

Everything here is plain lowercase spelling as people write it; the name model canonicalises
these lists itself, so one spelling of each word is enough (variants are caught by the rules).
"""

from __future__ import annotations

# Titles and lineage words that come before a name. The name key treats them as optional.
LEADING_HONORIFICS = frozenset(
    {
        # courtesy and professional titles
        "mr", "mrs", "miss", "ms", "mst", "mstt", "musammat", "mussammat", "musammaat", "mosammat",
        "dr", "doctor", "prof", "professor", "engr", "engineer", "advocate", "adv", "barrister",
        "capt", "captain", "maj", "major", "col", "colonel", "gen", "general", "lt", "sgt", "hawaldar",
        "constable", "inspector", "si", "asi", "sub", "subedar", "naik", "sepoy", "comrade",
        # religious titles
        "haji", "hajji", "alhaj", "al-haj", "hafiz", "hafez", "maulana", "molana", "maulvi", "molvi",
        "mufti", "qari", "allama", "pir", "peer", "sufi", "imam", "marhoom", "marhum", "late",
        # lineage and status words
        "syed", "sayed", "sayyid", "sayyed", "saiyid", "syeda", "sayeda", "sheikh", "shaikh", "shaykh",
        "khawaja", "khwaja", "khuwaja", "mian", "mirza", "sahibzada", "sahabzada", "makhdoom",
        "nawab", "sardar", "chaudhry", "chaudhary", "choudhry", "rana", "raja", "begum", "malik", "mir", "meer",
        "qazi", "kazi", "agha", "aga",
    }
)

# Of the leading words, those that are only titles (never a given name of their own).
# The others (Mirza, Raja, Rana, Sardar, Nawab, Mian, Begum, Pir, Sufi, Imam, Shaheed...) are
# honorifics only when another name follows.
PURE_TITLES = frozenset(
    {
        "mr", "mrs", "miss", "ms", "mst", "mstt", "musammat", "mussammat", "musammaat", "mosammat",
        "dr", "doctor", "prof", "professor", "engr", "engineer", "advocate", "adv", "barrister",
        "capt", "captain", "maj", "major", "col", "colonel", "gen", "general", "lt", "sgt",
        "haji", "hajji", "alhaj", "hafiz", "maulana", "molana", "maulvi", "molvi", "mufti", "qari",
        "allama", "marhoom", "marhum", "late", "syed", "sayed", "sayyid", "syeda", "sheikh", "shaikh",
    }
)

# Words after a name that are courtesy only ("Iqbal Sahib", "Zainab Bibi").
TRAILING_HONORIFICS = frozenset({"sahib", "saheb", "sahab", "sb", "saab", "ji", "jee", "marhoom", "marhum", "late"})
FEMALE_SUFFIXES = frozenset({"bibi", "begum", "khatoon", "khatun", "mai", "bano", "bi"})
FEMALE_TITLES = frozenset(
    {"mrs", "miss", "ms", "mst", "mstt", "musammat", "mussammat", "musammaat", "mosammat", "syeda", "sayeda",
     "begum", "bibi", "mai", "khatoon", "khatun", "bano", "bi"}
)
MALE_TITLES = frozenset({"mr", "haji", "hajji", "maulana", "molana", "maulvi", "molvi", "mufti", "qari", "mian", "sahibzada"})

# Short forms that always mean one word (the key of each entry is the written form without dots).
ABBREVIATIONS = {
    "mohd": "muhammad", "muhd": "muhammad", "mohmd": "muhammad", "mhd": "muhammad", "md": "muhammad",
    "mhmd": "muhammad", "mohd.": "muhammad", "mu": "muhammad", "mohamed": "muhammad",
    "syd": "syed", "sd": "syed", "sh": "sheikh", "shk": "sheikh", "ch": "chaudhry", "chd": "chaudhry",
    "chaudri": "chaudhry", "gh": "ghulam", "ghl": "ghulam", "abd": "abdul", "abdl": "abdul",
    "mst": "musammat", "mstt": "musammat", "mrs": "mrs", "dr": "dr", "hji": "haji", "hj": "haji",
    "mlk": "malik", "kh": "khawaja", "khw": "khawaja", "alh": "alhaj",
}

# Spellings that the general rules cannot bring together (irregular romanisations).
# Each line: the canonical spelling, then its variants.
IRREGULAR_VARIANTS = {
    "muhammad": ("mohammad", "mohammed", "muhammed", "mohamad", "mohamed", "mahomed", "mahomet", "muhamad",
                 "muhammet", "mohamud", "mohmed", "mohammod", "mohummad", "muhmmad", "mohmmad", "mohummed"),
    "syed": ("sayed", "sayyid", "sayyed", "saiyid", "saiyed", "seyed", "seyyed", "sayid", "syyed", "syed", "saiyyid"),
    "syeda": ("sayeda", "sayyida", "sayyeda", "saiyida", "seyyeda"),
    "aisha": ("ayesha", "aysha", "aishah", "ayisha", "aesha", "ayeshah", "aaisha", "aayesha"),
    "usman": ("uthman", "osman", "othman", "usmaan", "othmane", "osmaan"),
    "yusuf": ("yousuf", "yousaf", "yousef", "youssef", "yusef", "yusif", "yousif", "yosuf", "yoosuf", "yusaf"),
    "yaqub": ("yakub", "yaqoob", "yakoob", "yaaqub", "yacoob", "yaqoub", "yaqub", "yakoub"),
    "ibrahim": ("ebrahim", "ibraheem", "ebraheem", "ibrahem", "brahim"),
    "ismail": ("ismael", "esmail", "ismaeel", "ismaiel", "ismaeil"),
    "daud": ("dawood", "dawud", "daood", "dawod", "daoud", "dawd"),
    "sulaiman": ("suleman", "sulayman", "suleiman", "sulemaan", "soleman", "sulaman", "sulman", "suliman"),
    "ayub": ("ayoob", "ayyub", "ayyoob", "ayoub", "aiyub"),
    "yahya": ("yahia", "yahiya", "yehya", "yahyaa"),
    "zakaria": ("zakariya", "zakariyya", "zakriya", "zakria", "zakaryia"),
    "musa": ("moosa", "mousa", "moussa", "musaa"),
    "isa": ("eesa", "issa", "esa", "eisa"),
    "mustafa": ("mustapha", "mostafa", "moustafa", "mustufa"),
    "murtaza": ("murtuza", "murtada", "murtadha", "mortaza", "murtaja"),
    "raza": ("reza", "rida", "ridha", "rizaa"),
    "zia": ("ziya", "ziaa", "diya", "dhiya", "ziyaa"),
    "umar": ("omar", "omer", "umer", "omair"),
    "qasim": ("kasim", "qassim", "cassim", "casim", "qaasim", "kassem", "qasem"),
    "naeem": ("naim", "nayeem", "naiem", "nayeem", "naeim"),
    "saeed": ("sayeed", "saied", "saeid", "saeed"),
    "raees": ("rayees", "raies", "raeis"),
    "fatima": ("fatimah", "fatma", "fathima", "fatema", "faatima"),
    "zainab": ("zaynab", "zenab", "zeinab", "zaenab"),
    "khadija": ("khadijah", "khadeeja", "khatija", "khadeja"),
    "ali": ("aly", "alee"),
    "khawaja": ("khwaja", "khuwaja", "khwajah", "khawajah", "khoja", "khwaaja"),
    "yunus": ("younus", "younis", "yunis", "younas", "yoonus", "yonus", "younes", "yunas"),
    "jafri": ("jafferi", "jaffri", "jafery", "jaffery", "jafari", "jaferi", "jaffary"),
    "javed": ("javaid", "jawaid", "jawed", "javeed"),
    "jafar": ("jaffer", "jafer", "jaffar", "jafir", "jaafar", "ja'far"),
    "sher": ("shair", "sheer"),
    "bilal": ("belal",),
    "sheraz": ("shiraz", "sheeraz"),
    "chaudhry": ("chaudhary", "choudhry", "chaudhri", "chaudri", "choudhary", "chowdhury", "chowdhry",
                 "chaudhari", "choudhari", "chodhry"),
}

# Separate words that are the Arabic article inside compounds (Abd-ur-Rehman, Salah ud Din).
ARTICLES = frozenset({"ul", "ur", "us", "ush", "un", "uz", "ut", "ud", "al", "el", "ar", "as", "ash", "ad",
                      "az", "at", "an", "ed", "er", "es", "il", "id", "ir", "is"})
# "Sun letters": the article takes their sound (al + rahman = ar-rahman).
SUN_LETTERS = ("t", "th", "d", "dh", "r", "z", "s", "sh", "n")

# Second parts of compounds that are also written joined (Salahuddin, Ziaulhaq, Fazalurrehman).
COMPOUND_SECONDS = (
    "din", "deen", "allah", "rahman", "rehman", "haq", "haque", "hassan", "hasan", "hussain", "husain",
    "islam", "zaman", "amin", "ameen", "rab", "nisa", "nissa", "nisaa", "mulk", "rasheed", "rashid", "rahim",
    "raheem", "karim", "kareem", "aziz", "wahab", "qadir", "qadeer", "jabbar", "ghaffar", "ghafoor", "ghafar",
    "sattar", "razzaq", "majid", "majeed", "hamid", "hameed", "latif", "lateef", "khaliq", "malik", "salam",
    "qayyum", "qayum", "rauf", "wahid", "waheed", "samad", "basit", "hadi", "bari", "nabi", "rasool", "rasul",
    "haleem", "halim", "hakeem", "hakim", "mannan", "shakoor", "shakur", "ghani", "jalil", "jaleel", "naseer",
    "nasir", "mateen", "matin", "baqi", "qudus", "quddus", "wadood", "wadud", "hai", "hayy", "muqtadir",
    "abidin", "abideen", "kabir", "kabeer", "momin", "mohsin", "muhsin", "moeed", "muid", "qamar", "nur", "noor",
)

# Family, caste and clan names common in Pakistani records (one spelling each; variants are
# caught by the name key).
FAMILY_NAMES = frozenset(
    {
        "siddiqui", "qureshi", "khan", "ansari", "rizvi", "zaidi", "baig", "beg", "abbasi", "naqvi", "jafri",
        "jafari", "kazmi", "hashmi", "hashemi", "farooqui", "usmani", "alvi", "bukhari", "gilani", "jilani",
        "shah", "butt", "bhatti", "malik", "awan", "rajput", "mughal", "memon", "baloch", "bugti", "marri",
        "mengal", "jatoi", "bhutto", "soomro", "magsi", "lashari", "rind", "afridi", "yousafzai", "khattak",
        "mahsud", "wazir", "durrani", "niazi", "lodhi", "ghauri", "ghori", "arain", "gujjar", "dar", "lone",
        "pathan", "hussaini", "chughtai", "tirmizi", "jaffery", "rehmani", "shaikh", "sheikh", "mirza",
        "chaudhry", "rathore", "janjua", "kiyani", "kayani", "satti", "abbasi", "tanoli", "swati", "mohmand",
        "bangash", "orakzai", "achakzai", "kakar", "tareen", "jamali", "khosa", "leghari", "mazari", "talpur",
        "shaikh", "qazi", "khokhar", "cheema", "bajwa", "warraich", "sandhu", "virk", "sial", "sahi",
        "ahmadzai", "raisani", "zehri", "bizenjo", "hasni", "jamot", "brohi", "kalhoro", "mahar", "chandio",
        "unar", "siyal", "solangi", "pirzada", "quraishi", "hamdani", "jafri", "zaheer", "bukhari",
        "khawaja", "sherazi", "shirazi", "isfahani", "qadri", "chishti", "nizami", "naqshbandi", "faridi",
    }
)

# Words that introduce the person's relation ("Muhammad Iqbal s/o Abdul Ghafoor").
# Each written form (lowercase, dots and slashes as written) names a relation.
RELATION_MARKERS = {
    "s/o": "son_of", "s/0": "son_of", "s.o": "son_of", "s.o.": "son_of", "s/o.": "son_of", "s-o": "son_of",
    "so": "son_of", "son of": "son_of", "s\\o": "son_of", "bin": "son_of", "ibn": "son_of", "ibne": "son_of",
    "bin-e": "son_of", "walad": "son_of", "wald": "son_of", "wld": "son_of", "ولد": "son_of",
    "d/o": "daughter_of", "d.o": "daughter_of", "d.o.": "daughter_of", "d/o.": "daughter_of", "d-o": "daughter_of",
    "daughter of": "daughter_of", "d\\o": "daughter_of", "binti": "daughter_of", "bint": "daughter_of",
    "bint-e": "daughter_of", "dukhtar": "daughter_of", "دختر": "daughter_of", "بنت": "daughter_of",
    "w/o": "wife_of", "w.o": "wife_of", "w.o.": "wife_of", "w/o.": "wife_of", "w-o": "wife_of",
    "wife of": "wife_of", "widow of": "wife_of", "wd/o": "wife_of", "wd.o": "wife_of", "w\\o": "wife_of",
    "zoja": "wife_of", "zauja": "wife_of", "زوجہ": "wife_of",
    "h/o": "husband_of", "husband of": "husband_of",
    "c/o": "child_of", "child of": "child_of", "f/o": "father_of", "father of": "father_of",
    "m/o": "mother_of", "mother of": "mother_of", "b/o": "brother_of", "brother of": "brother_of",
}
RESIDENCE_MARKERS = ("r/o", "r.o.", "r.o", "r/o.", "resident of", "resident", "res.", "r\\o", "sakin", "ساکن")
ALIAS_MARKERS = ("@", "alias", "alias:", "urf", "aka", "a.k.a.", "a.k.a", "also known as", "عرف")
DECEASED_WORDS = frozenset({"late", "marhoom", "marhum", "(late)", "mrhm", "shaheed"})

# Leading words that can be the first of two given names written as one ("Ghulam Hussain").
PREFIX_WORDS = frozenset({"ghulam", "allah", "gul", "sher", "shah", "noor", "nur", "fazal", "fazl", "khuda", "rab"})
