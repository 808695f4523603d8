// Tests the log panel: timestamped, coloured lines, messages logged by core from worker threads,
// and that the route from core ends with the panel.
#include <QRegularExpression>
#include <QTextBlock>
#include <QtTest>

#include <thread>

#include "IsolatedSettings.h"
#include "Log.h"
#include "common/StatusColors.h"
#include "shell/LogPanel.h"

using namespace longmim;
using namespace longmim::studio;

namespace {

QColor colourOfLine(const LogPanel& panel, int line) {
  const QTextBlock block = panel.document()->findBlockByNumber(line);
  return block.begin().fragment().charFormat().foreground().color();
}

bool lineHasOwnColour(const LogPanel& panel, int line) {
  const QTextBlock block = panel.document()->findBlockByNumber(line);
  return block.begin().fragment().charFormat().hasProperty(QTextFormat::ForegroundBrush);
}

}  // namespace

class TestLogPanel : public QObject {
  Q_OBJECT

 private:
  test::IsolatedSettings settings_;

 private Q_SLOTS:
  void linesAreTimestampedAndColouredByLevel() {
    LogPanel panel;
    panel.show();
    QVERIFY(panel.isReadOnly());
    QCOMPARE(panel.objectName(), QStringLiteral("logView"));
    panel.appendMessage(LogLevel::Info, QStringLiteral("opened /data"));
    panel.appendMessage(LogLevel::Warning, QStringLiteral("sizes differ"));
    panel.appendMessage(LogLevel::Error, QStringLiteral("/x: folder not found"));

    const QStringList lines = panel.toPlainText().split(QLatin1Char('\n'));
    QCOMPARE(lines.size(), 3);
    const QRegularExpression time(QStringLiteral("^\\d\\d:\\d\\d:\\d\\d  "));
    QVERIFY2(time.match(lines[0]).hasMatch(), qPrintable(lines[0]));
    QCOMPARE(lines[0].mid(10), QStringLiteral("opened /data"));
    QCOMPARE(lines[1].mid(10), QStringLiteral("warning: sizes differ"));
    QCOMPARE(lines[2].mid(10), QStringLiteral("error: /x: folder not found"));

    QVERIFY(!lineHasOwnColour(panel, 0));  // the palette's text colour
    QCOMPARE(colourOfLine(panel, 1), warningColor());
    QCOMPARE(colourOfLine(panel, 2), errorColor());
  }

  void coreMessagesFromWorkerThreadsArrive() {
    LogPanel panel;
    panel.installAsCoreLogSink();
    QVERIFY(panel.isCoreLogSink());
    std::thread worker([] {
      for (int i = 0; i < 50; ++i)
        logMessage(LogLevel::Warning, "worker message " + std::to_string(i));
    });
    worker.join();
    logMessage(LogLevel::Info, "from the GUI thread");
    QTRY_COMPARE(panel.document()->blockCount(), 51);
    const QStringList lines = panel.toPlainText().split(QLatin1Char('\n'));
    QCOMPARE(lines[0].mid(10), QStringLiteral("warning: worker message 0"));
    QCOMPARE(lines[49].mid(10), QStringLiteral("warning: worker message 49"));
    QCOMPARE(lines[50].mid(10), QStringLiteral("from the GUI thread"));
    QCOMPARE(colourOfLine(panel, 49), warningColor());
  }

  void theRouteEndsWithThePanel() {
    auto first = std::make_unique<LogPanel>();
    first->installAsCoreLogSink();
    auto second = std::make_unique<LogPanel>();
    second->installAsCoreLogSink();
    QVERIFY(!first->isCoreLogSink());
    first.reset();  // not the sink any more: must leave the second panel's route alone
    logInfo("to the second panel");
    QTRY_VERIFY(second->toPlainText().contains(QStringLiteral("to the second panel")));

    second.reset();
    logInfo("after both panels are gone");  // back on stderr; must not touch a dead panel
    QCoreApplication::processEvents();
  }
};

QTEST_MAIN(TestLogPanel)
#include "TestLogPanel.moc"
