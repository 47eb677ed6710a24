"""Getting an alert noticed: a desktop notification where there is a tray, a banner where not.

Offscreen, in kiosk sessions and on many Linux desktops there is no system
tray; the in-window ``AlertBanner`` then carries the news.  Symptoms of a
known probable cause do not pop up (dependency awareness: one outage, one
notification), but they stay in the list and on the banner count; recoveries
are always announced.  Sound is optional and off by default: a beeping war
room is a war room that mutes its alarms. When it is on, the calm chime
``resources/sounds/alert.wav`` plays (with QtMultimedia; else the desktop's
beep); the tray icon is ``resources/icons/alert.svg``.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QRectF, QSize, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter
from PySide6.QtWidgets import QApplication, QSizePolicy, QSystemTrayIcon, QWidget

from noc_app.domain import Status
from widgets.assets import alert_sound, icon
from widgets.theme import look, scaled_font

RECOVERY_SHOWN_MS = 15_000  # a recovery banner goes away by itself; problems stay until acknowledged


class AlertBanner(QWidget):
    """A strip for the top of the main window: the newest unacknowledged alert, in words.

    Painted rather than a styled QLabel so the application stylesheet cannot
    shrink it; everything scales with ``self.font()``.  Clicking it emits
    ``clicked`` (the main window can switch to the alerts view).
    """

    clicked = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.text = ""
        self.status = Status.OK
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self._hide_timer = QTimer(self, singleShot=True, interval=RECOVERY_SHOWN_MS, timeout=self.hide)
        self.hide()

    def show_message(self, text: str, status: Status, auto_hide: bool = False) -> None:
        self.text, self.status = text, status
        self.setToolTip(text)
        self._hide_timer.stop()
        if auto_hide:
            self._hide_timer.start()
        self.show()
        self.update()

    def _banner_font(self) -> QFont:
        font = scaled_font(self.font(), 1.3)
        font.setBold(True)
        return font

    def sizeHint(self) -> QSize:
        fm = QFontMetrics(self._banner_font())
        return QSize(fm.horizontalAdvance(self.text) + 2 * fm.height(), int(fm.height() * 1.8))

    def minimumSizeHint(self) -> QSize:
        return QSize(0, self.sizeHint().height())

    def paintEvent(self, event) -> None:
        looks = look(self.status)
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor(looks.colour))
        font = self._banner_font()
        fm = QFontMetrics(font)
        painter.setFont(font)
        painter.setPen(QColor(looks.text_colour))
        inner = QRectF(self.rect()).adjusted(fm.height(), 0, -fm.height(), 0)
        painter.drawText(inner, Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft,
                         fm.elidedText(self.text, Qt.TextElideMode.ElideRight, int(inner.width())))
        painter.end()

    def mousePressEvent(self, event) -> None:
        self.clicked.emit()
        super().mousePressEvent(event)


class AlertNotifier(QObject):
    """Announces ``AlertsModel.alertRaised`` through the tray or the banner.

    ``use_tray=None`` asks ``QSystemTrayIcon.isSystemTrayAvailable()``; tests
    and the wall pass ``False`` to force the banner.
    """

    notified = Signal(str)  # the text shown, whichever channel showed it

    def __init__(self, model, banner: AlertBanner | None = None, parent: QObject | None = None,
                 use_tray: bool | None = None, sound: bool = False, sound_file: str | None = None):
        super().__init__(parent)
        self.model = model
        self.banner = banner
        self.sound = sound
        self.use_tray = QSystemTrayIcon.isSystemTrayAvailable() if use_tray is None else use_tray
        self.tray: QSystemTrayIcon | None = None
        if self.use_tray:
            self.tray = QSystemTrayIcon(icon("alert"), self)
            self.tray.setToolTip("Vigil NOC alerts")
            self.tray.show()
        self._effect = _sound_effect(sound_file or alert_sound()) if sound else None
        model.alertRaised.connect(self.on_alert)
        model.acknowledged.connect(self._refresh_banner)
        model.ackedElsewhere.connect(self._refresh_banner)  # another operator took it: stop alarming

    def on_alert(self, alert) -> None:
        symptom = alert.is_problem and bool(alert.symptom_of) and not alert.probable_cause
        if self.tray is not None:
            if not symptom:  # the cause's notification speaks for its symptoms
                icon = (QSystemTrayIcon.MessageIcon.Information if alert.recovered
                        else QSystemTrayIcon.MessageIcon.Critical)
                self.tray.showMessage(f"{alert.component_name}: {alert.state_text()}",
                                      alert.what_text() or alert.check_label, icon, 10_000)
                self.notified.emit(alert.summary())
        elif self.banner is not None:
            self._refresh_banner(recovery=alert if alert.recovered else None)
        if self.sound and alert.is_problem and not symptom:
            self._beep()

    def _refresh_banner(self, _acked=None, recovery=None) -> None:
        if self.banner is None or self.tray is not None:
            return
        # Only what is still failing: a self-healed blip waits in the list, it does not shout.
        open_ = self.model.unacknowledged_problems(still_failing=True)
        if open_:
            # Causes first: the banner names what to look at, not the newest symptom.
            top = next((a for a in open_ if a.probable_cause), open_[0])
            more = f"   (+{len(open_) - 1} more unacknowledged)" if len(open_) > 1 else ""
            text = top.summary() + more
            self.banner.show_message(text, top.status)
        elif recovery is not None:
            text = recovery.summary()
            self.banner.show_message(text, Status.OK, auto_hide=True)
        else:
            self.banner.hide()
            return
        self.notified.emit(text)

    def _beep(self) -> None:
        if self._effect is not None:
            self._effect.play()
        else:
            QApplication.beep()


def _sound_effect(path: str):
    """A QSoundEffect when QtMultimedia is installed (it is an optional add-on); else None."""
    try:
        from PySide6.QtMultimedia import QSoundEffect
    except ImportError:
        return None
    effect = QSoundEffect()
    effect.setSource(QUrl.fromLocalFile(path))
    return effect
