// The studio's evaluation: a real tiny checkpoint evaluated off the GUI thread, the table a user
// reads (the model next to the baselines), evaluation.json beside the checkpoint, another dataset,
// cancellation, and a bad checkpoint reported without touching the report already on disk.
#include <QFile>
#include <QFileInfo>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSemaphore>
#include <QSignalSpy>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QThreadPool>
#include <QtTest>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "TestImages.h"
#include "config/Presets.h"
#include "train/Trainer.h"
#include "training/EvaluationDialog.h"

using namespace longmim;
using namespace longmim::studio;
namespace fs = std::filesystem;

class TestEvaluationDialog : public QObject {
  Q_OBJECT

 private:
  QTemporaryDir dir_;
  QString checkpoint_;

  QString path(const QString& name) const { return dir_.filePath(name); }

  static QString text(const EvaluationDialog& dialog, const char* name) {
    return dialog.findChild<QLabel*>(QString::fromLatin1(name))->text();
  }
  static QTableWidget* table(const EvaluationDialog& dialog) {
    return dialog.findChild<QTableWidget*>(QStringLiteral("metricTable"));
  }
  static nlohmann::json readJson(const QString& file) {
    std::ifstream in(file.toStdString());
    return nlohmann::json::parse(in);
  }

  // Evaluates and waits for the end; returns whether it succeeded.
  static bool runToEnd(EvaluationDialog& dialog, const QString& checkpoint,
                       const QString& data = QString()) {
    QSignalSpy finished(&dialog, &EvaluationDialog::evaluationFinished);
    dialog.evaluate(checkpoint, data);
    if (!finished.wait(120000))
      return false;
    return finished.at(0).at(0).toBool();
  }

 private Q_SLOTS:
  void initTestCase() {
    QVERIFY(dir_.isValid());
    test::writeDiscDataset(path("discs").toStdString(), 10, 64, 5);
    TrainingConfig config = presetConfig("tiny");
    config.dataDir = path("discs").toStdString();
    config.outputDir = path("runs").toStdString();
    config.runName = "eval";
    config.epochs = 1;
    config.valFraction = 0.3;
    config.loaderThreads = 1;
    TrainerObserver silent;
    Trainer trainer(TrainerOptions{config, {}, true, {}}, &silent);
    const RunResult result = trainer.run();
    QVERIFY2(result.outcome == RunOutcome::Completed, result.message.c_str());
    checkpoint_ = QString::fromStdString(result.runDir + "/" + kBestCheckpointName);
    QVERIFY(QFileInfo::exists(checkpoint_));
  }

  void theTableShowsTheModelNextToTheBaselinesAndTheReportIsWritten() {
    EvaluationDialog dialog;
    dialog.show();
    QSignalSpy written(&dialog, &EvaluationDialog::reportWritten);
    QVERIFY(runToEnd(dialog, checkpoint_));
    const QString report = QFileInfo(checkpoint_).dir().filePath(QStringLiteral("evaluation.json"));
    QCOMPARE(written.size(), 1);
    QCOMPARE(written.at(0).at(0).toString(), report);
    QCOMPARE(dialog.reportPath(), report);

    const nlohmann::json j = readJson(report);
    QCOMPARE(j["split"].get<std::string>(), std::string("val"));  // the run's own validation
    const int pairs = j["pairs"].get<int>();
    QVERIFY(pairs >= 1 && pairs < 10);
    const QString summary = text(dialog, "summaryLabel");
    QVERIFY2(summary.startsWith(QString::number(pairs) + QStringLiteral(" pairs (val split")),
             qPrintable(summary));
    QVERIFY2(summary.contains(report), qPrintable(summary));
    QCOMPARE(dialog.findChild<QLineEdit*>(QStringLiteral("dataEdit"))->text(), path("discs"));

    // One row per metric: what the user reads is what the report holds.
    QTableWidget* t = table(dialog);
    QCOMPARE(t->rowCount(), 6);
    QCOMPARE(t->columnCount(), 6);
    QVERIFY(t->item(0, 0)->text().startsWith(QStringLiteral("L1")));
    const double modelL1 = t->item(0, 1)->text().toDouble();
    QVERIFY(qAbs(modelL1 - j["summary"]["model"]["l1"].get<double>()) <= 1e-3 * modelL1);
    const double zerosL1 = t->item(0, 2)->text().toDouble();
    QVERIFY(qAbs(zerosL1 - j["summary"]["zeros"]["l1"].get<double>()) <= 1e-3 * zerosL1);
    const bool beats = j["model_beats"]["zeros"]["l1"].get<bool>();
    QCOMPARE(t->item(0, 4)->text(),
             beats ? QStringLiteral("better") : QStringLiteral("not better"));
    // The zeros map has r 0 and AUC 0.5 by definition.
    QVERIFY(t->item(5, 0)->text().startsWith(QStringLiteral("AUC")));
    QCOMPARE(t->item(5, 2)->text(), QStringLiteral("0.5"));
  }

  void anotherDatasetIsEvaluatedWhole() {
    test::writeDiscDataset(path("held_out").toStdString(), 4, 64, 77);
    EvaluationDialog dialog;
    dialog.show();
    QVERIFY(runToEnd(dialog, checkpoint_, path("held_out")));
    QVERIFY2(text(dialog, "summaryLabel").startsWith(QStringLiteral("4 pairs (all split")),
             qPrintable(text(dialog, "summaryLabel")));
    QCOMPARE(readJson(dialog.reportPath())["pairs"].get<int>(), 4);
    // "Evaluate" runs it again on what the field says.
    dialog.findChild<QLineEdit*>(QStringLiteral("dataEdit"))->setText(path("discs"));
    QSignalSpy finished(&dialog, &EvaluationDialog::evaluationFinished);
    dialog.findChild<QPushButton*>(QStringLiteral("evaluateButton"))->click();
    QVERIFY(finished.wait(120000));
    QCOMPARE(readJson(dialog.reportPath())["split"].get<std::string>(), std::string("val"));
  }

  void aCancelledEvaluationWritesNothing() {
    const fs::path run = path("cancelled").toStdString();
    fs::create_directories(run);
    const QString copy = QString::fromStdString((run / "best.pt").string());
    QVERIFY(QFile::copy(checkpoint_, copy));
    // Hold the only pool thread so the evaluation cannot begin before Cancel is pressed.
    QThreadPool* pool = QThreadPool::globalInstance();
    const int threads = pool->maxThreadCount();
    pool->setMaxThreadCount(1);
    QSemaphore release;
    QSemaphore holding;
    pool->start([&] {
      holding.release();
      release.acquire();
    });
    holding.acquire();
    EvaluationDialog dialog;
    dialog.show();
    QSignalSpy finished(&dialog, &EvaluationDialog::evaluationFinished);
    QSignalSpy errors(&dialog, &EvaluationDialog::errorOccurred);
    dialog.evaluate(copy);
    QVERIFY(dialog.isEvaluating());
    dialog.findChild<QPushButton*>(QStringLiteral("cancelEvaluationButton"))->click();
    release.release();
    QVERIFY(finished.wait(120000));
    pool->setMaxThreadCount(threads);
    QCOMPARE(finished.at(0).at(0).toBool(), false);
    QVERIFY(errors.isEmpty());
    QVERIFY(text(dialog, "summaryLabel").contains(QStringLiteral("cancelled")));
    QVERIFY(!fs::exists(run / "evaluation.json"));
    QVERIFY(dialog.reportPath().isEmpty());
  }

  void aBadCheckpointIsReportedAndTheEarlierReportKept() {
    const fs::path run = path("broken").toStdString();
    fs::create_directories(run);
    { std::ofstream(run / "best.pt") << "not a checkpoint"; }
    const std::string earlier = "{\"kept\": true}\n";
    { std::ofstream(run / "evaluation.json") << earlier; }
    EvaluationDialog dialog;
    dialog.show();
    QSignalSpy errors(&dialog, &EvaluationDialog::errorOccurred);
    const QString bad = QString::fromStdString((run / "best.pt").string());
    QVERIFY(!runToEnd(dialog, bad));
    QCOMPARE(errors.size(), 1);
    const QString message = errors.at(0).at(0).toString();
    QVERIFY2(message.contains(bad), qPrintable(message));
    QCOMPARE(text(dialog, "summaryLabel"), message);
    QCOMPARE(table(dialog)->rowCount(), 0);
    std::ifstream in(run / "evaluation.json");
    QCOMPARE(std::string(std::istreambuf_iterator<char>(in), {}), earlier);
  }
};

QTEST_MAIN(TestEvaluationDialog)
#include "TestEvaluationDialog.moc"
