"""Escaping of clerks' text, and sandboxed agency overrides refused at load with their line."""

import pytest

from letters.environment import TemplateOverrideError, load_templates
from letters.render import render_html

DATA = {
    "letter_type": "reply", "title": "政府信息公开申请答复书", "issue_date": "2026-03-18", "number": "示交公开〔2026〕1号",
    "agency": {"name": "示例市交通运输局", "review_body": "示例市人民政府", "court": "示例市铁路运输法院"},
    "application": {"received_date": "2026-03-05", "channel_phrase": "信函",
                    "request_text": "<script>alert('x')</script>{{ 7*7 }}{% for x in range(3) %}循环{% endfor %}"},
    "decision": {"outcome": "needs_creation", "label": "需另行制作",
                 "basis": "《中华人民共和国政府信息公开条例》第三十八条",
                 "details": {"reasons": "<b>加粗</b>{{ config }}"}, "review_first": False},
}


def test_clerk_text_is_printed_literally():
    html = render_html(DATA, "张三<img src=x>", letter_type="reply", outcome="needs_creation")
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in html
    assert "{{ 7*7 }}" in html and "49" not in html
    assert "{% for x in range(3) %}循环{% endfor %}" in html.replace("&#34;", '"') and "循环循环" not in html
    assert "&lt;b&gt;加粗&lt;/b&gt;{{ config }}" in html
    assert "张三&lt;img src=x&gt;" in html


def write(folder, name, text):
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def test_valid_override_is_used_and_changes_the_version(tmp_path):
    write(tmp_path, "reply/needs_creation.html",
          '{% extends "reply/_reply.html" %}\n{% block decision %}<p>本局定制：{{ L.decision.details.reasons }}</p>{% endblock %}\n')
    templates = load_templates(str(tmp_path))
    html = render_html(DATA, "张三", letter_type="reply", outcome="needs_creation", templates=templates)
    assert "本局定制：&lt;b&gt;加粗&lt;/b&gt;" in html
    assert templates.version.startswith("override-") and templates.version != load_templates().version


def test_override_with_a_syntax_error_is_refused_with_its_line(tmp_path):
    write(tmp_path, "correction_notice.html", '{% extends "base.html" %}\n{% block body %}\n<p>{{ L.items </p>\n{% endblock %}\n')
    with pytest.raises(TemplateOverrideError) as exc:
        load_templates(str(tmp_path))
    assert exc.value.line == 3 and "语法错误" in str(exc.value) and "第3行" in str(exc.value)


@pytest.mark.parametrize("expr", [
    "{{ L.__class__.__mro__ }}",
    "{{ cycler.__init__.__globals__ }}",
    "{{ L['__class__'] }}",
    "{{ ''.__class__.mro() }}",
    "{% set x = lipsum.__globals__ %}",
])
def test_override_reaching_for_internals_is_refused(tmp_path, expr):
    write(tmp_path, "acknowledgement.html", '{% extends "base.html" %}\n{% block body %}\n\n' + expr + "\n{% endblock %}\n")
    with pytest.raises(TemplateOverrideError) as exc:
        load_templates(str(tmp_path))
    assert exc.value.line == 4 and "内部属性" in str(exc.value)


def test_sandbox_blocks_unsafe_calls_at_render(tmp_path):
    from jinja2.exceptions import SecurityError

    write(tmp_path, "acknowledgement.html", '{% extends "base.html" %}\n{% block body %}{{ L.application.clear() }}{% endblock %}\n')
    templates = load_templates(str(tmp_path))
    with pytest.raises(SecurityError):
        render_html({**DATA, "items": []}, "张三", letter_type="acknowledgement", outcome=None, templates=templates)


@pytest.mark.parametrize("printed, tidy", [
    ("理由：涉及商业秘密。。根据", "理由：涉及商业秘密。根据"),
    ("申请获取的信息为：“2025年统计表。”。该信息", "申请获取的信息为：“2025年统计表”。该信息"),
    ("（编号：甲。），本机关", "（编号：甲），本机关"),
    ("理由：甲；。", "理由：甲。"),
    ("提供时间：随本答复书一并提供。", "提供时间：随本答复书一并提供。"),
])
def test_each_sentence_ends_once(printed, tidy):
    """GB/T 15834: a sentence ends with one mark; a quotation used inside a sentence drops its own 。."""
    from letters.formatting import tidy_punctuation

    assert tidy_punctuation(printed) == tidy
