"""HTML reports: the article body of a government web page, without navigation, footer or scripts.

Parsing (lxml through BeautifulSoup) is linear; finding the article measures every element's text,
which costs the page's size times its nesting depth. So a page nested deeper than the limit is
refused right after parsing, measured without recursion (thousands of levels took minutes, and
recursion through them raised RecursionError).
"""

from __future__ import annotations

import codecs
import html
import re
from pathlib import Path

from bs4 import BeautifulSoup, NavigableString, Tag
from bs4.element import PreformattedString

from index.errors import ReportTooLarge
from index.reading.decoding import GB18030, decode
from index.reading.sizes import ReadLimits
from index.reading.tables import table_lines

TAGS_PER_PARAGRAPH = 20  # tags one paragraph of a real page carries at most (p, span, font, a, br…), with room
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
_DECLARED_CODECS = {  # codecs.lookup() names → our decoders
    "gb2312": GB18030,
    "gbk": GB18030,
    "gb18030": GB18030,
    "big5": "cp950",
    "cp950": "cp950",
    "big5hkscs": "big5hkscs",
}
_ALWAYS_NOISE = ("script", "style", "noscript", "template", "iframe", "nav", "aside", "select", "button")
_PAGE_CHROME = {"header", "footer", "form"}
# Class/id words of page chrome. info, date, print, tool: the line under an article's title (date, source,
# 字号：大 中 小) and the 打印/关闭窗口 links below it (www.gov.cn's pages-date, pages_print; TRS and Hanweb
# templates' article-info, tools); whole words only, as "information" or "infoContent" may hold the article.
_NOISE_ATTR = re.compile(
    r"nav|menu|footer|breadcrumb|crumb|share|sidebar|copyright|toolbar|pagination|position|location|"
    r"(?<![a-z])(?:info|date|print|tools?)(?![a-z])", re.I
)
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)
_CONTENT_ATTR = re.compile(r"content|article|zoom|trs_editor|main|detail", re.I)
_CONTENT_TAGS = ("p", "h1", "h2", "h3", "h4", "h5", "h6")
_BLOCK_TAGS = frozenset(
    {
        *("address", "article", "aside", "blockquote", "body", "caption", "center", "dd", "details", "div"),
        *("dl", "dt", "fieldset", "figcaption", "figure", "footer", "form", "header", "hr", "html", "li"),
        *("main", "nav", "ol", "p", "pre", "section", "summary", "table", "tbody", "td", "tfoot", "th"),
        *("thead", "tr", "ul", *_CONTENT_TAGS),
    }
)
_CELL_BLOCKS = ("table", "p", "div", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6")
_SOURCE_WRAP = re.compile(r"(?<=[\u3000-\u9fff\uff00-\uffef])[ \t\r\f]*\n\s*(?=[\u3000-\u9fff\uff00-\uffef])")
_HTML_SPACE = re.compile(r"[ \t\r\n\f]+")
_TITLE = re.compile(r"<title[^>]*>(.{0,500}?)</title>", re.I | re.S)
_TAG = re.compile(r"<[^>]*>")
_SITE_SUFFIX = re.compile(r"\s*[_|｜]\s*|\s+[-－—]\s+")  # "title_site", "title | site", "title - site"


def read_html(path: Path, limits: ReadLimits) -> list[str]:
    data = path.read_bytes()
    text = decode(data, path.name, _declared_charset(data))
    # Parsing costs ~35 s per million tags: a page with far more tags than the paragraph cap could
    # ever need is refused before it (one pass over the text, 0.1 s for 25 MB).
    if (tags := text.count("<")) > TAGS_PER_PARAGRAPH * limits.max_paragraphs:
        raise ReportTooLarge(f"网页标签过多：{path.name}（约 {tags} 个，上限 {TAGS_PER_PARAGRAPH * limits.max_paragraphs} 个），已拒绝读取")
    soup = BeautifulSoup(text, "lxml")
    if (depth := nesting_depth(soup)) > limits.max_html_depth:
        raise ReportTooLarge(f"网页嵌套层级过深：{path.name}（{depth} 层，上限 {limits.max_html_depth} 层），已拒绝读取")
    _drop_noise(soup)
    return _html_lines(_article_root(soup))


def html_properties(path: Path) -> dict[str, str]:
    """The page's <title> without the site's name after it ("…工作计划_慈溪市人民政府" → "…工作计划"), and the
    site's name, which tells which 长河镇 a title means. Found by a pattern, not a second parse of the page."""
    data = path.read_bytes()
    found = _TITLE.search(decode(data, path.name, _declared_charset(data)))
    full = _squash(html.unescape(_TAG.sub("", found.group(1)))) if found else ""
    title, *site = _SITE_SUFFIX.split(full, maxsplit=1) if full else [""]
    return {k: v.strip() for k, v in (("title", title), ("site", "".join(site))) if v.strip()}


def nesting_depth(soup: BeautifulSoup) -> int:
    """How deep elements nest, in one pass over the document order (no recursion)."""
    depths, deepest = {id(soup): 0}, 0
    for tag in soup.descendants:
        if isinstance(tag, Tag):
            depth = depths[id(tag.parent)] + 1
            depths[id(tag)] = depth
            deepest = max(deepest, depth)
    return deepest


def _declared_charset(data: bytes) -> str | None:
    """The <meta> charset mapped to our decoder names; GB2312/GBK pages routinely contain GBK-only characters."""
    match = _META_CHARSET.search(data[:4096])
    if not match:
        return None
    try:
        name = codecs.lookup(match.group(1).decode("ascii")).name
    except LookupError:
        return None
    return _DECLARED_CODECS.get(name)


def _drop_noise(soup: BeautifulSoup) -> None:
    for tag in soup.find_all(_ALWAYS_NOISE):
        tag.decompose()
    # Pages without <p>/<h*> (text in <div>s and <br>s) are measured by all their text instead.
    measure = _content_len if _content_len(soup) else _text_len
    page_text = measure(soup)
    for tag in soup.find_all(True):
        # Never drop what holds most of the page's text (ASP.NET wraps whole pages in <form>).
        if not tag.decomposed and _looks_like_chrome(tag) and measure(tag) <= page_text / 2:
            tag.decompose()


def _looks_like_chrome(tag: Tag) -> bool:
    if tag.name in _PAGE_CHROME:
        return tag.name == "form" or tag.find_parent("article") is None  # an article's own header holds its title
    hidden = tag.has_attr("hidden") or _HIDDEN_STYLE.search(tag.get("style", ""))
    return bool(hidden or _NOISE_ATTR.search(_attr_words(tag)))


def _attr_words(tag: Tag) -> str:
    classes = tag.get("class") or []
    return " ".join([tag.get("id") or "", *(classes if isinstance(classes, list) else [classes])])


def _article_root(soup: BeautifulSoup) -> Tag:
    """<article> or a content-like id/class (TRS_Editor, zoom… on gov sites), else the densest <p> parent."""
    page = soup.body or soup
    page_text = _content_len(page)
    if not page_text:
        return page  # no paragraphs to locate an article by: keep the whole de-noised page
    candidates = [
        tag for tag in page.find_all(True) if tag.name in ("article", "main") or _CONTENT_ATTR.search(_attr_words(tag))
    ]
    if candidates:
        # Most paragraph/heading text wins (an article wrapper keeps its <h1> title); on a tie, the tighter one.
        best = max(candidates, key=lambda tag: (_content_len(tag), -len(tag.get_text())))
        if _content_len(best) >= page_text / 2:
            return best
    return _densest_paragraph_parent(page) or page


def _densest_paragraph_parent(page: Tag) -> Tag | None:
    totals: dict[int, tuple[Tag, int]] = {}
    for p in page.find_all("p"):
        if p.parent is not None:
            parent, total = totals.get(id(p.parent), (p.parent, 0))
            totals[id(p.parent)] = (parent, total + len(p.get_text(strip=True)))
    if not totals:
        return None
    parent, total = max(totals.values(), key=lambda item: item[1])
    return parent if total else None


def _content_len(tag: Tag) -> int:
    """Text in paragraphs and headings: where articles keep their words and page chrome rarely does."""
    return sum(len(el.get_text(strip=True)) for el in tag.find_all(_CONTENT_TAGS))


def _text_len(tag: Tag) -> int:
    return len(tag.get_text(strip=True))


def _html_lines(root: Tag) -> list[str]:
    lines: list[str] = []
    buffer: list[str] = []

    def flush() -> None:
        if buffer:
            lines.append(_squash("".join(buffer)))
            buffer.clear()

    def walk(node: Tag) -> None:
        for child in node.children:
            if isinstance(child, NavigableString):
                if not isinstance(child, PreformattedString):  # comments, doctype, CDATA
                    buffer.append(str(child))
            elif child.name == "br":
                flush()
            elif child.name == "table" and (rows := _data_rows(child)):
                flush()
                lines.extend(table_lines([_cells(row) for row in rows]))
            elif child.name == "tr" and _is_data_row(child):
                flush()
                lines.append(" | ".join(c for c in _cells(child) if c))
            elif child.name in _BLOCK_TAGS:
                flush()
                walk(child)
                flush()
            else:
                walk(child)

    walk(root)
    flush()
    return lines


def _is_data_row(row: Tag) -> bool:
    """A table row of data, not a layout row wrapping paragraphs (old gov sites lay pages out in tables)."""
    return not any(cell.find(_CELL_BLOCKS) for cell in row.find_all(("td", "th"), recursive=False))


def _data_rows(table: Tag) -> list[Tag]:
    """The table's own rows when all are data rows (not nested tables' rows); [] for a layout table."""
    rows = [tr for tr in table.find_all("tr") if tr.find_parent("table") is table]
    return rows if rows and all(_is_data_row(row) for row in rows) else []


def _cells(row: Tag) -> list[str]:
    return [_squash(cell.get_text(" ")) for cell in row.find_all(("td", "th"), recursive=False)]


def _squash(text: str) -> str:
    """HTML whitespace rules, except that a source line break between two CJK characters is no space."""
    return _HTML_SPACE.sub(" ", _SOURCE_WRAP.sub("", text)).strip()
