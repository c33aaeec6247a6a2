"""Every letter type rendered from a real procedure: required elements in the PDF text, fonts embedded
and subset, no missing glyphs, byte-identical re-rendering."""

import re
import shutil
import subprocess
from functools import lru_cache
from pathlib import Path

import pytest

from letters.environment import load_templates
from letters.render import render_html, render_pdf
from letters.samples import build_samples

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")


@pytest.fixture(scope="module")
def samples(tmp_path_factory):
    return build_samples(tmp_path_factory.mktemp("samples"))[1]


def pdf_text(pdf: bytes, tmp: Path) -> str:
    path = tmp / "x.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return re.sub(r"\s+", "", text)


def test_every_type_is_there(samples):
    from engine.outcomes import OUTCOMES
    from engine.letter_data import LETTER_TYPES

    replies = {f"reply/{o}" for o, spec in OUTCOMES.items() if spec.by_decision}
    assert set(samples) == (set(LETTER_TYPES) - {"reply"}) | replies


@pytest.mark.parametrize("key", [
    "reply/provide", "reply/already_public", "reply/partial", "reply/withhold", "reply/not_exist",
    "reply/not_our_agency", "reply/needs_creation", "reply/petition", "reply/repeat", "reply/publication",
    "reply/excessive", "reply/confirm_or_reissue", "reply/special_procedure", "reply/still_unclear",
])
def test_reply_letters_carry_every_required_element(samples, key, tmp_path):
    letter = samples[key]
    text = pdf_text(letter.pdf, tmp_path)
    d = letter.data
    decision = d["decision"]
    for element in (letter.number, "示例市交通运输局", letter.addressee + "：", "政府信息公开申请答复书",
                    "2026年3月18日" if key != "reply/excessive" else "2026年3月17日",
                    decision["basis"].replace("《中华人民共和国政府信息公开条例》", "")):
        assert element in text, (key, element)
    assert "年3月5日" in text or "年3月2日" in text  # the receipt date, Chinese style
    assert re.sub(r"\s+", "", d["application"]["request_text"])[:12] in text
    assert "收到本答复之日起60日内向示例市人民政府申请行政复议" in text
    if decision.get("review_first_partly"):  # some parts withheld under arts 14–16, others not
        assert "应当先申请行政复议" in text and "其他内容不服的，也可以在收到本答复之日起6个月内直接向示例市铁路运输法院" in text
    elif decision["review_first"]:
        assert "应当先申请行政复议" in text and "6个月内" not in text
    else:
        assert "6个月内向示例市铁路运输法院提起行政诉讼" in text
    if decision.get("ground_basis"):
        assert decision["ground_basis"].replace("《中华人民共和国政府信息公开条例》", "") in text
    assert "第0" not in letter.number and "第" not in letter.number  # no 第, no leading zeros


def test_reply_details_are_printed(samples, tmp_path):
    assert "检索关键词为“公交线路调整论证报告2024”" in pdf_text(samples["reply/not_exist"].pdf, tmp_path)
    assert "示例市市场监督管理局负责公开" in pdf_text(samples["reply/not_our_agency"].pdf, tmp_path)
    assert "2025年度道路运输行政许可办理情况统计表.pdf" in pdf_text(samples["reply/provide"].pdf, tmp_path)
    assert "属于讨论记录、过程稿" in pdf_text(samples["reply/withhold"].pdf, tmp_path)


def test_partial_reply_lists_each_withheld_part_with_its_ground_art_37(samples, tmp_path):
    """条例第三十七条: the reply names each withheld part, its ground, its reasons and the article it rests on;
    行政复议法第二十三条: 复议前置 is stated for the parts withheld under arts 14–16 only."""
    text = pdf_text(samples["reply/partial"].pdf, tmp_path)
    for needle in ("（一）统计表所附申请企业的财务报表：涉及商业秘密", "第十五条的规定，该部分不予公开",
                   "（二）研究许可工作的会议纪要：属于讨论记录", "第十六条第二款的规定，该部分不予公开",
                   "（三）申请人要求本局对统计数据作出的分析说明：不属于《中华人民共和国政府信息公开条例》所指的政府信息",
                   "第二条的规定，该部分不属于政府信息公开的范围，不予提供",
                   "第十四条、第十五条、第十六条不予公开的决定不服的，应当先申请行政复议",
                   "对本答复其他内容不服的，也可以在收到本答复之日起6个月内直接向示例市铁路运输法院提起行政诉讼"):
        assert needle in text, needle


@pytest.mark.parametrize("key, needles", [
    ("acknowledgement", ["登记回执", "第三十三条", "20个工作日"]),
    ("correction_notice", ["补正告知书", "第三十条", "请写明所需文件的名称", "15个工作日", "视为放弃申请"]),
    ("reasons_request", ["说明理由告知书", "第三十五条", "2026年3月13日前"]),
    ("late_reply_notice", ["延迟答复告知书", "第三十五条", "2026年5月29日前"]),
    ("extension_notice", ["延期答复告知书", "第三十三条第二款", "延长20个工作日"]),
    ("third_party_consultation", ["第三方意见征询书", "第三十二条", "15个工作日", "示例出租汽车有限公司："]),
    ("agency_consultation", ["征求意见函", "第三十四条", "视为同意公开", "示例市财政局："]),
    ("consultation_notice", ["征求意见告知书", "不计算在答复期限内"]),
    ("third_party_disclosure_notice", ["公开决定告知书", "商业秘密", "各企业的中标报价",
                                       "不公开可能对公共利益造成重大影响，理由如下：出租汽车经营权属于有限的公共资源"]),
    ("fee_notice", ["收费通知书", "第四十二条", "国办函〔2020〕109号", "第31—100页", "1100元", "20个工作日", "视为放弃申请"]),
    ("termination_notice", ["终止办理告知书", "第三十条", "不再处理",
                            "如对本告知不服，可以在收到本告知之日起60日内向示例市人民政府申请行政复议",
                            "6个月内向示例市铁路运输法院提起行政诉讼"]),
])
def test_procedural_notices(samples, key, needles, tmp_path):
    letter = samples[key]
    text = pdf_text(letter.pdf, tmp_path)
    for needle in [letter.number, "示例市交通运输局", *needles]:
        assert needle in text, (key, needle)
    if key not in ("third_party_disclosure_notice", "termination_notice"):
        assert "行政复议" not in text  # a procedural step, not a decision: no remedy paragraph


DOUBLED_PUNCTUATION = re.compile(r"[。，；：、]{2}|[。！？；，][”’」』）)][。，；]")


@pytest.mark.parametrize("letter_type", ["reply", "termination_notice"])
def test_termination_notice_states_the_remedies(samples, letter_type, tmp_path):
    """A termination (条例 art 30 no correction; 109号 fee unpaid) ends the application: like a reply it
    must tell the applicant how to seek 行政复议 (行政复议法 art 20, 60 days) or sue (行政诉讼法 art 46)."""
    key = "termination_notice" if letter_type == "termination_notice" else "reply/not_exist"
    subject = "本告知" if letter_type == "termination_notice" else "本答复"
    assert f"收到{subject}之日起60日内" in pdf_text(samples[key].pdf, tmp_path)


FREE_TEXT = re.compile(r"^(?!\d{4}-\d{2}-\d{2})(?!.*[〔《]).*[\u4e00-\u9fff]")


def _ending_every_text_with(value, mark: str):
    """The letter's data with every free-text value (not dates, numbers or citations) ending in ``mark``."""
    if isinstance(value, dict):
        return {k: _ending_every_text_with(v, mark) for k, v in value.items()}
    if isinstance(value, list):
        return [_ending_every_text_with(v, mark) for v in value]
    return value + mark if isinstance(value, str) and FREE_TEXT.match(value) else value


@pytest.mark.parametrize("mark", ["。", "；", "，"])
def test_clerk_text_ending_with_punctuation_never_doubles_it(samples, mark):
    """A reason or request typed with its own full stop still prints each sentence ending once."""
    for key, letter in samples.items():
        data = _ending_every_text_with(letter.data, mark)
        html = render_html(data, letter.addressee, letter_type=letter.type, outcome=letter.outcome)
        text = re.sub(r"<[^>]+>|\s+", "", html.split("<body>", 1)[1])
        found = DOUBLED_PUNCTUATION.findall(text)
        assert not found, (key, mark, found)


def test_no_letter_has_doubled_punctuation(samples, tmp_path):
    """No sample letter prints “。。”, “。”。” or a comma after a full stop: each sentence ends once."""
    for key, letter in samples.items():
        text = pdf_text(letter.pdf, tmp_path)
        found = DOUBLED_PUNCTUATION.findall(text)
        assert not found, (key, found, text[max(0, text.find(found[0]) - 30):text.find(found[0]) + 10])


@lru_cache(maxsize=None)
def _font_file(family: str) -> str:
    return subprocess.run(["fc-match", "-f", "%{file}", family], capture_output=True, text=True).stdout


def test_fonts_embedded_subset_and_no_missing_glyphs(samples, tmp_path):
    from fontTools.ttLib import TTCollection, TTFont

    for key, letter in samples.items():
        path = tmp_path / f"{key.replace('/', '-')}.pdf"
        path.write_bytes(letter.pdf)
        rows = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout.splitlines()[2:]
        assert rows
        cmap: set[int] = set()
        for row in rows:
            cols = row.split()
            assert cols[-5] == "yes" and cols[-4] == "yes", (key, row)  # emb, sub
            family = re.sub(r"^[A-Z]{6}\+", "", cols[0]).replace("-", " ")
            family = re.sub(r" (Light|Bold|Regular)$", "", family)
            file = _font_file(family)
            fonts = TTCollection(file).fonts if file.endswith((".ttc", ".otc")) else [TTFont(file)]
            for f in fonts:
                cmap |= set(f.getBestCmap())
        text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True).stdout
        missing = {ch for ch in text if not ch.isspace() and ord(ch) not in cmap and ch != "\x0c"}
        assert not missing, (key, missing)


def test_rerender_is_byte_identical(samples):
    templates = load_templates()
    for key in ("reply/partial", "fee_notice", "correction_notice"):
        letter = samples[key]
        html = render_html(letter.data, letter.addressee, letter_type=letter.type, outcome=letter.outcome,
                           templates=templates)
        assert render_pdf(html, identifier=letter.number) == letter.pdf
        assert letter.template_version == templates.version


def test_one_page_reply_is_small(samples):
    assert len(samples["reply/not_exist"].pdf) < 80_000


def test_pdf_a_variant(samples, tmp_path):
    letter = samples["reply/provide"]
    html = render_html(letter.data, letter.addressee, letter_type="reply", outcome="provide")
    pdf = render_pdf(html, identifier=letter.number, pdf_a=True)
    import zlib

    streams = []
    for m in re.finditer(rb"stream\r?\n(.*?)endstream", pdf, re.S):
        try:
            streams.append(zlib.decompress(m.group(1)))
        except zlib.error:
            streams.append(m.group(1))
    blob = b"".join(streams)
    assert b"pdfaid:part" in blob and b"GTS_PDFA1" in blob  # PDF/A identification and output intent
    assert pdf_text(pdf, tmp_path) == pdf_text(letter.pdf, tmp_path)
