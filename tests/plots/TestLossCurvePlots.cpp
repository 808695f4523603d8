// Tests the run folder's loss plots: loss_curves.png and detailed_loss_curves.png have the
// reference's size and show blue train and red validation curves where a user looks for them; the
// chart a live view shares holds one point per epoch; empty, short and broken histories still give
// a readable image; a failed write throws and keeps the file that was there.
#include <QDir>
#include <QFile>
#include <QImage>
#include <QTemporaryDir>
#include <QtTest>

#include "QCustomPlotHeader.h"

#include <cmath>
#include <limits>

#include "ComponentLossCharts.h"
#include "Error.h"
#include "LossCurvePlots.h"
#include "TotalLossChart.h"

using namespace longmim;
using namespace longmim::studio;

namespace {

constexpr int kBatchesPerEpoch = 10;

// 3 epochs, a logged batch every 2, L1 / L1_masked / L2 (+ extra components when asked), best
// epoch 2, MAX_LR halved during epoch 2.
TrainingHistory threeEpochs(const std::vector<std::string>& extraComponents = {}) {
  TrainingHistory h;
  const double train[] = {0.40, 0.25, 0.18};
  const double validation[] = {0.30, 0.20, 0.25};
  int64_t globalBatch = 0;
  for (int epoch = 1; epoch <= 3; ++epoch) {
    for (int batch = 2; batch <= kBatchesPerEpoch; batch += 2) {
      StepRecord s;
      s.epoch = epoch;
      s.batch = batch;
      s.batchesInEpoch = kBatchesPerEpoch;
      globalBatch = (epoch - 1) * kBatchesPerEpoch + batch;
      s.globalBatch = globalBatch;
      s.optimizerStep = globalBatch;  // no accumulation
      s.total = train[epoch - 1] * (1.3 - 0.05 * batch);
      s.components = {{"L1", s.total * 0.4}, {"L1_masked", s.total * 0.5}, {"L2", s.total * 0.1}};
      s.learningRate = 6e-4;
      h.steps.push_back(s);
    }
    EpochRecord e;
    e.epoch = epoch;
    e.trainTotal = train[epoch - 1];
    e.valTotal = validation[epoch - 1];
    e.trainComponents = {
        {"L1", e.trainTotal * 0.4}, {"L1_masked", e.trainTotal * 0.5}, {"L2", e.trainTotal * 0.1}};
    e.valComponents = {
        {"L1", *e.valTotal * 0.4}, {"L1_masked", *e.valTotal * 0.5}, {"L2", *e.valTotal * 0.1}};
    for (const std::string& name : extraComponents) {
      e.trainComponents.emplace_back(name, 0.01 * epoch);
      e.valComponents.emplace_back(name, 0.02 * epoch);
    }
    e.learningRate = 6e-4;
    e.best = epoch == 2;
    h.epochs.push_back(e);
  }
  h.edits.push_back({2, 17, "MAX_LR", "0.0006", "0.0003"});  // between batches 6 and 8 of epoch 2
  h.bestEpoch = 2;
  h.bestValLoss = 0.20;
  return h;
}

LossPlotCaption caption() {
  LossPlotCaption c;
  c.maxLearningRate = 6e-4;
  c.batchSize = 4;
  c.accumulation = 12;
  c.enabledTerms = {"L1", "L2"};
  c.runName = "longitudinal_mim_test";
  return c;
}

bool near(QRgb pixel, const QColor& color, int tolerance = 40) {
  return std::abs(qRed(pixel) - color.red()) < tolerance &&
         std::abs(qGreen(pixel) - color.green()) < tolerance &&
         std::abs(qBlue(pixel) - color.blue()) < tolerance;
}

int countPixels(const QImage& image, const QRect& area, const QColor& color) {
  int count = 0;
  const QRect inside = area.intersected(image.rect());
  for (int y = inside.top(); y <= inside.bottom(); ++y) {
    for (int x = inside.left(); x <= inside.right(); ++x)
      count += near(image.pixel(x, y), color);
  }
  return count;
}

int countDarkPixels(const QImage& image, const QRect& area) {
  int count = 0;
  for (int y = area.top(); y <= area.bottom(); ++y) {
    for (int x = area.left(); x <= area.right(); ++x)
      count += qGray(image.pixel(x, y)) < 180;
  }
  return count;
}

// Lays a chart's plot out at the export size so its axis rects give the PNG's pixel geometry.
void layOut(QCustomPlot& plot, QSize size) {
  plot.setViewport(QRect(QPoint(0, 0), size));
  plot.toPixmap(size.width(), size.height());
}

// The plot area of loss_curves.png's left panel, without its frame.
QRect lossPlotArea(const TrainingHistory& history) {
  QCustomPlot plot;
  TotalLossChart chart(&plot, LossChartStyle::forDpi(kLossPlotDpi));
  chart.setCaption(caption());
  chart.update(history);
  layOut(plot, lossCurvesPixelSize());
  return chart.lossRect()->rect().adjusted(3, 3, -3, -3);
}

QByteArray readAll(const QString& path) {
  QFile file(path);
  return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

}  // namespace

class TestLossCurvePlots : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void lossCurvesHaveTheReferenceSizeAndBothCurves() {
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("loss_curves.png"));
    const TrainingHistory history = threeEpochs();
    writeLossCurves(history, caption(), path);

    QVERIFY(QFile::exists(path));
    const QImage image(path);
    QVERIFY(!image.isNull());
    QCOMPARE(image.size(), QSize(2100, 750));  // 14 x 5 in at 150 dpi
    QCOMPARE(qRound(image.dotsPerMeterX() * 0.0254), 150);
    const QRect area = lossPlotArea(history);
    QVERIFY2(area.width() > 900 && area.height() > 400, "the loss panel fills most of the figure");
    const int blue = countPixels(image, area, trainLossColor());
    const int red = countPixels(image, area, validationLossColor());
    QVERIFY2(blue > 500, qPrintable(QStringLiteral("blue pixels: %1").arg(blue)));
    QVERIFY2(red > 500, qPrintable(QStringLiteral("red pixels: %1").arg(red)));
    QCOMPARE(QDir(dir.path()).entryList(QDir::Files | QDir::Hidden),
             QStringList{QStringLiteral("loss_curves.png")});  // no temporary file left behind
  }

  void theChartHoldsOnePointPerEpoch() {
    const TrainingHistory history = threeEpochs();
    QCustomPlot plot;
    TotalLossChart chart(&plot, LossChartStyle::forDpi(kLossPlotDpi));
    chart.update(history);

    QCPGraph* train = chart.graph(TotalLossChart::Train);
    QCOMPARE(train, plot.graph(0));
    QCOMPARE(train->data()->size(), 3);
    QCPGraph* validation = chart.graph(TotalLossChart::Validation);
    QCOMPARE(validation->data()->size(), 3);
    for (int i = 0; i < 3; ++i) {
      QCOMPARE(train->data()->at(i)->key, double(i + 1));
      QCOMPARE(train->data()->at(i)->value, history.epochs[i].trainTotal);
      QCOMPARE(validation->data()->at(i)->value, *history.epochs[i].valTotal);
    }
    QCOMPARE(train->pen().color(), trainLossColor());
    QCOMPARE(validation->pen().color(), validationLossColor());

    // Logged batches on the same epoch axis: batch 4 of 10 in epoch 2 sits at 1.4.
    QCPGraph* steps = chart.graph(TotalLossChart::TrainSteps);
    QCOMPARE(steps->data()->size(), int(history.steps.size()));
    QCOMPARE(steps->data()->at(6)->key, 1.4);
    QCOMPARE(steps->data()->at(14)->key, 3.0);  // the last batch ends where epoch 3's mark is

    QCPGraph* best = chart.graph(TotalLossChart::BestValidation);
    QCOMPARE(best->data()->size(), 1);
    QCOMPARE(best->data()->at(0)->key, 2.0);
    QCOMPARE(best->data()->at(0)->value, 0.20);
    QCOMPARE(best->name(), QStringLiteral("best validation (epoch 2)"));

    const QString summary = chart.summaryText();
    QCOMPARE(summary, QStringLiteral("final train  0.1800\n"
                                     "final val    0.2500\n"
                                     "best val     0.2000 (epoch 2)"));
    QVERIFY(!chart.showsNoData());
  }

  void editsAreMarkedWhereTheyTookEffect() {
    const TrainingHistory history = threeEpochs();
    QCustomPlot plot;
    TotalLossChart chart(&plot, LossChartStyle::forDpi(kLossPlotDpi));
    chart.update(history);
    QCOMPARE(chart.editMarkerCount(), 1);
    // Optimizer step 17 lies between the logged batches 6 (step 16) and 8 (step 18) of epoch 2.
    QCOMPARE(editPosition(history, history.edits[0]), 1.7);

    QCPItemText* label = nullptr;
    for (int i = 0; i < plot.itemCount(); ++i) {
      auto* text = qobject_cast<QCPItemText*>(plot.item(i));
      if (text && text->text().startsWith(QStringLiteral("MAX_LR")))
        label = text;
    }
    QVERIFY(label);
    QCOMPARE(label->text(), QStringLiteral("MAX_LR=0.0003"));
    QVERIFY(label->visible());
  }

  void titleNamesTheRunAndItsSettings() {
    const LossPlotCaption c = caption();
    QCOMPARE(c.title(), QStringLiteral("Longitudinal MIM training: longitudinal_mim_test"));
    const QString subtitle = c.subtitle();
    QVERIFY2(subtitle.contains(QStringLiteral("max LR 0.0006")), qPrintable(subtitle));
    QVERIFY2(subtitle.contains(QStringLiteral("batch 4 \u00d7 12 accumulated (effective 48)")),
             qPrintable(subtitle));
    QVERIFY2(subtitle.contains(QStringLiteral("loss terms: L1, L2")), qPrintable(subtitle));
  }

  void withoutValidationThereIsNoRedLine() {
    TrainingHistory history = threeEpochs();
    for (EpochRecord& e : history.epochs) {
      e.valTotal.reset();
      e.valComponents.clear();
    }
    history.bestEpoch = 0;
    history.bestValLoss = std::numeric_limits<double>::infinity();

    QCustomPlot plot;
    TotalLossChart chart(&plot, LossChartStyle::forDpi(kLossPlotDpi));
    chart.update(history);
    QCOMPARE(chart.graph(TotalLossChart::Train)->data()->size(), 3);
    QCOMPARE(chart.graph(TotalLossChart::Validation)->data()->size(), 0);
    QCOMPARE(chart.graph(TotalLossChart::BestValidation)->data()->size(), 0);
    QVERIFY(chart.summaryText().contains(QStringLiteral("no validation set")));

    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("loss_curves.png"));
    writeLossCurves(history, caption(), path);
    const QImage image(path);
    const QRect area = lossPlotArea(history);
    QVERIFY(countPixels(image, area, trainLossColor()) > 500);
    QCOMPARE(countPixels(image, area, validationLossColor()), 0);
  }

  void oneEpochShowsOnePointPerCurve() {
    TrainingHistory history = threeEpochs();
    history.epochs.resize(1);
    history.steps.resize(5);
    history.edits.clear();
    history.bestEpoch = 1;
    history.bestValLoss = 0.30;

    QCustomPlot plot;
    TotalLossChart chart(&plot, LossChartStyle::forDpi(kLossPlotDpi));
    chart.update(history);
    QCOMPARE(chart.graph(TotalLossChart::Train)->data()->size(), 1);
    QCOMPARE(chart.graph(TotalLossChart::Validation)->data()->size(), 1);
    const QCPRange values = chart.lossRect()->axis(QCPAxis::atLeft)->range();
    QVERIFY(values.contains(0.40) && values.contains(0.30) && values.size() > 0.0);

    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("loss_curves.png"));
    writeLossCurves(history, caption(), path);
    const QImage image(path);
    QCOMPARE(image.size(), lossCurvesPixelSize());
    const QRect area = lossPlotArea(history);
    QVERIFY(countPixels(image, area, trainLossColor()) > 20);          // the train marker
    QVERIFY(countPixels(image, area, QColor(0xff, 0xc1, 0x07)) > 50);  // the best star over val
  }

  void nonFiniteValuesAreLeftOut() {
    TrainingHistory history = threeEpochs();
    history.epochs[1].trainTotal = std::numeric_limits<double>::quiet_NaN();
    history.epochs[2].valTotal = std::numeric_limits<double>::infinity();
    history.steps[3].total = std::numeric_limits<double>::quiet_NaN();

    QCustomPlot plot;
    TotalLossChart chart(&plot, LossChartStyle::forDpi(kLossPlotDpi));
    chart.update(history);
    QCOMPARE(chart.graph(TotalLossChart::Train)->data()->size(), 2);
    QCOMPARE(chart.graph(TotalLossChart::Validation)->data()->size(), 2);
    QCOMPARE(chart.graph(TotalLossChart::TrainSteps)->data()->size(),
             int(history.steps.size()) - 1);
    const QCPRange values = chart.lossRect()->axis(QCPAxis::atLeft)->range();
    QVERIFY(std::isfinite(values.lower) && std::isfinite(values.upper));

    QTemporaryDir dir;
    writeLossCurves(history, caption(), dir.filePath(QStringLiteral("loss_curves.png")));
    QVERIFY(!QImage(dir.filePath(QStringLiteral("loss_curves.png"))).isNull());
  }

  void logarithmicAxisDropsWhatItCannotShow() {
    TrainingHistory history = threeEpochs();
    history.epochs[0].trainTotal = 0.0;
    QCustomPlot plot;
    TotalLossChart chart(&plot, LossChartStyle::forDpi(kLossPlotDpi, LossAxisScale::Logarithmic));
    chart.update(history);
    QCPAxis* loss = chart.lossRect()->axis(QCPAxis::atLeft);
    QCOMPARE(loss->scaleType(), QCPAxis::stLogarithmic);
    QCOMPARE(chart.graph(TotalLossChart::Train)->data()->size(), 2);
    QVERIFY(loss->range().lower > 0.0);

    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("loss_curves.png"));
    writeLossCurves(history, caption(), path, LossAxisScale::Logarithmic);
    const QImage image(path);
    QCOMPARE(image.size(), lossCurvesPixelSize());
  }

  void emptyHistorySaysNoDataYet() {
    const TrainingHistory empty;
    QCustomPlot plot;
    TotalLossChart chart(&plot, LossChartStyle::forDpi(kLossPlotDpi));
    chart.setCaption(caption());
    chart.update(empty);
    QVERIFY(chart.showsNoData());
    QVERIFY(chart.summaryText().isEmpty());
    layOut(plot, lossCurvesPixelSize());
    const QRect area = chart.lossRect()->rect();

    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("loss_curves.png"));
    writeLossCurves(empty, caption(), path);
    const QImage image(path);
    QCOMPARE(image.size(), lossCurvesPixelSize());
    // The text sits in the middle of the plot area, where a curve would be.
    const QRect middle(area.center() - QPoint(area.width() / 6, area.height() / 12),
                       QSize(area.width() / 3, area.height() / 6));
    QVERIFY(countDarkPixels(image, middle) > 50);
    QCOMPARE(countPixels(image, area.adjusted(3, 3, -3, -3), trainLossColor()), 0);

    const QString detailedPath = dir.filePath(QStringLiteral("detailed_loss_curves.png"));
    writeDetailedLossCurves(empty, detailedPath);
    const QImage detailed(detailedPath);
    QCOMPARE(detailed.size(), detailedLossCurvesPixelSize(0));
    QCustomPlot detailedPlot;
    ComponentLossCharts components(&detailedPlot, LossChartStyle::forDpi(kLossPlotDpi));
    components.update(empty);
    QCOMPARE(components.panelCount(), 0);
    QVERIFY(components.showsNoData());
  }

  void detailedCurvesHaveOnePanelPerComponent() {
    const TrainingHistory history = threeEpochs();
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("detailed_loss_curves.png"));
    writeDetailedLossCurves(history, path);
    const QImage image(path);
    QVERIFY(!image.isNull());
    QCOMPARE(image.size(), QSize(3 * 750, 540 + 120));  // 3 panels of 5 x 3.6 in, one row
    QCOMPARE(detailedLossCurvesPixelSize(3), image.size());

    QCustomPlot plot;
    ComponentLossCharts chart(&plot, LossChartStyle::forDpi(kLossPlotDpi));
    chart.update(history);
    QCOMPARE(chart.componentNames(), (std::vector<std::string>{"L1", "L1_masked", "L2"}));
    layOut(plot, image.size());
    for (int i = 0; i < chart.panelCount(); ++i) {
      QCOMPARE(chart.trainGraph(i)->data()->size(), 3);
      QCOMPARE(chart.validationGraph(i)->data()->size(), 3);
      QCOMPARE(chart.trainStepsGraph(i)->data()->size(), int(history.steps.size()));
      const QRect area = chart.panel(i)->rect().adjusted(3, 3, -3, -3);
      QVERIFY2(countPixels(image, area, trainLossColor()) > 200, qPrintable(QString::number(i)));
      QVERIFY2(countPixels(image, area, validationLossColor()) > 200,
               qPrintable(QString::number(i)));
    }
    QCOMPARE(chart.validationGraph(1)->data()->at(1)->value, 0.20 * 0.5);  // L1_masked, epoch 2
  }

  void moreComponentsMakeMorePanels() {
    const TrainingHistory history = threeEpochs({"SSIM", "perceptual", "style", "Fourier", "GAN"});
    QCustomPlot plot;
    ComponentLossCharts chart(&plot, LossChartStyle::forDpi(kLossPlotDpi));
    chart.update(history);
    QCOMPARE(chart.panelCount(), 8);
    QCOMPARE(chart.componentNames().back(), std::string("GAN"));

    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("detailed_loss_curves.png"));
    writeDetailedLossCurves(history, path);
    const QImage image(path);
    QCOMPARE(image.size(), QSize(3 * 750, 3 * 540 + 120));  // 3 x 3 grid
    layOut(plot, image.size());
    const QRect lastPanel = chart.panel(7)->rect().adjusted(3, 3, -3, -3);
    QVERIFY(lastPanel.bottom() > 2 * 540);  // the third row
    QVERIFY(countPixels(image, lastPanel, validationLossColor()) > 200);

    // The live view keeps its chart: a new component adds a panel on the next update.
    chart.update(threeEpochs());
    QCOMPARE(chart.panelCount(), 3);
  }

  void aFailedWriteThrowsAndKeepsTheOldFile() {
    QTemporaryDir dir;
    const TrainingHistory history = threeEpochs();

    const QString missingFolder = dir.filePath(QStringLiteral("no/such/folder/loss_curves.png"));
    try {
      writeLossCurves(history, caption(), missingFolder);
      QFAIL("writing into a missing folder must throw");
    } catch (const Error& e) {
      QVERIFY2(QString::fromStdString(e.what()).contains(missingFolder), e.what());
    }

    // A file where the run folder should be: it stays as it was.
    const QString inTheWay = dir.filePath(QStringLiteral("run"));
    QFile blocker(inTheWay);
    QVERIFY(blocker.open(QIODevice::WriteOnly));
    blocker.write("keep me");
    blocker.close();
    QVERIFY_THROWS_EXCEPTION(
        Error, writeDetailedLossCurves(history, inTheWay + QStringLiteral("/detailed.png")));
    QCOMPARE(readAll(inTheWay), QByteArray("keep me"));

    // A folder at the target path is not replaced.
    const QString folder = dir.filePath(QStringLiteral("loss_curves.png"));
    QVERIFY(QDir().mkpath(folder));
    QVERIFY_THROWS_EXCEPTION(Error, writeLossCurves(history, caption(), folder));
    QVERIFY(QFileInfo(folder).isDir());
  }

  void anExistingPlotInAReadOnlyFolderIsKept() {
    QTemporaryDir dir;
    const QString runFolder = dir.filePath(QStringLiteral("run"));
    QVERIFY(QDir().mkpath(runFolder));
    const QString path = runFolder + QStringLiteral("/loss_curves.png");
    writeLossCurves(threeEpochs(), caption(), path);
    const QByteArray before = readAll(path);
    QVERIFY(!before.isEmpty());

    QVERIFY(QFile::setPermissions(runFolder, QFileDevice::ReadOwner | QFileDevice::ExeOwner));
    const auto restore = qScopeGuard([&] {
      QFile::setPermissions(
          runFolder, QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner);
    });
    if (QFileInfo(runFolder).isWritable())
      QSKIP("running as a user who can write into read-only folders (root)");
    try {
      writeLossCurves(TrainingHistory(), caption(), path);
      QFAIL("writing into a read-only folder must throw");
    } catch (const Error& e) {
      QVERIFY2(QString::fromStdString(e.what()).contains(path), e.what());
    }
    QCOMPARE(readAll(path), before);
  }

  void anExistingPlotIsReplacedWhole() {
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("loss_curves.png"));
    writeLossCurves(TrainingHistory(), caption(), path);
    const QByteArray empty = readAll(path);
    writeLossCurves(threeEpochs(), caption(), path);
    const QByteArray full = readAll(path);
    QVERIFY(full != empty);
    QVERIFY(!QImage::fromData(full, "PNG").isNull());
  }
};

QTEST_MAIN(TestLossCurvePlots)
#include "TestLossCurvePlots.moc"
