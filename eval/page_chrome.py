"""A report's article wrapped in the page a government website serves it in: what a scraper saves.

The chrome is that of a provincial portal's article page (the TRS and Hanweb CMSs most 政府网站 run on):
site header with a menu, breadcrumb 首页 > 政务公开 > 政府工作报告, title with a date and source line and
font-size switch, share buttons, a sidebar of related links, and a footer with 版权所有, 主办, ICP备,
联系我们. Everything is fixed text or comes from the arguments, so the same report gives the same page.
`chrome_lines(page)` are the page's text lines outside the article: what a reader must not keep.
"""

from __future__ import annotations

import html
from collections.abc import Sequence

from bs4 import BeautifulSoup

ARTICLE_ID = "zoom"  # the id most 政府网站 CMSs (TRS, Hanweb) give the article body
MENU = ("首页", "政务公开", "政务服务", "互动交流", "数据开放", "走进省情")
BREADCRUMB = ("首页", "政务公开", "政府工作报告")
SIDEBAR = (
    ("相关文章", ("政府工作报告解读", "图解政府工作报告", "十大民生实事清单", "历年政府工作报告")),
    ("热点专题", ("优化营商环境", "乡村振兴", "我为群众办实事")),
)
SHARE = ("微信", "微博", "QQ空间")
_BLOCKS = ("div", "p", "li", "h3", "ul")


def government_page(article_html: str, title: str, site: str, published: str = "2025-01-20 09:30") -> str:
    """The page: article_html (the report's paragraphs and tables) inside the site's chrome."""
    t, s = html.escape(title), html.escape(site)
    menu = "".join(f'<li><a href="/{i}/">{html.escape(m)}</a></li>' for i, m in enumerate(MENU))
    crumbs = " &gt; ".join(f'<a href="/{i}/">{html.escape(c)}</a>' for i, c in enumerate(BREADCRUMB))
    share = "".join(f'<a class="share-{i}" href="javascript:;">{html.escape(name)}</a>' for i, name in enumerate(SHARE))
    return f"""<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>{t}_{s}</title>
<script>var _hmt = _hmt || [];</script><style>.nav li{{float:left}}</style></head>
<body>
<div class="header"><div class="logo"><a href="/">{s}</a></div>
<div class="top-links"><a href="/wza/">无障碍</a> | <a href="/en/">English</a> | <a href="/search/">站内搜索</a></div>
<ul class="nav">{menu}</ul></div>
<div class="main w1200">
<div class="position">当前位置：{crumbs}</div>
<div class="left-content">
<div class="article">
<h1 class="article-title">{t}</h1>
<div class="article-info">发布时间：{html.escape(published)}　来源：{s}办公厅　字号：<a href="#">大</a> <a href="#">中</a> <a href="#">小</a>　<a href="javascript:window.print()">打印</a></div>
<div class="bdshare">分享到：{share}</div>
<div id="{ARTICLE_ID}" class="article-content TRS_Editor">
{article_html}
</div>
<div class="article-tools"><a href="javascript:window.print()">【打印本页】</a> <a href="javascript:window.close()">【关闭窗口】</a></div>
</div></div>
<div class="sidebar">{_sidebar()}</div>
</div>
<div class="footer"><p><a href="/lxwm/">联系我们</a> | <a href="/wzdt/">网站地图</a> | <a href="/sm/">网站声明</a></p>
<p>版权所有：{s}办公厅　主办：{s}办公厅　承办：{s}信息中心</p>
<p><a href="https://beian.miit.gov.cn/">皖ICP备05001234号-1</a>　<a href="/ga/">公网安备 34010402700123号</a>　网站标识码：3400000001</p></div>
<script>document.getElementById("{ARTICLE_ID}");</script>
</body></html>
"""


def _sidebar() -> str:
    return "".join(f'<div class="box"><h3>{html.escape(head)}</h3><ul>'
                   + "".join(f'<li><a href="/r/{i}/">{html.escape(link)}</a></li>' for i, link in enumerate(links))
                   + "</ul></div>" for head, links in SIDEBAR)


def article_html(blocks: Sequence[str | Sequence[Sequence[str]]]) -> str:
    """Paragraphs as <p> (indented as the portals do), tables (rows of cells) as <table>, the first row as <th>."""
    parts = []
    for block in blocks:
        if isinstance(block, str):
            parts.append(f'<p style="text-indent:2em;">{html.escape(block)}</p>')
        else:
            rows = [(("th" if r == 0 else "td"), row) for r, row in enumerate(block)]
            parts.append('<table border="1" cellspacing="0">' + "".join(
                "<tr>" + "".join(f"<{tag}>{html.escape(cell)}</{tag}>" for cell in row) + "</tr>"
                for tag, row in rows) + "</table>")
    return "\n".join(parts)


def chrome_lines(page: str) -> list[str]:
    """The text of each innermost block outside the article and its title (a menu item, the breadcrumb, the
    date-and-source line, a footer line), whitespace removed: what a reader must not keep."""
    soup = BeautifulSoup(page, "lxml")
    for tag in (soup.find(id=ARTICLE_ID), soup.find("h1"), *soup.find_all(["script", "style", "title"])):
        tag.decompose()
    leaves = [tag for tag in soup.find_all(_BLOCKS) if tag.find(_BLOCKS) is None]
    return [text for tag in leaves if (text := "".join(tag.get_text().split()))]
