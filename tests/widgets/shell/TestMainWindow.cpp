// Tests the studio's main window as a user meets it: title, menus, the empty state, opening good,
// mixed and missing datasets, the recent list, the log dock and the About box.
#include <QDir>
#include <QDockWidget>
#include <QFile>
#include <QFileInfo>
#include <QLabel>
#include <QMenu>
#include <QMenuBar>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTextDocument>
#include <QtTest>

#include <filesystem>

#include "IsolatedSettings.h"
#include "TestImages.h"
#include "common/StatusColors.h"
#include "dataset/RecentDatasets.h"
#include "dataset/RecentDatasetsMenu.h"
#include "shell/MainWindow.h"
#include "shell/StudioPlatform.h"
#include "shell/StudioSettings.h"
#include "training/EvaluationDialog.h"

using namespace longmim::studio;
using namespace longmim::test;

namespace {

QString withoutMnemonic(QString text) {
  return text.remove(QLatin1Char('&'));
}

QStringList menuTitles(const QMenuBar* bar) {
  QStringList titles;
  for (const QAction* action : bar->actions())
    titles << withoutMnemonic(action->text());
  return titles;
}

QString plainText(const QLabel* label) {
  QTextDocument document;
  document.setHtml(label->text());
  return document.toPlainText();
}

QStringList rowTexts(const QTableWidget* table, int row) {
  QStringList texts;
  for (int column = 0; column < table->columnCount(); ++column)
    texts << table->item(row, column)->text();
  return texts;
}

}  // namespace

class TestMainWindow : public QObject {
  Q_OBJECT

 private:
  IsolatedSettings settings_;
  QTemporaryDir data_;
  QString goodRoot_;
  QString mixedRoot_;

  QString at(const QString& relative) const { return data_.filePath(relative); }

  static QLabel* summaryLabel(const MainWindow& window) {
    return window.findChild<QLabel*>(QStringLiteral("datasetSummaryLabel"));
  }
  static QTableWidget* caseTable(const MainWindow& window) {
    return window.findChild<QTableWidget*>(QStringLiteral("caseTable"));
  }
  static QString logText(const MainWindow& window) {
    return window.findChild<QPlainTextEdit*>(QStringLiteral("logView"))->toPlainText();
  }

 private Q_SLOTS:
  void initTestCase() {
    QVERIFY(studioSettings().fileName().startsWith(settings_.path()));
    goodRoot_ = at(QStringLiteral("good"));
    writeCase(at(QStringLiteral("good/case_a")).toStdString(), 8, 8, 0);
    writeCase(at(QStringLiteral("good/case_b")).toStdString(), 8, 8, 1);
    writeCase(at(QStringLiteral("good/ref/pair0")).toStdString(), 8, 8, 2, ".nii");
    mixedRoot_ = at(QStringLiteral("mixed"));
    writeCase(at(QStringLiteral("mixed/case_ok")).toStdString(), 8, 8, 3);
    writeCase(at(QStringLiteral("mixed/case_missing")).toStdString(), 8, 8, 4);
    std::filesystem::remove(at(QStringLiteral("mixed/case_missing/current.nii.gz")).toStdString());
  }

  void init() { studioSettings().clear(); }

  void opensWithTitleMenusAndEmptyState() {
    MainWindow window;
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));

    QCOMPARE(window.windowTitle(), QStringLiteral("Longitudinal MIM Studio"));
    QCOMPARE(menuTitles(window.menuBar()),
             QStringList({QStringLiteral("File"), QStringLiteral("Training"),
                          QStringLiteral("View"), QStringLiteral("Help")}));

    auto* open = window.findChild<QAction*>(QStringLiteral("openDatasetAction"));
    QVERIFY(open);
    QCOMPARE(withoutMnemonic(open->text()), QStringLiteral("Open Dataset…"));
    QCOMPARE(open->shortcut(), QKeySequence(QStringLiteral("Ctrl+O")));
    auto* check = window.findChild<QAction*>(QStringLiteral("checkDatasetAction"));
    QVERIFY(check);
    QCOMPARE(withoutMnemonic(check->text()), QStringLiteral("Check Dataset…"));
    auto* quit = window.findChild<QAction*>(QStringLiteral("quitAction"));
    QVERIFY(quit);
    QCOMPARE(quit->shortcut(), QKeySequence(QStringLiteral("Ctrl+Q")));
    auto* recent = window.findChild<RecentDatasetsMenu*>();
    QVERIFY(recent);
    QCOMPARE(withoutMnemonic(recent->title()), QStringLiteral("Recent Datasets"));
    QCOMPARE(recent->actions().size(), 1);
    QVERIFY(!recent->actions().first()->isEnabled());  // "No recent datasets"

    QCOMPARE(summaryLabel(window)->text(), QStringLiteral("No dataset"));
    QVERIFY(summaryLabel(window)->isVisible());

    auto* message = window.findChild<QLabel*>(QStringLiteral("emptyDatasetMessage"));
    QVERIFY(message && message->isVisible());
    const QString text = plainText(message).simplified();
    QVERIFY2(text.startsWith(QStringLiteral("No dataset open.")), qPrintable(text));
    QVERIFY2(text.contains(QStringLiteral("Use File ▸ Open Dataset… (Ctrl+O) to pick a folder that "
                                          "holds case folders, each with prior.nii.gz, "
                                          "current.nii.gz and diff_map.nii.gz (.nii works too; "
                                          "the reference's case/pair layout is found "
                                          "recursively).")),
             qPrintable(text));
    QVERIFY2(text.contains(
                 QStringLiteral("The command line does the same check: longmim data check DIR")),
             qPrintable(text));
    QVERIFY2(text.endsWith(QStringLiteral("To try the studio without data of your own, use File ▸ "
                                          "Open Demo Dataset: synthetic phantom pairs, generated "
                                          "into your data folder the first time.")),
             qPrintable(text));
    // All of it is on screen: a word-wrapped label given less height than its text needs is cut.
    QVERIFY2(message->height() >= message->heightForWidth(message->width()),
             qPrintable(QStringLiteral("%1x%2 shows what needs %3 px of height")
                            .arg(message->width())
                            .arg(message->height())
                            .arg(message->heightForWidth(message->width()))));
    auto* button = window.findChild<QPushButton*>(QStringLiteral("openDatasetButton"));
    QVERIFY(button && button->isVisible());
    QCOMPARE(button->text(), QStringLiteral("Open Dataset…"));
    auto* demoButton = window.findChild<QPushButton*>(QStringLiteral("openDemoDatasetButton"));
    QVERIFY(demoButton && demoButton->isVisible());
    QCOMPARE(demoButton->text(), QStringLiteral("Open Demo Dataset"));
    auto* demo = window.findChild<QAction*>(QStringLiteral("openDemoDatasetAction"));
    QVERIFY(demo);
    QCOMPARE(withoutMnemonic(demo->text()), QStringLiteral("Open Demo Dataset"));
    QVERIFY(!window.findChild<QWidget*>(QStringLiteral("demoProgress"))->isVisible());
    QVERIFY(!caseTable(window)->isVisible());
    QVERIFY(window.findChild<QPlainTextEdit*>(QStringLiteral("logView"))->isVisible());
  }

  void openingAGoodDatasetShowsItsCases() {
    MainWindow window;
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    QSignalSpy opened(&window, &MainWindow::datasetOpened);
    window.openDataset(goodRoot_);
    QVERIFY(opened.wait(20000));

    QCOMPARE(summaryLabel(window)->text(), QStringLiteral("3 valid, 0 invalid cases"));
    QCOMPARE(window.windowTitle(), QStringLiteral("Longitudinal MIM Studio — good"));
    QVERIFY(!window.findChild<QLabel*>(QStringLiteral("emptyDatasetMessage"))->isVisible());
    QCOMPARE(window.findChild<QLabel*>(QStringLiteral("datasetFolderLabel"))->text(),
             QStringLiteral("Dataset: ") + goodRoot_);

    QTableWidget* table = caseTable(window);
    QVERIFY(table->isVisible());
    QCOMPARE(table->rowCount(), 3);
    QCOMPARE(rowTexts(table, 0), QStringList({"case_a", "case_a", "valid", ""}));
    QCOMPARE(rowTexts(table, 1), QStringList({"case_b", "case_b", "valid", ""}));
    QCOMPARE(rowTexts(table, 2), QStringList({"ref/pair0", "ref", "valid", ""}));
    QCOMPARE(table->item(0, 2)->foreground().color(), validColor());

    QCOMPARE(RecentDatasets().last(), goodRoot_);
    QTRY_VERIFY2(logText(window).contains(QStringLiteral("Checked ") + goodRoot_ +
                                          QStringLiteral(": 3 valid, 0 invalid cases")),
                 qPrintable(logText(window)));
  }

  void invalidCasesAreMarkedWithTheirProblems() {
    MainWindow window;
    window.show();
    QSignalSpy opened(&window, &MainWindow::datasetOpened);
    window.openDataset(mixedRoot_);
    QVERIFY(opened.wait(20000));

    QCOMPARE(summaryLabel(window)->text(), QStringLiteral("1 valid, 1 invalid case"));
    QCOMPARE(window.windowTitle(), QStringLiteral("Longitudinal MIM Studio — mixed"));
    QTableWidget* table = caseTable(window);
    QCOMPARE(table->rowCount(), 2);
    QCOMPARE(rowTexts(table, 0),
             QStringList({"case_missing", "case_missing", "invalid", "current.nii.gz: missing"}));
    QCOMPARE(table->item(0, 2)->foreground().color(), errorColor());
    QCOMPARE(rowTexts(table, 1), QStringList({"case_ok", "case_ok", "valid", ""}));
  }

  void aMissingFolderShowsTheErrorAndLeavesTheStudioUsable() {
    MainWindow window;
    window.show();
    QSignalSpy opened(&window, &MainWindow::datasetOpened);
    QSignalSpy failed(&window, &MainWindow::datasetOpenFailed);
    window.openDataset(goodRoot_);
    QVERIFY(opened.wait(20000));

    const QString missing = at(QStringLiteral("does_not_exist"));
    window.openDataset(missing);
    QVERIFY(failed.wait(20000));
    QCOMPARE(failed.first().first().toString(), missing + QStringLiteral(": folder not found"));

    auto* box = window.findChild<QMessageBox*>(QStringLiteral("errorBox"));
    QVERIFY(box);
    QTRY_VERIFY(box->isVisible());
    QCOMPARE(box->text(), missing + QStringLiteral(": folder not found"));
    QTRY_VERIFY2(logText(window).contains(QStringLiteral("error: ") + missing +
                                          QStringLiteral(": folder not found")),
                 qPrintable(logText(window)));

    // The dataset that was open stays open.
    QCOMPARE(summaryLabel(window)->text(), QStringLiteral("3 valid, 0 invalid cases"));
    QCOMPARE(window.windowTitle(), QStringLiteral("Longitudinal MIM Studio — good"));
    QCOMPARE(caseTable(window)->rowCount(), 3);

    QTest::mouseClick(box->button(QMessageBox::Ok), Qt::LeftButton);
    QTRY_VERIFY(!window.findChild<QMessageBox*>(QStringLiteral("errorBox")));
    window.openDataset(mixedRoot_);
    QVERIFY(opened.wait(20000));
    QCOMPARE(summaryLabel(window)->text(), QStringLiteral("1 valid, 1 invalid case"));
  }

  void aCheckpointThatCannotBeEvaluatedIsShownAndLogged() {
    MainWindow window;
    window.show();
    auto* action = window.findChild<QAction*>(QStringLiteral("evaluateCheckpointAction"));
    QVERIFY(action);
    QCOMPARE(withoutMnemonic(action->text()), QStringLiteral("Evaluate Checkpoint…"));
    const QString bad = at(QStringLiteral("not_a_checkpoint.pt"));
    {
      QFile file(bad);
      QVERIFY(file.open(QIODevice::WriteOnly));
      file.write("plain text, not a checkpoint");
    }
    window.evaluateCheckpoint(bad);
    auto* dialog = window.findChild<EvaluationDialog*>();
    QVERIFY(dialog && dialog->isVisible());
    QTRY_VERIFY_WITH_TIMEOUT(window.findChild<QMessageBox*>(QStringLiteral("errorBox")), 60000);
    auto* box = window.findChild<QMessageBox*>(QStringLiteral("errorBox"));
    QVERIFY2(box->text().contains(bad), qPrintable(box->text()));
    QTRY_VERIFY2(logText(window).contains(QStringLiteral("error: ") + box->text()),
                 qPrintable(logText(window)));
    QVERIFY(!QFileInfo::exists(at(QStringLiteral("evaluation.json"))));
    QTest::mouseClick(box->button(QMessageBox::Ok), Qt::LeftButton);
    dialog->close();
  }

  void theLastDatasetIsReopenedAtStart() {
    RecentDatasets().add(goodRoot_);
    MainWindow window;
    window.show();
    QSignalSpy opened(&window, &MainWindow::datasetOpened);
    window.restoreLastDataset();
    QVERIFY(opened.wait(20000));
    QCOMPARE(opened.first().first().toString(), goodRoot_);
    QCOMPARE(summaryLabel(window)->text(), QStringLiteral("3 valid, 0 invalid cases"));
  }

  void aVanishedLastDatasetIsOnlyLogged() {
    const QString gone = at(QStringLiteral("gone"));
    RecentDatasets().add(gone);
    MainWindow window;
    window.show();
    window.restoreLastDataset();
    QTRY_VERIFY2(logText(window).contains(QStringLiteral("warning: the last dataset, ") + gone +
                                          QStringLiteral(", is no longer there")),
                 qPrintable(logText(window)));
    QVERIFY(!window.findChild<QMessageBox*>(QStringLiteral("errorBox")));
    QCOMPARE(summaryLabel(window)->text(), QStringLiteral("No dataset"));
  }

  void theRecentMenuReopensADataset() {
    RecentDatasets().add(mixedRoot_);
    RecentDatasets().add(goodRoot_);
    MainWindow window;
    window.show();
    auto* recent = window.findChild<RecentDatasetsMenu*>();
    recent->refresh();
    QStringList listed;
    for (const QAction* action : recent->actions()) {
      if (!action->data().toString().isEmpty())
        listed << action->data().toString();
    }
    QCOMPARE(listed, QStringList({goodRoot_, mixedRoot_}));

    QSignalSpy opened(&window, &MainWindow::datasetOpened);
    recent->actions().at(1)->trigger();
    QVERIFY(opened.wait(20000));
    QCOMPARE(summaryLabel(window)->text(), QStringLiteral("1 valid, 1 invalid case"));
    QCOMPARE(RecentDatasets().paths(), QStringList({mixedRoot_, goodRoot_}));
  }

  void theViewMenuTogglesTheLog() {
    MainWindow window;
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    auto* toggle = window.findChild<QAction*>(QStringLiteral("toggleLogAction"));
    auto* dock = window.findChild<QDockWidget*>(QStringLiteral("logDock"));
    QVERIFY(toggle && dock);
    QVERIFY(window.findChild<QMenu*>(QStringLiteral("viewMenu"))->actions().contains(toggle));
    QVERIFY(dock->isVisible());
    toggle->trigger();
    QVERIFY(!dock->isVisible());
    toggle->trigger();
    QVERIFY(dock->isVisible());
  }

  void aboutSaysWhatAndWhichVersion() {
    MainWindow window;
    window.show();
    window.findChild<QAction*>(QStringLiteral("aboutAction"))->trigger();
    auto* box = window.findChild<QMessageBox*>(QStringLiteral("aboutBox"));
    QVERIFY(box);
    QTRY_VERIFY(box->isVisible());
    QVERIFY2(box->text().contains(QStringLiteral("Longitudinal MIM Studio 0.1.0")),
             qPrintable(box->text()));
    QVERIFY2(box->text().contains(QStringLiteral("difference map")), qPrintable(box->text()));
    box->accept();
  }
};

int main(int argc, char** argv) {
  prepareStudioPlatform();  // the viewer's VTK panels need their OpenGL format before QApplication
  QApplication app(argc, argv);
  TestMainWindow test;
  return QTest::qExec(&test, argc, argv);
}
#include "TestMainWindow.moc"
