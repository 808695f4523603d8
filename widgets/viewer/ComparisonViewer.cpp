#include "viewer/ComparisonViewer.h"

#include <QDir>
#include <QEvent>
#include <QFileInfo>
#include <QFontInfo>
#include <QHBoxLayout>
#include <QImageWriter>
#include <QLabel>
#include <QPainter>
#include <QSaveFile>
#include <QVBoxLayout>

#include <vtkCommand.h>
#include <vtkRenderWindowInteractor.h>
#include <vtkRenderer.h>
#include <vtkTextProperty.h>

#include <algorithm>
#include <cmath>

#include "viewer/PairCaptions.h"
#include "viewer/PanelInteractorStyle.h"
#include "viewer/ViewerBars.h"
#include "viewer/ViewerPanel.h"
#include "viewer/VtkView.h"

namespace longmim::studio {
namespace {

Image2D sampleImage(int rows, int cols, const std::vector<float>& pixels) {
  Image2D image(rows, cols);
  image.pixels = pixels;
  return image;
}

}  // namespace

ComparisonViewer::ComparisonViewer(QWidget* parent) : QWidget(parent) {
  setObjectName(QStringLiteral("comparisonViewer"));
  worker_ = new PredictionWorker(this);
  connect(worker_, &PredictionWorker::pairLoaded, this, &ComparisonViewer::onPairLoaded);
  connect(worker_, &PredictionWorker::predictionReady, this, &ComparisonViewer::onPrediction);
  connect(worker_, &PredictionWorker::failed, this, &ComparisonViewer::onFailed);
  connect(worker_, &PredictionWorker::busyChanged, this, &ComparisonViewer::onBusyChanged);

  camera_->ParallelProjectionOn();
  cameraTag_ =
      camera_->AddObserver(vtkCommand::ModifiedEvent, this, &ComparisonViewer::onCameraModified);

  auto* layout = new QVBoxLayout(this);
  layout->addWidget(createNavigationBar());
  layout->addWidget(createDisplayBar());
  layout->addWidget(createPanels(), 1);
  readoutLabel_ = new QLabel(this);
  readoutLabel_->setObjectName(QStringLiteral("pixelReadout"));
  readoutLabel_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  metricsLabel_ = new QLabel(this);
  metricsLabel_->setObjectName(QStringLiteral("predictionMetrics"));
  datesLabel_ = new QLabel(this);
  datesLabel_->setObjectName(QStringLiteral("pairDates"));
  datesLabel_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  statusLabel_ = new QLabel(this);
  statusLabel_->setObjectName(QStringLiteral("viewerStatus"));
  statusLabel_->setWordWrap(true);
  statusLabel_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  auto* bottom = new QHBoxLayout;
  bottom->addWidget(readoutLabel_, 1);
  bottom->addWidget(metricsLabel_);
  layout->addLayout(bottom);
  layout->addWidget(datesLabel_);
  layout->addWidget(statusLabel_);

  for (ViewerPanel* p : panels_) {
    p->setCamera(camera_);
    connect(p->view(), &VtkView::cursorMoved, this, &ComparisonViewer::onCursorMoved);
    connect(p->view(), &VtkView::cursorLeft, this, &ComparisonViewer::onCursorLeft);
  }
  panelView(Panel::Baseline)->installEventFilter(this);
  for (Panel xray : {Panel::Baseline, Panel::Followup}) {
    PanelInteractorStyle* style = panel(xray)->interactorStyle();
    style->setWindowLevelEnabled(true);
    style->AddObserver(vtkCommand::StartWindowLevelEvent, this,
                       &ComparisonViewer::onWindowLevelStart);
    style->AddObserver(vtkCommand::WindowLevelEvent, this, &ComparisonViewer::onWindowLevelDrag);
  }
  panel(Panel::Predicted)->setLookupTable(colors_.transferFunction());
  panel(Panel::GroundTruth)->setLookupTable(colors_.transferFunction());
  for (ViewerPanel* p : panels_)
    p->clearImage(QStringLiteral("No pair open"));

  setCaseName({}, {});
  setOverlayOpacity(0.6);
  setOverlayThreshold(colors_.overlayThreshold());
  updateLimits();
  updateNavigation();
  updateReadout();
  resetView();
}

ComparisonViewer::~ComparisonViewer() {
  // Waits for a prediction in progress before any member it would report to is gone.
  delete worker_;
  camera_->RemoveObserver(cameraTag_);
  for (Panel xray : {Panel::Baseline, Panel::Followup}) {
    panel(xray)->interactorStyle()->RemoveObservers(vtkCommand::StartWindowLevelEvent);
    panel(xray)->interactorStyle()->RemoveObservers(vtkCommand::WindowLevelEvent);
  }
}

QWidget* ComparisonViewer::createPanels() {
  panelArea_ = new QWidget(this);
  panelArea_->setObjectName(QStringLiteral("comparisonPanels"));
  auto* layout = new QHBoxLayout(panelArea_);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->setSpacing(4);
  const QString titles[kPanelCount] = {QStringLiteral("Baseline"), QStringLiteral("Follow-up"),
                                       QStringLiteral("Predicted difference"),
                                       QStringLiteral("Ground-truth difference")};
  for (int i = 0; i < kPanelCount; ++i) {
    panels_[size_t(i)] = new ViewerPanel(titles[i], panelArea_);
    layout->addWidget(panels_[size_t(i)], 1);
  }

  colorBarPanel_ = new ViewerPanel(QStringLiteral("Δ"), panelArea_);
  colorBarPanel_->setObjectName(QStringLiteral("colourBarPanel"));
  colorBarPanel_->setFixedWidth(96);
  // Nothing to zoom or pan in the colour bar; its mouse belongs to the panel area.
  colorBarPanel_->view()->setAttribute(Qt::WA_TransparentForMouseEvents);
  colorBar_->SetLookupTable(colors_.transferFunction());
  colorBar_->SetOrientationToVertical();
  colorBar_->SetNumberOfLabels(5);
  colorBar_->SetLabelFormat("%.3g");
  colorBar_->SetMaximumNumberOfColors(256);
  colorBar_->GetPositionCoordinate()->SetCoordinateSystemToNormalizedViewport();
  colorBar_->SetPosition(0.08, 0.04);
  colorBar_->SetWidth(0.84);
  colorBar_->SetHeight(0.92);
  colorBar_->SetBarRatio(0.3);
  colorBar_->GetLabelTextProperty()->SetColor(0.92, 0.92, 0.92);
  colorBar_->GetLabelTextProperty()->ShadowOff();
  colorBar_->GetLabelTextProperty()->ItalicOff();
  colorBar_->GetLabelTextProperty()->BoldOff();
  colorBarPanel_->view()->renderer()->AddActor2D(colorBar_);
  layout->addWidget(colorBarPanel_);
  return panelArea_;
}

// ---- Cases and requests -----------------------------------------------------------------------

void ComparisonViewer::setCases(std::vector<longmim::CaseEntry> cases) {
  cases_ = std::move(cases);
  listIndex_ = -1;
  onList_ = false;
  if (cases_.empty()) {
    updateNavigation();
    return;
  }
  showCase(0);
}

void ComparisonViewer::showCase(int index) {
  if (cases_.empty())
    return;
  listIndex_ = std::clamp(index, 0, int(cases_.size()) - 1);
  onList_ = true;
  const CaseEntry& entry = cases_[size_t(listIndex_)];
  PairFiles files;
  files.prior = QString::fromStdString(entry.priorPath);
  files.current = QString::fromStdString(entry.currentPath);
  files.groundTruth = QString::fromStdString(entry.diffPath);
  beginPair(QString::fromStdString(entry.name), files);
}

int ComparisonViewer::currentCaseIndex() const {
  return onList_ ? listIndex_ : -1;
}

void ComparisonViewer::openPair(const QString& prior, const QString& current,
                                const QString& groundTruth) {
  onList_ = false;
  PairFiles files;
  files.prior = prior;
  files.current = current;
  files.groundTruth = groundTruth;
  // A pair is named after its folder, as cases are.
  beginPair(QFileInfo(current).absoluteDir().dirName(), files);
}

void ComparisonViewer::beginPair(const QString& name, const PairFiles& files) {
  files_ = files;
  shown_ = Shown{};
  cursorPixel_.reset();
  statusLabel_->clear();
  metricsLabel_->clear();
  QString detail;
  if (onList_) {
    detail = QStringLiteral("case %1 of %2").arg(listIndex_ + 1).arg(cases_.size());
  } else {
    detail = QStringLiteral("opened pair");
  }
  setCaseName(name, detail);
  updateNavigation();
  // Never show the images of the case just left under the new case's name.
  for (ViewerPanel* p : panels_) {
    p->clearImage(QStringLiteral("Loading…"));
    p->setCrosshair(std::nullopt, grid_);
  }
  Q_EMIT caseChanged(name);
  if (files.prior.isEmpty() || files.current.isEmpty()) {
    worker_->dropAll();
    files_.reset();
    for (ViewerPanel* p : panels_)
      p->clearImage(QStringLiteral("Cannot read this pair"));
    showError(QStringLiteral("%1: a pair needs both a baseline (prior) and a follow-up (current) "
                             "image")
                  .arg(name));
    return;
  }
  requestCurrent();
}

void ComparisonViewer::requestCurrent() {
  if (!files_)
    return;
  request_ = worker_->request(*files_);
}

void ComparisonViewer::setCheckpoint(const QString& path) {
  worker_->setCheckpoint(path);
  updateCheckpointLabel();
  if (files_)
    requestCurrent();
}

void ComparisonViewer::setComputeThreads(int threads) {
  worker_->setComputeThreads(threads);
}

QString ComparisonViewer::checkpoint() const {
  return worker_->checkpoint();
}

void ComparisonViewer::refresh() {
  statusLabel_->clear();
  requestCurrent();
}

bool ComparisonViewer::isBusy() const {
  return worker_->isBusy();
}

void ComparisonViewer::showSample(const longmim::SamplePrediction& sample) {
  const size_t count = size_t(std::max(0, sample.rows)) * size_t(std::max(0, sample.cols));
  if (count == 0 || sample.baseline.size() != count || sample.followup.size() != count ||
      sample.predicted.size() != count ||
      (!sample.groundTruth.empty() && sample.groundTruth.size() != count)) {
    showError(QStringLiteral("The trainer's sample of epoch %1 has images of inconsistent sizes; "
                             "it is not shown.")
                  .arg(sample.epoch));
    return;
  }
  worker_->dropAll();  // a case still loading must not replace the sample
  files_.reset();
  onList_ = false;
  statusLabel_->clear();
  metricsLabel_->clear();
  shown_ = Shown{};
  shown_.baseline = sampleImage(sample.rows, sample.cols, sample.baseline);
  shown_.followup = sampleImage(sample.rows, sample.cols, sample.followup);
  shown_.predicted = sampleImage(sample.rows, sample.cols, sample.predicted);
  if (!sample.groundTruth.empty()) {
    shown_.groundTruth = sampleImage(sample.rows, sample.cols, sample.groundTruth);
    if (sample.metrics) {
      // Measured by the trainer's validation: nothing to compute on the GUI thread, whose torch
      // operations would wait for the compute threads the trainer keeps busy.
      shown_.metrics = longmim::PairMetrics::from(*sample.metrics, sample.l1Zeros);
    } else {
      shown_.metrics = longmim::PairMetrics::measure(sample.predicted, sample.groundTruth,
                                                     sample.rows, sample.cols, changeThreshold_);
    }
    metricsLabel_->setText(pairMetricsText(*shown_.metrics));
  }
  const QString name = QString::fromStdString(sample.caseName);
  setCaseName(name, QStringLiteral("live sample after epoch %1, as the model sees it (%2 x %3)")
                        .arg(sample.epoch)
                        .arg(sample.cols)
                        .arg(sample.rows));
  updateNavigation();
  setGrid(QSize(sample.cols, sample.rows));
  showImages();
  Q_EMIT caseChanged(name);
}

void ComparisonViewer::onPairLoaded(int request, const LoadedPair& pair) {
  if (request != request_ || !files_)
    return;
  shown_.baseline = pair.baseline;
  shown_.followup = pair.followup;
  shown_.groundTruth = pair.groundTruth;
  shown_.predicted.reset();
  showPairInfo(pair);
  setGrid(QSize(pair.followup.cols, pair.followup.rows));
  showImages();
}

void ComparisonViewer::onPrediction(int request, const longmim::Prediction& prediction) {
  if (request != request_ || !files_)
    return;
  shown_.predicted = prediction.map;
  shown_.metrics = prediction.metrics;
  if (prediction.metrics)
    metricsLabel_->setText(pairMetricsText(*prediction.metrics));
  showImages();
  Q_EMIT predictionReady();
}

void ComparisonViewer::onFailed(int request, const QString& message) {
  if (request == request_ && files_) {
    if (!shown_.followup) {
      for (ViewerPanel* p : panels_)
        p->clearImage(QStringLiteral("Cannot read this pair"));
    } else if (!shown_.predicted) {
      panel(Panel::Predicted)->clearImage(QStringLiteral("No prediction"));
    }
  }
  updateCheckpointLabel();  // a checkpoint that failed to load is dropped
  showError(message);
}

void ComparisonViewer::onBusyChanged(bool busy) {
  navigation_->showBusy(busy);
}

void ComparisonViewer::showError(const QString& message) {
  statusLabel_->setText(message);
  statusLabel_->setStyleSheet(QStringLiteral("color: #b3261e;"));
  Q_EMIT errorOccurred(message);
}

QString ComparisonViewer::statusMessage() const {
  return statusLabel_->text();
}

}  // namespace longmim::studio
