"""The HTML the mirrored sites serve, following SITES.md (the real sites' structure) exactly.

Every piece of corpus text goes through ``esc`` (it is scraped, untrusted text); the few inline
tags the gazette conversion kept (PM<sub>2.5</sub>) and the &#8195; entities the real pages carry
are let back through after escaping.
"""
from __future__ import annotations

import html
import re
from collections.abc import Callable

SH_ROBOTS = "User-agent: *\nDisallow: /cgi-bin/\nDisallow: /search/\n"
GOV_ROBOTS = "User-agent: *\n" + "".join(f"Disallow: /{p}/\n" for p in (
    "search", "guoqing/tjsj", "xinwen/video", "home/cms", "cms", "govsearch", "2016public/tmp",
    "zhuanti/tmp", "admin", "wcm", "app", "api", "fuwu/tmp", "test", "pdf/tmp", "hudong/tmp",
    "lianbo/tmp", "shuju/tmp", "zhengce/tmp", "premier/tmp"))

_SAFE_TAGS = re.compile(r"&lt;(/?)(sub|sup)&gt;")
_EMSP = "&amp;#8195;"


def esc(text: str) -> str:
    escaped = html.escape(text, quote=True).replace(_EMSP, "&#8195;")
    return _SAFE_TAGS.sub(r"<\1\2>", escaped)


def _shanghai_head(title: str, extra_meta: str = "") -> str:
    return f"""<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta http-equiv="Content-Type" content="text/html; charset=utf-8">
<meta http-equiv="X-UA-Compatible" content="IE=edge">
<meta name="SiteName" content="上海市人民政府">
<meta name="SiteDomain" content="www.shanghai.gov.cn">
{extra_meta}<title>{esc(title)}</title>
<link rel="stylesheet" href="/assets/css/common.css">
<script src="/assets/js/jquery.min.js"></script>
</head>
"""


_SH_HEADER = """<body>
<div class="header"><div class="container">
<a class="logo" href="/index.html">上海市人民政府</a>
<ul class="nav"><li><a href="/index.html">首页</a></li><li><a href="/nw12344/index.html">政务公开</a></li>
<li><a href="/nw2404/index.html">政府公报</a></li><li><a href="/xxzfgzwj/index.html">规章库</a></li></ul>
</div></div>
"""
_SH_FOOTER = """<div class="footer"><div class="container">
<p>主办：上海市人民政府办公厅 地址：上海市人民大道200号 邮政编码：200003</p>
<p>沪ICP备2021016245号-1 政府网站标识码：3100000044</p>
<p class="browser-tip">为确保最佳浏览效果，建议您使用以下浏览器版本：IE浏览器9.0版本及以上； Google Chrome浏览器 63版本及以上； 360浏览器9.1版本及以上，且IE内核9.0及以上。</p>
</div></div>
</body>
</html>
"""


def gazette_index(years: list[int], year_path: Callable[[int], str]) -> str:
    items = "\n".join(f'<li><a href="{year_path(y)}"><h4>{y}年</h4></a></li>' for y in years)
    return (_shanghai_head("上海市人民政府公报") + _SH_HEADER +
            f"""<div class="container"><div class="crumbs"><a href="/index.html">首页</a> &gt; 政府公报</div>
<div class="gazette-years"><h2>上海市人民政府公报</h2>
<ul class="year-list">
{items}
</ul></div></div>
""" + _SH_FOOTER)


def gazette_year(year: int, issues: list[tuple[str, int, int, int, str]]) -> str:
    items = "\n".join(
        f'<li><a href="{path}" title="{y}年第{no}期">{y}年第{no}期（总第{total}期）</a><span class="time">{date}</span></li>'
        for path, y, no, total, date in issues)
    return (_shanghai_head(f"{year}年 上海市人民政府公报") + _SH_HEADER +
            f"""<div class="container"><div class="crumbs"><a href="/index.html">首页</a> &gt; <a href="/nw2404/index.html">政府公报</a> &gt; {year}年</div>
<ul class="issue-list">
{items}
</ul></div>
""" + _SH_FOOTER)


def gazette_issue(year: int, no: int, total: int, published: str, toc: list[tuple[str, str, str]],
                  pdf_path: str) -> str:
    sections: dict[str, list[tuple[str, str]]] = {}
    for section, title, path in toc:
        sections.setdefault(section, []).append((title, path))
    blocks = "\n".join(
        f'<div class="toc-section"><h3>【{esc(section)}】</h3>\n<ul>\n' +
        "\n".join(f'<li><a href="{path}" title="{esc(title)}" target="_blank">{esc(title)}</a></li>'
                  for title, path in docs) + "\n</ul></div>"
        for section, docs in sections.items())
    return (_shanghai_head(f"{year}年第{no}期 上海市人民政府公报") + _SH_HEADER +
            f"""<div class="container"><div class="crumbs"><a href="/index.html">首页</a> &gt; <a href="/nw2404/index.html">政府公报</a> &gt; <a href="/nw2404/nw{year}/index.html">{year}年</a></div>
<div class="gazette-issue">
<h2 class="issue-title">上海市人民政府公报 {year}年第{no}期（总第{total}期）</h2>
<p class="issue-date">出版日期：{published}</p>
<p class="issue-pdf"><a href="{pdf_path}">全文下载（PDF）</a></p>
<div class="toc"><h3 class="toc-title">目 录</h3>
{blocks}
</div></div></div>
""" + _SH_FOOTER)


def _paragraphs(paragraphs: list[str], indent: bool) -> str:
    lead = "&#8195;&#8195;" if indent else ""
    return "\n".join(f"<p>{'' if p.startswith('&#8195;') else lead}{esc(p)}</p>" for p in paragraphs)


def shanghai_document(title: str, number: str | None, date: str, source: str, paragraphs: list[str],
                      attachments: list[tuple[str, str]], related: list[tuple[str, str]], column: str,
                      indent: bool = False, body_in_xggj: bool = False) -> str:
    """A document page of the Shanghai CMS. ``body_in_xggj``: the text sits in div#xggj, as on some
    real pages, instead of #ivs_content."""
    pubdate = f"{date} 14\u223606"  # the real CMS writes its PubDate with U+2236 RATIO as the colon
    meta = (f'<meta name="ColumnName" content="{esc(column)}">\n<meta name="ArticleTitle" content="{esc(title)}">\n'
            f'<meta name="PubDate" content="{pubdate}">\n<meta name="ContentSource" content="{esc(source)}">\n')
    number_p = f'<p style="text-align: center;">{esc(number)}</p>\n' if number else ""
    files = "".join(f'<p>附件：<a href="{href}" target="_blank">{esc(name)}</a></p>\n' for href, name in attachments)
    links = "\n".join(f'<li><a href="{href}" title="{esc(t)}">{esc(t)}</a></li>' for href, t in related)
    return (_shanghai_head(title, meta) + _SH_HEADER +
            f"""<div class="container">
<div class="crumbs"><a href="/index.html">首页</a> &gt; <a href="/nw2404/index.html">{esc(column)}</a></div>
<div class="article">
<h2 id="ivs_title" class="Article-title">{esc(title)}</h2>
<div class="Article-time"><small id="ivs_date">{date}</small>
<span class="fontsize">字号：<a href="javascript:;" class="big">大</a> <a href="javascript:;" class="mid">中</a> <a href="javascript:;" class="small">小</a></span></div>
<div {'id="xggj" class="xggj"' if body_in_xggj else 'id="ivs_content" class="Article_content trout-region-content"'}>
{number_p}{_paragraphs(paragraphs, indent)}
{files}</div>
<div class="bdsharebuttonbox share">分享到：<a href="javascript:;" class="bds_weixin">微信</a> <a href="javascript:;" class="bds_tsina">微博</a> <a href="javascript:window.print();">打印</a></div>
<div class="newsbox"><h3>相关稿件</h3><ul>
{links}
</ul></div>
</div></div>
""" + _SH_FOOTER)


def _pagination_script(total_pages: int, page: int) -> str:
    return f"""<div class="pagination"></div>
<script>
$(".pagination").pagination({{ totalPage: {total_pages}, currentPage: {page}, isShow: true, count: 7, homePageText: "首页", endPageText: "尾页", prevPageText: "上一页", nextPageText: "下一页", callback: function (current) {{ location.href = current == 1 ? "index.html" : "index_" + current + ".html"; }} }});
</script>
"""


def series_listing(name: str, items: list[tuple[str, str, str]], page: int, total_pages: int | None) -> str:
    """A series listing page; ``total_pages`` None: no page count on the page (a JavaScript pager)."""
    lines = []
    for n, (href, title, date) in enumerate(items):
        entry = f'<li><a href="{href}" title="{esc(title)}" target="_blank">{esc(title)}</a><span class="time">{date}</span></li>'
        lines.append(entry)
        if n % 2 == 0:  # the CMS leaves older copies of entries in comments
            lines.append(f"<!-- {entry} -->")
    return (_shanghai_head(f"{name} 上海市人民政府") + _SH_HEADER +
            f"""<div class="container"><div class="crumbs"><a href="/index.html">首页</a> &gt; 政务公开 &gt; {esc(name)}</div>
<ul class="tadaty-list">
{chr(10).join(lines)}
</ul>
{_pagination_script(total_pages, page) if total_pages else '<div class="pagination" id="pager"></div>'}</div>
""" + _SH_FOOTER)


def rules_listing(rows: list[tuple[str, str, str]], page: int) -> str:
    """A page of the rules library: the second cell's <a> wraps two <p>, the name and the 令 line;
    no page count on the page."""
    trs = "\n".join(
        f'<tr><td class="num">{(page - 1) * 10 + n}</td><td><a href="{href}" target="_blank">'
        f'<p class="r-title">{esc(title)}</p><p class="r-info">{esc(line)}</p></a></td>'
        f'<td><a href="{href[:-5]}.doc">DOC</a> <a href="{href[:-5]}.pdf">PDF</a></td></tr>'
        for n, (href, title, line) in enumerate(rows, start=1))
    return (_shanghai_head("现行有效规章 上海市人民政府") + _SH_HEADER +
            f"""<div class="container"><div class="crumbs"><a href="/index.html">首页</a> &gt; 现行有效规章</div>
<table class="r-table">
<thead><tr><th>序号</th><th>规章名称</th></tr></thead>
<tbody>
{trs}
</tbody></table>
<div class="pagination" id="pager"></div></div>
""" + _SH_FOOTER)


def rule_page(title: str, date: str, paragraphs: list[str]) -> str:
    meta = f'<meta name="ArticleTitle" content="{esc(title)}">\n<meta name="PubDate" content="{date} 00\u223600">\n'
    return (_shanghai_head(title, meta) + _SH_HEADER +
            f"""<div class="container"><div class="crumbs"><a href="/index.html">首页</a> &gt; <a href="/xxzfgzwj/index.html">现行有效规章</a></div>
<h2 class="Article-title">{esc(title)}</h2>
<div class="Article_content">
{_paragraphs(paragraphs, indent=False)}
</div></div>
""" + _SH_FOOTER)


# -- www.gov.cn --------------------------------------------------------------------------------
_GOV_NAV = """<div class="header"><a href="/">中国政府网</a>
<ul class="nav"><li><a href="/">首页</a></li><li><a href="/zhengce/">政策</a></li><li><a href="/gongbao/">国务院公报</a></li></ul></div>"""


# The year list of the sidebar: links to content pages that are not documents of the issue.
_GOV_YEAR_LINKS = "".join(f'<li><a href="/zhengce/2011-11/09/content_{2619419 + n}.htm">{1954 + n}年</a></li>'
                          for n in range(13))
_GOV_FOOTER = """<div class="footer"><div class="box"><div class="right">
<p>主办单位：国务院办公厅　运行维护单位：中国政府网运行中心</p>
<p>版权所有：中国政府网　中文域名：中国政府网.政务</p>
<p>网站标识码bm01000001</p>
<p>京ICP备05070218号　京公网安备11010202000001号</p>
</div></div>
<a href="https://www.gov.cn/home/2016-05/11/content_5046257.htm">关于本网</a>
<a href="https://www.gov.cn/home/2014-02/23/content_5046258.htm">网站声明</a></div>"""
TOC_WRAP = 22  # where this mirror wraps a long TOC line (the real width varies; any long name wraps)


def toc_lines(lines: list[str]) -> str:
    """A TOC entry as the gazette prints it: lines split by <br>, each after the first indented by two
    full-width spaces, a long line wrapped mid-word onto a line indented by one."""
    out = []
    for n, line in enumerate(lines):
        pieces = [line[i:i + TOC_WRAP] for i in range(0, len(line), TOC_WRAP)] or [""]
        first = ("\u3000\u3000" if n else "") + esc(pieces[0])
        out.append("<br>\u3000".join([first] + [esc(piece) for piece in pieces[1:]]))
    return "<br>".join(out)


def gov_issue(year: int, no: int, toc: list[tuple[str, list[str]]], pdf_rel: str) -> str:
    """An issue's table of contents: div.box ul li a with an <i></i> and the entry's lines; the
    whole-issue PDF in li.gbpdf (an empty link in old issues); sidebar and footer links to other
    content pages; a stray </html> after the header include, as the real pages have."""
    items = "\n".join(f"""<li>
<a href="{rel}" target="_blank">
<i></i>
{toc_lines(lines)}
</a>
</li>""" for rel, lines in toc)
    return f"""<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>{year}年第{no}号国务院公报_中国政府网</title></head>
<body>
{_GOV_NAV}
</html>
<div class="gb-header"><ul class="year-nav"><li class="first">上一号</li><li class="selector" id="year">{year}</li>
<li class="selector sel2" id="num">{no}</li><li class="last">下一号</li></ul>
<ul class="tool"><li class="border">目 录</li>
<li class="gbpdf"><a href="{pdf_rel}" target="_blank"><img src="/images/trs_zc_downloadgongbao.png" /></a></li></ul></div>
<div class="left"><ul class="years">{_GOV_YEAR_LINKS}</ul></div>
<div class="box">
<ul>
{items}
</ul>
</div>
{_GOV_FOOTER}
<script>if ($('.gbpdf a').attr('href').length <=0) {{ $('.gbpdf').hide() }}</script>
</body></html>
"""


def gov_article(heading: str, year: int, no: int, date: str, content_id: int, paragraphs: list[str],
                malformed: bool = False) -> str:
    """An article page: <title> is the TOC entry (its lines joined by full-width spaces) +
    __{YYYY}年第{N}号国务院公报_中国政府网; the body is div.pages_content#UCAP-CONTENT."""
    body = "\n".join(f'<p style="text-indent: 2em; text-align: justify;">{esc(p)}</p>' for p in paragraphs)
    head = f"""<head>
<meta http-equiv="Content-Type" content="text/html; charset=utf-8">
<title>{esc(heading)}__{year}年第{no}号国务院公报_中国政府网</title>
<meta name="lanmu" content="{year}年第{no}号">
<meta name='manuscriptId' content="{content_id}">
<meta name="firstpublishedtime" content="{date}-10:00:00">
<meta name="lastmodifiedtime" content="{date}-10:00:00">
<style>.pages_content p {{ line-height: 2; }}</style>
</head>"""
    share = '<div class="share"><a href="javascript:;">分享</a> <a href="javascript:window.print();">打印</a></div>'
    if malformed:
        # as some real pages are: the CMS emits the page shell twice and leaves tags open
        return f"""<!DOCTYPE html>
<html>{head}<html>
<body>
{_GOV_NAV}
<div class="pages_content" id="UCAP-CONTENT"><table><tr><td>
{body}
<p><span><font>
</div>
<div class="footer">中国政府网
</body></html>
"""
    return f"""<!DOCTYPE html>
<html>{head}
<body>
{_GOV_NAV}
<div class="article">
<div class="pages_content" id="UCAP-CONTENT">
{body}
</div>
{share}
<div id="pagination"></div>
</div>
{_GOV_FOOTER}
<script>simplePage($('#UCAP-CONTENT .trs_paper_default'),$('#pagination'))</script>
</body></html>
"""


def policy_page(title: str, number: str | None, issuer: str, signed: str, published: str, subject: str,
                paragraphs: list[str]) -> str:
    """A State Council policy page: table.bd1 describes it, div.TRS_UEDITOR holds the text."""
    rows = [("索 引 号", "000014349/2024-00001"), ("主题分类", subject), ("发文机关", issuer), ("成文日期", _cn_date(signed)),
            ("标　　题", title), ("发文字号", number or ""), ("发布日期", _cn_date(published))]
    table = "\n".join(f"<tr><td><b>{esc(label)}：</b></td><td>{esc(value)}</td></tr>" for label, value in rows)
    body = "\n".join(f'<p style="text-indent: 2em;">{esc(p)}</p>' for p in paragraphs)
    return f"""<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>{esc(title)}_国务院文件_中国政府网</title>
<meta name="firstpublishedtime" content="{published}-16:00:00"></head>
<body>
{_GOV_NAV}
<div class="policyLibraryOverview_header"><table class="bd1">
{table}
</table></div>
<div class="pages_content" id="UCAP-CONTENT"><div class="TRS_UEDITOR trs_paper_default">
{body}
</div></div>
<div class="share"><a href="javascript:;">分享</a></div>
{_GOV_FOOTER}
</body></html>
"""


def _cn_date(day: str) -> str:
    return f"{day[:4]}年{int(day[5:7])}月{int(day[8:])}日"


def policy_library(items: list[tuple[str, str, str]]) -> str:
    """A listing page of the policy library: .news_box .list ul li h4 > a, with the date."""
    lis = "\n".join(f'<li><h4><a href="{href}" target="_blank">{esc(title)}</a><span class="date">{date}</span></h4></li>'
                    for href, title, date in items)
    return f"""<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>国务院政策文件库_中国政府网</title></head>
<body>
{_GOV_NAV}
<div class="news_box"><div class="list list_1 list_2"><ul>
{lis}
</ul></div></div>
{_GOV_FOOTER}
</body></html>
"""


# -- service.shanghai.gov.cn: the normative-document database ---------------------------------------
def normative_list(rows: list[tuple[str, str, str, str]], page: int, total_pages: int) -> str:
    trs = "\n".join(
        f'<tr><td class="td-title"><a href="{href}" title="{esc(title)}" target="_blank">{esc(title)}</a></td>'
        f'<td>{esc(number)}</td><td>{date}</td></tr>' for href, title, number, date in rows)
    return f"""<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>上海市行政规范性文件库</title></head>
<body>
<div class="search-box"><form action="XZGFList.aspx" method="get"><input name="keyword"><button>搜索</button></form></div>
<table class="table table-list">
<tr class="thead"><th>标题</th><th>文号</th><th>发布日期</th></tr>
{trs}
</table>
<div class="page">第{page}页 共{total_pages}页</div>
</body></html>
"""
