"""Gazetteer lookups with tolerant folding, and place keys."""

from __future__ import annotations

import pytest

from uncounted.normalize.places import Gazetteer, GazetteerError, Place, load_default_gazetteer, place_key


@pytest.fixture(scope="module")
def karachi() -> Gazetteer:
    return load_default_gazetteer()


@pytest.mark.parametrize(
    "text,place_id",
    [
        ("Liaquatabad", "khi-t-liaquatabad"),
        ("Liaqat Abad", "khi-t-liaquatabad"),
        ("LIAQUATABAD", "khi-t-liaquatabad"),
        ("Liaquatabad Town", "khi-t-liaquatabad"),
        ("liaquat-abad", "khi-t-liaquatabad"),
        ("F.B. Area", "khi-n-fbarea"),
        ("FB Area", "khi-n-fbarea"),
        ("F. B. Area", "khi-n-fbarea"),
        ("Federal B Area", "khi-n-fbarea"),
        ("Federal B. Area", "khi-n-fbarea"),
        ("federal-b-area", "khi-n-fbarea"),
        ("Gulshan-e-Iqbal", "khi-t-gulshan"),
        ("Gulshan e Iqbal", "khi-t-gulshan"),
        ("Gulshan-i-Iqbal", "khi-t-gulshan"),
        ("Gulistan-e-Jauhar", "khi-n-gulistanejauhar"),
        ("Gulistan e Johar", "khi-n-gulistanejauhar"),
        ("Nazimabad", "khi-n-nazimabad"),
        ("North Nazimabad", "khi-t-northnazimabad"),
        ("N. Nazimabad", "khi-t-northnazimabad"),
        ("New Karachi", "khi-t-newkarachi"),
        ("Orangi Town", "khi-t-orangi"),
        ("Orangi", "khi-t-orangi"),
        ("Korangi", "khi-t-korangi"),
        ("Landhi", "khi-t-landhi"),
        ("Lyari", "khi-t-lyari"),
        ("Layari", "khi-t-lyari"),
        ("Malir", "khi-t-malir"),
        ("Saddar", "khi-t-saddar"),
        ("Baldia Town", "khi-t-baldia"),
        ("S.I.T.E.", "khi-t-site"),
        ("SITE Area", "khi-t-site"),
        ("Shah Faisal Colony", "khi-t-shahfaisal"),
        ("Lines Area", "khi-n-linesarea"),
        ("Jamshed Town", "khi-t-jamshed"),
        ("Gulberg", "khi-t-gulberg"),
        ("Buffer Zone", "khi-n-bufferzone"),
        ("Surjani Town", "khi-n-surjani"),
        ("Pak Colony", "khi-n-pakcolony"),
        ("Golimar", "khi-n-golimar"),
        ("Pirabad", "khi-n-pirabad"),
        ("Kharadar", "khi-n-kharadar"),
        ("Model Colony", "khi-n-modelcolony"),
        ("Azizabad", "khi-n-azizabad"),
        ("Mehmoodabad", "khi-n-mehmoodabad"),
        ("Mahmoodabad", "khi-n-mehmoodabad"),
        ("Bin Qasim", "khi-t-binqasim"),
        ("Karachi", "khi"),
        ("Korangi District", "khi-d-korangi"),
        ("District Central", "khi-d-central"),
        ("Kemari", "khi-t-keamari"),
        ("Korangi No. 5", "khi-t-korangi"),
        ("Gul Bahar", "khi-n-gulbahar"),
        ("Shah Latif", "khi-n-shahlatif"),
        ("Drigh Colony", "khi-n-drigh"),
        ("Malir City", "khi-t-malir"),
    ],
)
def test_lookup_finds_variants(karachi, text, place_id):
    place = karachi.lookup(text)
    assert place is not None, text
    assert place.place_id == place_id


@pytest.mark.parametrize("text", ["Atlantis", "", "   ", "Timbuktu", "Town"])
def test_unknown_places_give_none(karachi, text):
    assert karachi.lookup(text) is None


def test_orangi_and_korangi_stay_apart():
    assert place_key("Orangi") != place_key("Korangi")
    assert place_key("Nazimabad") != place_key("North Nazimabad")
    assert place_key("New Karachi") != place_key("North Karachi")


def test_place_key_folds_spelling_and_spacing():
    assert place_key("Liaqat Abad") == place_key("Liaquatabad") == place_key("LIAQUAT-ABAD")
    assert place_key("F.B. Area") == place_key("Federal B Area")
    assert place_key("Gulshan-e-Iqbal") == place_key("Gulshan Iqbal")
    assert place_key("Mehmoodabad") == place_key("Mahmudabad")


def test_ancestors(karachi):
    names = [p.name for p in karachi.ancestors("khi-n-fbarea")]
    assert names == ["Gulberg Town", "Karachi Central", "Karachi", "Sindh", "Pakistan"]
    assert karachi.ancestor_at("khi-n-fbarea", "district").place_id == "khi-d-central"
    assert karachi.ancestor_at("khi-d-central", "district").place_id == "khi-d-central"
    assert karachi.ancestor_at("khi", "town") is None
    with pytest.raises(KeyError):
        karachi.ancestors("nowhere")


def test_every_place_reaches_the_country(karachi):
    for place in karachi:
        if place.level != "country":
            assert karachi.ancestors(place.place_id)[-1].place_id == "pk"


def test_every_listed_variant_finds_its_place():
    import csv
    from importlib import resources

    gazetteer = load_default_gazetteer()
    for file_name in ("gazetteer_karachi.csv", "gazetteer_pakistan.csv"):
        path = resources.files("uncounted.normalize").joinpath(f"data/{file_name}")
        with path.open(encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                for name in [row["name"], *filter(None, row["variants"].split("|"))]:
                    found = gazetteer.lookup(name)
                    # "Quetta" is both a district and its town: the finer place wins
                    within = found is not None and row["place_id"] in {
                        found.place_id, *(a.place_id for a in gazetteer.ancestors(found.place_id))}
                    assert within, (file_name, name, found)


@pytest.mark.parametrize("written, place_id, district", [
    ("Turbat", "bal-turbat", "bal-d-kech"), ("Kej", "bal-d-kech", "bal-d-kech"),
    ("D.I. Khan", "kp-dera-ismail-khan", "kp-d-dera-ismail-khan"), ("Queta", "bal-quetta", "bal-d-quetta"),
    ("Hub Chowki", "bal-hub", "bal-d-hub"), ("Nawabshah", "sindh-nawabshah", "sindh-d-shaheed-benazirabad"),
    ("Liaqat Abad", "khi-t-liaquatabad", "khi-d-central"),
])
def test_places_outside_karachi_and_their_districts(written: str, place_id: str, district: str) -> None:
    gazetteer = load_default_gazetteer()
    place = gazetteer.lookup(written)
    assert place is not None and place.place_id == place_id
    assert gazetteer.ancestor_at(place.place_id, "district").place_id == district


def test_custom_gazetteer_from_csv(tmp_path):
    path = tmp_path / "g.csv"
    path.write_text(
        "place_id,name,variants,parent_id,level\n"
        "q,Quetta,Kuetta|Queta,,city\n"
        "q-1,Hazara Town,Hazara|Hazara Twn,q,neighbourhood\n",
        encoding="utf-8",
    )
    gazetteer = Gazetteer.from_csv(path)
    assert len(gazetteer) == 2
    assert gazetteer.lookup("Queta") == Place("q", "Quetta", None, "city")
    assert gazetteer.lookup("hazara").place_id == "q-1"
    assert gazetteer.ancestors("q-1") == [gazetteer.get("q")]


@pytest.mark.parametrize(
    "content,fragment",
    [
        ("place_id,name,parent_id,level\nq,Quetta,,city\n", "missing column"),
        ("place_id,name,variants,parent_id,level\nq,Quetta,,,planet\n", "level 'planet'"),
        ("place_id,name,variants,parent_id,level\nq,Quetta,,x,city\n", "not in the gazetteer"),
        ("place_id,name,variants,parent_id,level\n,Quetta,,,city\n", "required"),
        ("place_id,name,variants,parent_id,level\nq,Quetta,,,city\nq,Queta,,,city\n", "unique"),
    ],
)
def test_malformed_gazetteers_are_rejected(tmp_path, content, fragment):
    path = tmp_path / "bad.csv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(GazetteerError) as caught:
        Gazetteer.from_csv(path)
    assert fragment in str(caught.value)


def test_ambiguous_names_give_none(tmp_path):
    path = tmp_path / "g.csv"
    path.write_text(
        "place_id,name,variants,parent_id,level\n"
        "a,Alpha City,,,city\nb,Beta City,,,city\n"
        "a1,Saddar,,a,neighbourhood\nb1,Saddar,,b,neighbourhood\n",
        encoding="utf-8",
    )
    gazetteer = Gazetteer.from_csv(path)
    assert gazetteer.lookup("Saddar") is None
    assert {p.place_id for p in gazetteer.candidates("Saddar")} == {"a1", "b1"}


def test_a_place_and_its_ancestor_with_one_name_count_once(tmp_path):
    path = tmp_path / "g.csv"
    path.write_text(
        "place_id,name,variants,parent_id,level\n"
        "d,Korangi,,,district\nt,Korangi Town,Korangi,d,town\n",
        encoding="utf-8",
    )
    gazetteer = Gazetteer.from_csv(path)
    assert [p.place_id for p in gazetteer.candidates("Korangi")] == ["t"]
    assert gazetteer.lookup("Korangi").place_id == "t"


def test_places_written_in_urdu_script(karachi) -> None:
    """Urdu names of Karachi's towns find their place, however the Urdu was typed (Arabic yeh and
    kaf, vowel marks, a zero-width non-joiner); different names keep different keys."""
    assert karachi.lookup("لیاری").place_id == "khi-t-lyari"
    assert karachi.lookup("ليارى").place_id == "khi-t-lyari"  # Arabic yeh
    assert karachi.lookup("لیاقت\u200cآباد").place_id == "khi-t-liaquatabad"
    assert karachi.lookup("کورنگی").place_id == "khi-t-korangi" and karachi.lookup("اورنگی").place_id == "khi-t-orangi"
    assert place_key("ملیر") != place_key("لیاری") and place_key("ملیر") != ""
    assert place_key("Lyari") == "lyari" and place_key("Korangi No. 2") == place_key("korangi no 2")
