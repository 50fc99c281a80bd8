"""The real texts of corpus/ read and split into the documents the mirror publishes.

Seeds 002 and 001 are two 2022 gazette issues converted from PDF (Markdown headings of unreliable
level), seed 003 is a crawl of Shanghai series documents run together with site chrome, and the
eval-dev cases are LawRefBook Markdown. Splitting is driven by the documents' own headings, listed
below; nothing here writes legal text of its own.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

CORPUS = Path(__file__).resolve().parent.parent / "corpus"


# -- the model of what is published ---------------------------------------------------------------
@dataclass
class Doc:
    title: str
    paragraphs: list[str]
    number: str | None = None  # 文号 / 令号, shown as the first centred paragraph
    date: str = ""  # YYYY-MM-DD
    source: str = "上海市人民政府"  # ContentSource
    section: str = ""  # gazette TOC heading
    attachments: list["Doc"] = field(default_factory=list)


# -- reading the corpus ---------------------------------------------------------------------------
def seed(prefix: str) -> list[str]:
    (path,) = (CORPUS / "seeds").glob(f"{prefix}_*.txt")
    return path.read_text(encoding="utf-8").split("\n")


def squash(text: str) -> str:
    """Comparison key for headings: PDF conversion scatters spaces, '#', '**' and bracket widths."""
    text = re.sub(r"[#*\s]", "", text)
    return text.translate(str.maketrans("()", "（）"))


def clean_md_line(line: str) -> str:
    line = re.sub(r"^#+\s*", "", line.strip())
    line = re.sub(r"\*\*(.*?)\*\*", r"\1", line)
    return re.sub(r"^>\s?", "", line).strip()


NUMBER_RE = re.compile(r"^(沪府[办规发令]*|沪府)〔\d{4}〕\s*\d+\s*号$")
DATE_LINE_RE = re.compile(r"^[（(]?\s*(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日\s*[）)]?$")


def issuer_of(title: str) -> str:
    """The ContentSource the portal names for a Shanghai government document."""
    return "上海市人民政府办公厅" if "办公厅" in title else "上海市人民政府"


def iso(y: str, m: str, d: str) -> str:
    return f"{int(y):04d}-{int(m):02d}-{int(d):02d}"


def first_date(paragraphs: list[str]) -> str:
    for p in paragraphs:
        m = DATE_LINE_RE.match(p.strip())
        if m:
            return iso(*m.groups())
    raise ValueError(f"no date line in document starting {paragraphs[:2]}")


# -- Shanghai gazette issues from seeds 002 and 001 ---------------------------------------------
# (start heading, title, section). Each document runs to the next start; attached texts (the 意见,
# 规划, 办法 a notice issues) stay inside their notice's page as on the real site.
ISSUE_13 = [
    ("上海市人民政府印发《关于加快推进南北转型发展的实施意见》的通知",
     "上海市人民政府印发《关于加快推进南北转型发展的实施意见》的通知", "市政府文件"),
    ("上海市人民政府办公厅关于印发《上海市数字经济发展“十四五”规划》的通知",
     "上海市人民政府办公厅关于印发《上海市数字经济发展“十四五”规划》的通知", "市政府办公厅文件"),
    ("上海市人民政府办公厅关于印发《上海市电子证照管理办法》的通知",
     "上海市人民政府办公厅关于印发《上海市电子证照管理办法》的通知", "市政府办公厅文件"),
    ("关于《关于加快推进南北转型发展的实施意见》的政策解读",
     "关于《关于加快推进南北转型发展的实施意见》的政策解读", "政策解读"),
    ("关于《上海市数字经济发展“十四五”规划》的政策解读",
     "关于《上海市数字经济发展“十四五”规划》的政策解读", "政策解读"),
    ("关于《上海市电子证照管理办法》的政策解读", "关于《上海市电子证照管理办法》的政策解读", "政策解读"),
]
ISSUE_14 = [
    ("上海市人民政府令", "上海市人民政府关于废止《上海市流动人口计划生育工作规定》的决定", "市政府文件"),
    ("上海市人民政府关于印发《上海市产业地图(2022)》的通知",
     "上海市人民政府关于印发《上海市产业地图（2022）》的通知", "市政府文件"),
    ("上海市人民政府关于做好本市当前和今后一个时期稳就业工作的意见",
     "上海市人民政府关于做好本市当前和今后一个时期稳就业工作的意见", "市政府文件"),
    ("上海市人民政府办公厅关于印发促进绿色低碳产业发展",
     "上海市人民政府办公厅关于印发促进绿色低碳产业发展、培育“元宇宙”新赛道、促进智能终端产业高质量发展等行动方案的通知",
     "市政府办公厅文件"),
    ("关于《上海市人民政府关于做好本市当前和今后一个时期稳就业工作的意见》的政策解读",
     "关于《上海市人民政府关于做好本市当前和今后一个时期稳就业工作的意见》的政策解读", "政策解读"),
    ("关于《上海市瞄准新赛道促进绿色低碳产业发展行动方案(2022—2025年)》的政策解读",
     "关于《上海市瞄准新赛道促进绿色低碳产业发展行动方案（2022—2025年）》的政策解读", "政策解读"),
    ("关于《上海市培育“元宇宙”新赛道行动方案(2022—2025年)》的政策解读",
     "关于《上海市培育“元宇宙”新赛道行动方案（2022—2025年）》的政策解读", "政策解读"),
    ("关于《上海市促进智能终端产业高质量发展行动方案(2022—2025年)》的政策解读",
     "关于《上海市促进智能终端产业高质量发展行动方案（2022—2025年）》的政策解读", "政策解读"),
]
GAZETTE_END = "上海市人民政府公报"  # the colophon after the last document


def split_gazette(lines: list[str], specs: list[tuple[str, str, str]], issue_date: str) -> list[Doc]:
    # the first 【市政府文件】 heads the table of contents, the second the documents themselves
    toc_end = [i for i, line in enumerate(lines) if squash(line) == "【市政府文件】"][1]
    starts: list[int] = []
    cursor = toc_end + 1
    for marker, _, _ in specs:
        key = squash(marker)
        index = next((i for i in range(cursor, len(lines)) if squash(lines[i]).startswith(key)), None)
        if index is None:
            raise ValueError(f"gazette document not found: {marker}")
        starts.append(index)
        cursor = index + 1
    end = next(i for i in range(starts[-1], len(lines)) if squash(lines[i]) == GAZETTE_END)
    docs = []
    for (marker, title, section), start, stop in zip(specs, starts, starts[1:] + [end]):
        paragraphs = [clean_md_line(line) for line in lines[start + 1:stop]]
        paragraphs = [p for p in paragraphs if p and p != "---" and not re.fullmatch(r"【.+】", p)]
        number = next((p for p in paragraphs[:6] if NUMBER_RE.match(p)), None)
        if number:
            paragraphs.remove(number)
            number = re.sub(r"\s+", "", number)
        if marker == "上海市人民政府令":  # the 令 heads its decision: 第 68 号 is the number
            order = re.sub(r"\s+", "", paragraphs.pop(0))
            number = f"上海市人民政府令{order}"
            paragraphs.insert(0, "上海市人民政府令")
        date = issue_date if section == "政策解读" else first_date(paragraphs[:8])
        docs.append(Doc(title=title, paragraphs=paragraphs, number=number, date=date, section=section,
                        source=issuer_of(title)))
    return docs


def split_attachment(doc: Doc, heading: str) -> None:
    """Serve the text after 附件 + ``heading`` also as the notice's PDF attachment (as the site does)."""
    index = next(i for i, p in enumerate(doc.paragraphs) if p == heading)
    doc.attachments.append(Doc(title=heading, paragraphs=doc.paragraphs[index + 1:], date=doc.date))


# -- eval-dev texts (LawRefBook Markdown) --------------------------------------------------------
def eval_case(case: str, name: str) -> list[str]:
    text = (CORPUS / "eval-dev" / case / name).read_text(encoding="utf-8")
    text = text.replace("<!-- INFO END -->", "")
    return [clean_md_line(line) for line in text.split("\n") if clean_md_line(line)]


SH_CASES = ["sh-yinxiang", "sh-shehuijiuzhu", "sh-jianyanjiance", "sh-xueshengshanghai", "sh-jianshecailiao"]


def law_doc(case: str, name: str, date: str, section: str, source: str) -> Doc:
    paragraphs = eval_case(case, name)
    return Doc(title=paragraphs[0], paragraphs=without_title_echo(paragraphs[0], paragraphs[1:]), date=date,
               section=section, source=source)


def without_title_echo(title: str, paragraphs: list[str]) -> list[str]:
    """Drop the title the decision texts repeat, broken over lines, under their Markdown heading."""
    key, echoed, n = squash(title), "", 0
    while n < len(paragraphs) and key.startswith(echoed + squash(paragraphs[n])):
        echoed += squash(paragraphs[n])
        n += 1
    return paragraphs[n:] if echoed == key else paragraphs


# -- the series and the rules library from seed 003 ----------------------------------------------
@dataclass(frozen=True)
class SeriesSpec:
    start: str  # the first line of the document in the crawl (stripped)
    title: str
    number: str
    date: str
    end: str | None = None  # where the crawl runs into a document we do not serve
    state: int = 0


# Titles marked (*) are not on a line of the crawl (it lost the heading): they are the standard
# notice title formed from the notice's own first sentence (现将《…》印发给你们).
SEED3_DOCS = [
    SeriesSpec("沪府规〔2018〕21号", "上海市人民政府关于印发本市全面推进土地资源高质量利用若干意见的通知", "沪府规〔2018〕21号", "2018-11-15"),
    SeriesSpec("上海市人民政府关于印发《上海市开展“证照分离”改革全覆盖工作的实施方案》的通知",
               "上海市人民政府关于印发《上海市开展“证照分离”改革全覆盖工作的实施方案》的通知", "沪府规〔2021〕7号", "2021-06-30"),
    SeriesSpec("上海市人民政府关于印发《上海市外商投资项目核准和备案管理办法》的通知",
               "上海市人民政府关于印发《上海市外商投资项目核准和备案管理办法》的通知", "沪府规〔2021〕19号", "2021-12-22"),
    SeriesSpec("沪府办发〔2021〕29号", "上海市人民政府办公厅关于印发《上海市全面推进城市数字化转型“十四五”规划》的通知",
               "沪府办发〔2021〕29号", "2021-10-25"),
    SeriesSpec("沪府办发〔2021〕26号", "上海市人民政府办公厅关于印发《建立完善帮办制度提高“一网通办”便捷度的工作方案》的通知",
               "沪府办发〔2021〕26号", "2021-10-14"),
    SeriesSpec("沪府发〔2021〕23号", "上海市人民政府关于印发《上海市关于加快建立健全绿色低碳循环发展经济体系的实施方案》的通知",
               "沪府发〔2021〕23号", "2021-09-29"),
    SeriesSpec("沪府发〔2021〕24号", "上海市人民政府关于印发《上海市营商环境创新试点实施方案》的通知",  # (*)
               "沪府发〔2021〕24号", "2021-12-29", end="经市政府同意，现将《上海市知识产权保护和运用"),
    SeriesSpec("上海市人民政府关于修改《上海市城市管理行政执法条例实施办法》的决定",
               "上海市人民政府关于修改《上海市城市管理行政执法条例实施办法》的决定", "上海市人民政府令第58号", "2021-09-30"),
    SeriesSpec("上海市人民政府办公厅关于印发《进一步优化在线为企帮办服务工作方案》的通知",
               "上海市人民政府办公厅关于印发《进一步优化在线为企帮办服务工作方案》的通知", "沪府办发〔2022〕21号", "2022-11-19"),
    SeriesSpec("上海市人民政府办公厅印发《关于进一步降低制度性交易成本更大激发市场主体活力的若干措施》的通知",
               "上海市人民政府办公厅印发《关于进一步降低制度性交易成本更大激发市场主体活力的若干措施》的通知",
               "沪府办发〔2022〕22号", "2022-11-28"),
    SeriesSpec("上海市人民政府关于印发《上海市“十四五”节能减排综合工作实施方案》的通知",
               "上海市人民政府关于印发《上海市“十四五”节能减排综合工作实施方案》的通知", "沪府发〔2022〕12号", "2022-10-11"),
    SeriesSpec("第74号", "上海市行政执法证管理办法", "上海市人民政府令第74号", "2023-01-12"),
    SeriesSpec("第1号", "上海市行政执法监督办法", "上海市人民政府令第1号", "2023-01-19"),
    SeriesSpec("印发《上海市人民政府 国家知识产权局共建高水平改革开放知识产权强市2023—2025年工作要点》的通知",
               "印发《上海市人民政府 国家知识产权局共建高水平改革开放知识产权强市2023—2025年工作要点》的通知",
               "沪府办〔2023〕34号", "2023-12-21"),
    SeriesSpec("上海市人民政府办公厅关于进一步深化拓展“一业一证”改革工作的通知",
               "上海市人民政府办公厅关于进一步深化拓展“一业一证”改革工作的通知", "沪府办发〔2023〕22号", "2023-12-27"),
    SeriesSpec("上海市人民政府办公厅关于印发《上海市促进商业航天发展打造空间信息产业高地行动计划（2023-2025年）》的通知",
               "上海市人民政府办公厅关于印发《上海市促进商业航天发展打造空间信息产业高地行动计划（2023-2025年）》的通知",
               "沪府办发〔2023〕19号", "2023-10-24"),
    SeriesSpec("上海市人民政府办公厅关于印发《上海市特色产业园区高质量发展行动方案（2024-2026年）》的通知",
               "上海市人民政府办公厅关于印发《上海市特色产业园区高质量发展行动方案（2024-2026年）》的通知",
               "沪府办发〔2023〕20号", "2023-11-07"),
    # The crawl holds only the first of its three pages (总共3页): served as crawled.
    SeriesSpec("（2025年1月8日上海市人民政府令第15号公布", "上海市人民政府关于修改《上海市行政审批告知承诺管理办法》等4件市政府规章的决定",
               "上海市人民政府令第15号", "2025-01-08"),
    SeriesSpec("上海市人民政府办公厅关于规范本市涉企行政检查的实施意见", "上海市人民政府办公厅关于规范本市涉企行政检查的实施意见",
               "沪府办发〔2024〕34号", "2024-12-30"),
    SeriesSpec("上海市人民政府办公厅关于印发《上海市推动数字贸易和服务贸易高质量发展的实施方案》的通知",
               "上海市人民政府办公厅关于印发《上海市推动数字贸易和服务贸易高质量发展的实施方案》的通知",
               "沪府办发〔2024〕31号", "2025-01-17"),
    SeriesSpec("沪府发〔2024〕12号", "上海市人民政府关于印发《上海市深入实施以人为本的新型城镇化战略五年行动计划的实施方案》的通知",  # (*)
               "沪府发〔2024〕12号", "2024-09-29"),
    SeriesSpec("上海市人民政府关于在本市市场监管领域深入推进部门联合“双随机、一公开”监管的实施意见",
               "上海市人民政府关于在本市市场监管领域深入推进部门联合“双随机、一公开”监管的实施意见", "沪府发〔2024〕6号", "2024-03-20"),
    # 令第13号 is published in state 3: the rules it repeals then leave the rules library.
    SeriesSpec("上海市人民政府令", "上海市人民政府关于修改和废止部分市政府规章的决定", "上海市人民政府令第13号", "2024-04-02",
               end="上海市医患纠纷预防与调解办法", state=3),
    SeriesSpec("上海市人民政府办公厅关于进一步深化改革创新 加快科技服务业高质量发展的若干意见",
               "上海市人民政府办公厅关于进一步深化改革创新 加快科技服务业高质量发展的若干意见", "沪府办发〔2025〕11号", "2025-05-20"),
    SeriesSpec("上海市人民政府办公厅关于印发《上海市促进专精特新中小企业发展壮大的若干措施》的通知",
               "上海市人民政府办公厅关于印发《上海市促进专精特新中小企业发展壮大的若干措施》的通知", "沪府办规〔2025〕3号", "2025-04-07"),
    SeriesSpec("上海市人民政府办公厅关于印发《上海市加快“人工智能+政务服务”改革 推动“高效办成一件事”实施方案》的通知",
               "上海市人民政府办公厅关于印发《上海市加快“人工智能+政务服务”改革 推动“高效办成一件事”实施方案》的通知",
               "沪府办发〔2025〕7号", "2025-03-31", end="各区人民政府，市政府各委、办、局，各相关单位："),
    SeriesSpec("沪府规〔2025〕2号", "上海市人民政府关于印发《上海市交易场所管理暂行办法》的通知", "沪府规〔2025〕2号", "2025-01-27"),  # (*)
]
# The five rules 令第13号 amended, republished after it in the crawl: the rules library's texts.
AMENDED_RULES = ["上海市医患纠纷预防与调解办法", "上海市市标制作使用管理暂行规定", "上海市安全生产事故隐患排查治理办法",
                 "上海市停车场（库）管理办法",
                 "上海市流动户外广告设置管理规定", "上海市国有土地上房屋征收与补偿实施细则"]

# Lines of site chrome and crawler debris: a document ends at the first END line, DROP lines go.
END_RE = re.compile(r"^(分享[：:]|相关稿件|相关法规[：:]|印发日期[：:]|总共\d+页|时间[：:]\d|本文源自[：:]|"
                    r"市政府部门网站|上海金融|指南建议征集|=+$|【图解】)")
DROP_RE = re.compile(r"^(.*（沪府令\d+号）$|信息来源[：:]|字号[：:]|作者[：:]|上观号作者|下一页|打印$|\d{4}-\d{2}-\d{2} \d{2}:\d{2}$)")

def crawl_paragraph(line: str) -> str:
    return line.strip().strip("\u3000").strip()


def split_crawl(lines: list[str]) -> tuple[list[Doc], list[int], dict[str, Doc]]:
    """Seed 003 -> its documents (noise removed) and the amended rules' republished texts."""
    titles = [spec.title for spec in SEED3_DOCS] + AMENDED_RULES
    starts: list[int] = []
    cursor = 0
    for marker in (spec.start for spec in SEED3_DOCS):
        index = next((i for i in range(cursor, len(lines)) if lines[i].strip().startswith(marker)), None)
        if index is None:
            raise ValueError(f"seed 003 document not found: {marker}")
        starts.append(index)
        cursor = index + 1
    rule_starts = [next(i for i in range(len(lines)) if lines[i].strip() == name) for name in AMENDED_RULES]

    def body(start: int, stop: int, end: str | None, title: str) -> list[str]:
        out: list[str] = []
        for line in lines[start:stop]:
            text = crawl_paragraph(line)
            if end and text.startswith(end) and out:
                break
            if END_RE.match(text):
                if out:
                    break
                continue  # chrome above the document
            if not text or DROP_RE.match(text) or text == title:
                continue
            for other in titles:  # a crawled line can run on into the next document's heading
                cut = text.find(other[:14])
                if cut > 0 and text[cut - 1] not in "《〈“":  # not a mention of the title
                    text = text[:cut].strip()
            if text:
                out.append(text)
        return out

    boundaries = sorted(starts + rule_starts) + [len(lines)]
    docs = []
    for spec, start in zip(SEED3_DOCS, starts):
        stop = boundaries[boundaries.index(start) + 1]
        paragraphs = body(start, stop, spec.end, spec.title)
        if spec.number in paragraphs[:4]:  # shown as the centred first paragraph instead
            paragraphs.remove(spec.number)
        docs.append(Doc(title=spec.title, paragraphs=paragraphs, number=spec.number, date=spec.date,
                        source=issuer_of(spec.title)))
    rules = {}
    for name, start in zip(AMENDED_RULES, rule_starts):
        stop = boundaries[boundaries.index(start) + 1]
        rules[name] = Doc(title=name, paragraphs=body(start + 1, stop, None, name), source="上海市人民政府")
    return docs, [spec.state for spec in SEED3_DOCS], rules
