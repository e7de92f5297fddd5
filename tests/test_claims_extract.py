"""Claim extraction on short invented reports (every name here is fictional)."""

from __future__ import annotations

import pytest

from uncounted.claims.extract import Claim, extract_claims, extract_many
from uncounted.claims.text import html_to_text, split_report

REPORT = """KARACHI, March 12, 2024 (AFP) - Opposition leader Tariq Mehboob of the Awami Freedom Party claimed on Tuesday that more than 25,000 party workers had been killed in Karachi since 19 June 1992.

Speaking at a press conference, Mehboob accused the Rangers of abducting hundreds of activists in what he described as a campaign of terror.

"At least 40 of our workers were picked up by security agencies last year," he said.

Family members said Aslam Baloch, 32, was picked up by men in plain clothes from his shop in Lyari on March 3.

This story is based on a PTI report."""


@pytest.fixture(scope="module")
def result():
    return extract_claims(REPORT)


def test_claim_fields_and_shape(result):
    first = result.claims[0].to_dict()
    assert list(first) == ["claimant", "medium", "relayed_by", "statement_date", "quantity",
                           "violation", "victim_group", "place", "period", "alleged_perpetrator",
                           "attributed", "hedges", "evidence_text", "quotes"]
    assert first["claimant"] == {"name": "Tariq Mehboob", "role": "Opposition leader, Awami Freedom Party"}
    assert first["quantity"] == {"lower": 25000, "upper": None, "qualifier": "more than",
                                 "text": "more than 25,000"}
    assert first["violation"] == "killing"
    assert first["victim_group"] == "party workers"
    assert first["place"] == "Karachi"
    assert first["period"] == {"start": "1992-06-19", "end": "2024-03-12"}
    assert first["statement_date"] == "2024-03-12"
    assert first["attributed"] is True
    assert first["hedges"] == ["claimed"]
    assert set(first["relayed_by"].split(", ")) == {"AFP", "PTI"}
    assert first["medium"] == "press conference"  # given in a later sentence for the same speaker


def test_surname_pronoun_and_quote_resolve_to_the_speaker(result):
    abducted, missing = result.claims[1], result.claims[2]
    assert abducted.claimant["name"] == "Tariq Mehboob"  # "Mehboob accused ..."
    assert abducted.alleged_perpetrator == "Rangers"
    assert abducted.quantity["qualifier"] == "hundreds" and abducted.quantity["lower"] == 100
    assert abducted.hedges == ["what he described as"]
    assert missing.claimant["name"] == "Tariq Mehboob"  # "he said" after a quote
    assert missing.violation == "enforced disappearance"
    assert missing.period == {"start": "2023-01-01", "end": "2023-12-31"}
    assert missing.quotes and missing.quotes[0]["speaker"] == "Tariq Mehboob"
    assert [q.speaker for q in result.quotes] == ["Tariq Mehboob"]


def test_named_victim_is_a_candidate_and_age_is_no_count(result):
    assert all(c.quantity["lower"] != 32 for c in result.claims)
    [cand] = result.candidate_incidents
    assert cand.victim_name == "Aslam Baloch" and cand.status == "candidate"
    assert cand.event == "enforced disappearance" and cand.age == 32
    assert cand.date == "2024-03-03" and cand.place == "Lyari"
    assert cand.alleged_perpetrator == "men in plain clothes"


def test_unattributed_figure_and_several_claims_in_a_sentence():
    res = extract_claims("DHAKA, July 19, 2024 (AFP) - Nineteen people were killed and dozens "
                         "of students were injured in Dhaka on Thursday.")
    got = [(c.quantity["lower"], c.violation, c.attributed, c.claimant) for c in res.claims]
    assert got == [(19, "killing", False, None), (12, "injury", False, None)]
    assert res.claims[0].period == {"start": "2024-07-18", "end": "2024-07-18"}


def test_according_to_and_organisation_references():
    text = ("BEIRUT, Nov 9, 2015 (AFP) - At least 117,000 people have been detained since March 2011, "
            "according to the Levant Detainee Network.\n\nThe group said that more than 12,000 of the "
            "detainees had died under torture.")
    res = extract_claims(text)
    assert [c.claimant["name"] for c in res.claims] == ["Levant Detainee Network"] * 2
    assert res.claims[0].hedges == ["according to"]
    assert res.claims[1].violation == "killing"  # died, not detention
    assert res.claims[0].period == {"start": "2011-03-01", "end": "2015-11-09"}


def test_figures_of_people_freed_are_not_claims():
    res = extract_claims("Officials said 42 of the abducted students had been freed on Sunday.")
    assert res.claims == []


def test_allegation_without_figure_and_no_invented_number():
    res = extract_claims("QUETTA, Aug 4, 2023 (Reuters) - The families' group accused security "
                         "agencies of abducting students from their hostels.")
    assert res.claims == []
    [alleg] = res.allegations
    assert alleg.violation == "abduction"
    assert alleg.alleged_perpetrator == "security agencies"
    assert alleg.claimant["name"] == "families' group"


def test_denials_by_authorities_are_not_allegations():
    res = extract_claims("A police spokesman denied that any students were held illegally.")
    assert res.allegations == [] and res.claims == []


def test_statement_issuer_claims_its_own_sentences():
    text = ("Press release\n\nCommittee for the Missing of Thar, Mithi\nDate: 10 December 2023\n\n"
            "Since January 2023, 19 of our members have been picked up by intelligence agencies.")
    res = extract_claims(text)
    assert res.source_kind == "statement" and res.statement_date == "2023-12-10"
    [c] = res.claims
    assert c.claimant["name"] == "Committee for the Missing of Thar"
    assert c.medium == "written report" and c.attributed
    assert c.period == {"start": "2023-01-01", "end": "2023-12-10"}


def test_html_and_closing_relay_line():
    html = ("<html><head><title>x</title><script>var a=1;</script></head><body>"
            "<p>COLOMBO, June 12, 2018 (Xinhua) - A rights lawyer said 60 Tamil men were abducted in 1989.</p>"
            "<p>With inputs from IANS</p></body></html>")
    assert "var a" not in html_to_text(html)
    [c] = extract_claims(html_to_text(html)).claims
    assert set(c.relayed_by.split(", ")) == {"Xinhua", "IANS"}
    assert c.period == {"start": "1989-01-01", "end": "1989-12-31"}


def test_statement_date_override_and_batch_equals_single():
    text = "Police said 11 protesters were detained last month."
    one = extract_claims(text, statement_date="2022-05-10")
    assert one.claims[0].period == {"start": "2022-04-01", "end": "2022-04-30"}
    batch = list(extract_many([(text, "a"), (REPORT, "b")], statement_date="2022-05-10"))
    assert batch[0].to_dict()["claims"] == one.to_dict()["claims"]
    assert batch[1].source_name == "b"


def test_dateline_parsing():
    rep = split_report("Islamabad, March 3 (IANS) Police said 12 people were arrested.")
    assert rep.doc_relays == ["IANS"] and rep.paragraphs[0].startswith("Police")


def test_claim_is_a_dataclass_with_plain_dict():
    assert isinstance(extract_claims(REPORT).claims[0], Claim)


def test_quote_opened_after_said_colon_and_acronym_alias():
    text = ("LAHORE, June 1, 2020 (AFP) - Rights activist Asma Jilani said: \u201cAt least 60 women "
            "were killed in the province last month. The police did nothing.\u201d\n\n"
            "The Human Rights Council of Punjab (HRCP) said in its monthly report that 56 people "
            "were abducted in March.\n\nThe HRCP also documented 30 cases of torture.")
    res = extract_claims(text)
    assert [q.speaker for q in res.quotes] == ["Asma Jilani"]
    names = [c.claimant["name"] for c in res.claims]
    assert names == ["Asma Jilani", "Human Rights Council of Punjab", "Human Rights Council of Punjab"]
    assert res.claims[0].period == {"start": "2020-05-01", "end": "2020-05-31"}
    assert res.claims[2].medium == "written report"  # said in its report, earlier


def test_medium_belongs_to_the_act_of_speaking():
    res = extract_claims("Police said they were investigating the report that 12 people were abducted.")
    assert res.claims[0].medium is None
    res = extract_claims("In a video posted on Sunday, Gul Khan said 12 people were abducted.")
    assert res.claims[0].medium == "video address"


def test_partitive_release_and_people_freed():
    res = extract_claims("Of the 200 people arrested, 150 were later released.")
    assert [(c.quantity["lower"], c.violation) for c in res.claims] == [(200, "arbitrary detention")]


def test_headline_before_dateline_is_not_a_claim():
    res = extract_claims("Pakistan: 12 killed in Quetta blast\n\nBy Staff Reporter\n\n"
                         "QUETTA, Feb 6 (Reuters) - At least 12 people were killed in a bomb "
                         "blast in Quetta on Monday, police said.")
    [c] = res.claims
    assert c.quantity["text"] == "At least 12" and c.relayed_by == "Reuters"


def test_since_an_event_on_a_date_and_a_figure_that_adds_to_another() -> None:
    text = ("Speaking by video link, the party's chairman claimed that more than 9,000 people have been "
            "killed since the crackdown launched on 3 March 1994, and thousands more remain missing.")
    claims = extract_claims(text, statement_date="2001-05-10").claims
    by_text = {c.quantity["text"]: c for c in claims}
    killed, missing = by_text["more than 9,000"], by_text["thousands"]
    assert killed.period == {"start": "1994-03-03", "end": "2001-05-10"}
    assert missing.violation == "enforced disappearance"
    assert missing.period == killed.period


# Session 3: patterns found on the SYNTHETIC dev set (corpus/claims_dev); every name is invented.

def test_un_dateline_with_a_date_in_parentheses_and_a_headline_after_press_release():
    text = ("Press release\n\nExperts troubled by arrests of student leaders\n\n"
            "GENEVA (3 May 2024) – Independent experts today said that at least 30 student "
            "leaders had been arbitrarily detained in Sindh since March.")
    res = extract_claims(text)
    assert res.issuer is None and res.statement_date == "2024-05-03"
    [c] = res.claims
    assert c.relayed_by is None  # a date in the parentheses is not an agency
    assert c.claimant["name"] == "Independent experts" and c.medium == "written report"
    assert c.period == {"start": "2024-03-01", "end": "2024-05-03"}
    res = split_report("(New York, May 3, 2024) – Rights Watchers said 12 people were held.")
    assert res.dateline_date.isoformat() == "2024-05-03" and res.paragraphs[0].startswith("Rights")


def test_issued_by_report_of_and_spokesperson_headers_name_the_issuer():
    assert split_report("Factsheet\n\nIssued by the Thar Families Forum\n\n"
                        "Nine persons went missing in Mithi in May.").issuer == "Thar Families Forum"
    assert split_report("Report of the Panel on Missing Fishermen\n\n"
                        "12. The Panel received 40 cases.").issuer == "Panel on Missing Fishermen"
    rep = split_report("Briefing notes\n\nSpokesperson: Ana Ferreira\nDate: 2 June 2024\n\n"
                       "We received 14 new cases of enforced disappearance in May.")
    assert rep.issuer == "Ana Ferreira" and rep.statement_date.isoformat() == "2024-06-02"


def test_byline_dates_and_agencies_and_html_table_cells():
    rep = split_report("Headline here\n\nBy Staff Correspondent | Published: 05 Oct 2024\n\n"
                       "PESHAWAR: Police said 4 men were killed.")
    assert rep.statement_date.isoformat() == "2024-10-05"
    rep = split_report("Title\n\nTNN | Updated: Jul 15, 2025\n\nNEW DELHI: A leader said 9 were killed.")
    assert "TNN" in rep.doc_relays and rep.statement_date.isoformat() == "2025-07-15"
    assert "2023 | 97" in html_to_text("<table><tr><td>2023</td><td>97</td></tr></table>")


def test_list_items_speak_for_the_speaker_before_the_list_and_headings_are_not_claims():
    text = ("Annual review: 40 killed in 2023\n\n"
            "The Sindh Rights Panel said in its annual review, released on Monday, that the year was grim.\n\n"
            "Its key findings:\n\n- At least 40 people were killed in custody.\n"
            "- Some 300 people were arrested during protests in Hyderabad.")
    res = extract_claims(text, statement_date="2024-02-05")
    assert [(c.quantity["text"], c.claimant["name"]) for c in res.claims] == [
        ("At least 40", "Sindh Rights Panel"), ("Some 300", "Sindh Rights Panel")]
    assert all(c.medium == "written report" for c in res.claims)


def test_quotes_over_two_paragraphs_and_a_speaker_named_after_the_quote():
    text = ('Convener Rafiq Soomro said at the rally: "For ten years we have searched the courts.\n\n'
            '"This year alone, seven of our workers were picked up from Hala."\n\n'
            '"Eleven men from one village were killed. We buried them on Friday," elder Noor Jamali '
            'told AFP by phone.')
    res = extract_claims(text, statement_date="2024-06-03")
    speakers = {q.text[:12]: q.speaker for q in res.quotes}
    assert speakers["For ten year"] == "Rafiq Soomro" and speakers["This year al"] == "Rafiq Soomro"
    by_text = {c.quantity["text"]: c for c in res.claims}
    assert by_text["seven"].claimant["name"] == "Rafiq Soomro"
    eleven = by_text["Eleven"]
    assert eleven.claimant["name"] == "Noor Jamali" and eleven.medium == "interview"
    assert "one" not in by_text  # "from one village" is not a count of victims


def test_reports_claim_nouns_and_videos():
    text = ("The Kohistan Rights Forum released its yearly report on Tuesday, documenting 51 cases "
            "of enforced disappearance and 20 killings in 2023.\n\n"
            "According to the report, at least 9 of the missing were students.\n\n"
            "The ministry rejected an activist group's claim that 300 people had disappeared.\n\n"
            "A video purportedly filmed in the village showed at least 6 bodies.")
    res = extract_claims(text, statement_date="2024-01-09")
    by_text = {c.quantity["text"]: c for c in res.claims}
    assert by_text["51"].violation == "enforced disappearance"  # "cases of X", not "killings"
    assert by_text["51"].claimant["name"] == "Kohistan Rights Forum"
    assert by_text["51"].medium == "written report"
    assert by_text["51"].period == {"start": "2023-01-01", "end": "2023-12-31"}
    assert by_text["at least 9"].claimant["name"] == "Kohistan Rights Forum"  # "the report"
    assert by_text["at least 9"].victim_group is None  # "of the missing": the violation word
    assert by_text["300"].claimant["name"] == "activist group"  # the owner of the claim
    assert by_text["at least 6"].claimant is None and not by_text["at least 6"].attributed


def test_acronym_alias_and_the_party_in_its_own_statement():
    text = ("A judicial inquiry team (JIT) formed by the provincial government has concluded that "
            "three men killed in Sukkur in May were shot in custody.\n\n"
            "The JIT report recommended action.")
    [c] = extract_claims(text, statement_date="2024-08-01").claims
    assert c.claimant["name"] == "judicial inquiry team"
    text = ("Press release\n\nSindh Awami Tehreek\n\nThe party said that 14 of its workers remain "
            "missing.")
    [c] = extract_claims(text, statement_date="2024-08-01").claims
    assert c.claimant["name"] == "Sindh Awami Tehreek" and c.medium == "written report"


def test_coordinated_clauses_share_place_time_and_doers():
    text = ("Three constables were martyred and four others sustained injuries when gunmen opened "
            "fire on a checkpost in the town of Kulachi on Tuesday, police said.")
    claims = extract_claims(text, statement_date="2024-07-17").claims
    assert [(c.quantity["lower"], c.violation) for c in claims] == [(3, "killing"), (4, "injury")]
    for c in claims:
        assert c.place == "Kulachi" and c.period == {"start": "2024-07-16", "end": "2024-07-16"}
        assert c.alleged_perpetrator == "gunmen"
    text = "Nine people have been killed and nearly 40 injured in clashes in Kurram district since May."
    claims = extract_claims(text, statement_date="2024-07-17").claims
    assert [c.violation for c in claims] == ["killing", "injury"]  # "40 injured"
    assert all(c.place == "Kurram" for c in claims)


def test_relative_clauses_about_someone_else():
    text = ("The forum said half-widows, women whose husbands vanished, numbered in the hundreds, "
            "and that the bodies of two men who went missing from Tank were found near the Gomal "
            "river on Monday.")
    claims = extract_claims(text, statement_date="2024-07-17").claims
    assert [c.quantity["text"] for c in claims] == ["two"]
    assert claims[0].violation == "killing" and claims[0].place != "Tank"


def test_pakistani_english_cues():
    res = extract_claims("Two soldiers embraced martyrdom in the exchange of fire, the army said.")
    assert [(c.quantity["lower"], c.violation) for c in res.claims] == [(2, "killing")]
    res = extract_claims("The deceased were identified as Karim Bakhsh Lashari and his cousin "
                         "Nadir Ali, police said.")
    assert {i.victim_name for i in res.candidate_incidents} == {"Karim Bakhsh Lashari", "Nadir Ali"}
    assert all(i.event == "killing" for i in res.candidate_incidents)
    res = extract_claims("Upwards of 9,000 families were forced to leave the valley, the agency said.")
    assert res.claims[0].violation == "displacement"
    res = extract_claims("According to DPO Asad Khattak, the attackers fled towards the mountains.")
    assert res.allegations == []  # doers escaping, said by the police


def test_media_and_the_subject_of_a_second_reporting_verb():
    res = extract_claims("Village elders disputed the account, telling AFP that at least five of "
                         "the dead were labourers.")
    assert res.claims[0].medium == "interview"
    res = extract_claims("Speaking to the protesters, convener Ali Soomro said 30 men were missing.")
    assert res.claims[0].medium is None
    res = extract_claims("A families' group said on Tuesday that about 800 people had disappeared "
                         "in custody since 1990, and accused the authorities of ignoring them.",
                         statement_date="2024-07-16")
    [c] = res.claims
    assert c.claimant["name"] == "families' group" and c.victim_group == "people"
    res = extract_claims("Pakistan's military said its troops had killed 6 militants.")
    assert res.claims[0].claimant["name"] == "military"


def test_two_that_clauses_keep_their_own_scope_and_accusations_of_other_things():
    text = ("The leader claimed that nearly 900 people remained missing and that around 2 lakh "
            "villagers had been displaced from Kohlu district since 2006, and accused the government of "
            "ignoring the families.")
    claims = {c.quantity["text"]: c for c in extract_claims(text, statement_date="2024-01-05").claims}
    assert claims["nearly 900"].place is None and claims["nearly 900"].period["start"] is None
    assert claims["around 2 lakh"].place == "Kohlu"
    assert all(c.alleged_perpetrator is None for c in claims.values())  # ignoring is no violation


def test_in_a_statement_only_the_issuer_speaks_in_writing():
    text = ("Statement by the Hazara Families Council\n\nLawyers for the families said at least 30 "
            "men remain in custody.")
    [c] = extract_claims(text).claims
    assert c.claimant["name"] == "Lawyers for the families" and c.medium is None


def test_periods_pointed_back_to_and_verbs_sharing_one_subject():
    text = ("The forum documented 40 killings in Kech in 2023.\n\n"
            "It said the bodies of 12 men were recovered from Turbat during the year.\n\n"
            "The group also recorded 9 abductions in the same period.")
    claims = {c.quantity["text"]: c for c in extract_claims(text, statement_date="2024-02-01").claims}
    year = {"start": "2023-01-01", "end": "2023-12-31"}
    assert claims["40"].period == year and claims["12"].period == year and claims["9"].period == year
    text = ("Press release\n\nSindh Awami Tehreek\n\nToday the party marks the 3 March 1994 "
            "operation.\n\nThe party said that since the operation began, more than 900 of its "
            "workers had been killed, and that 20 workers remain missing.")
    claims = {c.quantity["text"]: c for c in extract_claims(text, statement_date="2024-03-03").claims}
    assert claims["more than 900"].period == {"start": "1994-03-03", "end": "2024-03-03"}
    assert claims["20"].period == {"start": None, "end": None}  # its own clause names none
    text = "Hundreds of migrants have been rounded up and deported since March last year, elders said."
    [c] = extract_claims(text, statement_date="2024-11-18").claims
    assert c.violation == "arbitrary detention" and c.period == {"start": "2023-03-01", "end": "2024-11-18"}


def test_subject_the_parse_gives_to_a_participle_before_the_reporting_verb():
    res = extract_claims('The Panel on Missing Fishermen, made up of five independent experts, said '
                         'in its annual report that the figures reflected "a persistent pattern" of '
                         'abductions of fishermen in Gwadar.')
    [alleg] = res.allegations
    assert alleg.claimant["name"] == "Panel on Missing Fishermen" and alleg.violation == "abduction"
    assert res.quotes[0].speaker == "Panel on Missing Fishermen"


def test_cases_that_borrow_a_violation_do_not_borrow_its_scope():
    text = ("A UN panel said on Tuesday it had transmitted 40 new cases of enforced disappearance "
            "to Nepal over the past year, and that 95 cases remained outstanding.")
    claims = {c.quantity["text"]: c for c in extract_claims(text, statement_date="2024-09-10").claims}
    assert claims["40"].period["start"] == "2023-09-10"
    assert claims["95"].violation == "enforced disappearance"
    assert claims["95"].place is None and claims["95"].period == {"start": None, "end": None}
