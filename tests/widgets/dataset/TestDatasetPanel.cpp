// Tests the central dataset panel: its guidance when no dataset is open, and the case table of an
// open one.
#include <QLabel>
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
#include "dataset/DatasetPanel.h"

using namespace longmim;
using namespace longmim::studio;
using namespace longmim::test;

class TestDatasetPanel : public QObject {
  Q_OBJECT

 private:
  IsolatedSettings settings_;
  QTemporaryDir data_;

  std::string path(const QString& relative) const { return data_.filePath(relative).toStdString(); }

 private Q_SLOTS:
  void withoutADatasetItExplainsWhatToOpen() {
    DatasetPanel panel;
    panel.show();
    QVERIFY(QTest::qWaitForWindowExposed(&panel));
    QVERIFY(!panel.hasDataset());
    auto* message = panel.findChild<QLabel*>(QStringLiteral("emptyDatasetMessage"));
    QVERIFY(message->isVisible());
    QTextDocument document;
    document.setHtml(message->text());
    QCOMPARE(document.toPlainText().simplified(),
             QStringLiteral("No dataset open. Use File ▸ Open Dataset… (Ctrl+O) to pick a folder "
                            "that holds case folders, each with prior.nii.gz, current.nii.gz and "
                            "diff_map.nii.gz (.nii works too; the reference's case/pair layout is "
                            "found recursively). The command line does the same check: longmim "
                            "data check DIR To try the studio without data of your own, use File "
                            "▸ Open Demo Dataset: synthetic phantom pairs, generated into your "
                            "data folder the first time."));
    // The whole message fits: nothing is cut off at the panel's default size.
    const QRect area(message->mapTo(&panel, QPoint(0, 0)), message->size());
    QVERIFY(panel.rect().contains(area));
    QVERIFY(message->height() >= message->heightForWidth(message->width()));

    QSignalSpy openRequested(&panel, &DatasetPanel::openRequested);
    QTest::mouseClick(panel.findChild<QPushButton*>(QStringLiteral("openDatasetButton")),
                      Qt::LeftButton);
    QCOMPARE(openRequested.size(), 1);
    QSignalSpy openDemoRequested(&panel, &DatasetPanel::openDemoRequested);
    QTest::mouseClick(panel.findChild<QPushButton*>(QStringLiteral("openDemoDatasetButton")),
                      Qt::LeftButton);
    QCOMPARE(openDemoRequested.size(), 1);
    QCOMPARE(openRequested.size(), 1);
  }

  void aDatasetIsShownAsATableOfCases() {
    const QString root = data_.filePath(QStringLiteral("study"));
    writeCase(path(QStringLiteral("study/p01/pair0")), 8, 8, 0);
    writeCase(path(QStringLiteral("study/p01/pair1")), 8, 8, 1);
    writeCase(path(QStringLiteral("study/p02")), 8, 8, 2);
    std::filesystem::remove(path(QStringLiteral("study/p02/diff_map.nii.gz")));
    const PairIndex index = PairIndex::scan(root.toStdString());

    DatasetPanel panel;
    panel.show();
    panel.showDataset(index);
    QVERIFY(panel.hasDataset());
    QVERIFY(!panel.findChild<QLabel*>(QStringLiteral("emptyDatasetMessage"))->isVisible());
    QCOMPARE(panel.findChild<QLabel*>(QStringLiteral("datasetFolderLabel"))->text(),
             QStringLiteral("Dataset: ") + root);
    QCOMPARE(panel.findChild<QLabel*>(QStringLiteral("datasetCountsLabel"))->text(),
             QStringLiteral("2 valid, 1 invalid case"));

    auto* table = panel.findChild<QTableWidget*>(QStringLiteral("caseTable"));
    QVERIFY(table->isVisible());
    QCOMPARE(table->rowCount(), 3);
    const QStringList headers{
        table->horizontalHeaderItem(0)->text(), table->horizontalHeaderItem(1)->text(),
        table->horizontalHeaderItem(2)->text(), table->horizontalHeaderItem(3)->text()};
    QCOMPARE(headers, QStringList({"Case", "Subject", "Status", "Problems"}));
    QCOMPARE(table->item(0, 0)->text(), QStringLiteral("p01/pair0"));
    QCOMPARE(table->item(0, 1)->text(), QStringLiteral("p01"));
    QCOMPARE(table->item(1, 1)->text(), QStringLiteral("p01"));
    QCOMPARE(table->item(2, 0)->text(), QStringLiteral("p02"));
    QCOMPARE(table->item(2, 2)->text(), QStringLiteral("invalid"));
    QCOMPARE(table->item(2, 2)->foreground().color(), errorColor());
    QCOMPARE(table->item(2, 3)->text(), QStringLiteral("diff_map.nii.gz: missing"));
    QCOMPARE(table->item(0, 2)->text(), QStringLiteral("valid"));
    QCOMPARE(table->item(0, 2)->foreground().color(), validColor());

    panel.showNoDataset();
    QVERIFY(!panel.hasDataset());
    QVERIFY(panel.findChild<QLabel*>(QStringLiteral("emptyDatasetMessage"))->isVisible());
  }
};

QTEST_MAIN(TestDatasetPanel)
#include "TestDatasetPanel.moc"
