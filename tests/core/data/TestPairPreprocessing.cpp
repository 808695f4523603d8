// Tests min-max normalisation and ITK resizing (values, sizes, anti-aliasing) of prepared pairs.
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>

#include "PythonProbe.h"
#include "TestImages.h"
#include "data/ImageResize.h"
#include "data/PairIndex.h"
#include "data/PairPreprocessing.h"
#include "io/NiftiIO.h"

using namespace longmim;
using namespace longmim::test;

namespace {

Image2D checkerboard(int size) {
  Image2D image(size, size);
  for (int y = 0; y < size; ++y) {
    for (int x = 0; x < size; ++x)
      image.at(y, x) = static_cast<float>((x + y) % 2);
  }
  return image;
}

}  // namespace

class TestPairPreprocessing : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void minMaxMapsToUnitRange() {
    Image2D image = rampImage(2, 3, -100.0f, 40.0f);  // -100 .. 100
    normalizeMinMax(image);
    const float expected[6] = {0.0f, 0.2f, 0.4f, 0.6f, 0.8f, 1.0f};
    for (int i = 0; i < 6; ++i)
      QVERIFY(std::fabs(image.pixels[i] - expected[i]) < 1e-6f);
    QCOMPARE(image.pixels.front(), 0.0f);
    QCOMPARE(image.pixels.back(), 1.0f);
    Image2D constant(3, 3, 7.0f);
    normalizeMinMax(constant);
    QCOMPARE(constant.pixels, std::vector<float>(9, 0.0f));
  }

  void upsamplingInterpolatesLinearlyWithEdgeClamp() {
    Image2D image(2, 2);
    image.pixels = {0.0f, 1.0f, 2.0f, 3.0f};
    const Image2D big = resizeImage(image, 4, 4);
    QCOMPARE(big.rows, 4);
    QCOMPARE(big.cols, 4);
    // Output pixel centres sit at input positions -0.25, 0.25, 0.75, 1.25 (clamped at the edges).
    const float along[4] = {0.0f, 0.25f, 0.75f, 1.0f};
    for (int y = 0; y < 4; ++y) {
      for (int x = 0; x < 4; ++x) {
        QVERIFY(std::fabs(big.at(y, x) - (along[x] + 2.0f * along[y])) < 1e-6f);
      }
    }
  }

  void shrinkingIsAntialiased() {
    // Without smoothing, sampling a 1-px checkerboard by 4 would alias to a flat 0 or 1 (or 0.5
    // by luck of the phase); with it the result is uniformly close to the mean grey.
    const Image2D small = resizeImage(checkerboard(64), 16, 16);
    for (int y = 2; y < 14; ++y) {
      for (int x = 2; x < 14; ++x)
        QVERIFY(std::fabs(small.at(y, x) - 0.5f) < 0.05f);
    }
    // A smooth ramp keeps its values where the Gaussian is symmetric.
    Image2D ramp(64, 64);
    for (int y = 0; y < 64; ++y) {
      for (int x = 0; x < 64; ++x)
        ramp.at(y, x) = static_cast<float>(x);
    }
    const Image2D smallRamp = resizeImage(ramp, 32, 32);
    QVERIFY(std::fabs(smallRamp.at(16, 16) - 32.5f) < 0.05f);  // centre of input pixels 32..33
  }

  void nonSquareAndSpacing() {
    Image2D image = rampImage(30, 50);
    image.geometry.spacing = {0.2, 0.3};
    const Image2D out = resizeImage(image, 64, 64);
    QCOMPARE(out.rows, 64);
    QCOMPARE(out.cols, 64);
    QVERIFY(std::fabs(out.geometry.spacing[0] - 0.2 * 50 / 64) < 1e-12);
    QVERIFY(std::fabs(out.geometry.spacing[1] - 0.3 * 30 / 64) < 1e-12);
  }

  void preparedPairNormalisesXraysButNotTheDiff() {
    const Image2D prior = rampImage(20, 20, 100.0f, 3.0f);
    const Image2D current = rampImage(40, 40, -5.0f, 0.5f);
    Image2D diff(20, 20, -0.3f);
    diff.at(10, 10) = 0.6f;
    const PreparedPair pair = preparePair(prior, current, diff, 32);
    for (const Image2D* image : {&pair.prior, &pair.current, &pair.diff}) {
      QCOMPARE(image->rows, 32);
      QCOMPARE(image->cols, 32);
    }
    const auto [plo, phi] = std::minmax_element(pair.prior.pixels.begin(), pair.prior.pixels.end());
    QCOMPARE(*plo, 0.0f);
    QCOMPARE(*phi, 1.0f);
    const auto [clo, chi] =
        std::minmax_element(pair.current.pixels.begin(), pair.current.pixels.end());
    QCOMPARE(*clo, 0.0f);
    QCOMPARE(*chi, 1.0f);
    // The diff keeps its signed, unnormalised values: mostly -0.3 far from the bump.
    QVERIFY(std::fabs(pair.diff.at(0, 0) + 0.3f) < 1e-5f);
    QVERIFY(*std::max_element(pair.diff.pixels.begin(), pair.diff.pixels.end()) > -0.3f);
    QVERIFY(*std::max_element(pair.diff.pixels.begin(), pair.diff.pixels.end()) < 0.6f);
  }

  // RESIZE_MODE pad: a wide image centred on a square (the X-ray's minimum above and below, no
  // change in the difference map), and the map brought back to the image's own grid.
  void padModeKeepsTheAspectRatio() {
    Image2D wide = rampImage(2, 4, 10.0f);  // 10..17
    wide.geometry.spacing = {0.5, 0.5};
    const Image2D square = fitToSquare(wide, 4, /*pad=*/true, 3.0f);
    QCOMPARE(square.rows, 4);
    QCOMPARE(square.cols, 4);
    for (int c = 0; c < 4; ++c) {
      QCOMPARE(square.at(0, c), 3.0f);  // padding
      QCOMPARE(square.at(1, c), wide.at(0, c));
      QCOMPARE(square.at(2, c), wide.at(1, c));
      QCOMPARE(square.at(3, c), 3.0f);
    }
    // One row of padding, half a millimetre, before the image's first row.
    QCOMPARE(square.geometry.origin[1], -0.5);
    QCOMPARE(square.geometry.origin[0], 0.0);
    const Image2D back = unfitFromSquare(square, 2, 4, /*pad=*/true);
    QCOMPARE(back.pixels, wide.pixels);
    // Stretch: both axes resized on their own, no padding anywhere.
    const Image2D stretched = fitToSquare(wide, 4, /*pad=*/false, 3.0f);
    QVERIFY(*std::min_element(stretched.pixels.begin(), stretched.pixels.end()) >= 10.0f);

    Image2D diff(2, 4, 0.25f);
    const PreparedPair pair = preparePair(wide, wide, diff, 8, /*pad=*/true);
    QCOMPARE(pair.diff.at(0, 4), 0.0f);   // padding: no change
    QCOMPARE(pair.diff.at(4, 4), 0.25f);  // the image
    QCOMPARE(pair.prior.at(0, 4), 0.0f);  // padded with the minimum: black after min-max
  }

  void loadsFromCaseFiles() {
    QTemporaryDir dir;
    writeCase(dir.filePath("c").toStdString(), 24, 24);
    const PairIndex index = PairIndex::scan(dir.path().toStdString());
    QCOMPARE(index.validCount(), size_t(1));
    const PreparedPair pair = loadPreparedPair(index.cases()[0], 32);
    QCOMPARE(pair.prior.rows, 32);
    QCOMPARE(pair.diff.cols, 32);
  }

  void matchesSkimageWhenPresent() {
    if (!pythonHas("skimage"))
      QSKIP("python3-skimage is not installed");
    QTemporaryDir dir;
    // Upsampling: linear interpolation with edge mode is the same formula in both.
    Image2D image = rampImage(5, 7);
    for (float& v : image.pixels)
      v = std::sin(v * 0.7f);
    writeImage2D(image, dir.filePath("in.nii").toStdString());
    const Image2D ours = resizeImage(image, 12, 16);
    QProcess python;
    python.start("/usr/bin/python3",
                 {"-c",
                  "import sys, numpy as np, nibabel as nib\n"
                  "from skimage.transform import resize\n"
                  "a = nib.load(sys.argv[1]).get_fdata().T\n"
                  "r = resize(a, (12, 16), order=1, mode='edge', anti_aliasing=False)\n"
                  "print(' '.join(repr(float(v)) for v in r.ravel()))\n",
                  dir.filePath("in.nii")});
    QVERIFY(python.waitForFinished(120000));
    const QStringList values =
        QString(python.readAllStandardOutput()).split(' ', Qt::SkipEmptyParts);
    if (values.size() != 12 * 16)
      QSKIP("python3-nibabel is not installed");
    for (int i = 0; i < 12 * 16; ++i) {
      QVERIFY2(
          std::fabs(values[i].toFloat() - ours.pixels[i]) < 1e-5f,
          qPrintable(
              QString("pixel %1: skimage %2, ours %3").arg(i).arg(values[i]).arg(ours.pixels[i])));
    }
  }
};

QTEST_GUILESS_MAIN(TestPairPreprocessing)
#include "TestPairPreprocessing.moc"
