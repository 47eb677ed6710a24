"""Knowledge base: live search over known problems, the article with its solution and script."""

from __future__ import annotations

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QLabel, QLineEdit

from noc_app.admin import Article, KnowledgeBase
from widgets.admin.page import AreaPage, text_box
from widgets.admin.runner import Runner
from widgets.admin.table import ComponentPicker

SEARCH_DELAY_MS = 200  # search once the operator pauses, not on every key


class KnowledgePage(AreaPage):
    noun = "article"

    def __init__(self, kb: KnowledgeBase, runner: Runner, parent=None):
        self.snippets: dict[str, str] = {}
        self.columns = (
            ("Id", lambda a: a.id),
            ("Title", lambda a: a.title),
            ("Components", lambda a: ", ".join(a.components)),
            ("Where it matches", lambda a: self.snippets.get(a.id, "")),
        )
        super().__init__(runner, parent)
        self.kb = kb
        self.search_edit = QLineEdit()
        self.search_edit.setPlaceholderText("Search titles, symptoms and solutions (all words)…")
        self.search_edit.setClearButtonEnabled(True)
        self.toolbar.addWidget(QLabel("Search"))
        self.toolbar.addWidget(self.search_edit, 1)
        self._search_timer = QTimer(self, singleShot=True, interval=SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self.reload)
        self.search_edit.textChanged.connect(lambda _t: self._search_timer.start())

        self.title_edit = QLineEdit()
        self.symptoms_edit = text_box(90)
        self.symptoms_edit.setPlaceholderText("one symptom per line, e.g. API 503")
        self.components = ComponentPicker()
        self.solution_edit = text_box(180)
        self.script_edit = text_box(120, mono=True)
        self.script_edit.setPlaceholderText("optional: commands to run")
        self.form.addRow("Title", self.title_edit)
        self.form.addRow("Symptoms", self.symptoms_edit)
        self.form.addRow("Components", self.components)
        self.form.addRow("Solution", self.solution_edit)
        self.form.addRow("Script", self.script_edit)
        self.new()

    def set_components(self, components: list[tuple[str, str]]) -> None:
        self.components.set_components(components)

    def load_task(self):
        text, kb = self.search_edit.text(), self.kb
        return lambda: kb.search(text)

    def rows_from(self, hits) -> list[Article]:
        text = self.search_edit.text().strip()
        self.snippets = {h.article.id: h.snippet for h in hits} if text else {
            h.article.id: " · ".join(h.article.symptoms) for h in hits}
        return [h.article for h in hits]

    def fill(self, article: Article | None) -> None:
        self.title_edit.setText(article.title if article else "")
        self.symptoms_edit.setPlainText("\n".join(article.symptoms) if article else "")
        self.components.set_checked(article.components if article else ())
        self.solution_edit.setPlainText(article.solution if article else "")
        self.script_edit.setPlainText((article.script or "") if article else "")

    def read_form(self, record_id: str) -> Article:
        symptoms = tuple(s for s in self.symptoms_edit.toPlainText().split("\n") if s.strip())
        script = self.script_edit.toPlainText()
        return Article(record_id, self.title_edit.text(), symptoms, self.solution_edit.toPlainText(),
                       script if script.strip() else None, self.components.checked())

    def save_task(self, article: Article, new: bool):
        return (lambda: self.kb.create(article)) if new else (lambda: self.kb.update(article))

    def delete_task(self, record_id: str):
        return lambda: self.kb.delete(record_id)
