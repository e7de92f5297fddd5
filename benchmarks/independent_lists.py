"""SYNTHETIC lists written independently of `uncounted simulate`, to check that linkage is not tuned to it.

    .venv/bin/python benchmarks/independent_lists.py OUT_DIR [--victims 2500] [--seed 7]

Nothing here imports uncounted (least of all uncounted.simulate): the name tables, the place
spellings, the error model and the four list layouts are written from general knowledge of
Pakistani / South-Asian Muslim naming and record-keeping, so that the habits differ from the
simulator's. Every file is named SYNTHETIC_* and every list starts with a title row saying
SYNTHETIC. No real person is named: names are drawn at random from common given names and
family names.

The lists (each with its own headers, ids, date and place habits):

- SYNTHETIC_hrc_case_register.xlsx: a commission's case register; "Case #", "Name (as reported)",
  "Wald" (father), Excel dates in "D.O.I" (some typed as text: "Jun-1995", "1995"), "Locality"
  and "Police Station", age rounded to 5 years.
- SYNTHETIC_press_archive.csv: clippings; NO id column; the father inside the name cell
  ("Muhammad Iqbal s/o Abdul Rehman", "ALI RAZA SON OF HASAN", "Iqbal (son of Ghafoor)"), dates
  as "14 Jun 1995", "June 1995" or "1995", place as "Lyari, Karachi", age as "aged 25".
- SYNTHETIC_families_register.csv: semicolon-separated, ALL CAPS, family-first with a comma
  ("QURESHI, OWAIS"), "Parentage", "Missing Since" dd/mm/yyyy or mm/yyyy, duplicates within the list.
- SYNTHETIC_morgue_book.csv: initials ("M. Iqbal", "S. A. Raza"), "F/Name", "Age/Sex" in one
  cell ("32/M"), ISO dates, "Brought From" (a district or a neighbourhood).

SYNTHETIC_truth.csv has source, record_id, person_id (SYNTHETIC_truth_details.csv the true facts); for the list with no id column the record id
is "row:N", N being the row number a spreadsheet shows.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import random
import re
from dataclasses import dataclass, field
from pathlib import Path

TITLE = "SYNTHETIC DATA - generated for testing, no real person - {what}"

# ----------------------------------------------------------------------------------------------
# Name tables (own choices). Weights make a few names very common, as in real lists.
# ----------------------------------------------------------------------------------------------
MALE_GIVEN: list[tuple[str, int]] = [
    ("Ali", 30), ("Iqbal", 14), ("Imran", 12), ("Hasan", 10), ("Hussain", 12), ("Asif", 10), ("Tariq", 8),
    ("Khalid", 8), ("Shahid", 9), ("Zahid", 7), ("Sajid", 6), ("Naveed", 7), ("Nadeem", 7), ("Faisal", 9),
    ("Irfan", 7), ("Rizwan", 6), ("Salman", 6), ("Usman", 8), ("Umar", 7), ("Bilal", 8), ("Junaid", 5),
    ("Owais", 4), ("Zubair", 5), ("Waqas", 5), ("Yasir", 6), ("Adnan", 5), ("Aamir", 7), ("Jamil", 4),
    ("Naeem", 5), ("Saleem", 6), ("Rashid", 6), ("Rafiq", 5), ("Shafiq", 4), ("Javed", 7), ("Pervez", 4),
    ("Akhtar", 4), ("Anwar", 5), ("Aslam", 6), ("Akram", 5), ("Ashraf", 5), ("Nasir", 6), ("Yousuf", 6),
    ("Idrees", 3), ("Ilyas", 4), ("Ishaq", 3), ("Younus", 4), ("Wasim", 5), ("Shakeel", 4), ("Noman", 3),
    ("Fahad", 4), ("Sohail", 4), ("Kashif", 5), ("Atif", 3), ("Abid", 3), ("Sabir", 3), ("Qaiser", 2),
    ("Ghulam Abbas", 3), ("Ghulam Mustafa", 3), ("Ghulam Rasool", 3), ("Abdul Rehman", 8),
    ("Abdul Ghafoor", 3), ("Abdul Qadir", 4), ("Abdul Majeed", 3), ("Abdul Sattar", 3), ("Abdul Karim", 3),
    ("Abdul Wahid", 3), ("Abdul Hameed", 3), ("Abdullah", 5), ("Saifullah", 3), ("Rahmatullah", 2),
    ("Habibullah", 2), ("Ziauddin", 2), ("Nizamuddin", 2), ("Shamsuddin", 2), ("Allah Bakhsh", 2),
    ("Allah Ditta", 1), ("Noor", 3), ("Gul", 2), ("Raza", 5), ("Ali Raza", 5), ("Asad", 5), ("Hamza", 4),
    ("Babar", 3), ("Sher Ali", 2), ("Hayat", 2), ("Sharif", 3), ("Latif", 3), ("Mushtaq", 3), ("Zafar", 4),
    ("Mansoor", 3), ("Rehan", 3), ("Bashir", 4), ("Nazir", 4), ("Munir", 3), ("Zaheer", 3), ("Jan", 3),
    ("Dost", 2), ("Din", 1), ("Wahid Bakhsh", 2), ("Karim Bakhsh", 2), ("Chakar", 2), ("Hammal", 2),
    ("Mehrab", 2), ("Qambar", 2), ("Zahoor", 3), ("Lal Jan", 1), ("Sher Khan", 2), ("Zarak", 1), ("Samiullah", 2),
    ("Inamullah", 2), ("Hidayatullah", 1), ("Niaz", 2), ("Fazal", 2), ("Shoaib", 3), ("Tauqeer", 2),
    ("Khurram", 3), ("Farooq", 4), ("Gohar", 2), ("Khursheed", 2), ("Waseem", 3), ("Mehboob", 2),
]
FEMALE_GIVEN: list[tuple[str, int]] = [
    ("Nasreen", 4), ("Shazia", 4), ("Farzana", 3), ("Zubaida", 3), ("Rukhsana", 3), ("Parveen", 4),
    ("Samina", 3), ("Nazia", 3), ("Shabana", 3), ("Rehana", 3), ("Kulsoom", 2), ("Fatima", 4), ("Ayesha", 3),
    ("Zainab", 3), ("Hajra", 2), ("Sakina", 2), ("Amina", 3), ("Bibi Gul", 2),
]
# Family, caste, clan or tribe names, each with the honorific it tends to carry (or "").
FAMILY: list[tuple[str, str, int]] = [
    ("Qureshi", "", 6), ("Siddiqui", "", 6), ("Ansari", "", 5), ("Rizvi", "Syed", 4), ("Zaidi", "Syed", 4),
    ("Naqvi", "Syed", 3), ("Jafri", "Syed", 3), ("Kazmi", "Syed", 3), ("Abbasi", "", 4), ("Baig", "Mirza", 3),
    ("Khan", "", 14), ("Chaudhry", "", 3), ("Butt", "", 3), ("Awan", "Malik", 3), ("Rajput", "", 2),
    ("Arain", "", 2), ("Shaikh", "", 4), ("Memon", "", 4), ("Baloch", "Mir", 10), ("Marri", "Mir", 3),
    ("Bugti", "Mir", 3), ("Mengal", "Sardar", 2), ("Rind", "Mir", 2), ("Bizenjo", "Mir", 2), ("Lashari", "", 2),
    ("Jamali", "", 2), ("Yousafzai", "", 2), ("Afridi", "", 3), ("Khattak", "", 2), ("Mehsud", "", 2),
    ("Durrani", "", 1), ("Soomro", "", 2), ("Mughal", "", 3), ("Hashmi", "Syed", 2), ("Farooqui", "", 2),
    ("Usmani", "", 1), ("Alvi", "", 1), ("Gabol", "", 2), ("Kalmati", "", 1),
]
OTHER_HONORIFICS = ["Haji", "Hafiz", "Maulana", "Mian", "Khawaja"]

# Romanisation variants (own table): any spelling may stand for the person's "true" token.
VARIANTS: dict[str, list[str]] = {
    "Muhammad": ["Muhammad", "Mohammad", "Mohammed", "Muhammed", "Mohamad", "Mohd", "Mohd.", "Md.", "Muhammad"],
    "Hussain": ["Hussain", "Husain", "Hussein", "Hosain"],
    "Hasan": ["Hasan", "Hassan"],
    "Iqbal": ["Iqbal", "Ikbal", "Iqbaal"],
    "Yousuf": ["Yousuf", "Yusuf", "Yousaf", "Yusuff", "Yosuf"],
    "Younus": ["Younus", "Yunus", "Younis", "Yonus"],
    "Idrees": ["Idrees", "Idris", "Idress"],
    "Ilyas": ["Ilyas", "Ilyaas", "Elyas"],
    "Ishaq": ["Ishaq", "Ishaque", "Isaq"],
    "Owais": ["Owais", "Awais", "Uwais", "Oves"],
    "Zubair": ["Zubair", "Zubeir", "Zuber"],
    "Usman": ["Usman", "Osman", "Usmaan"],
    "Umar": ["Umar", "Omar", "Umer"],
    "Naveed": ["Naveed", "Navid", "Naved"],
    "Nadeem": ["Nadeem", "Nadim"],
    "Saleem": ["Saleem", "Salim"],
    "Waseem": ["Waseem", "Wasim", "Vasim"],
    "Wasim": ["Wasim", "Waseem"],
    "Jamil": ["Jamil", "Jameel"],
    "Shakeel": ["Shakeel", "Shakil"],
    "Rafiq": ["Rafiq", "Rafique", "Rafeeq"],
    "Shafiq": ["Shafiq", "Shafique", "Shafeeq"],
    "Tauqeer": ["Tauqeer", "Touqeer", "Tauqir"],
    "Javed": ["Javed", "Javaid", "Jawed", "Javid"],
    "Pervez": ["Pervez", "Parvez", "Parvaiz", "Pervaiz"],
    "Farooq": ["Farooq", "Farook", "Faruq", "Farooque"],
    "Qaiser": ["Qaiser", "Qaisar", "Kaiser"],
    "Qadir": ["Qadir", "Qadeer", "Kadir"],
    "Majeed": ["Majeed", "Majid", "Mejeed"],
    "Hameed": ["Hameed", "Hamid"],
    "Karim": ["Karim", "Kareem", "Karem"],
    "Rehman": ["Rehman", "Rahman", "Rehmaan", "Rahmaan"],
    "Ghafoor": ["Ghafoor", "Ghafur", "Gafoor"],
    "Ghulam": ["Ghulam", "Gulam", "Gholam"],
    "Rasool": ["Rasool", "Rasul", "Rasol"],
    "Mustafa": ["Mustafa", "Mustafa", "Mustapha"],
    "Bakhsh": ["Bakhsh", "Bakhash", "Baksh", "Bux", "Buksh"],
    "Qambar": ["Qambar", "Kambar", "Qamber"],
    "Zahoor": ["Zahoor", "Zahur", "Zahoor"],
    "Khursheed": ["Khursheed", "Khurshid"],
    "Gohar": ["Gohar", "Gauhar", "Gowhar"],
    "Mehboob": ["Mehboob", "Mahboob", "Mehbub"],
    "Mushtaq": ["Mushtaq", "Mushtak"],
    "Zaheer": ["Zaheer", "Zahir"],
    "Nazir": ["Nazir", "Nazeer"],
    "Bashir": ["Bashir", "Basheer"],
    "Munir": ["Munir", "Muneer"],
    "Shoaib": ["Shoaib", "Shuaib", "Shoeb"],
    "Fazal": ["Fazal", "Fazl", "Fazul"],
    "Raza": ["Raza", "Rza", "Reza"],
    "Asad": ["Asad", "Asaad"],
    "Aamir": ["Aamir", "Amir", "Aamer"],
    "Babar": ["Babar", "Baber"],
    "Mehrab": ["Mehrab", "Mihrab"],
    "Chakar": ["Chakar", "Chaker"],
    "Hammal": ["Hammal", "Hamal"],
    "Noor": ["Noor", "Nur"],
    "Nasreen": ["Nasreen", "Nasrin"],
    "Parveen": ["Parveen", "Parvin", "Perveen"],
    "Kulsoom": ["Kulsoom", "Kulsum", "Kalsoom"],
    "Zainab": ["Zainab", "Zenab"],
    "Ayesha": ["Ayesha", "Aisha", "Aysha"],
    "Fatima": ["Fatima", "Fatma"],
    "Hajra": ["Hajra", "Hajira", "Hajirah"],
    "Qureshi": ["Qureshi", "Quraishi", "Kureshi", "Qurashi"],
    "Siddiqui": ["Siddiqui", "Siddiqi", "Sidiqui", "Siddique"],
    "Chaudhry": ["Chaudhry", "Chaudhary", "Choudhry", "Ch."],
    "Shaikh": ["Shaikh", "Sheikh", "Shaykh"],
    "Baloch": ["Baloch", "Baluch", "Balouch"],
    "Yousafzai": ["Yousafzai", "Yusufzai"],
    "Mehsud": ["Mehsud", "Mahsud", "Mehsood"],
    "Jafri": ["Jafri", "Jafferi", "Jaffery"],
    "Rizvi": ["Rizvi", "Rizwi"],
    "Farooqui": ["Farooqui", "Faruqi"],
    "Syed": ["Syed", "Sayed", "Sayyid", "Seyyed", "S."],
}
# Compounds written joined, split or hyphenated.
COMPOUND_FORMS: dict[str, list[str]] = {
    "Abdul Rehman": ["Abdul Rehman", "Abdur Rehman", "Abdul Rahman", "Abd-ur-Rehman", "Abdurrehman", "A. Rehman"],
    "Abdul Ghafoor": ["Abdul Ghafoor", "Abdul Ghafur", "Abd-ul-Ghafoor", "A. Ghafoor"],
    "Abdul Qadir": ["Abdul Qadir", "Abdul Qadeer", "Abdulqadir", "Abd-ul-Qadir"],
    "Abdul Majeed": ["Abdul Majeed", "Abdul Majid", "Abdulmajeed"],
    "Abdul Sattar": ["Abdul Sattar", "Abdus Sattar", "Abdul Satar"],
    "Abdul Karim": ["Abdul Karim", "Abdul Kareem", "Abdulkarim"],
    "Abdul Wahid": ["Abdul Wahid", "Abdul Waheed", "Abdulwahid"],
    "Abdul Hameed": ["Abdul Hameed", "Abdul Hamid", "Abdulhameed"],
    "Saifullah": ["Saifullah", "Saif Ullah", "Saif-ullah", "Saifulla"],
    "Rahmatullah": ["Rahmatullah", "Rehmatullah", "Rehmat Ullah", "Rahmat-ullah"],
    "Habibullah": ["Habibullah", "Habib Ullah", "Habeebullah"],
    "Samiullah": ["Samiullah", "Sami Ullah", "Samiulla"],
    "Inamullah": ["Inamullah", "Inam Ullah", "Inaamullah"],
    "Hidayatullah": ["Hidayatullah", "Hidayat Ullah"],
    "Ziauddin": ["Ziauddin", "Zia-ud-Din", "Zia Uddin", "Ziaudin"],
    "Nizamuddin": ["Nizamuddin", "Nizam-ud-Din", "Nizam Uddin"],
    "Shamsuddin": ["Shamsuddin", "Shams-ud-Din", "Shamsudin"],
    "Abdullah": ["Abdullah", "Abdulla", "Abd Allah"],
    "Allah Bakhsh": ["Allah Bakhsh", "Allah Bux", "Allahbakhsh", "Allah Baksh"],
    "Allah Ditta": ["Allah Ditta", "Allahditta", "Alla Ditta"],
}

# ----------------------------------------------------------------------------------------------
# Places (own spellings): (canonical, district, [spellings]).
# ----------------------------------------------------------------------------------------------
KARACHI: list[tuple[str, str, list[str]]] = [
    ("Lyari", "Karachi South", ["Lyari", "Lyari", "Layari", "Lyaree", "Lyari Town"]),
    ("Liaquatabad", "Karachi Central", ["Liaquatabad", "Liaqatabad", "Liaquat Abad", "Liaqat Abad", "L.abad"]),
    ("Orangi Town", "Karachi West", ["Orangi Town", "Orangi", "Orangi Twn", "Orangi town sector 11"]),
    ("Gulshan-e-Iqbal", "Karachi East", ["Gulshan-e-Iqbal", "Gulshan Iqbal", "G. Iqbal", "Gulshan e Iqbal"]),
    ("Korangi", "Karachi Korangi", ["Korangi", "Korangi No. 5", "Korangi Crossing", "Kornagi"]),
    ("Malir", "Karachi Malir", ["Malir", "Malir City", "Maleer"]),
    ("Landhi", "Karachi Korangi", ["Landhi", "Landi", "Landhi No. 6"]),
    ("Baldia Town", "Karachi West", ["Baldia Town", "Baldia", "Baldiya Town"]),
    ("Saddar", "Karachi South", ["Saddar", "Sadar", "Saddar Town"]),
    ("Nazimabad", "Karachi Central", ["Nazimabad", "Nazim Abad", "Nazimabad No. 2"]),
    ("North Nazimabad", "Karachi Central", ["North Nazimabad", "N. Nazimabad", "North Nazim Abad"]),
    ("Shah Faisal Colony", "Karachi Korangi", ["Shah Faisal Colony", "Shah Faisal", "Shah Faysal Colony"]),
    ("Kharadar", "Karachi South", ["Kharadar", "Khara Dar", "Kharadhar"]),
    ("Keamari", "Karachi Keamari", ["Keamari", "Kiamari", "Kemari"]),
    ("Mehmoodabad", "Karachi East", ["Mehmoodabad", "Mahmoodabad", "Mehmudabad"]),
    ("Golimar", "Karachi Central", ["Golimar", "Goli Mar", "Gulbahar (Golimar)"]),
    ("New Karachi", "Karachi Central", ["New Karachi", "New Kar.", "New Karachi Sector 5"]),
    ("Federal B Area", "Karachi Central", ["Federal B Area", "F.B. Area", "FB Area", "Federal 'B' Area"]),
    ("Gulistan-e-Jauhar", "Karachi East", ["Gulistan-e-Jauhar", "Gulistan e Johar", "Gulistan-i-Jauhar"]),
    ("Manghopir", "Karachi West", ["Manghopir", "Mangho Pir", "Manghopeer"]),
]
ELSEWHERE: list[tuple[str, str, list[str]]] = [
    ("Turbat", "Kech", ["Turbat", "Turbat, Kech", "Turbet"]),
    ("Panjgur", "Panjgur", ["Panjgur", "Panjgoor", "Punjgur"]),
    ("Khuzdar", "Khuzdar", ["Khuzdar", "Khozdar", "Khuzdaar"]),
    ("Quetta", "Quetta", ["Quetta", "Queta", "Quetta City"]),
    ("Mastung", "Mastung", ["Mastung", "Mastang"]),
    ("Dera Bugti", "Dera Bugti", ["Dera Bugti", "D. Bugti", "Dera Bugthi"]),
    ("Gwadar", "Gwadar", ["Gwadar", "Gawadar", "Gwador"]),
    ("Awaran", "Awaran", ["Awaran", "Awaraan"]),
    ("Kohlu", "Kohlu", ["Kohlu", "Kahlu"]),
    ("Mingora", "Swat", ["Mingora", "Mingora, Swat", "Mingawara"]),
    ("Peshawar", "Peshawar", ["Peshawar", "Peshawer", "Peshawar City"]),
    ("Dera Ismail Khan", "Dera Ismail Khan", ["Dera Ismail Khan", "D.I. Khan", "D I Khan", "DI Khan"]),
    ("Bannu", "Bannu", ["Bannu", "Banu"]),
    ("Kohat", "Kohat", ["Kohat", "Kohaat"]),
]
VIOLATIONS = [("killing", 45), ("disappearance", 30), ("abduction", 10), ("detention", 8), ("torture", 7)]
# How each list writes the violation.
VIOLATION_WORDS = {
    "hrc": {"killing": "Extra-judicial killing", "disappearance": "Enforced disappearance", "abduction": "Abducted",
            "detention": "Illegal detention", "torture": "Torture"},
    "press": {"killing": "shot dead", "disappearance": "went missing", "abduction": "kidnapped",
              "detention": "arrested", "torture": "tortured"},
    "family": {"killing": "KILLED", "disappearance": "MISSING", "abduction": "ABDUCTED", "detention": "IN CUSTODY",
               "torture": "TORTURED"},
}
PERPETRATORS = [("Police", 30), ("Rangers", 20), ("FC", 15), ("Agencies", 15), ("Unknown persons", 15),
                ("Armed men", 5)]
PERPETRATOR_WORDS = {
    "hrc": {"Police": "Police", "Rangers": "Sindh Rangers", "FC": "Frontier Corps", "Agencies": "Intelligence agencies",
            "Unknown persons": "Unknown", "Armed men": "Armed group"},
    "family": {"Police": "POLICE", "Rangers": "RANGERS", "FC": "F.C.", "Agencies": "AGENCIES",
               "Unknown persons": "UNKNOWN PERSONS", "Armed men": "ARMED MEN"},
}
START, END = dt.date(1992, 6, 19), dt.date(2012, 12, 31)


# ----------------------------------------------------------------------------------------------
# The population
# ----------------------------------------------------------------------------------------------
@dataclass
class Victim:
    """One SYNTHETIC victim: the truth every report is drawn from."""

    person_id: str
    sex: str
    honorific: str
    muhammad: bool
    given: str
    family: str
    father_given: str
    father_muhammad: bool
    birth_date: dt.date
    event_date: dt.date
    place: tuple[str, str, list[str]]
    violation: str
    perpetrator: str
    reports: list[tuple[str, str]] = field(default_factory=list)  # (source, record id)

    @property
    def age(self) -> int:
        return (self.event_date - self.birth_date).days // 365


def pick(rng: random.Random, weighted: list) -> tuple:
    """One entry of a list of (…, weight) tuples."""
    return rng.choices(weighted, weights=[w[-1] for w in weighted])[0]


def random_date(rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
    return start + dt.timedelta(days=rng.randrange((end - start).days + 1))


def make_victims(rng: random.Random, n: int) -> list[Victim]:
    """`n` SYNTHETIC victims; some share a very common name but have different fathers."""
    victims = []
    for i in range(n):
        sex = "F" if rng.random() < 0.06 else "M"
        given = pick(rng, FEMALE_GIVEN if sex == "F" else MALE_GIVEN)[0]
        fam, fam_hon, _ = pick(rng, FAMILY) if rng.random() < 0.7 else ("", "", 0)
        if fam_hon and rng.random() < 0.7:
            honorific = fam_hon
        elif rng.random() < 0.08:
            honorific = rng.choice(OTHER_HONORIFICS)
        else:
            honorific = ""
        if sex == "F":
            honorific = "Mst." if rng.random() < 0.4 else ""
        muhammad = sex == "M" and " " not in given and rng.random() < 0.45
        father_given = pick(rng, MALE_GIVEN)[0]
        event = random_date(rng, START, END)
        birth = event - dt.timedelta(days=int(365.25 * rng.triangular(14, 65, 26)) + rng.randrange(365))
        place = rng.choice(KARACHI) if rng.random() < 0.72 else rng.choice(ELSEWHERE)
        victims.append(Victim(f"P{i + 1:05d}", sex, honorific, muhammad, given, fam, father_given,
                              rng.random() < 0.4, birth, event, place, pick(rng, VIOLATIONS)[0],
                              pick(rng, PERPETRATORS)[0]))
    return victims


# ----------------------------------------------------------------------------------------------
# The error model: spellings, dropped parts, typos
# ----------------------------------------------------------------------------------------------
def typo(rng: random.Random, word: str) -> str:
    """One keyboard slip: a letter dropped, doubled or two letters swapped (never the first letter)."""
    if len(word) < 4:
        return word
    i = rng.randrange(1, len(word) - 1)
    kind = rng.randrange(3)
    if kind == 0:
        return word[:i] + word[i + 1:]
    if kind == 1:
        return word[:i] + word[i] + word[i:]
    return word[:i] + word[i + 1] + word[i] + word[i + 2:]


def spell_token(rng: random.Random, token: str, vary: float) -> str:
    """A token as one scribe might write it."""
    if token in VARIANTS and rng.random() < vary:
        token = rng.choice(VARIANTS[token])
    elif rng.random() < vary * 0.35:  # generic habits: ee/i, oo/u, doubled letters
        token = re.sub("ee", "i", token, count=1) if "ee" in token and rng.random() < 0.5 else token
        token = re.sub("oo", "u", token, count=1) if "oo" in token and rng.random() < 0.5 else token
        token = re.sub(r"([bdfgklmnprstz])\1", r"\1", token, count=1) if rng.random() < 0.5 else token
    if rng.random() < 0.03:
        token = typo(rng, token)
    return token


def spell_given(rng: random.Random, given: str, vary: float) -> str:
    """A given name (possibly a compound) as written."""
    if given in COMPOUND_FORMS and rng.random() < vary:
        return rng.choice(COMPOUND_FORMS[given])
    return " ".join(spell_token(rng, t, vary) for t in given.split())


@dataclass
class NameParts:
    """The parts of a name as one list writes them (empty string: left out)."""

    honorific: str
    muhammad: str
    given: str
    family: str
    father: str


def written_parts(rng: random.Random, v: Victim, *, vary: float, keep_family: float, keep_muhammad: float,
                  keep_honorific: float, keep_father: float) -> NameParts:
    """Which parts this report keeps and how it spells them."""
    honorific = spell_token(rng, v.honorific, vary) if v.honorific and rng.random() < keep_honorific else ""
    muhammad = spell_token(rng, "Muhammad", vary) if v.muhammad and rng.random() < keep_muhammad else ""
    if not v.muhammad and v.sex == "M" and rng.random() < 0.04:  # a scribe adds Muhammad the victim lacked
        muhammad = "Muhammad"
    given = spell_given(rng, v.given, vary)
    family = spell_token(rng, v.family, vary) if v.family and rng.random() < keep_family else ""
    father = ""
    if rng.random() < keep_father:
        father = spell_given(rng, v.father_given, vary)
        if v.father_muhammad and rng.random() < 0.5:
            father = spell_token(rng, "Muhammad", vary) + " " + father
        if v.family and rng.random() < 0.3:
            father += " " + spell_token(rng, v.family, vary)
    return NameParts(honorific, muhammad, given, family, father)


def initials(words: str) -> str:
    """'Syed Ali' -> 'S. A.'"""
    return " ".join(w[0].upper() + "." for w in words.split() if w)


def jitter_date(rng: random.Random, d: dt.date, p: float, days: int) -> dt.date:
    """The event date, a few days off with probability p (a report dated by when it was heard of)."""
    if rng.random() < p:
        d = d + dt.timedelta(days=rng.randint(1, days) * rng.choice((-1, 1)))
    return d


def reported_age(rng: random.Random, v: Victim, round_to: int, off: float) -> int:
    """An age as a relative or a clerk gives it: sometimes a year off, sometimes rounded."""
    age = v.age
    if rng.random() < off:
        age += rng.choice((-2, -1, 1, 2))
    if round_to > 1 and rng.random() < 0.6:
        age = int(round(age / round_to) * round_to)
    return max(age, 1)


def spelled_place(rng: random.Random, v: Victim) -> str:
    return rng.choice(v.place[2])


# ----------------------------------------------------------------------------------------------
# The four lists
# ----------------------------------------------------------------------------------------------
MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
LONG_MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
               "November", "December"]


def hrc_rows(rng: random.Random, victims: list[Victim]) -> list[dict]:
    """A commission's case register (XLSX): Excel dates, 'Wald' for the father, police station."""
    rows = []
    for v in victims:
        parts = written_parts(rng, v, vary=0.35, keep_family=0.75, keep_muhammad=0.7, keep_honorific=0.6,
                              keep_father=0.85)
        name = " ".join(x for x in (parts.honorific, parts.muhammad, parts.given, parts.family) if x)
        d = jitter_date(rng, v.event_date, 0.12, 4)
        r = rng.random()
        doi: object = d if r < 0.8 else (f"{MONTHS[d.month - 1]}-{d.year}" if r < 0.92 else str(d.year))
        if rng.random() < 0.03:
            doi = ""
        canonical, district, _ = v.place
        locality = spelled_place(rng, v) if rng.random() < 0.85 else ""
        station = f"PS {canonical}" if v.place in KARACHI else f"PS City {canonical}"
        rows.append({"Case #": None, "Name (as reported)": name, "Wald": parts.father,
                     "Age": reported_age(rng, v, 5, 0.2) if rng.random() < 0.9 else "",
                     "Gender": {"M": "Male", "F": "Female"}[v.sex], "D.O.I": doi, "Locality": locality,
                     "Police Station": station, "District": district,
                     "Incident": VIOLATION_WORDS["hrc"][v.violation],
                     "Accused": PERPETRATOR_WORDS["hrc"][v.perpetrator], "_v": v})
    return rows


def press_name(rng: random.Random, parts: NameParts) -> str:
    """A name as a newspaper prints it, the father inside the same cell in one of several ways."""
    name = " ".join(x for x in (parts.honorific, parts.muhammad, parts.given, parts.family) if x)
    if not parts.father:
        return name
    form = rng.random()
    if form < 0.4:
        return f"{name} s/o {parts.father}"
    if form < 0.6:
        return f"{name} S/O {parts.father}"
    if form < 0.75:
        return f"{name.upper()} SON OF {parts.father.upper()}"
    if form < 0.9:
        return f"{name} (son of {parts.father})"
    return f"{name} son of {parts.father}"


def press_rows(rng: random.Random, victims: list[Victim]) -> list[dict]:
    """Press clippings (CSV): no id, father in the name cell, '14 Jun 1995', 'Lyari, Karachi'."""
    rows = []
    for v in victims:
        parts = written_parts(rng, v, vary=0.5, keep_family=0.5, keep_muhammad=0.5, keep_honorific=0.4,
                              keep_father=0.6)
        name = press_name(rng, parts)
        if v.sex == "F":
            name = name.replace(" s/o ", " d/o ").replace(" S/O ", " D/O ").replace(" SON OF ", " DAUGHTER OF ") \
                .replace("son of", "daughter of")
        d = jitter_date(rng, v.event_date, 0.25, 3)
        r = rng.random()
        date = (f"{d.day} {MONTHS[d.month - 1]} {d.year}" if r < 0.6 else
                f"{LONG_MONTHS[d.month - 1]} {d.year}" if r < 0.85 else str(d.year))
        place = spelled_place(rng, v)
        if v.place in KARACHI and rng.random() < 0.7:
            place += ", Karachi"
        age = f"aged {reported_age(rng, v, 1, 0.3)}" if rng.random() < 0.6 else ""
        rows.append({"Date of Incident": date, "Victim": name, "Age": age, "Area": place,
                     "What happened": VIOLATION_WORDS["press"][v.violation],
                     "Newspaper": rng.choice(["Daily A (synthetic)", "Daily B (synthetic)", "Weekly C (synthetic)"]),
                     "_v": v})
    return rows


def family_rows(rng: random.Random, victims: list[Victim], duplicate_share: float) -> list[dict]:
    """A families' register (CSV ';'): ALL CAPS, 'FAMILY, GIVEN', 'Missing Since', duplicates."""
    rows = []
    for v in victims:
        copies = 2 if rng.random() < duplicate_share else 1
        for _ in range(copies):
            parts = written_parts(rng, v, vary=0.4, keep_family=0.8, keep_muhammad=0.6, keep_honorific=0.5,
                                  keep_father=0.9)
            given = " ".join(x for x in (parts.honorific, parts.muhammad, parts.given) if x)
            name = f"{parts.family}, {given}" if parts.family and rng.random() < 0.8 else \
                " ".join(x for x in (given, parts.family) if x)
            d = jitter_date(rng, v.event_date, 0.15, 10)
            date = f"{d.day:02d}/{d.month:02d}/{d.year}" if rng.random() < 0.75 else f"{d.month:02d}/{d.year}"
            if rng.random() < 0.04:
                date = "NOT KNOWN"
            age = reported_age(rng, v, 1, 0.25)
            age_text = f"{age}" if rng.random() < 0.7 else f"APPROX {age}"
            canonical, district, spellings = v.place
            rows.append({"Sr. No.": None, "Full Name": name.upper(), "Parentage": parts.father.upper(),
                         "Age (approx)": age_text, "Missing Since": date,
                         "Place of Abduction": rng.choice(spellings).upper(), "District": district.upper(),
                         "Picked up by": PERPETRATOR_WORDS["family"][v.perpetrator],
                         "Status": VIOLATION_WORDS["family"][v.violation], "_v": v})
    rng.shuffle(rows)
    return rows


def morgue_rows(rng: random.Random, victims: list[Victim]) -> list[dict]:
    """A morgue book (CSV): initials, 'F/Name', 'Age/Sex' = '32/M', ISO dates, 'Brought From'."""
    rows = []
    for v in victims:
        parts = written_parts(rng, v, vary=0.3, keep_family=0.6, keep_muhammad=0.8, keep_honorific=0.3,
                              keep_father=0.7)
        words = [x for x in (parts.honorific, parts.muhammad, parts.given, parts.family) if x]
        r = rng.random()
        if r < 0.25 and len(words) >= 2:  # all but the last word as initials: "S. A. Raza", "M. Iqbal"
            name = initials(" ".join(words[:-1])) + " " + words[-1]
        elif r < 0.35 and parts.muhammad:
            name = "M. " + " ".join(words[1:])
        else:
            name = " ".join(words)
        d = jitter_date(rng, v.event_date, 0.2, 2)
        canonical, district, spellings = v.place
        brought = rng.choice(spellings) if rng.random() < 0.6 else district
        rows.append({"Entry No": None, "Name of Deceased": name, "F/Name": parts.father,
                     "Age/Sex": f"{reported_age(rng, v, 5, 0.3)}/{v.sex}", "Date": d.isoformat(),
                     "Brought From": brought,
                     "Cause of Death": rng.choice(["Firearm injuries", "Bullet wounds", "Torture marks"]),
                     "_v": v})
    return rows


# ----------------------------------------------------------------------------------------------
# Writing
# ----------------------------------------------------------------------------------------------
@dataclass
class ListSpec:
    """One list: its file, its source name, who is on it."""

    file: str
    source: str
    capture: float
    kind: str


LISTS = [
    ListSpec("SYNTHETIC_hrc_case_register.xlsx", "SYNTHETIC HRC case register", 0.28, "commission"),
    ListSpec("SYNTHETIC_press_archive.csv", "SYNTHETIC press archive", 0.2, "press"),
    ListSpec("SYNTHETIC_families_register.csv", "SYNTHETIC families register", 0.2, "ngo_list"),
    ListSpec("SYNTHETIC_morgue_book.csv", "SYNTHETIC morgue book", 0.22, "morgue"),
]


def write_csv(path: Path, title: str, rows: list[dict], delimiter: str = ",") -> list[int]:
    """A CSV with a title row; returns each data row's spreadsheet row number."""
    header = [k for k in rows[0] if k != "_v"]
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, delimiter=delimiter)
        w.writerow([title])
        w.writerow(header)
        for row in rows:
            w.writerow(["" if row[k] is None else row[k] for k in header])
    return list(range(3, 3 + len(rows)))


def write_xlsx(path: Path, title: str, rows: list[dict]) -> None:
    """An XLSX with a title row and real Excel dates where the value is a date."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "Cases (SYNTHETIC)"
    header = [k for k in rows[0] if k != "_v"]
    ws.append([title])
    ws.append(header)
    for row in rows:
        ws.append([row[k] for k in header])
    for r in range(3, 3 + len(rows)):
        cell = ws.cell(row=r, column=header.index("D.O.I") + 1)
        if isinstance(cell.value, dt.date):
            cell.number_format = "DD-MMM-YYYY"
    wb.save(path)


def write_truth_details(path: Path, people: list[Victim], reported: set[str]) -> None:
    """The true facts of every reported victim, for diagnosing what an import made of them."""
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["person_id", "sex", "honorific", "muhammad", "given", "family", "father", "birth_year",
                    "event_date", "place", "district", "violation", "perpetrator"])
        for v in people:
            if v.person_id in reported:
                w.writerow([v.person_id, v.sex, v.honorific, int(v.muhammad), v.given, v.family,
                            ("Muhammad " if v.father_muhammad else "") + v.father_given, v.birth_date.year,
                            v.event_date.isoformat(), v.place[0], v.place[1], v.violation, v.perpetrator])


def generate(out: Path, *, victims: int = 2500, seed: int = 7) -> dict[str, object]:
    """Write the SYNTHETIC lists and SYNTHETIC_truth.csv into `out`; return what was written."""
    rng = random.Random(seed)
    out.mkdir(parents=True, exist_ok=True)
    people = make_victims(rng, victims)
    on = {spec.kind: [] for spec in LISTS}
    for v in people:
        for spec in LISTS:
            p = spec.capture
            if spec.kind == "morgue" and v.violation != "killing":
                p = 0.0  # a morgue sees only the dead
            elif spec.kind == "morgue":
                p = min(1.0, spec.capture / 0.45)
            if spec.kind == "ngo_list" and v.violation == "killing":
                p *= 0.4  # a families' register is mostly about the missing
            if rng.random() < p:
                on[spec.kind].append(v)
    truth: list[tuple[str, str, str]] = []
    files: dict[str, int] = {}
    for spec in LISTS:
        title = TITLE.format(what=spec.source)
        if spec.kind == "commission":
            rows = hrc_rows(rng, on[spec.kind])
            for i, row in enumerate(rows, 1):
                row["Case #"] = f"HRC-{1000 + i}"
            write_xlsx(out / spec.file, title, rows)
            ids = [row["Case #"] for row in rows]
        elif spec.kind == "press":
            rows = press_rows(rng, on[spec.kind])
            rng.shuffle(rows)
            numbers = write_csv(out / spec.file, title, rows)
            ids = [f"row:{n}" for n in numbers]
        elif spec.kind == "ngo_list":
            rows = family_rows(rng, on[spec.kind], duplicate_share=0.08)
            for i, row in enumerate(rows, 1):
                row["Sr. No."] = str(i)
            write_csv(out / spec.file, title, rows, delimiter=";")
            ids = [row["Sr. No."] for row in rows]
        else:
            rows = morgue_rows(rng, on[spec.kind])
            rows.sort(key=lambda r: r["Date"])
            for i, row in enumerate(rows, 1):
                row["Entry No"] = f"MB/{row['Date'][2:4]}/{i}"
            write_csv(out / spec.file, title, rows)
            ids = [row["Entry No"] for row in rows]
        files[spec.file] = len(rows)
        truth += [(spec.source, rid, row["_v"].person_id) for rid, row in zip(ids, rows)]
    with (out / "SYNTHETIC_truth.csv").open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["source", "record_id", "person_id"])
        w.writerows(truth)
    write_truth_details(out / "SYNTHETIC_truth_details.csv", people, {t[2] for t in truth})
    reported = len({t[2] for t in truth})
    return {"files": files, "reports": len(truth), "victims_reported": reported,
            "reports_per_victim": len(truth) / max(reported, 1), "sources": {s.file: s.source for s in LISTS}}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--victims", type=int, default=2500)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    info = generate(args.out, victims=args.victims, seed=args.seed)
    print(f"SYNTHETIC lists written to {args.out}: {info['files']}; {info['reports']} reports of "
          f"{info['victims_reported']} victims ({info['reports_per_victim']:.2f} per victim)")


if __name__ == "__main__":
    main()
