// Tests the data-check dialog on generated folders: the problems a user sees, the summary, the
// error for a folder that does not exist, cancelling, and handing a checked folder to the studio.
#include <QLabel>
#include <QMessageBox>
#include <QProgressBar>
#include <QPushButton>
#include <QSignalSpy>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QtTest>

#include <filesystem>

#include "IsolatedSettings.h"
#include "TestImages.h"
#include "common/StatusColors.h"
#include "dataset/DataCheckDialog.h"
#include "io/NiftiIO.h"
#include "shell/LogPanel.h"

using namespace longmim;
using namespace longmim::studio;
using namespace longmim::test;

namespace {

QStringList rowTexts(const QTableWidget* table, int row) {
  QStringList texts;
  for (int column = 0; column < table->columnCount(); ++column)
    texts << table->item(row, column)->text();
  return texts;
}

QStringList headerTexts(const QTableWidget* table) {
  QStringList texts;
  for (int column = 0; column < table->columnCount(); ++column)
    texts << table->horizontalHeaderItem(column)->text();
  return texts;
}

}  // namespace

class TestDataCheckDialog : public QObject {
  Q_OBJECT

 private:
  IsolatedSettings settings_;
  QTemporaryDir data_;
  QString badRoot_;
  QString manyRoot_;

  QString at(const QString& relative) const { return data_.filePath(relative); }
  std::string path(const QString& relative) const { return at(relative).toStdString(); }

  static QLabel* summary(const DataCheckDialog& dialog) {
    return dialog.findChild<QLabel*>(QStringLiteral("summaryLabel"));
  }
  static QTableWidget* problems(const DataCheckDialog& dialog) {
    return dialog.findChild<QTableWidget*>(QStringLiteral("problemTable"));
  }

 private Q_SLOTS:
  void initTestCase() {
    badRoot_ = at(QStringLiteral("bad"));
    writeCase(path(QStringLiteral("bad/case_good")), 8, 8);

    writeCase(path(QStringLiteral("bad/case_missing")), 8, 8);
    std::filesystem::remove(path(QStringLiteral("bad/case_missing/current.nii.gz")));

    writeCase(path(QStringLiteral("bad/case_text")), 8, 8);
    writeBytes(path(QStringLiteral("bad/case_text/prior.nii.gz")), "just some text, no NIfTI");

    writeCase(path(QStringLiteral("bad/case_3d")), 4, 4);
    writeTypedNifti<float, 3>(path(QStringLiteral("bad/case_3d/diff_map.nii.gz")), {4, 4, 2},
                              std::vector<float>(32, 0.f));

    // Differing sizes: a warning only, the case stays valid.
    writeCase(path(QStringLiteral("bad/case_sizes")), 8, 8);
    writeImage2D(rampImage(4, 6), path(QStringLiteral("bad/case_sizes/diff_map.nii.gz")));

    manyRoot_ = at(QStringLiteral("many"));
    for (int i = 0; i < 60; ++i) {
      writeCase(path(QStringLiteral("many/case_%1").arg(i, 3, 10, QLatin1Char('0'))), 64, 64, i);
    }
    QVERIFY(QDir().mkpath(at(QStringLiteral("empty"))));
  }

  void listsEveryProblemOfABadFolder() {
    DataCheckDialog dialog;
    dialog.show();
    QSignalSpy finished(&dialog, &DataCheckDialog::checkFinished);
    dialog.check(badRoot_);
    QVERIFY(finished.wait(20000));
    QCOMPARE(finished.first().first().toBool(), true);

    QCOMPARE(summary(dialog)->text(), QStringLiteral("2 valid, 3 invalid cases in ") + badRoot_);
    QVERIFY(summary(dialog)->palette().color(QPalette::WindowText) != errorColor());
    auto* progress = dialog.findChild<QProgressBar*>(QStringLiteral("progressBar"));
    QCOMPARE(progress->maximum(), 5);
    QCOMPARE(progress->value(), 5);

    QTableWidget* table = problems(dialog);
    QVERIFY(table->isVisible());
    QCOMPARE(headerTexts(table), QStringList({"Case", "File", "Problem", "Severity"}));
    QCOMPARE(table->rowCount(), 4);
    QCOMPARE(rowTexts(table, 0),
             QStringList({"case_3d", "diff_map.nii.gz",
                          "is 3-D (4x4x2); expected a 2-D image (a 3-D file may have one "
                          "singleton axis)",
                          "error"}));
    QCOMPARE(rowTexts(table, 1),
             QStringList({"case_missing", "current.nii.gz", "missing", "error"}));
    QCOMPARE(rowTexts(table, 2),
             QStringList({"case_sizes", "",
                          "image sizes differ (prior.nii.gz 8x8, current.nii.gz 8x8, "
                          "diff_map.nii.gz 4x6); each is resized to IMG_SIZE",
                          "warning"}));
    QCOMPARE(
        rowTexts(table, 3),
        QStringList({"case_text", "prior.nii.gz",
                     "not a readable NIfTI file (bad header or corrupt compression)", "error"}));
    for (int column = 0; column < table->columnCount(); ++column) {
      QCOMPARE(table->item(0, column)->foreground().color(), errorColor());
      QCOMPARE(table->item(2, column)->foreground().color(), warningColor());
    }
    QVERIFY(dialog.findChild<QPushButton*>(QStringLiteral("openAsDatasetButton"))->isEnabled());
    QVERIFY(!dialog.findChild<QPushButton*>(QStringLiteral("cancelCheckButton"))->isEnabled());
  }

  void problemsSortByAnyColumn() {
    DataCheckDialog dialog;
    dialog.show();
    QSignalSpy finished(&dialog, &DataCheckDialog::checkFinished);
    dialog.check(badRoot_);
    QVERIFY(finished.wait(20000));
    QTableWidget* table = problems(dialog);
    QVERIFY(table->isSortingEnabled());

    table->sortByColumn(3, Qt::DescendingOrder);  // what a click on "Severity" does
    QCOMPARE(table->item(0, 3)->text(), QStringLiteral("warning"));
    QCOMPARE(table->item(0, 0)->text(), QStringLiteral("case_sizes"));
    table->sortByColumn(0, Qt::DescendingOrder);
    QCOMPARE(table->item(0, 0)->text(), QStringLiteral("case_text"));
    QCOMPARE(table->item(0, 1)->text(), QStringLiteral("prior.nii.gz"));  // rows move as a whole
  }

  void aMissingFolderShowsTheErrorAndTheDialogStaysUsable() {
    LogPanel log;
    log.installAsCoreLogSink();
    DataCheckDialog dialog;
    dialog.show();
    QSignalSpy finished(&dialog, &DataCheckDialog::checkFinished);
    const QString missing = at(QStringLiteral("nope"));
    dialog.check(missing);
    QVERIFY(finished.wait(20000));
    QCOMPARE(finished.first().first().toBool(), false);

    const QString expected = missing + QStringLiteral(": folder not found");
    QCOMPARE(summary(dialog)->text(), expected);
    QCOMPARE(summary(dialog)->palette().color(QPalette::WindowText), errorColor());
    QCOMPARE(problems(dialog)->rowCount(), 0);
    auto* box = dialog.findChild<QMessageBox*>(QStringLiteral("errorBox"));
    QVERIFY(box);
    QTRY_VERIFY(box->isVisible());
    QCOMPARE(box->text(), expected);
    QTRY_VERIFY2(log.toPlainText().contains(QStringLiteral("error: ") + expected),
                 qPrintable(log.toPlainText()));

    box->accept();
    dialog.check(badRoot_);
    QVERIFY(finished.wait(20000));
    QCOMPARE(finished.last().first().toBool(), true);
    QCOMPARE(summary(dialog)->text(), QStringLiteral("2 valid, 3 invalid cases in ") + badRoot_);
    QVERIFY(summary(dialog)->palette().color(QPalette::WindowText) != errorColor());
    QCOMPARE(problems(dialog)->rowCount(), 4);
  }

  void aFileInsteadOfAFolderIsAnError() {
    DataCheckDialog dialog;
    dialog.show();
    QSignalSpy finished(&dialog, &DataCheckDialog::checkFinished);
    const QString file = at(QStringLiteral("bad/case_good/prior.nii.gz"));
    dialog.check(file);
    QVERIFY(finished.wait(20000));
    QCOMPARE(finished.first().first().toBool(), false);
    QCOMPARE(summary(dialog)->text(), file + QStringLiteral(": is a file, not a folder"));
    QTRY_VERIFY(dialog.findChild<QMessageBox*>(QStringLiteral("errorBox")));
  }

  void cancellingStopsTheCheck() {
    DataCheckDialog dialog;
    dialog.show();
    QSignalSpy finished(&dialog, &DataCheckDialog::checkFinished);
    dialog.check(manyRoot_);
    QVERIFY(dialog.isChecking());
    QVERIFY(dialog.findChild<QPushButton*>(QStringLiteral("cancelCheckButton"))->isEnabled());
    QTest::mouseClick(dialog.findChild<QPushButton*>(QStringLiteral("cancelCheckButton")),
                      Qt::LeftButton);
    QVERIFY(finished.wait(20000));
    QCOMPARE(finished.first().first().toBool(), false);
    QCOMPARE(summary(dialog)->text(),
             QStringLiteral("Check of ") + manyRoot_ + QStringLiteral(" cancelled."));
    QVERIFY(!dialog.findChild<QMessageBox*>(QStringLiteral("errorBox")));  // not an error
    QVERIFY(!dialog.findChild<QPushButton*>(QStringLiteral("openAsDatasetButton"))->isEnabled());
  }

  void anEmptyFolderSaysWhatACaseNeeds() {
    DataCheckDialog dialog;
    dialog.show();
    QSignalSpy finished(&dialog, &DataCheckDialog::checkFinished);
    dialog.check(at(QStringLiteral("empty")));
    QVERIFY(finished.wait(20000));
    QCOMPARE(summary(dialog)->text(),
             QStringLiteral("No cases found in ") + at(QStringLiteral("empty")) +
                 QStringLiteral(". Each case folder needs prior.nii.gz, current.nii.gz and "
                                "diff_map.nii.gz."));
    QCOMPARE(problems(dialog)->rowCount(), 0);
    QVERIFY(!dialog.findChild<QPushButton*>(QStringLiteral("openAsDatasetButton"))->isEnabled());
  }

  void aCheckedFolderCanBeOpenedAsTheDataset() {
    DataCheckDialog dialog;
    dialog.show();
    QSignalSpy finished(&dialog, &DataCheckDialog::checkFinished);
    QSignalSpy openRequested(&dialog, &DataCheckDialog::openRequested);
    dialog.check(badRoot_);
    QVERIFY(finished.wait(20000));
    QTest::mouseClick(dialog.findChild<QPushButton*>(QStringLiteral("openAsDatasetButton")),
                      Qt::LeftButton);
    QCOMPARE(openRequested.size(), 1);
    QCOMPARE(openRequested.first().first().toString(), badRoot_);
    QVERIFY(!dialog.isVisible());
  }
};

QTEST_MAIN(TestDataCheckDialog)
#include "TestDataCheckDialog.moc"
