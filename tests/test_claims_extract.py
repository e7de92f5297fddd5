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
