// Benchmark: the live loss plot with 10k and 100k logged steps -- one refresh tick (appended steps
// added to the graphs and the plot redrawn on screen), a whole setHistory (opening a finished run),
// the appends themselves and the hover read-out -- and the Components tab's redraw after an epoch.
// Not a test: run on demand under a display (xvfb-run); numbers go into docs/benchmarks.md.
//
//   xvfb-run -a -s '-screen 0 1600x1000x24' bench_live_loss_plot [--repeats N] [--ticks N]
#include <QApplication>
#include <QMouseEvent>

#include "QCustomPlotHeader.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <utility>
#include <vector>

#include "curves/ComponentCurvesView.h"
#include "curves/LiveLossPlot.h"
#include "training/HistoryModel.h"

using namespace longmim;
using namespace longmim::studio;

namespace {

using Clock = std::chrono::steady_clock;

double millisecondsSince(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

double median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  return values.empty() ? 0.0 : values[values.size() / 2];
}

// Logged batch `index` of a run logging 500 batches per epoch: a falling, noisy loss with the
// components of the default loss (L1, L1_masked, L2) and a one-cycle-like learning rate.
StepRecord loggedStep(int index) {
  constexpr int kPerEpoch = 500;
  StepRecord s;
  s.epoch = index / kPerEpoch + 1;
  s.batch = index % kPerEpoch + 1;
  s.batchesInEpoch = kPerEpoch;
  s.globalBatch = index + 1;
  s.optimizerStep = (index + 1) / 12;
  s.total = 0.05 + 1.0 / (1.0 + 0.002 * index) + 0.05 * std::sin(1.7 * index);
  s.components = {{"L1", 0.4 * s.total}, {"L1_masked", 0.5 * s.total}, {"L2", 0.1 * s.total}};
  s.learningRate = 6e-4 * std::sin(3.14159 * std::min(1.0, index / 200000.0));
  s.beta1 = 0.9;
  return s;
}

TrainingHistory historyOf(int steps) {
  TrainingHistory h;
  h.steps.reserve(size_t(steps));
  for (int i = 0; i < steps; ++i)
    h.steps.push_back(loggedStep(i));
  const int epochs = h.steps.back().epoch;
  for (int epoch = 1; epoch <= epochs; ++epoch) {
    EpochRecord e;
    e.epoch = epoch;
    e.trainTotal = 0.05 + 1.0 / (1.0 + epoch);
    e.valTotal = 0.06 + 1.0 / (1.0 + epoch);
    e.trainComponents = {{"L1", 0.4 * e.trainTotal}, {"L2", 0.1 * e.trainTotal}};
    e.valComponents = {{"L1", 0.4 * *e.valTotal}, {"L2", 0.1 * *e.valTotal}};
    e.learningRate = 6e-4;
    h.epochs.push_back(e);
  }
  h.bestEpoch = epochs;
  h.bestValLoss = *h.epochs.back().valTotal;
  return h;
}

void run(LiveLossPlot& plot, int steps, int repeats, int ticks) {
  const TrainingHistory history = historyOf(steps);

  // Opening a finished run: setHistory alone, and with the first on-screen replot.
  std::vector<double> rebuild;
  std::vector<double> rebuildAndDraw;
  for (int r = 0; r < repeats; ++r) {
    plot.clear();
    plot.refresh();
    auto start = Clock::now();
    plot.setHistory(history);
    rebuild.push_back(millisecondsSince(start));
    plot.refresh();
    rebuildAndDraw.push_back(millisecondsSince(start));
  }

  // One live tick: the steps appended since the last tick go into the graphs, one replot.
  std::vector<double> tickOne;
  std::vector<double> tickTen;
  std::vector<double> replotOnly;
  int next = steps;
  for (int t = 0; t < ticks; ++t) {
    auto start = Clock::now();
    plot.appendStep(loggedStep(next++));
    plot.refresh();
    tickOne.push_back(millisecondsSince(start));
    replotOnly.push_back(plot.plot()->replotTime(false));
  }
  for (int t = 0; t < ticks; ++t) {
    auto start = Clock::now();
    for (int i = 0; i < 10; ++i)
      plot.appendStep(loggedStep(next++));
    plot.refresh();
    tickTen.push_back(millisecondsSince(start));
  }

  // Appends between ticks: what the trainer's signal costs the GUI thread.
  plot.setHistory(history);
  plot.refresh();
  const int appends = 10000;
  auto start = Clock::now();
  for (int i = 0; i < appends; ++i)
    plot.appendStep(loggedStep(next++));
  const double appendMicroseconds = 1000.0 * millisecondsSince(start) / appends;
  plot.refresh();

  // Hover: the nearest point under a mouse sweeping across the plot.
  const QRect area = plot.axisRect()->rect();
  const int moves = 200;
  start = Clock::now();
  for (int i = 0; i < moves; ++i) {
    const QPointF at(area.left() + (i + 0.5) * area.width() / moves, area.center().y());
    QMouseEvent move(QEvent::MouseMove, at, plot.plot()->mapToGlobal(at), Qt::NoButton,
                     Qt::NoButton, Qt::NoModifier);
    QApplication::sendEvent(plot.plot(), &move);
  }
  const double hoverMs = millisecondsSince(start) / moves;

  std::printf(
      "%7d steps | setHistory %7.1f ms, + first replot %7.1f ms | tick (1 step) %6.2f ms "
      "(replot %5.2f ms) | tick (10 steps) %6.2f ms | append %5.2f us | hover %5.2f ms\n",
      steps, median(rebuild), median(rebuildAndDraw), median(tickOne), median(replotOnly),
      median(tickTen), appendMicroseconds, hoverMs);
}

}  // namespace

int main(int argc, char** argv) {
  QApplication app(argc, argv);
  int repeats = 5;
  int ticks = 30;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    if (flag == "--repeats")
      repeats = std::max(1, std::atoi(argv[i + 1]));
    if (flag == "--ticks")
      ticks = std::max(1, std::atoi(argv[i + 1]));
  }

  LiveLossPlot plot;
  plot.resize(1400, 800);
  plot.show();
  QApplication::processEvents();
  const QSize size = plot.plot()->size();
  std::printf(
      "live loss plot %dx%d px, smoothing %.2f, learning rate shown; median of %d "
      "setHistory and %d ticks:\n",
      size.width(), size.height(), plot.smoothing(), repeats, ticks);
  for (const int steps : {10000, 100000})
    run(plot, steps, repeats, ticks);
  plot.hide();

  // The Components tab, visible: what one epoch's redraw of every component panel costs.
  ComponentCurvesView components;
  components.resize(1400, 800);
  components.show();
  QApplication::processEvents();
  for (const int steps : {10, 10000, 100000}) {
    HistoryModel model;
    components.setModel(&model);
    model.reset(historyOf(steps));
    std::vector<double> redraw;
    for (int r = 0; r < repeats; ++r) {
      TrainingHistory again = model.history();  // copied outside the timing
      const auto start = Clock::now();
      model.reset(std::move(again));  // the whole history drawn again, as when a run is opened
      components.plot()->replot(QCustomPlot::rpImmediateRefresh);
      redraw.push_back(millisecondsSince(start));
    }
    components.setModel(nullptr);
    std::printf("components tab, %7d steps | redraw after an epoch %7.1f ms (replot %.1f ms)\n",
                steps, median(redraw), components.plot()->replotTime(false));
  }
  return 0;
}
