"""The forms of the workflow events: which fields each event asks for, and turning a submitted form
into the event's inputs (the engine validates them)."""

from __future__ import annotations

from engine.eventdef import EventDef
from engine.errors import InputError
from engine.outcomes import GROUNDS, OUTCOMES, PART_GROUNDS
from engine.receipt import CHANNELS
from engine.services.catalog import EVENTS

FACT_FIELDS = {k: v[1] for k, v in CHANNELS.items()}

# The details of every outcome, as form fields ``d_<key>`` (the ground as ``ground``).
DETAIL_FIELDS: list[tuple] = [
    ("ground", "不予公开理由类别（不予公开、部分公开）", "select", [("", "—")] + [(k, g.label) for k, g in GROUNDS.items()]),
    *[(f"d_{key}", label, "lines" if kind in ("list", "parts") else ("date" if kind == "date" else "textarea"), None)
      for key, (label, kind) in {d.key: (d.label, d.kind) for o in OUTCOMES.values() for d in o.details
                                 if d.key != "ground"}.items()],
]
LIST_KEYS = {d.key for o in OUTCOMES.values() for d in o.details if d.kind == "list"}
PART_SEPARATORS = ("｜", "|")
ALL_DETAIL_KEYS = {d.key for o in OUTCOMES.values() for d in o.details}



def _fields(event: EventDef) -> list[tuple]:
    out: list[tuple] = []
    for f in event.form:
        if f.kind == "details":  # the decision's details, one field each
            out += DETAIL_FIELDS
        else:
            out.append((f.name, event.form_label(f), f.kind, list(f.choices) if f.choices else None))
    return out


# event → [(name, label, kind, choices)], read from each event's declaration (EventDef.form)
EVENT_FIELDS: dict[str, list[tuple]] = {name: _fields(e) for name, e in EVENTS.items() if e.decide is not None}


def inputs_from_form(event: str, form: dict[str, str]) -> dict:
    """Submitted strings → the event's inputs; empty fields are left out (the engine says what is missing)."""
    fields = EVENT_FIELDS.get(event, [])
    out: dict = {}
    if event == "decide":
        outcome = form.get("outcome", "")
        wanted = {d.key for d in OUTCOMES[outcome].details} if outcome in OUTCOMES else set()
        return {"outcome": outcome, "details": _details_from_form(form, wanted),
                "confirm": form.get("confirm") in ("on", "true", "1"),
                "documents": [int(x) for x in (form.get("documents") or "").split(",") if x.strip().isdigit()]}
    if event == "edit_letter":
        out = {"letter_id": int(v) if (v := form.get("letter_id", "").strip()).isdigit() else v}
        if (summary := (form.get("request_summary") or "").strip()):
            out["request_summary"] = summary
        if (details := _details_from_form(form, ALL_DETAIL_KEYS)):
            out["details"] = details
        return out
    for name, _label, kind, _choices in fields:
        raw = form.get(name)
        if kind == "checkbox":
            out[name] = raw in ("on", "true", "1")
            continue
        if raw is None or str(raw).strip() == "":
            continue
        value = str(raw).strip()
        if kind == "lines":
            out[name] = [x.strip() for x in value.splitlines() if x.strip()]
        elif kind in ("number", "letter", "consultation", "service_proof"):
            out[name] = int(value) if value.isdigit() else value
        elif name == "approve":
            out[name] = value == "true"
        else:
            out[name] = value
    if event in ("receive_correction", "excuse_late_correction") and "channel" in out:
        received = out.pop("received_on", None)
        out["channel_facts"] = {FACT_FIELDS[out["channel"]]: received} if received else {}
    return out


def _details_from_form(form: dict[str, str], keys: set[str]) -> dict:
    """The filled-in detail fields among ``keys`` (attachments one a line)."""
    details: dict = {}
    for key in keys:
        if key == "ground":
            if form.get("ground"):
                details["ground"] = form["ground"]
            continue
        value = (form.get(f"d_{key}") or "").strip()
        if not value:
            continue
        lines = [x.strip() for x in value.splitlines() if x.strip()]
        if key == "withheld_parts":
            details[key] = [_part_from_line(n, line) for n, line in enumerate(lines, 1)]
        else:
            details[key] = lines if key in LIST_KEYS else value
    return details


def _part_from_line(n: int, line: str) -> dict:
    """“部分｜理由类别｜理由” → one withheld part; the category by its code, its name or a word of it
    (e.g. 商业秘密, 过程性信息, 行政查询, 政府信息)."""
    for sep in PART_SEPARATORS:
        line = line.replace(sep, "｜")
    fields = [x.strip() for x in line.split("｜", 2)]
    if len(fields) != 3:
        raise InputError(f"不予公开的部分第{n}行应写成“部分｜理由类别｜理由”", field="details.withheld_parts")
    part, ground, reasons = fields
    return {"part": part, "ground": _ground_code(ground), "reasons": reasons}


def _ground_code(text: str) -> str:
    if text in PART_GROUNDS:
        return text
    found = [g.code for g in PART_GROUNDS.values() if text and (text == g.label or text in g.label)]
    return found[0] if len(found) == 1 else text  # unknown or ambiguous: the engine names the choices
