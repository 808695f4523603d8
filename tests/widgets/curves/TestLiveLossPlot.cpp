// Tests the studio's live loss curves: records appended while a run trains appear at the next
// refresh tick with the values the trainer reported; smoothing follows TensorBoard's formula; the
// curve selector, log axis, best-epoch star, edit markers, learning-rate axis, hover read-out,
// zoom and comparison show what a user expects; exports write readable files, and the run
// figures are the command line's own, byte for byte.
#include <QComboBox>
#include <QDir>
#include <QDoubleSpinBox>
#include <QFile>
#include <QImage>
#include <QMouseEvent>
#include <QSignalSpy>
#include <QSlider>
#include <QTemporaryDir>
#include <QWheelEvent>
#include <QtTest>

#include "QCustomPlotHeader.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "Error.h"
#include "LossChartStyle.h"
#include "LossCsvExport.h"
#include "LossCurvePlots.h"
#include "LossSeries.h"
#include "curves/CurveValues.h"
#include "curves/LiveLossPlot.h"
#include "curves/LossPlotHover.h"
#include "train/MetricsCsv.h"
#include "train/RunFolder.h"

using namespace longmim;
using namespace longmim::studio;
using Curve = LiveLossPlot::Curve;

namespace {

constexpr int kBatchesPerEpoch = 10;
constexpr int kLogEvery = 2;

// A logged batch whose loss falls over the run and wiggles from one logged batch to the next, so
// that smoothing visibly changes it.
StepRecord stepOf(int epoch, int batch) {
  StepRecord s;
  s.epoch = epoch;
  s.batch = batch;
  s.batchesInEpoch = kBatchesPerEpoch;
  s.globalBatch = (epoch - 1) * kBatchesPerEpoch + batch;
  s.optimizerStep = s.globalBatch;  // no accumulation
  s.total = 0.5 / epoch * (1.3 - 0.05 * batch) + ((batch / kLogEvery) % 2 ? 0.03 : -0.01);
  s.components = {{"L1", s.total * 0.4}, {"L2", s.total * 0.1}, {"SSIM", s.total * 0.5}};
  s.learningRate = 1e-4 * (1.0 + 0.1 * double(s.globalBatch));
  s.beta1 = 0.9;
  s.samplesPerSecond = 12.5;
  s.wallSeconds = 0.25 * double(s.globalBatch);
  return s;
}

// `epochs` epochs, a logged batch every 2 of 10, L1 / L2 / SSIM; validation is best at epoch 2
// when there are 3 epochs or more (epoch 3 is worse). MAX_LR is edited at optimizer step 17.
TrainingHistory runOf(int epochs) {
  TrainingHistory h;
  for (int epoch = 1; epoch <= epochs; ++epoch) {
    for (int batch = kLogEvery; batch <= kBatchesPerEpoch; batch += kLogEvery)
      h.steps.push_back(stepOf(epoch, batch));
    EpochRecord e;
    e.epoch = epoch;
    e.trainTotal = 0.5 / epoch;
    e.valTotal = 0.4 / epoch + (epoch == 3 ? 0.2 : 0.0);
    e.trainComponents = {
        {"L1", e.trainTotal * 0.4}, {"L2", e.trainTotal * 0.1}, {"SSIM", e.trainTotal * 0.5}};
    e.valComponents = {
        {"L1", *e.valTotal * 0.4}, {"L2", *e.valTotal * 0.1}, {"SSIM", *e.valTotal * 0.5}};
    e.learningRate = 1e-4 * (1.0 + epoch);
    e.beta1 = 0.9;
    e.seconds = 2.5;
    e.samplesPerSecond = 16.0;
    if (*e.valTotal < h.bestValLoss) {
      h.bestValLoss = *e.valTotal;
      h.bestEpoch = epoch;
      e.best = true;
    }
    h.epochs.push_back(e);
  }
  if (epochs >= 2)
    h.edits.push_back({2, 17, "MAX_LR", "0.0006", "0.0003"});
  return h;
}

// Feeds `history` the way the trainer reports it: each epoch's steps, then the epoch with the best
// epoch so far; an edit after the last step before it took effect.
void feed(LiveLossPlot& plot, const TrainingHistory& history) {
  size_t edit = 0;
  int best = 0;
  double bestValue = std::numeric_limits<double>::infinity();
  size_t s = 0;
  for (const EpochRecord& e : history.epochs) {
    for (; s < history.steps.size() && history.steps[s].epoch <= e.epoch; ++s) {
      for (; edit < history.edits.size() &&
             history.edits[edit].optimizerStep <= history.steps[s].optimizerStep;
           ++edit)
        plot.appendEdit(history.edits[edit]);
      plot.appendStep(history.steps[s]);
    }
    if (e.valTotal && *e.valTotal < bestValue) {
      bestValue = *e.valTotal;
      best = e.epoch;
    }
    plot.appendEpoch(e, best);
  }
}

LossPlotCaption captionOf() {
  LossPlotCaption c;
  c.maxLearningRate = 6e-4;
  c.batchSize = 4;
  c.accumulation = 12;
  c.enabledTerms = {"L1", "L2", "SSIM"};
  c.runName = "longitudinal_mim_live";
  return c;
}

QVector<double> keys(const QCPGraph* graph) {
  QVector<double> result;
  for (const QCPGraphData& point : *graph->data())
    result << point.key;
  return result;
}

QVector<double> values(const QCPGraph* graph) {
  QVector<double> result;
  for (const QCPGraphData& point : *graph->data())
    result << point.value;
  return result;
}

QByteArray readAll(const QString& path) {
  QFile file(path);
  return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

void sendMouseMove(QWidget* widget, const QPointF& position) {
  QMouseEvent move(QEvent::MouseMove, position, widget->mapToGlobal(position), Qt::NoButton,
                   Qt::NoButton, Qt::NoModifier);
  QApplication::sendEvent(widget, &move);
}

bool near(QRgb pixel, const QColor& color, int tolerance = 40) {
  return std::abs(qRed(pixel) - color.red()) < tolerance &&
         std::abs(qGreen(pixel) - color.green()) < tolerance &&
         std::abs(qBlue(pixel) - color.blue()) < tolerance;
}

int countPixels(const QImage& image, const QColor& color) {
  int count = 0;
  for (int y = 0; y < image.height(); ++y) {
    for (int x = 0; x < image.width(); ++x)
      count += near(image.pixel(x, y), color);
  }
  return count;
}

}  // namespace

class TestLiveLossPlot : public QObject {
  Q_OBJECT

 private:
  // A plot on screen at a known size, laid out, smoothing off unless a test turns it on.
  static void showPlot(LiveLossPlot& plot) {
    plot.resize(1000, 600);
    plot.setSmoothing(0.0);
    plot.show();
    QVERIFY(QTest::qWaitForWindowExposed(&plot));
  }

 private Q_SLOTS:
  void aCurveReadsTheTotalAComponentOrAMetricOfEachRecord() {
    StepRecord step;
    step.total = 0.5;
    step.components = {{"L1", 0.25}, {"L2", std::nan("")}};
    EpochRecord epoch;
    epoch.epoch = 3;
    epoch.trainTotal = 0.4;
    epoch.valTotal = 0.3;
    epoch.trainComponents = {{"L1", 0.2}};
    epoch.valComponents = {{"L1", 0.15}};
    ValidationMetrics metrics;
    metrics.l1 = 0.006;
    metrics.l1Zeros = 0.008;
    metrics.pearson = 0.7;
    metrics.auc = 0.9;
    epoch.valMetrics = metrics;

    const CurveValues total;
    QCOMPARE(*total.step(step), 0.5);
    QCOMPARE(*total.train(epoch), 0.4);
    QCOMPARE(*total.validation(epoch), 0.3);
    const CurveValues l1("L1");
    QCOMPARE(*l1.step(step), 0.25);
    QCOMPARE(*l1.validation(epoch), 0.15);
    QVERIFY(!CurveValues("L2").step(step));  // NaN: no point
    QVERIFY(!CurveValues("SSIM").train(epoch));
    // The metrics have validation values only, one per epoch.
    QCOMPARE(metricCurveNames().size(), size_t(3));
    const CurveValues ratio(metricCurveNames()[0]);
    QVERIFY(ratio.isMetric());
    QVERIFY(!ratio.step(step) && !ratio.train(epoch));
    QVERIFY(std::fabs(*ratio.validation(epoch) - 0.75) < 1e-12);
    QCOMPARE(*CurveValues(metricCurveNames()[1]).validation(epoch), 0.7);
    QCOMPARE(*CurveValues(metricCurveNames()[2]).validation(epoch), 0.9);
    epoch.valMetrics.reset();
    QVERIFY(!ratio.validation(epoch));

    TrainingHistory history;
    history.epochs.push_back(epoch);
    const std::vector<std::string> withoutMetrics = curveNamesOf(history);
    QVERIFY(std::find(withoutMetrics.begin(), withoutMetrics.end(), metricCurveNames()[0]) ==
            withoutMetrics.end());
    history.epochs.back().valMetrics = metrics;
    const std::vector<std::string> names = curveNamesOf(history);
    QCOMPARE(names.back(), metricCurveNames().back());

    // The read-out's text for an epoch of this run and of a compared one.
    epoch.valMetrics = metrics;
    QCOMPARE(describeEpoch(epoch, QStringLiteral("L1"), l1, std::nullopt, true)
                 .split(QLatin1Char('\n'))
                 .first(),
             QStringLiteral("epoch 3 (best)"));
    QVERIFY(describeEpoch(epoch, QStringLiteral("L1"), l1, QStringLiteral("run B"), false)
                .startsWith(QStringLiteral("run B \u00b7 epoch 3")));
    QVERIFY(describeEpoch(epoch, QStringLiteral("L1"), l1, std::nullopt, false)
                .contains(QStringLiteral("L1 validation: 0.15")));
  }

  void appendedRecordsAppearAtTheNextTick() {
    LiveLossPlot plot;
    showPlot(plot);
    QSignalSpy replots(plot.plot(), &QCustomPlot::afterReplot);
    const TrainingHistory history = runOf(3);
    feed(plot, history);
    // Nothing is drawn one record at a time: the tick adds them all at once.
    QCOMPARE(plot.pointCount(Curve::Steps), 0);
    QTRY_COMPARE(plot.pointCount(Curve::Steps), int(history.steps.size()));
    QCOMPARE(plot.pointCount(Curve::TrainEpochs), 3);
    QCOMPARE(plot.pointCount(Curve::ValidationEpochs), 3);
    QTRY_VERIFY(replots.size() >= 1);
    QVERIFY2(replots.size() <= 3, qPrintable(QString::number(replots.size())));

    // Logged batch b of 10 in epoch N sits at N - 1 + b / 10, with the loss the trainer logged.
    const QVector<double> stepKeys = keys(plot.graph(Curve::Steps));
    const QVector<double> stepValues = values(plot.graph(Curve::Steps));
    for (size_t i = 0; i < history.steps.size(); ++i) {
      QCOMPARE(stepKeys[int(i)], stepPosition(history.steps[i]));
      QCOMPARE(stepValues[int(i)], history.steps[i].total);
    }
    QCOMPARE(stepKeys[3], 0.8);  // epoch 1, batch 8
    QCOMPARE(keys(plot.graph(Curve::TrainEpochs)), (QVector<double>{1, 2, 3}));
    QCOMPARE(values(plot.graph(Curve::TrainEpochs)), (QVector<double>{0.5, 0.25, 0.5 / 3}));
    QCOMPARE(values(plot.graph(Curve::ValidationEpochs)),
             (QVector<double>{0.4, 0.2, 0.4 / 3 + 0.2}));
    QCOMPARE(plot.graph(Curve::TrainEpochs)->pen().color(), trainLossColor());
    QCOMPARE(plot.graph(Curve::ValidationEpochs)->pen().color(), validationLossColor());

    // The axes follow the data.
    const QCPRange epochs = plot.axisRect()->axis(QCPAxis::atBottom)->range();
    QVERIFY(epochs.contains(0.2) && epochs.contains(3.0));
    const QCPRange loss = plot.axisRect()->axis(QCPAxis::atLeft)->range();
    for (const double v : stepValues)
      QVERIFY(loss.contains(v));

    // A fourth epoch while the plot is live: one more point per curve, the range grows.
    const TrainingHistory longer = runOf(4);
    for (size_t i = history.steps.size(); i < longer.steps.size(); ++i)
      plot.appendStep(longer.steps[i]);
    plot.appendEpoch(longer.epochs[3], longer.bestEpoch);
    QTRY_COMPARE(plot.pointCount(Curve::TrainEpochs), 4);
    QCOMPARE(plot.pointCount(Curve::Steps), int(longer.steps.size()));
    QTRY_VERIFY(plot.axisRect()->axis(QCPAxis::atBottom)->range().contains(4.0));
    QCOMPARE(plot.history().steps.size(), longer.steps.size());
  }

  void smoothingIsTensorBoardsMovingAverage() {
    LiveLossPlot plot;
    showPlot(plot);
    const TrainingHistory history = runOf(3);
    plot.setHistory(history);
    // Off: the bold line is the raw one.
    QCOMPARE(values(plot.graph(Curve::SmoothedSteps)), values(plot.graph(Curve::Steps)));

    auto* spin = plot.findChild<QDoubleSpinBox*>(QStringLiteral("smoothingSpin"));
    auto* slider = plot.findChild<QSlider*>(QStringLiteral("smoothingSlider"));
    QVERIFY(spin && slider);
    QCOMPARE(spin->maximum(), 0.99);
    spin->setValue(0.8);
    QCOMPARE(plot.smoothing(), 0.8);
    QCOMPARE(slider->value(), 80);

    // s_n = sum_i (1 - w) w^(n - i) y_i / (1 - w^n): the debiased EMA.
    const double w = 0.8;
    const QVector<double> smoothed = values(plot.graph(Curve::SmoothedSteps));
    QCOMPARE(smoothed.size(), int(history.steps.size()));
    for (size_t n = 1; n <= history.steps.size(); ++n) {
      double sum = 0.0;
      for (size_t i = 1; i <= n; ++i)
        sum += (1.0 - w) * std::pow(w, double(n - i)) * history.steps[i - 1].total;
      const double expected = sum / (1.0 - std::pow(w, double(n)));
      QVERIFY2(
          std::abs(smoothed[int(n - 1)] - expected) < 1e-12,
          qPrintable(
              QStringLiteral("point %1: %2 != %3").arg(n).arg(smoothed[int(n - 1)]).arg(expected)));
    }
    QCOMPARE(smoothed[0], history.steps[0].total);  // no pull towards zero at the start
    QVERIFY(std::abs(smoothed[4] - history.steps[4].total) > 1e-3);

    // The slider drives the same smoothing; steps appended later continue the average.
    slider->setValue(50);
    QCOMPARE(spin->value(), 0.5);
    StepRecord next = stepOf(4, 2);
    plot.appendStep(next);
    QTRY_COMPARE(plot.pointCount(Curve::SmoothedSteps), int(history.steps.size()) + 1);
    double expected = 0.0;
    double weightPower = 1.0;
    for (const StepRecord& s : history.steps) {
      expected = 0.5 * expected + 0.5 * s.total;
      weightPower *= 0.5;
    }
    expected = 0.5 * expected + 0.5 * next.total;
    weightPower *= 0.5;
    QVERIFY(std::abs(values(plot.graph(Curve::SmoothedSteps)).last() -
                     expected / (1.0 - weightPower)) < 1e-12);
  }

  void validationMetricsAreCurvesOfTheirOwn() {
    LiveLossPlot plot;
    showPlot(plot);
    TrainingHistory history = runOf(3);
    for (EpochRecord& e : history.epochs) {
      ValidationMetrics m;
      m.l1 = 0.0625 * e.epoch;
      m.l1Zeros = 0.25;
      m.pearson = 0.25 * e.epoch;
      m.auc = 0.6 + 0.1 * e.epoch;
      e.valMetrics = m;
    }
    feed(plot, history);
    QTRY_VERIFY(plot.curveNames().contains(QStringLiteral("val r")));
    QVERIFY(plot.curveNames().contains(QStringLiteral("val L1 / zeros")));
    QVERIFY(plot.curveNames().contains(QStringLiteral("val AUC")));
    QVERIFY(plot.setCurve(QStringLiteral("val r")));
    // One point per epoch on the validation curve; no steps, no train curve.
    QCOMPARE(values(plot.graph(Curve::ValidationEpochs)), (QVector<double>{0.25, 0.5, 0.75}));
    QCOMPARE(plot.pointCount(Curve::Steps), 0);
    QCOMPARE(plot.pointCount(Curve::TrainEpochs), 0);
    QCOMPARE(plot.axisRect()->axis(QCPAxis::atLeft)->label(), QStringLiteral("val r"));
    QVERIFY(plot.setCurve(QStringLiteral("val L1 / zeros")));
    QCOMPARE(values(plot.graph(Curve::ValidationEpochs)), (QVector<double>{0.25, 0.5, 0.75}));
  }

  void aComponentShowsItsOwnValues() {
    LiveLossPlot plot;
    showPlot(plot);
    const TrainingHistory history = runOf(3);
    feed(plot, history);
    QTRY_COMPARE(plot.curveNames(), (QStringList{QStringLiteral("Total"), QStringLiteral("L1"),
                                                 QStringLiteral("L2"), QStringLiteral("SSIM")}));

    QSignalSpy changed(&plot, &LiveLossPlot::curveChanged);
    auto* box = plot.findChild<QComboBox*>(QStringLiteral("curveBox"));
    box->setCurrentIndex(box->findText(QStringLiteral("SSIM")));
    QCOMPARE(changed.size(), 1);
    QCOMPARE(plot.curve(), QStringLiteral("SSIM"));
    QVector<double> expectedSteps;
    for (const StepRecord& s : history.steps)
      expectedSteps << s.total * 0.5;
    QCOMPARE(values(plot.graph(Curve::Steps)), expectedSteps);
    QCOMPARE(values(plot.graph(Curve::TrainEpochs)),
             (QVector<double>{0.5 * 0.5, 0.25 * 0.5, 0.5 / 3 * 0.5}));
    QCOMPARE(plot.graph(Curve::ValidationEpochs)->data()->at(1)->value, 0.2 * 0.5);
    QCOMPARE(plot.graph(Curve::BestEpoch)->data()->at(0)->value, 0.2 * 0.5);
    QCOMPARE(plot.axisRect()->axis(QCPAxis::atLeft)->label(), QStringLiteral("SSIM loss"));
    QVERIFY(plot.axisRect()->axis(QCPAxis::atLeft)->range().contains(0.2 * 0.5));
    QVERIFY(!plot.axisRect()->axis(QCPAxis::atLeft)->range().contains(0.5));

    // Live appends go on with the selected component.
    const StepRecord next = stepOf(4, 2);
    plot.appendStep(next);
    QTRY_COMPARE(plot.pointCount(Curve::Steps), int(history.steps.size()) + 1);
    QCOMPARE(values(plot.graph(Curve::Steps)).last(), next.total * 0.5);

    QVERIFY(!plot.setCurve(QStringLiteral("GAN")));  // not in this run
    QCOMPARE(plot.curve(), QStringLiteral("SSIM"));
    QVERIFY(plot.setCurve(QStringLiteral("Total")));
    QCOMPARE(values(plot.graph(Curve::Steps)).last(), next.total);
  }

  void logAxisLeavesOutWhatItCannotShow() {
    LiveLossPlot plot;
    showPlot(plot);
    TrainingHistory history = runOf(3);
    history.steps[2].total = 0.0;
    history.steps[5].total = -0.1;
    history.epochs[0].valTotal = 0.0;
    plot.setHistory(history);
    QCOMPARE(plot.pointCount(Curve::Steps), int(history.steps.size()));
    QCOMPARE(plot.pointCount(Curve::ValidationEpochs), 3);

    QCPAxis* loss = plot.axisRect()->axis(QCPAxis::atLeft);
    QCOMPARE(loss->scaleType(), QCPAxis::stLinear);
    plot.logScaleAction()->trigger();
    QVERIFY(plot.logScale());
    QCOMPARE(loss->scaleType(), QCPAxis::stLogarithmic);
    QCOMPARE(plot.pointCount(Curve::Steps), int(history.steps.size()) - 2);
    QCOMPARE(plot.pointCount(Curve::ValidationEpochs), 2);
    for (const double v : values(plot.graph(Curve::Steps)))
      QVERIFY(v > 0.0);
    QVERIFY(loss->range().lower > 0.0);
    // The learning-rate axis stays linear.
    QCOMPARE(plot.axisRect()->axis(QCPAxis::atRight)->scaleType(), QCPAxis::stLinear);

    // New points below zero stay out too; positive ones arrive.
    StepRecord negative = stepOf(4, 2);
    negative.total = -1.0;
    plot.appendStep(negative);
    plot.appendStep(stepOf(4, 4));
    QTRY_COMPARE(plot.pointCount(Curve::Steps), int(history.steps.size()) - 1);

    plot.setLogScale(false);
    QVERIFY(!plot.logScaleAction()->isChecked());
    QCOMPARE(loss->scaleType(), QCPAxis::stLinear);
    QCOMPARE(plot.pointCount(Curve::Steps), int(history.steps.size()) + 2);
    QVERIFY(loss->range().contains(-1.0));
  }

  void theBestEpochIsStarred() {
    LiveLossPlot plot;
    showPlot(plot);
    feed(plot, runOf(3));
    QTRY_COMPARE(plot.pointCount(Curve::BestEpoch), 1);
    const QCPGraph* best = plot.graph(Curve::BestEpoch);
    QCOMPARE(best->data()->at(0)->key, 2.0);
    QCOMPARE(best->data()->at(0)->value, 0.2);
    QCOMPARE(best->name(), QStringLiteral("best epoch (2)"));
    QCOMPARE(best->scatterStyle().brush().color(), QColor(0xff, 0xc1, 0x07));

    // A better epoch moves the star.
    EpochRecord fourth = runOf(4).epochs[3];
    fourth.valTotal = 0.05;
    plot.appendEpoch(fourth, 4);
    QTRY_COMPARE(best->data()->at(0)->key, 4.0);
    QCOMPARE(best->data()->at(0)->value, 0.05);
    QCOMPARE(best->name(), QStringLiteral("best epoch (4)"));
    QCOMPARE(plot.pointCount(Curve::BestEpoch), 1);
  }

  void editsAreMarkedWhereTheyTookEffect() {
    LiveLossPlot plot;
    showPlot(plot);
    const TrainingHistory history = runOf(3);
    // Up to optimizer step 16 (epoch 2, batch 6), then the edit at step 17.
    size_t s = 0;
    for (; history.steps[s].optimizerStep <= 16; ++s)
      plot.appendStep(history.steps[s]);
    plot.appendEpoch(history.epochs[0], 1);
    plot.appendEdit(history.edits[0]);
    QTRY_COMPARE(plot.editMarkerPositions().size(), 1);
    QCOMPARE(plot.editMarkerPositions()[0], editPosition(plot.history(), history.edits[0]));
    QCOMPARE(plot.editMarkerPositions()[0], 1.6);  // at the last logged batch for now
    QCOMPARE(plot.editMarkerLabels(), QStringList{QStringLiteral("MAX_LR=0.0003")});

    // The next logged step (18) places it between its neighbours for good.
    plot.appendStep(history.steps[s]);
    QTRY_VERIFY(std::abs(plot.editMarkerPositions()[0] - 1.7) < 1e-12);
    QCOMPARE(plot.editMarkerPositions()[0], editPosition(plot.history(), history.edits[0]));

    // The plot draws it: a dashed vertical line through x = 1.7, a label beside it.
    QCPItemStraightLine* line = nullptr;
    QCPItemText* label = nullptr;
    for (int i = 0; i < plot.plot()->itemCount(); ++i) {
      if (auto* l = qobject_cast<QCPItemStraightLine*>(plot.plot()->item(i)))
        line = l;
      auto* text = qobject_cast<QCPItemText*>(plot.plot()->item(i));
      if (text && text->text().startsWith(QStringLiteral("MAX_LR")))
        label = text;
    }
    QVERIFY(line && label);
    QCOMPARE(line->point1->key(), 1.7);
    QCOMPARE(line->point2->key(), 1.7);
    QCOMPARE(line->pen().style(), Qt::DashLine);
    QVERIFY(label->visible());
    QCOMPARE(label->position->key(), 1.7);
    bool listed = false;
    for (int i = 0; i < plot.plot()->plottableCount(); ++i) {
      const QCPAbstractPlottable* p = plot.plot()->plottable(i);
      listed |=
          p->name() == QStringLiteral("hyperparameter edit") && p->pen().style() == Qt::DashLine;
    }
    QVERIFY(listed);
  }

  void theLearningRateHasItsOwnAxis() {
    LiveLossPlot plot;
    showPlot(plot);
    const TrainingHistory history = runOf(3);
    feed(plot, history);
    QTRY_COMPARE(plot.pointCount(Curve::LearningRate), int(history.steps.size()));
    const QCPGraph* rates = plot.graph(Curve::LearningRate);
    QCPAxis* right = plot.axisRect()->axis(QCPAxis::atRight);
    QCOMPARE(rates->valueAxis(), right);
    QVERIFY(right->tickLabels());
    QCOMPARE(right->label(), QStringLiteral("learning rate"));
    const QVector<double> shown = values(rates);
    for (size_t i = 0; i < history.steps.size(); ++i) {
      QCOMPARE(shown[int(i)], history.steps[i].learningRate);
      QVERIFY(right->range().contains(history.steps[i].learningRate));
    }
    QVERIFY(right->range().lower >= 0.0);
    QVERIFY(right->range().upper < 1e-2);  // scaled to the rates, not to the loss

    plot.learningRateAction()->trigger();
    QVERIFY(!plot.learningRateVisible());
    QVERIFY(!rates->visible());
    QVERIFY(!right->tickLabels());
  }

  void hoverReadsOutTheNearestPoint() {
    LiveLossPlot plot;
    showPlot(plot);
    const TrainingHistory history = runOf(3);
    plot.setHistory(history);
    plot.learningRateAction()->setChecked(false);  // only loss points near the ones we pick
    plot.refresh();
    QCustomPlot* canvas = plot.plot();

    // Epoch 2, batch 6: the 8th logged batch.
    const StepRecord& step = history.steps[7];
    const QPointF onStep = plot.graph(Curve::Steps)->coordsToPixels(stepPosition(step), step.total);
    QVERIFY(plot.axisRect()->rect().contains(onStep.toPoint()));
    sendMouseMove(canvas, onStep + QPointF(2, -1));
    const QString stepText = plot.hoverText();
    QVERIFY2(stepText.contains(QStringLiteral("epoch 2 \u00b7 batch 6 of 10")),
             qPrintable(stepText));
    QVERIFY2(stepText.contains(QStringLiteral("Total train: %1").arg(step.total, 0, 'g', 6)),
             qPrintable(stepText));
    QVERIFY2(
        stepText.contains(QStringLiteral("learning rate: %1").arg(step.learningRate, 0, 'g', 6)),
        qPrintable(stepText));

    // Validation of epoch 3, worse than epoch 2.
    const double validation = *history.epochs[2].valTotal;
    const QPointF onEpoch = plot.graph(Curve::ValidationEpochs)->coordsToPixels(3.0, validation);
    sendMouseMove(canvas, onEpoch);
    const QString epochText = plot.hoverText();
    QVERIFY2(epochText.startsWith(QStringLiteral("epoch 3\n")), qPrintable(epochText));
    QVERIFY2(epochText.contains(QStringLiteral("Total validation: %1").arg(validation, 0, 'g', 6)),
             qPrintable(epochText));
    QVERIFY2(epochText.contains(
                 QStringLiteral("Total train: %1").arg(history.epochs[2].trainTotal, 0, 'g', 6)),
             qPrintable(epochText));

    // The read-out is drawn on the plot: leaving the plot takes it away.
    const QImage withReadOut = canvas->grab().toImage();

    // Far from every curve, and outside the plot area, there is nothing to read.
    const QRect area = plot.axisRect()->rect();
    sendMouseMove(canvas, QPointF(area.left() - 20, area.top() - 20));
    QVERIFY(plot.hoverText().isEmpty());
    sendMouseMove(canvas, onEpoch);
    QVERIFY(!plot.hoverText().isEmpty());
    QEvent leave(QEvent::Leave);
    QApplication::sendEvent(canvas, &leave);
    QVERIFY(plot.hoverText().isEmpty());
    QVERIFY(canvas->grab().toImage() != withReadOut);
  }

  void aZoomedViewStaysWhileDataArrives() {
    LiveLossPlot plot;
    showPlot(plot);
    const TrainingHistory history = runOf(3);
    plot.setHistory(history);
    plot.refresh();
    QVERIFY(plot.autoRange());
    QCPAxis* epochs = plot.axisRect()->axis(QCPAxis::atBottom);
    const QCPRange before = epochs->range();

    // The mouse wheel over the plot zooms in.
    const QPointF centre = plot.axisRect()->rect().center();
    QWheelEvent wheel(centre, plot.plot()->mapToGlobal(centre), QPoint(), QPoint(0, 240),
                      Qt::NoButton, Qt::NoModifier, Qt::NoScrollPhase, false);
    QApplication::sendEvent(plot.plot(), &wheel);
    const QCPRange zoomed = epochs->range();
    QVERIFY(zoomed.size() < before.size());
    QVERIFY(!plot.autoRange());

    const TrainingHistory longer = runOf(5);
    for (size_t i = history.steps.size(); i < longer.steps.size(); ++i)
      plot.appendStep(longer.steps[i]);
    QTRY_COMPARE(plot.pointCount(Curve::Steps), int(longer.steps.size()));
    QVERIFY(epochs->range() == zoomed);

    plot.fitAction()->trigger();
    QVERIFY(plot.autoRange());
    QVERIFY(epochs->range().contains(5.0));
    QVERIFY(epochs->range().contains(0.2));
  }

  void anotherRunCanBeCompared() {
    LiveLossPlot plot;
    showPlot(plot);
    plot.setHistory(runOf(3));
    TrainingHistory other = runOf(5);
    for (EpochRecord& e : other.epochs) {
      e.trainTotal *= 1.5;
      *e.valTotal *= 1.5;
      for (auto* components : {&e.trainComponents, &e.valComponents}) {
        for (auto& component : *components)
          component.second *= 1.5;
      }
    }
    plot.setComparison(other, QStringLiteral("baseline"));
    QVERIFY(plot.hasComparison());
    QCOMPARE(plot.pointCount(Curve::ComparisonTrain), 5);
    QCOMPARE(plot.pointCount(Curve::ComparisonValidation), 5);
    QCOMPARE(values(plot.graph(Curve::ComparisonTrain))[1], 0.25 * 1.5);
    QCOMPARE(plot.graph(Curve::ComparisonTrain)->name(), QStringLiteral("train (baseline)"));
    QCOMPARE(plot.graph(Curve::ComparisonValidation)->name(),
             QStringLiteral("validation (baseline)"));
    QCOMPARE(plot.graph(Curve::ComparisonTrain)->pen().style(), Qt::DashLine);
    QVERIFY(plot.graph(Curve::ComparisonTrain)->pen().color() != trainLossColor());
    QVERIFY(plot.graph(Curve::ComparisonValidation)->pen().color() != validationLossColor());
    QTRY_VERIFY(plot.axisRect()->axis(QCPAxis::atBottom)->range().contains(5.0));

    plot.setCurve(QStringLiteral("L1"));
    QCOMPARE(values(plot.graph(Curve::ComparisonValidation))[0], 0.4 * 0.4 * 1.5);

    plot.refresh();
    const QPointF onOther =
        plot.graph(Curve::ComparisonTrain)->coordsToPixels(5.0, 0.1 * 1.5 * 0.4);
    sendMouseMove(plot.plot(), onOther);
    QVERIFY2(plot.hoverText().startsWith(QStringLiteral("baseline \u00b7 epoch 5")),
             qPrintable(plot.hoverText()));

    plot.clearComparison();
    QCOMPARE(plot.pointCount(Curve::ComparisonTrain), 0);
    QCOMPARE(plot.pointCount(Curve::ComparisonValidation), 0);
    QVERIFY(!plot.hasComparison());
  }

  void imagesAreWrittenByTheirSuffix() {
    LiveLossPlot plot;
    showPlot(plot);
    plot.setCaption(captionOf());
    plot.setHistory(runOf(3));
    QTemporaryDir dir;

    const QString png = dir.filePath(QStringLiteral("curves.png"));
    plot.exportImage(png);
    const QImage image(png);
    QCOMPARE(image.size(), plot.plot()->size());
    QVERIFY(countPixels(image, trainLossColor()) > 200);
    QVERIFY(countPixels(image, validationLossColor()) > 100);

    const QString pdf = dir.filePath(QStringLiteral("curves.pdf"));
    plot.exportImage(pdf);
    const QByteArray pdfBytes = readAll(pdf);
    QVERIFY(pdfBytes.startsWith("%PDF-"));
    QVERIFY(pdfBytes.size() > 2000);

    const QString svg = dir.filePath(QStringLiteral("curves.SVG"));
    plot.exportImage(svg);
    const QByteArray svgBytes = readAll(svg);
    QVERIFY(svgBytes.contains("<svg"));
    QVERIFY(svgBytes.contains("1f77b4"));  // the train curve, as vector paths
    QVERIFY(svgBytes.contains("Longitudinal MIM training: longitudinal_mim_live"));

    // No temporary files are left behind.
    QCOMPARE(QDir(dir.path()).entryList(QDir::Files | QDir::Hidden).size(), 3);

    try {
      plot.exportImage(dir.filePath(QStringLiteral("curves.bmp")));
      QFAIL("an unknown suffix must throw");
    } catch (const Error& e) {
      QVERIFY2(QString::fromUtf8(e.what()).contains(QStringLiteral("curves.bmp")), e.what());
    }
    const QString missing = dir.filePath(QStringLiteral("no/such/folder/curves.png"));
    try {
      plot.exportImage(missing);
      QFAIL("a missing folder must throw");
    } catch (const Error& e) {
      QVERIFY2(QString::fromUtf8(e.what()).contains(missing), e.what());
    }
    // A folder in the way of the file: it stays a folder, the existing PNG stays as it was.
    const QString folder = dir.filePath(QStringLiteral("folder.png"));
    QVERIFY(QDir().mkpath(folder));
    QVERIFY_THROWS_EXCEPTION(Error, plot.exportImage(folder));
    QVERIFY(QFileInfo(folder).isDir());
    QVERIFY(!QImage(png).isNull());

    // Its actions are offered in the plot's context menu.
    const QList<QAction*> menu = plot.plot()->actions();
    QVERIFY(menu.contains(plot.exportImageAction()));
    QVERIFY(menu.contains(plot.exportCsvAction()));
    QVERIFY(menu.contains(plot.exportRunFiguresAction()));
    QVERIFY(menu.contains(plot.fitAction()));
    QCOMPARE(plot.plot()->contextMenuPolicy(), Qt::ActionsContextMenu);
  }

  void csvHasTheRowsOfMetricsCsv() {
    LiveLossPlot plot;
    const TrainingHistory history = runOf(3);
    feed(plot, history);  // the CSV holds what was appended, drawn or not yet
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("export.csv"));
    plot.exportCsv(path);

    const QStringList rows = QString::fromUtf8(readAll(path)).split('\n', Qt::SkipEmptyParts);
    QCOMPARE(rows.size(), 1 + int(history.steps.size()) + 2 * 3);
    QCOMPARE(rows[0] + '\n', QString::fromStdString(MetricsCsv().header()));
    // The first logged batch: epoch 1, batch 2, total 0.5 * 1.2 + 0.03 = 0.63; SSIM is half.
    QCOMPARE(rows[1], QStringLiteral("step,1,2,2,2,train,0.63,0.252,,0.063,0.315,,,,,"
                                     "0.00012,0.9,12.5,0.5,,,"));
    QCOMPARE(rows[6],
             QStringLiteral("epoch,1,,,,train,0.5,0.2,,0.05,0.25,,,,,0.0002,0.9,16,2.5,,,"));
    QCOMPARE(rows[7], QStringLiteral("epoch,1,,,,val,0.4,0.16,,0.04,0.2,,,,,0.0002,0.9,16,2.5,,,"));

    // The same bytes as the trainer's metrics.csv.
    RunFolder::rewriteMetrics(dir.path().toStdString(), history);
    QCOMPARE(readAll(path), readAll(dir.filePath(QStringLiteral("metrics.csv"))));

    // A component metrics.csv has no column for gets one at the end.
    TrainingHistory extra = history;
    for (StepRecord& s : extra.steps)
      s.components.emplace_back("Dice", 0.125);
    const QStringList extraRows = QString::fromStdString(lossCsvText(extra)).split('\n');
    QVERIFY(extraRows[0].endsWith(QStringLiteral(",val_auc,Dice")));
    QVERIFY(extraRows[1].endsWith(QStringLiteral(",0.5,,,,0.125")));
    QVERIFY(extraRows[6].endsWith(QStringLiteral(",2.5,,,,")));  // an epoch without it

    // A failed write names the file and keeps the one there.
    const QByteArray before = readAll(path);
    const QString blocked = dir.filePath(QStringLiteral("export.csv/inside.csv"));
    try {
      plot.exportCsv(blocked);
      QFAIL("writing below a file must throw");
    } catch (const Error& e) {
      QVERIFY2(QString::fromUtf8(e.what()).contains(blocked), e.what());
    }
    QCOMPARE(readAll(path), before);
  }

  void runFiguresAreTheCommandLinesOwn() {
    LiveLossPlot plot;
    const TrainingHistory history = runOf(3);
    plot.setCaption(captionOf());
    feed(plot, history);
    QTemporaryDir studio;
    QTemporaryDir cli;
    plot.exportRunFigures(studio.path());
    writeLossCurves(history, captionOf(), cli.filePath(QStringLiteral("loss_curves.png")));
    writeDetailedLossCurves(history, cli.filePath(QStringLiteral("detailed_loss_curves.png")));
    for (const QString& name :
         {QStringLiteral("loss_curves.png"), QStringLiteral("detailed_loss_curves.png")}) {
      const QByteArray exported = readAll(studio.filePath(name));
      QVERIFY2(!exported.isEmpty(), qPrintable(name));
      QVERIFY2(exported == readAll(cli.filePath(name)), qPrintable(name));
    }
    QCOMPARE(QImage(studio.filePath(QStringLiteral("loss_curves.png"))).size(),
             lossCurvesPixelSize());

    const QString missing = studio.filePath(QStringLiteral("gone"));
    try {
      plot.exportRunFigures(missing);
      QFAIL("a missing folder must throw");
    } catch (const Error& e) {
      QVERIFY2(QString::fromUtf8(e.what()).contains(missing), e.what());
    }
  }

  void clearStartsAnEmptyPlot() {
    LiveLossPlot plot;
    showPlot(plot);
    plot.setHistory(runOf(3));
    plot.setCurve(QStringLiteral("L2"));
    plot.setComparison(runOf(2), QStringLiteral("other"));
    plot.clear();
    QCOMPARE(plot.pointCount(Curve::Steps), 0);
    QCOMPARE(plot.pointCount(Curve::TrainEpochs), 0);
    QCOMPARE(plot.pointCount(Curve::BestEpoch), 0);
    QCOMPARE(plot.pointCount(Curve::LearningRate), 0);
    QVERIFY(plot.editMarkerPositions().isEmpty());
    QCOMPARE(plot.curveNames(), QStringList{QStringLiteral("Total")});
    QCOMPARE(plot.curve(), QStringLiteral("Total"));
    QCOMPARE(plot.pointCount(Curve::ComparisonTrain), 2);  // the comparison stays
    QVERIFY(plot.history().steps.empty());

    // Appends after a clear start from nothing.
    plot.appendStep(stepOf(1, 2));
    QTRY_COMPARE(plot.pointCount(Curve::Steps), 1);
  }

  void aHundredThousandStepsAreShown() {
    LiveLossPlot plot;
    showPlot(plot);
    TrainingHistory history;
    constexpr int kSteps = 100000;
    history.steps.reserve(kSteps);
    for (int i = 0; i < kSteps; ++i) {
      StepRecord s;
      s.epoch = i / 1000 + 1;
      s.batch = i % 1000 + 1;
      s.batchesInEpoch = 1000;
      s.globalBatch = i + 1;
      s.optimizerStep = i + 1;
      s.total = 1.0 / (1.0 + 0.001 * i) + 0.02 * std::sin(0.7 * i);
      s.components = {{"L1", 0.4 * s.total}, {"L2", 0.1 * s.total}};
      s.learningRate = 6e-4;
      history.steps.push_back(s);
    }
    plot.setSmoothing(0.9);
    plot.setHistory(history);
    QCOMPARE(plot.pointCount(Curve::Steps), kSteps);
    QCOMPARE(plot.pointCount(Curve::SmoothedSteps), kSteps);
    QCOMPARE(plot.pointCount(Curve::LearningRate), kSteps);
    plot.refresh();
    QVERIFY(plot.axisRect()->axis(QCPAxis::atBottom)->range().contains(100.0));
    QVERIFY(plot.graph(Curve::Steps)->adaptiveSampling());

    plot.appendStep(stepOf(101, 2));
    QTRY_COMPARE(plot.pointCount(Curve::Steps), kSteps + 1);
  }
};

QTEST_MAIN(TestLiveLossPlot)
#include "TestLiveLossPlot.moc"
