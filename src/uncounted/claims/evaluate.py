"""Score the extractor against a gold corpus: per-field precision, recall and F1.

Matching rule (also in docs/claims.md): within one item, a predicted claim is aligned to a
gold claim when their quantities have the same lower and upper bounds and their evidence
sentences overlap (at least half of the shorter one's words are shared); each gold claim
takes the best such prediction, one to one. For every field, an aligned pair whose values
agree is a true positive; a filled predicted value that disagrees, or that belongs to an
unaligned prediction, is a false positive; a filled gold value that is missed or wrong is a
false negative. List fields (hedges) are scored per element.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from uncounted.errors import ClaimsError

from . import lexicon as lx
from .attribution import hedges_in, medium_in
from .extract import extract_many
from .text import read_report

VIOLATION_SYNONYMS = {
    "killing": "killing", "killings": "killing", "killed": "killing", "death": "killing",
    "deaths": "killing", "murder": "killing", "extrajudicial killing": "killing",
    "enforced disappearance": "enforced disappearance", "disappearance": "enforced disappearance",
    "disappeared": "enforced disappearance", "missing": "enforced disappearance",
    "abduction": "abduction", "kidnapping": "abduction", "abducted": "abduction",
    "arbitrary detention": "arbitrary detention", "detention": "arbitrary detention",
    "arrest": "arbitrary detention", "arrests": "arbitrary detention",
    "torture": "torture", "injury": "injury", "injuries": "injury", "injured": "injury",
    "wounded": "injury", "displacement": "displacement", "displaced": "displacement",
}
MEDIA = ("video address", "press conference", "social media post", "interview", "written report")


def canonical_violation(value):
    """Another annotator's violation label in this vocabulary ("enforced_disappearance")."""
    if not isinstance(value, str):
        return value
    v = " ".join(value.lower().replace("_", " ").split())
    return VIOLATION_SYNONYMS.get(v, lx.WORD_TO_VIOLATION.get(v, v))


def canonical_medium(value):
    if not isinstance(value, str):
        return value
    v = " ".join(value.lower().replace("_", " ").split())
    return v if v in MEDIA else (medium_in(value) or v)


def canonical_hedges(values) -> set[str]:
    """Hedge cues as labels ("claims" -> "claimed"); unknown cues kept as written."""
    out = set()
    for v in values or []:
        labels = hedges_in(str(v))
        out.update(labels or [str(v).lower().strip()])
    return out

CLAIM_FIELDS = (
    "claim", "claimant.name", "claimant.role", "medium", "relayed_by", "statement_date",
    "quantity.bounds", "quantity.qualifier", "violation", "victim_group", "place", "period",
    "alleged_perpetrator", "attributed", "hedges", "evidence_text", "quotes",
)
ALLEGATION_FIELDS = ("allegation", "allegation.violation", "allegation.claimant.name",
                     "allegation.alleged_perpetrator")
INCIDENT_FIELDS = ("incident", "incident.event", "incident.date", "incident.place",
                   "incident.alleged_perpetrator")
QUOTE_FIELDS = ("quote", "quote.speaker")

_STOP = {"the", "a", "an", "his", "her", "their", "its", "our", "of", "and", "in", "s", "for"}


def norm_tokens(text: str | None) -> list[str]:
    if not text:
        return []
    text = text.lower().replace("’", "'")
    text = re.sub(r"'s\b", "", text)
    return [t for t in re.findall(r"[\w-]+", text) if t not in _STOP]


def text_match(pred: str | None, gold: str | None) -> bool:
    """Lenient match: same words, or one value's words all inside the other's."""
    p, g = set(norm_tokens(pred)), set(norm_tokens(gold))
    if not p or not g:
        return False
    return p <= g or g <= p


def role_match(pred: str | None, gold: str | None) -> bool:
    p, g = set(norm_tokens(pred)), set(norm_tokens(gold))
    if not p or not g:
        return False
    return p <= g or g <= p or len(p & g) / len(p | g) >= 0.5


def relay_set(value) -> frozenset[str]:
    if not value:
        return frozenset()
    parts = value if isinstance(value, (list, tuple)) else str(value).split(",")
    return frozenset(" ".join(norm_tokens(v)) for v in parts if norm_tokens(str(v)))


def overlap(a: str | None, b: str | None) -> float:
    """Share of the shorter text's words found in the other."""
    ta, tb = norm_tokens(a), norm_tokens(b)
    if not ta or not tb:
        return 0.0
    short, other = (ta, set(tb)) if len(ta) <= len(tb) else (tb, set(ta))
    return sum(1 for t in short if t in other) / len(short)


@dataclass
class Tally:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, tp: int = 0, fp: int = 0, fn: int = 0) -> None:
        self.tp += tp
        self.fp += fp
        self.fn += fn

    @property
    def precision(self) -> float | None:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else None

    @property
    def recall(self) -> float | None:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else None

    @property
    def f1(self) -> float | None:
        p, r = self.precision, self.recall
        if p is None or r is None:
            return None
        return 0.0 if p + r == 0 else 2 * p * r / (p + r)

    def to_dict(self) -> dict:
        return {"tp": self.tp, "fp": self.fp, "fn": self.fn, "precision": self.precision,
                "recall": self.recall, "f1": self.f1}


@dataclass
class EvaluationReport:
    items: int
    fields: dict[str, Tally] = field(default_factory=dict)
    errors: list[dict] = field(default_factory=list)

    def micro(self, names: tuple[str, ...] = CLAIM_FIELDS) -> Tally:
        total = Tally()
        for n in names:
            t = self.fields.get(n)
            if t:
                total.add(t.tp, t.fp, t.fn)
        return total

    def to_dict(self) -> dict:
        return {"items": self.items,
                "fields": {k: v.to_dict() for k, v in self.fields.items()},
                "claim_fields_micro": self.micro().to_dict(),
                "errors": self.errors}


def _get(d: dict | None, path: str):
    cur = d
    for part in path.split("."):
        if cur is None:
            return None
        cur = cur.get(part) if isinstance(cur, dict) else None
    return cur


def _filled(value) -> bool:
    if value is None or value == "" or value == []:
        return False
    if isinstance(value, dict):
        return any(v is not None for v in value.values())
    return True


def _same(name: str, pred, gold) -> bool:
    if name in ("claimant.name", "victim_group", "place", "alleged_perpetrator",
                "allegation.claimant.name", "allegation.alleged_perpetrator", "incident.place",
                "incident.alleged_perpetrator", "quote.speaker"):
        return text_match(pred, gold)
    if name == "claimant.role":
        return role_match(pred, gold)
    if name == "relayed_by":
        return relay_set(pred) == relay_set(gold)
    if name in ("violation", "allegation.violation", "incident.event"):
        return canonical_violation(pred) == canonical_violation(gold)
    if name == "medium":
        return canonical_medium(pred) == canonical_medium(gold)
    if name == "period":
        return _period(pred) == _period(gold)
    if name == "evidence_text":
        return overlap(pred, gold) >= 0.8 and len(norm_tokens(pred)) <= 2 * len(norm_tokens(gold)) + 3
    return pred == gold


def _bounds(claim: dict) -> list:
    q = claim.get("quantity") or {}
    return [q.get("lower"), q.get("upper")]


def _open_end(pred, gold, pred_date, gold_date):
    """An open end ("since 1992": end null) equals an end on the statement date."""
    if not isinstance(pred, dict) or not isinstance(gold, dict):
        return pred
    p_end, g_end = pred.get("end"), gold.get("end")
    if g_end is None and p_end is not None and p_end in (pred_date, gold_date):
        return {**pred, "end": None}
    if p_end is None and g_end is not None and g_end in (pred_date, gold_date) and pred.get("start"):
        return {**pred, "end": g_end}
    return pred


def _period(value) -> tuple:
    if isinstance(value, dict):
        return (str(value.get("start"))[:10] if value.get("start") else None,
                str(value.get("end"))[:10] if value.get("end") else None)
    return (None, None)


def _score_field(tally: Tally, name: str, pred, gold, aligned: bool) -> bool:
    """Add one value pair to the tally; True when it counts as correct (or both empty)."""
    pf, gf = _filled(pred), _filled(gold)
    if isinstance(gold, bool) or isinstance(pred, bool):
        pf = pred is not None
        gf = gold is not None
    if aligned and pf and gf and _same(name, pred, gold):
        tally.add(tp=1)
        return True
    tally.add(fp=int(pf), fn=int(gf))
    return not pf and not gf


def _align(preds: list[dict], golds: list[dict], key) -> list[tuple[dict | None, dict | None]]:
    """One-to-one pairs by `key(pred, gold) -> score or None`; leftovers paired with None."""
    used: set[int] = set()
    pairs: list[tuple[dict | None, dict | None]] = []
    for g in golds:
        best, best_score = None, None
        for i, p in enumerate(preds):
            if i in used:
                continue
            s = key(p, g)
            if s is not None and (best_score is None or s > best_score):
                best, best_score = i, s
        if best is None:
            pairs.append((None, g))
        else:
            used.add(best)
            pairs.append((preds[best], g))
    pairs.extend((p, None) for i, p in enumerate(preds) if i not in used)
    return pairs


def _figures(q: dict) -> set:
    return {v for v in (q.get("lower"), q.get("upper")) if v is not None}


def _claim_key(p: dict, g: dict) -> float | None:
    pq, gq = p.get("quantity") or {}, g.get("quantity") or {}
    if not _figures(pq) or _figures(pq) != _figures(gq):
        return None  # the same figures, whatever bounds an annotator gave "nearly 500"
    ov = overlap(p.get("evidence_text"), g.get("evidence_text"))
    return ov if ov >= 0.5 else None


def _score_claims(report: EvaluationReport, item: str, preds: list[dict], golds: list[dict]) -> None:
    for p, g in _align(preds, golds, _claim_key):
        aligned = p is not None and g is not None
        report.fields["claim"].add(tp=int(aligned), fp=int(g is None), fn=int(p is None))
        wrong = []
        for name in CLAIM_FIELDS[1:]:
            if name == "hedges":
                ph = canonical_hedges((p or {}).get("hedges"))
                gh = canonical_hedges((g or {}).get("hedges"))
                if aligned:
                    report.fields[name].add(tp=len(ph & gh), fp=len(ph - gh), fn=len(gh - ph))
                    if ph != gh:
                        wrong.append((name, sorted(ph), sorted(gh)))
                else:
                    report.fields[name].add(fp=len(ph), fn=len(gh))
                continue
            if name == "quotes":
                pv = bool((p or {}).get("quotes")) if p is not None else None
                gv = bool((g or {}).get("quotes")) if g is not None else None
                ok = _score_field(report.fields[name], name, pv or None, gv or None, aligned)
            elif name == "quantity.bounds":
                pv = _bounds(p) if p is not None else None
                gv = _bounds(g) if g is not None else None
                ok = _score_field(report.fields[name], name, pv, gv, aligned)
            else:
                pv, gv = _get(p, name), _get(g, name)
                if name == "period" and aligned:
                    pv = _open_end(pv, gv, (p or {}).get("statement_date"),
                                   (g or {}).get("statement_date"))
                ok = _score_field(report.fields[name], name, pv, gv, aligned)
            if aligned and not ok:
                wrong.append((name, pv, gv))
        if not aligned or wrong:
            report.errors.append({
                "item": item, "kind": "claim",
                "status": "missed" if p is None else "spurious" if g is None else "fields",
                "quantity": ((g or p).get("quantity") or {}).get("text"),
                "evidence": str((g or p).get("evidence_text"))[:120],
                "wrong": [{"field": n, "pred": pv, "gold": gv} for n, pv, gv in wrong],
            })


def _score_simple(report: EvaluationReport, item: str, kind: str, preds, golds, key,
                  fields: dict[str, str]) -> None:
    for p, g in _align(preds, golds, key):
        aligned = p is not None and g is not None
        report.fields[kind].add(tp=int(aligned), fp=int(g is None), fn=int(p is None))
        wrong = []
        for name, path in fields.items():
            pv, gv = _get(p, path), _get(g, path)
            if not _score_field(report.fields[name], name, pv, gv, aligned) and aligned:
                wrong.append({"field": name, "pred": pv, "gold": gv})
        if not aligned or wrong:
            report.errors.append({"item": item, "kind": kind,
                                  "status": "missed" if p is None else "spurious" if g is None
                                  else "fields",
                                  "evidence": str((g or p).get("evidence_text") or
                                                  (g or p).get("text"))[:120],
                                  "wrong": wrong})


def _sentence_key(pred: str | None, gold: str | None) -> float | None:
    ov = overlap(pred, gold)
    return ov if ov >= 0.6 else None


def load_gold(gold_dir: Path) -> list[tuple[str, str, dict]]:
    """(item id, text, gold) for every NN.txt/NN.json pair in the folder."""
    if not gold_dir.is_dir():
        raise ClaimsError(f"Gold folder not found: {gold_dir}. Give a folder of NN.txt + NN.json.")
    items = []
    for js in sorted(gold_dir.glob("*.json")):
        txt = js.with_suffix(".txt")
        if not txt.exists():
            html = js.with_suffix(".html")
            if not html.exists():
                raise ClaimsError(f"{js} has no matching {txt.name}; each gold JSON needs its text.")
            txt = html
        try:
            gold = json.loads(js.read_text(encoding="utf-8"))
        except json.JSONDecodeError as exc:
            raise ClaimsError(f"{js} is not valid JSON ({exc}). Fix the file.") from exc
        items.append((js.stem, read_report(txt), gold))
    if not items:
        raise ClaimsError(f"No gold items (NN.json) in {gold_dir}.")
    return items


def evaluate_dir(gold_dir: Path | str) -> EvaluationReport:
    """Run the extractor over a gold folder and score it field by field."""
    items = load_gold(Path(gold_dir))
    report = EvaluationReport(items=len(items))
    for name in CLAIM_FIELDS + ALLEGATION_FIELDS + INCIDENT_FIELDS + QUOTE_FIELDS:
        report.fields[name] = Tally()
    # "published" (optional) is input metadata, as a news feed gives a story's date; the gold
    # statement_date is never passed to the extractor
    results = extract_many([(text, item, gold.get("published")) for item, text, gold in items])
    for (item, _, gold), result in zip(items, results):
        pred = result.to_dict()
        _score_claims(report, item, pred["claims"], gold.get("claims", []))
        _score_simple(report, item, "allegation", pred["allegations"], gold.get("allegations", []),
                      lambda p, g: _sentence_key(p.get("evidence_text"), g.get("evidence_text")),
                      {"allegation.violation": "violation",
                       "allegation.claimant.name": "claimant.name",
                       "allegation.alleged_perpetrator": "alleged_perpetrator"})
        _score_simple(report, item, "incident", pred["candidate_incidents"],
                      gold.get("candidate_incidents", []),
                      lambda p, g: 1.0 if text_match(p.get("victim_name"), g.get("victim_name"))
                      else None,
                      {"incident.event": "event", "incident.date": "date",
                       "incident.place": "place",
                       "incident.alleged_perpetrator": "alleged_perpetrator"})
        _score_simple(report, item, "quote", pred["quotes"], gold.get("quotes", []),
                      lambda p, g: _sentence_key(p.get("text"), g.get("text")),
                      {"quote.speaker": "speaker"})
    return report


def format_report(report: EvaluationReport) -> str:
    """A plain table of the per-field scores."""
    lines = [f"Claim extraction evaluation on {report.items} items", "",
             f"{'field':32} {'TP':>5} {'FP':>5} {'FN':>5} {'P':>6} {'R':>6} {'F1':>6}"]

    def fmt(x: float | None) -> str:
        return "   -  " if x is None else f"{x:6.3f}"

    groups = (CLAIM_FIELDS, ALLEGATION_FIELDS, INCIDENT_FIELDS, QUOTE_FIELDS)
    for group in groups:
        for name in group:
            t = report.fields[name]
            lines.append(f"{name:32} {t.tp:5d} {t.fp:5d} {t.fn:5d} {fmt(t.precision)} "
                         f"{fmt(t.recall)} {fmt(t.f1)}")
        lines.append("")
    m = report.micro()
    lines.append(f"{'claim fields, micro-average':32} {m.tp:5d} {m.fp:5d} {m.fn:5d} "
                 f"{fmt(m.precision)} {fmt(m.recall)} {fmt(m.f1)}")
    return "\n".join(lines)
