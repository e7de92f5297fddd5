"""Controlled vocabularies: synonyms, per-source overrides, sexes."""

from __future__ import annotations

import pytest

from uncounted.normalize.vocab import (
    CERTAINTY_VOCAB,
    CUSTODY_VOCAB,
    PERPETRATOR_VOCAB,
    PERPETRATORS,
    SEXES,
    STATUS_VOCAB,
    VIOLATION_VOCAB,
    VIOLATIONS,
    VOCABULARIES,
    Vocabulary,
    parse_sex,
)


@pytest.mark.parametrize(
    "text,label",
    [
        ("killed", "killing"),
        ("Murdered", "killing"),
        ("shot dead", "killing"),
        ("was shot dead by unknown persons", "killing"),
        ("Extra-judicial killing", "killing"),
        ("extrajudicial killing", "killing"),
        ("target killing", "killing"),
        ("Body found", "killing"),
        ("bullet-riddled body found", "killing"),
        ("missing", "enforced_disappearance"),
        ("Disappeared", "enforced_disappearance"),
        ("picked up", "enforced_disappearance"),
        ("Picked up by agencies", "enforced_disappearance"),
        ("Enforced Disappearance", "enforced_disappearance"),
        ("enforced_disappearance", "enforced_disappearance"),
        ("abducted", "abduction"),
        ("kidnapped", "abduction"),
        ("arrested", "arbitrary_detention"),
        ("detained", "arbitrary_detention"),
        ("tortured", "torture"),
        ("died in custody", "death_in_custody"),
        ("custodial death", "death_in_custody"),
        ("tortured to death", "death_in_custody"),
        ("picked up and later found dead", "killing"),
        ("Died in police custody", "death_in_custody"),
        ("killed in Rangers' custody", "death_in_custody"),
        ("found dead in the lock-up", "death_in_custody"),
        ("killed in cell phone snatching", "killing"),
        ("arrested and later killed in an encounter", "killing"),
        ("EJK", "killing"),
        ("qatl", "killing"), ("ghayab", "enforced_disappearance"), ("giraftar", "arbitrary_detention"),
        ("agwa", "abduction"), ("tashadud", "torture"), ("hirasat mein maut", "death_in_custody"),
        ("picked up and not released", "enforced_disappearance"),
        ("لاپتہ", "enforced_disappearance"),
    ],
)
def test_violation_synonyms(text, label):
    assert VIOLATION_VOCAB.classify(text) == label


@pytest.mark.parametrize(
    "text,label",
    [
        ("Rangers", "paramilitary"),
        ("Sindh Rangers", "paramilitary"),
        ("FC", "paramilitary"),
        ("Frontier Corps", "paramilitary"),
        ("ISI", "intelligence_agency"),
        ("MI", "intelligence_agency"),
        ("IB", "intelligence_agency"),
        ("agencies", "intelligence_agency"),
        ("Army", "army"),
        ("military", "army"),
        ("police", "police"),
        ("CTD", "police"),
        ("CIA", "police"),
        ("CIA Police", "police"),
        ("unknown persons", "unknown"),
        ("unidentified", "unknown"),
        ("militants", "armed_group"),
        ("armed group", "armed_group"),
        ("party workers", "armed_group"),
        ("picked up by Rangers and police", "paramilitary"),
        # a phrase inside a longer phrase that matched says nothing of its own
        ("Law enforcement agencies", "police"),
        ("picked up by law enforcement agencies", "police"),
        ("taken by unknown armed men", "unknown"),
        ("Plain clothed men", "unknown"),
        ("men in plain clothes and Rangers", "paramilitary"),
        ("ISI and law enforcement agencies", "intelligence_agency"),
    ],
)
def test_perpetrator_synonyms(text, label):
    assert PERPETRATOR_VOCAB.classify(text) == label


@pytest.mark.parametrize("text", ["gunshot injuries", "banana", "", None, "   "])
def test_unrecognised_text_gives_none(text):
    assert VIOLATION_VOCAB.classify(text) is None


def test_whole_words_only():
    assert PERPETRATOR_VOCAB.classify("Ibrahim") is None  # contains "ib" but not as a word
    assert PERPETRATOR_VOCAB.classify("family") is None  # contains "mi"


def test_classify_all_names_every_act():
    assert VIOLATION_VOCAB.classify_all("abducted and tortured") == ["abduction", "torture"]


def test_per_source_overrides():
    morgue = VIOLATION_VOCAB.with_overrides({"Gunshot injuries": "killing", "missing": "other"})
    assert morgue.classify("gunshot injuries") == "killing"
    assert morgue.classify("GUNSHOT  INJURIES.") == "killing"
    assert morgue.classify("missing") == "other"
    assert VIOLATION_VOCAB.classify("gunshot injuries") is None  # the default is unchanged
    assert VIOLATION_VOCAB.classify("missing") == "enforced_disappearance"


def test_overrides_must_use_known_labels():
    with pytest.raises(ValueError, match="not one of"):
        VIOLATION_VOCAB.with_overrides({"gunshot injuries": "shooting"})


def test_every_synonym_maps_to_a_label_of_its_vocabulary():
    for vocabulary in VOCABULARIES.values():
        assert isinstance(vocabulary, Vocabulary)
        assert set(vocabulary.synonyms.values()) <= set(vocabulary.labels)
        for label in vocabulary.labels:
            assert vocabulary.classify(label) == label


def test_constants():
    assert VIOLATIONS == ("killing", "enforced_disappearance", "abduction", "arbitrary_detention", "torture", "death_in_custody", "other")
    assert PERPETRATORS == ("army", "paramilitary", "police", "intelligence_agency", "armed_group", "unknown")
    assert SEXES == ("male", "female", "unknown")


@pytest.mark.parametrize(
    "vocabulary,text,label",
    [
        (STATUS_VOCAB, "still missing", "still_missing"),
        (STATUS_VOCAB, "released", "released"),
        (STATUS_VOCAB, "body found", "found_dead"),
        (STATUS_VOCAB, "dead", "dead"),
        (STATUS_VOCAB, "Shaheed", "dead"),
        (STATUS_VOCAB, "not released", "still_missing"),
        (STATUS_VOCAB, "never returned", "still_missing"),
        (STATUS_VOCAB, "wapas nahi aaya", "still_missing"),
        (STATUS_VOCAB, "reha", "released"),
        (STATUS_VOCAB, "not killed", None),
        (CERTAINTY_VOCAB, "not verified", None),
        (VIOLATION_VOCAB, "not arrested", None),
        (CERTAINTY_VOCAB, "verified", "confirmed"),
        (CERTAINTY_VOCAB, "probable", "likely"),
        (CUSTODY_VOCAB, "denied", "denied"),
        (CUSTODY_VOCAB, "custody acknowledged", "acknowledged"),
    ],
)
def test_other_vocabularies(vocabulary, text, label):
    assert vocabulary.classify(text) == label


@pytest.mark.parametrize(
    "text,sex",
    [
        ("M", "male"), ("m", "male"), ("Male", "male"), ("man", "male"), ("boy", "male"),
        ("F", "female"), ("female", "female"), ("Woman", "female"), ("girl", "female"), ("عورت", "female"),
        ("Larka", "male"), ("Larki", "female"), ("Khatoon", "female"),
        ("unknown", "unknown"), ("xyz", None), ("", None), (None, None),
    ],
)
def test_parse_sex(text, sex):
    assert parse_sex(text) == sex


@pytest.mark.parametrize("text,label", [
    ("Firearm injuries", "killing"), ("gunshot", "killing"), ("Bullet wounds", "killing"),
    ("MULTIPLE BULLET INJURIES", "killing"), ("Strangulation", "killing"), ("stab wounds", "killing"),
    ("Torture marks + gunshot", "killing"), ("blunt trauma", "killing"), ("shot dead", "killing"),
    ("Died in custody", "death_in_custody"), ("tortured to death", "death_in_custody"),
    ("drowning", None), ("Heart failure", None), ("Road accident", None), ("natural", None),
    ("Natural death", None), ("accidental death", None),
])
def test_morgue_reads_causes_of_death(text, label):
    from uncounted.normalize.vocab import MORGUE_VIOLATION_VOCAB, violation_vocabulary

    assert violation_vocabulary("morgue_or_hospital") is MORGUE_VIOLATION_VOCAB
    assert MORGUE_VIOLATION_VOCAB.classify(text) == label


def test_morgue_words_stay_out_of_other_kinds_and_the_sources_words_win():
    from uncounted.normalize.vocab import MORGUE_VIOLATION_VOCAB, violation_vocabulary

    assert violation_vocabulary("ngo_list") is VIOLATION_VOCAB and violation_vocabulary(None) is VIOLATION_VOCAB
    assert VIOLATION_VOCAB.classify("Firearm injuries") is None
    assert VIOLATION_VOCAB.classify("natural death") == "killing"  # elsewhere "death" still reads as a killing
    source = MORGUE_VIOLATION_VOCAB.with_overrides({"gunshot injuries": "torture", "drowning": "other"})
    assert source.classify("Gunshot injuries") == "torture"  # the source's phrase, whole
    assert source.classify("gunshot") == "killing"
    assert source.classify("Drowning") == "other"
    assert source.classify("heart failure") is None
    with pytest.raises(ValueError):
        VIOLATION_VOCAB.with_kind_words({"gunshot": "shooting"})
