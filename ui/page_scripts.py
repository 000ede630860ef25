"""The page's own scripts: source badges and links inside chat messages, the citation reader's history
(deep links, Back, 返回答案), and copy / share / print of an answer.

The chat's HTML is sanitised by Gradio (no inline handlers, no data- attributes), so links carry their
target in href and one document-level listener, loaded by a hidden gr.HTML, acts on them:
  #src-<turn>-<n>   unfold source n below its answer
  #p-<doc>-<n>[~a-b] open paragraph n (sentences a..b marked) in the viewer: the URL becomes ?open=…
  #copy-<turn> / #share-<turn> / #print-<turn>   the answer's plain text, its permalink, its print view
  #back             back to the answer the viewer was opened from
Plain texts and permalinks ride in the answer's markup, hidden (ui/render.py), so the server writes them.
"""

import json

# The print view's own page: readable on paper, the marks kept.
PRINT_CSS = (
    "body{font:16px/1.7 sans-serif;color:#111;margin:1.5em}h1{font-size:1.2em}.print-only{font-weight:bold}"
    "mark{background:#fde68a}blockquote{margin:.4em 0;padding-left:.6em;border-left:3px solid #93c5fd}"
    ".cite-badge{font-size:.75em;vertical-align:.15em;padding:0 .3em;border:1px solid #1d4ed8;border-radius:.7em;"
    "color:#1d4ed8;text-decoration:none}.source-report{font-weight:600;margin:.6em 0 .2em}summary{list-style:none}"
    ".open-viewer{display:none}"
)

# Runs once when the hidden bridge component mounts; `props` and `trigger` are gr.HTML's.
BRIDGE_JS = "const PRINT_CSS = " + json.dumps(PRINT_CSS) + ";" + """
const status = document.createElement('div');
status.id = 'govqa-toast'; status.setAttribute('role', 'status'); status.setAttribute('aria-live', 'polite');
document.body.appendChild(status);
window.govqaToast = (text) => {
  status.textContent = text; status.classList.add('shown');
  clearTimeout(window.govqaToastTimer);
  window.govqaToastTimer = setTimeout(() => status.classList.remove('shown'), 4000);
};
window.govqaCopy = async (text, done) => {
  try { await navigator.clipboard.writeText(text); }
  catch (error) {  // plain http on a LAN address has no clipboard API
    const area = document.createElement('textarea');
    area.value = text; document.body.appendChild(area); area.select(); document.execCommand('copy'); area.remove();
  }
  window.govqaToast(done);
};
window.govqaPlain = (element) => {  // the hidden text with its line breaks, entities decoded
  const area = document.createElement('textarea');
  area.innerHTML = element.innerHTML.replace(/<br\\s*\\/?>/gi, '\\n');
  return area.value;
};
let opened = 0;
const open = (anchor) => { props.value = anchor + ' ' + (++opened); trigger('change'); };  // same link twice still fires
const showChat = (replyId) => {
  const tab = [...document.querySelectorAll('button[role="tab"]')].find((b) => b.textContent.trim() === '问答');
  if (tab) tab.click();
  setTimeout(() => {
    const reply = replyId && document.getElementById(replyId);
    if (reply) { reply.tabIndex = -1; reply.scrollIntoView({block: 'center'}); reply.focus({preventScroll: true}); }
  }, 150);
};
const printReply = (reply) => {  // a window of its own: the answer, its question and every source unfolded
  const view = window.open('', '_blank');
  if (!view) { window.govqaToast('请允许本站打开新窗口，才能打印'); return; }
  const copy = reply.cloneNode(true);
  copy.querySelectorAll('details').forEach((d) => d.setAttribute('open', ''));
  copy.querySelectorAll('.answer-actions, .plain-copy, .share-query').forEach((e) => e.remove());
  view.document.write('<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title></title><style>' +
    PRINT_CSS + '</style></head><body><h1></h1></body></html>');
  view.document.title = document.title;
  view.document.querySelector('h1').textContent = document.title;
  view.document.body.appendChild(view.document.importNode(copy, true));
  view.document.close();
  view.focus();
  view.print();
};
document.addEventListener('click', (event) => {
  const link = event.target.closest('a[href^="#src-"], a[href^="#p-"], a[href^="#copy-"], a[href^="#share-"], ' +
                                    'a[href^="#print-"], a[href="#back"]');
  if (!link) return;
  event.preventDefault();
  event.stopPropagation();
  const target = decodeURIComponent(link.getAttribute('href').slice(1));
  const reply = link.closest('.reply');
  if (target.startsWith('src-')) {  // a badge: unfold its source below the answer
    const source = document.getElementById(target);
    if (source) { source.open = true; (source.querySelector('mark') || source).scrollIntoView({block: 'center'}); }
  } else if (target.startsWith('copy-')) {
    const text = document.getElementById('plain-' + target.slice(5));
    if (text) window.govqaCopy(window.govqaPlain(text), '已复制回答和来源');
  } else if (target.startsWith('share-')) {
    const query = document.getElementById('share-query-' + target.slice(6));
    const url = location.origin + location.pathname + '?' + (query ? window.govqaPlain(query) : '');
    if (navigator.share) navigator.share({title: document.title, url}).catch(() => {});
    else window.govqaCopy(url, '链接已复制，打开它会重新提出这个问题');
  } else if (target.startsWith('print-')) {
    if (reply) printReply(reply);
  } else if (target === 'back') {
    if (history.state && history.state.govqa === 'viewer') history.back();
    else showChat(window.govqaReturnTo);
  } else {  // a source link: the server opens the paragraph in the report viewer
    window.govqaReturnTo = reply ? reply.id : null;
    history.pushState({govqa: 'viewer', from: window.govqaReturnTo}, '', '?open=' + encodeURIComponent(target));
    open(target);
  }
}, true);
window.addEventListener('popstate', (event) => {
  const anchor = new URLSearchParams(location.search).get('open');
  if (anchor) open(anchor);
  else showChat((event.state && event.state.from) || window.govqaReturnTo);
});
"""

# After the viewer re-renders: the cited paragraph in view and the keyboard on 返回答案 (retries until rendered).
SCROLL_JS = """
(anchor) => {
  const id = (anchor || '').split(' ')[0].split('~')[0];
  let tries = 0;
  const go = () => {
    const element = document.getElementById(id);
    if (!element) { if (tries++ < 40) setTimeout(go, 50); return; }
    (element.querySelector('mark') || element).scrollIntoView({block: 'center'});
    const back = document.querySelector('#govqa-viewer .back-to-answer');
    if (back) back.focus({preventScroll: true}); else { element.tabIndex = -1; element.focus({preventScroll: true}); }
  };
  setTimeout(go, 50);
  return [];
}
"""

# A page opened at ?open=…: the viewer was rendered by the page load, bring its paragraph into view.
SCROLL_TO_OPEN_JS = f"""
() => {{
  const anchor = new URLSearchParams(location.search).get('open');
  if (anchor) ({SCROLL_JS})(anchor);
  return [];
}}
"""

COPY_ALL_JS = """
() => {
  const texts = [...document.querySelectorAll('#govqa-chat .plain-copy')].map((t) => window.govqaPlain(t));
  if (texts.length) window.govqaCopy(texts.join('\\n\\n'), '已复制全部对话');
  else window.govqaToast('还没有对话');
  return [];
}
"""

# In <head>, not Gradio's scoped css: the toast concerns the whole page.
PAGE_HEAD = """<style>
.plain-copy, .share-query, .print-only { display: none; }
#govqa-toast { position: fixed; left: 50%; bottom: 1.5em; transform: translateX(-50%); z-index: 1000; max-width: 90vw;
  padding: .6em 1em; border-radius: .5em; background: #1f2937; color: #fff; font-size: 16px; opacity: 0;
  pointer-events: none; transition: opacity .2s; }
#govqa-toast.shown { opacity: 1; }
</style>"""

# Scoped by Gradio to the app: the pieces of an answer this module's scripts act on.
CHAT_CSS = """
.source-group { margin: .3em 0 .5em; }
.source-report { margin: .2em 0; font-weight: 600; }
.also-in, .question-scope { color: #4b5563; font-size: .9em; }
.answer-actions { display: flex; flex-wrap: wrap; gap: .3em .9em; margin: .5em 0 0; }
.answer-actions a.action { display: inline-flex; align-items: center; justify-content: center; min-height: 44px;
  min-width: 44px; padding: 0 .4em; }
.viewer-back { position: fixed; top: .6em; right: .6em; z-index: 50; margin: 0; }  /* in reach wherever the reader scrolled */
.viewer-back a { display: inline-flex; align-items: center; min-height: 44px; padding: 0 1em; border-radius: 22px;
  background: #1d4ed8; color: #fff !important; font-weight: 600; text-decoration: none; box-shadow: 0 1px 4px #0004; }
.report-view .para.focus mark { background: #fde68a; }
"""
