"""The app's CSS (its scripts are in ui/page_scripts.py)."""

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
.report-view .pno { display: inline-block; min-width: 2.2em; margin-right: .4em; color: #6b7280; font-size: .75em;
  font-weight: normal; }
.report-view .para { scroll-margin-top: 4em; padding: .2em .3em; border-radius: .3em; }
.report-view .para.metadata { color: #6b7280; font-size: .85em; }
.report-view .para.focus { background: #fef3c7; outline: 2px solid #f59e0b; }
.preview .warning, .warning { color: #b45309; }
table.meta th, table.report-list th { text-align: left; padding-right: 1em; white-space: nowrap; }
@media (max-width: 640px) {
  .report-view h2 { font-size: 1.1em; }
}
"""

# Gradio scopes CSS to the app's content; the page padding around it needs a plain <style> in <head>.
HEAD = """<style>
@media (max-width: 640px) {  /* phones: give the chat the width Gradio's 32px side padding takes */
  .gradio-container .main.app { padding-left: 6px !important; padding-right: 6px !important; }
}
</style>"""
