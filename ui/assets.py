"""The app's look (theme, CSS) and the small scripts that make it read well (the chat's own scripts are
in ui/page_scripts.py). The look meets WCAG 2.1 AA (tests/integration/browser/test_accessibility.py
checks it with axe-core):
text contrast ≥ 4.5:1, 16 px base text with a larger size residents can choose, 44 px touch targets on
phones, and Chinese names for what screen readers announce, whatever the browser's language.
"""

import gradio as gr
from gradio.themes import colors, sizes

# Gradio's default orange (#f97316) under white text or as the selected tab's text is 2.8:1 and its grey
# for secondary text and placeholders (#a1a1aa, #bbbbc2) 1.9–2.6:1. Blue-700 is 6.7:1 on white, red-700
# 6.5:1, zinc-600 7.7:1. text_lg makes the base text 16 px (Gradio's default is 14 px); chat messages, a size
# above the base in Gradio, get the base size too (20 px crowded a phone's 390 px).
THEME = gr.themes.Default(primary_hue=colors.blue, text_size=sizes.text_lg).set(
    button_primary_background_fill="*primary_700", button_primary_background_fill_hover="*primary_800",
    button_primary_background_fill_dark="*primary_700", button_primary_background_fill_hover_dark="*primary_800",
    color_accent="*primary_700", body_text_color_subdued="*neutral_600", input_placeholder_color="*neutral_600",
    button_cancel_background_fill=colors.red.c700, button_cancel_background_fill_hover=colors.red.c800,
    chatbot_text_size="*text_md",
)

# Chinese for the Gradio strings its own zh-CN translation lacks (the status line announced "common.complete"
# to screen readers after every answer).
I18N = gr.I18n(**{"zh-CN": {"common.complete": "已完成"}})

PRIVACY_NOTE = ('<p class="privacy-note">提问会被保存，用于改进回答；'
                '请勿填写姓名、电话、证件号等个人信息。</p>')

# The 字号 switch: a larger text size kept in the browser (localStorage), applied by HEAD on every load.
TEXT_SIZE_KEY = "govqa-text-size"
TEXT_SIZE_HTML = '<button type="button" class="text-size" aria-pressed="false">字号：大</button>'
TEXT_SIZE_JS = f"""
const button = element.querySelector('button.text-size');
const show = () => button.setAttribute('aria-pressed',
                                      String(document.documentElement.classList.contains('large-text')));
show();
button.addEventListener('click', () => {{
  const large = document.documentElement.classList.toggle('large-text');
  try {{ localStorage.setItem('{TEXT_SIZE_KEY}', large ? 'large' : 'normal'); }} catch (e) {{}}
  show();
}});
"""

# Runs with the page scripts (ui/page_scripts.py) when the hidden bridge component mounts.
ACCESSIBLE_NAMES_JS = """
// Kept up as Gradio redraws the page (tidy runs on every change):
// - a few of Gradio's labels are English in every language (not in its translations): they get Chinese, or
//   (null) give way to the element's own, already translated, text;
// - Gradio names each message "bot's message: <its HTML>": screen readers get 问题/回答 and the plain text;
// - the comment box, appearing after 👍/👎 below the fold, is brought into view and focused.
const ENGLISH_LABELS = {'Copy message': '复制消息', 'Copied message': '已复制', 'Copy conversation': '复制对话',
  'Copied conversation': '已复制', 'chatbot conversation': '对话', 'More tabs': '更多标签页',
  'Scroll down': '滚动到最新', 'Loading response': '正在生成回答', 'File upload': '上传文件',
  'Click to upload or drop files': null, 'Liked': '已赞', 'Disliked': '已踩'};
const ENGLISH_TEXTS = {'Loading content': '正在生成回答'};  // Gradio's screen-reader-only text
const englishLabelled = Object.keys(ENGLISH_LABELS)
  .flatMap((label) => [`[aria-label="${label}"]`, `[title="${label}"]`]).join(', ');
let commentShown = false;
const tidy = () => {
  for (const element of document.querySelectorAll(englishLabelled)) {
    for (const attribute of ['aria-label', 'title']) {
      const chinese = ENGLISH_LABELS[element.getAttribute(attribute)];
      if (chinese) element.setAttribute(attribute, chinese);
      else if (chinese === null) element.removeAttribute(attribute);
    }
  }
  for (const element of document.querySelectorAll('.sr-only')) {
    const chinese = Object.hasOwn(ENGLISH_TEXTS, element.textContent) && ENGLISH_TEXTS[element.textContent];
    if (chinese) element.textContent = chinese;
  }
  for (const message of document.querySelectorAll('[data-testid="bot"], [data-testid="user"]')) {
    const body = (message.querySelector('.answer-text, .question-text') || message).cloneNode(true);
    body.querySelectorAll('.cite-badge').forEach((badge) => badge.remove());  // "2.8%1。" reads as 2.81
    const text = body.textContent.replace(/\s+/g, ' ').trim();
    const name = (message.dataset.testid === 'bot' ? '回答：' : '问题：') + text;
    if (message.getAttribute('aria-label') !== name) message.setAttribute('aria-label', name);
  }
  const comment = document.querySelector('#govqa-comment textarea');
  const shown = Boolean(comment && comment.offsetParent);
  if (shown && !commentShown) { comment.scrollIntoView({block: 'center'}); comment.focus({preventScroll: true}); }
  commentShown = shown;
};
new MutationObserver(tidy).observe(document.body, {subtree: true, childList: true, characterData: true,
  attributes: true, attributeFilter: ['aria-label', 'title', 'class', 'style']});
"""

CSS = """
.cite-badge { display: inline-block; min-width: 1.4em; padding: 0 .35em; margin: 0 .15em; border-radius: .7em;
  background: #1d4ed8; color: #fff !important; font-size: .75em; line-height: 1.4em; text-align: center;
  text-decoration: none !important; vertical-align: .15em; }
.sources { margin-top: .6em; border-top: 1px solid #e5e7eb; padding-top: .4em; }
.sources details.source { margin: .35em 0; }
.sources summary { cursor: pointer; }
.sources blockquote { margin: .4em 0; padding-left: .6em; border-left: 3px solid #93c5fd; }
mark { background: #fde68a; color: inherit; padding: 0 .1em; }
.open-viewer { font-size: .85em; white-space: nowrap; }
.notice, .coverage { color: #4b5563; font-size: .9em; }
.privacy-note { margin: 0; color: #4b5563; font-size: .9em; }
#govqa-text-size { position: absolute; top: 0; right: 0; width: auto; z-index: 1; }  /* beside the title */
button.text-size { min-height: 36px; padding: 0 .8em; border: 1px solid #6b7280; border-radius: .4em; background: #fff;
  color: #1f2937; font-size: .9em; cursor: pointer; }
button.text-size[aria-pressed="true"] { background: #1d4ed8; border-color: #1d4ed8; color: #fff; }
.report-view .pno { display: inline-block; min-width: 2.2em; margin-right: .4em; color: #6b7280; font-size: .75em;
  font-weight: normal; }
.report-view .para { scroll-margin-top: 4em; padding: .2em .3em; border-radius: .3em; }
.report-view .para.metadata { color: #6b7280; font-size: .85em; }
.report-view .para.focus { background: #fef3c7; outline: 2px solid #f59e0b; }
.preview .warning, .warning { color: #b45309; }
table.meta th, table.report-list th { text-align: left; padding-right: 1em; white-space: nowrap; }
@media (max-width: 640px) {
  .report-view h2 { font-size: 1.1em; }
  /* Touch targets of at least 44×44 px (WCAG 2.5.5). A badge keeps its small pill inside a 44 px box:
     the padding is the target, the background is clipped to the content, the negative margins keep the line. */
  button, button.text-size, [role="tab"], summary, .open-viewer { min-height: 44px; }
  .icon-button { min-width: 44px; justify-content: center; }
  .sources summary { box-sizing: border-box; padding: .55em 0; }
  .open-viewer { display: inline-flex; align-items: center; }
  a.cite-badge { box-sizing: border-box; min-width: 44px; min-height: 44px; padding: 12px 8px; margin: -12px -4px;
    border-radius: 22px; background-clip: content-box; line-height: 20px; vertical-align: middle; }
}
"""

# Gradio scopes CSS to the app's content, so what sits outside it (page padding, the theme's size variables
# on :root) and what must run before the app draws goes in <head>.
HEAD = f"""<style>
@media (max-width: 640px) {{  /* phones: give the chat the width Gradio's 32px side padding takes */
  .gradio-container .main.app {{ padding-left: 6px !important; padding-right: 6px !important; }}
}}
:root.large-text {{ --text-xxs: 12px; --text-xs: 14px; --text-sm: 16px; --text-md: 20px; --text-lg: 24px;
  --text-xl: 28px; --text-xxl: 32px; }}
</style>
<script>
try {{ if (localStorage.getItem('{TEXT_SIZE_KEY}') === 'large') document.documentElement.classList.add('large-text'); }}
catch (e) {{}}
// Gradio shows its own strings (buttons, upload area, status) in the browser's language, read once at start;
// residents get Chinese in any browser. changeLocale is what Gradio's own settings page calls, from its core module.
(() => {{
  const core = performance.getEntriesByType('resource').map((entry) => entry.name)
    .find((name) => /\/assets\/core-[\w-]+\.js$/.test(name));
  if (core) import(core).then((module) => module.changeLocale('zh-CN'));
}})();
</script>"""
