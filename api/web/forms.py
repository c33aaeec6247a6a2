"""The forms of the workflow events: which fields each event asks for, and turning a submitted form
into the event's inputs (the engine validates them)."""

from __future__ import annotations

from dataclasses import dataclass

from engine.eventdef import EventDef
from engine.errors import InputError
from engine.outcomes import DETAIL_HELP, GROUNDS, OUTCOMES, PART_GROUNDS
from engine.receipt import CHANNELS
from engine.services.catalog import EVENTS

FACT_FIELDS = {k: v[1] for k, v in CHANNELS.items()}


@dataclass(frozen=True)
class WebField:
    """One field of a workbench form. ``outcomes``: for a decision detail, the outcomes that ask for it
    (the page shows it only for those; without JavaScript every field shows, with these names);
    ``required_for``: those among them that require it."""

    name: str
    label: str
    kind: str
    choices: list | None = None
    help: str = ""
    outcomes: tuple[str, ...] = ()
    required_for: tuple[str, ...] = ()
    required: bool = False  # an input the event always needs (marked *)

    def __iter__(self):  # (name, label, kind, choices), as the forms have always been unpacked
        return iter((self.name, self.label, self.kind, self.choices))


# Attachments are typed one a line until the case's documents can be chosen from (the documents work):
# then the "attachments" detail gets a kind of its own here, listing the case's documents.
def detail_field_name(key: str) -> str:
    return "ground" if key == "ground" else f"d_{key}"


_DETAIL_KINDS = {"list": "lines", "parts": "lines", "date": "date", "choice": "select", "text": "textarea"}
PART_SEPARATORS = ("｜", "|")


def _options(detail) -> list[tuple[str, str]]:
    """A choice detail's options: its own (``choices``, code → label) if it declares them, else the
    grounds for withholding."""
    own = getattr(detail, "choices", None)
    return list(dict(own).items()) if own else [(k, g.label) for k, g in GROUNDS.items()]


def _detail_fields() -> list[WebField]:
    """Every outcome's details as form fields, each once, in the order the outcomes list them; driven by
    ``engine.outcomes.OUTCOMES`` alone, so a detail added there appears here."""
    seen: dict[str, WebField] = {}
    for o in OUTCOMES.values():
        if not o.by_decision:
            continue
        for d in o.details:
            if d.key not in seen:
                choices = [("", "—"), *_options(d)] if d.kind == "choice" else None
                seen[d.key] = WebField(detail_field_name(d.key), d.label, _DETAIL_KINDS.get(d.kind, "textarea"),
                                       choices, DETAIL_HELP.get(d.key, ""))
            f = seen[d.key]
            seen[d.key] = WebField(f.name, f.label, f.kind, f.choices, f.help, (*f.outcomes, o.code),
                                   (*f.required_for, o.code) if d.required else f.required_for)
    return list(seen.values())


DETAIL_FIELDS = _detail_fields()
ALL_DETAIL_KEYS = {d.key for o in OUTCOMES.values() for d in o.details}
# outcome → the names of its fields and the required ones (the decision form's script reads these)
OUTCOME_FIELDS = {o.code: {"fields": [detail_field_name(d.key) for d in o.details],
                           "required": [detail_field_name(d.key) for d in o.details if d.required]}
                  for o in OUTCOMES.values() if o.by_decision}


def _fields(event: EventDef) -> list[WebField]:
    out: list[WebField] = []
    for f in event.form:
        if f.kind == "details":  # the decision's details, one field each
            out += DETAIL_FIELDS
        else:
            info = event.inputs.model_fields.get(f.name)
            out.append(WebField(f.name, event.form_label(f), f.kind, list(f.choices) if f.choices else None,
                                (info.description or "") if info else "",
                                required=bool(info and info.is_required() and f.kind != "checkbox")))
    return out


# event → its fields, read from each event's declaration (EventDef.form)
EVENT_FIELDS: dict[str, list[WebField]] = {name: _fields(e) for name, e in EVENTS.items() if e.decide is not None}


def form_field_of(event: str, field: str | None) -> str | None:
    """The form field an engine error names (``details.reasons`` → ``d_reasons``, a receipt fact → the
    date field); None when the form has no such field (the error is shown above the form)."""
    if not field:
        return None
    if field.startswith("details."):
        name = detail_field_name(field.removeprefix("details."))
    elif field.startswith("channel_facts"):
        name = "received_on"
    else:  # the field itself, or the last part of a nested one (applicant.phone → phone)
        names = {f.name for f in EVENT_FIELDS.get(event, [])}
        name = next((n for n in (field, field.rsplit(".", 1)[-1], field.split(".", 1)[0]) if n in names), "")
    return name if any(f.name == name for f in EVENT_FIELDS.get(event, [])) else None


def inputs_from_form(event: str, form: dict[str, str]) -> dict:
    """Submitted strings → the event's inputs; empty fields are left out (the engine says what is missing)."""
    fields = EVENT_FIELDS.get(event, [])
    out: dict = {}
    if event == "decide":
        outcome = form.get("outcome", "")
        wanted = {d.key for d in OUTCOMES[outcome].details} if outcome in OUTCOMES else set()
        out = {"outcome": outcome, "details": _details_from_form(form, wanted),
               "confirm": form.get("confirm") in ("on", "true", "1")}
        picked = [int(x) for x in (form.get("documents") or "").split(",") if x.strip().isdigit()]
        if picked:  # the released documents chosen (the attachments list then derives from them)
            out["documents"] = picked
        return out
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
        elif kind in ("number", "letter", "consultation", "service_proof", "draft"):
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
        value = (form.get(detail_field_name(key)) or "").strip()
        if not value:
            continue
        kind = next((d.kind for o in OUTCOMES.values() for d in o.details if d.key == key), "text")
        lines = [x.strip() for x in value.splitlines() if x.strip()]
        if kind == "parts":  # withheld parts, one a line: 部分｜理由类别｜理由
            details[key] = [_part_from_line(n, line) for n, line in enumerate(lines, 1)]
        else:
            details[key] = lines if kind == "list" else value
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
