// Tests CLAHE and sharpness against hand-computed values, and the augmenter's branches and
// determinism.
#include <QtTest>

#include <cmath>

#include "TestImages.h"
#include "config/Presets.h"
#include "data/Clahe.h"
#include "data/PairAugmenter.h"
#include "data/Sharpness.h"

using namespace longmim;
using namespace longmim::test;

namespace {

PreparedPair smallPair(int size) {
  PreparedPair pair{rampImage(size, size, 0.0f, 1.0f / (size * size)),
                    rampImage(size, size, 0.0f, 0.5f / (size * size)),
                    rampImage(size, size, -0.25f, 0.5f / (size * size))};
  for (int i = 0; i < size; ++i)
    pair.current.at(i, i) = 1.0f;
  return pair;
}

float maxAbsDifference(const Image2D& a, const Image2D& b) {
  float worst = 0.0f;
  for (size_t i = 0; i < a.size(); ++i)
    worst = std::max(worst, std::fabs(a.pixels[i] - b.pixels[i]));
  return worst;
}

}  // namespace

class TestPairAugmenter : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void claheSingleTileMatchesHandComputedLut() {
    // 16 distinct values k/16: histogram bin 16k, LUT lookup index trunc(k/16 * 255) = 16k - 1
    // (k >= 1), so the cumulative count there is k (1 for k = 0): out = floor(max(k,1)*255/16)/255.
    Image2D image(4, 4);
    for (int k = 0; k < 16; ++k)
      image.pixels[k] = k / 16.0f;
    const Image2D out = equalizeClahe(image, 0.0, 1, 1);
    for (int k = 0; k < 16; ++k) {
      const float expected = std::floor(std::max(k, 1) * 255.0f / 16.0f) / 255.0f;
      QVERIFY2(std::fabs(out.pixels[k] - expected) < 1e-6f,
               qPrintable(QString("k=%1: %2 vs %3").arg(k).arg(out.pixels[k]).arg(expected)));
    }
  }

  void claheClipsAndRedistributes() {
    // 12 zeros and 4 ones; clip 40 -> max(floor(40*16/256), 1) = 2 per bin. Bin 0: 12 -> 2 and
    // bin 255: 4 -> 2; the 12 clipped counts go one each to bins 0..11. LUT at 0: floor(3*255/16)
    // = 47; at 255: 16 -> 255.
    Image2D image(4, 4, 0.0f);
    for (int i = 12; i < 16; ++i)
      image.pixels[i] = 1.0f;
    const Image2D out = equalizeClahe(image, 40.0, 1, 1);
    QVERIFY(std::fabs(out.pixels[0] - 47.0f / 255.0f) < 1e-6f);
    QVERIFY(std::fabs(out.pixels[15] - 1.0f) < 1e-6f);
  }

  void claheBlendsNeighbouringTiles() {
    // 8x8, 2x2 grid: tile (0,0) is black, the rest white. Black pixels map to 255 under tile
    // (0,0)'s LUT and to 0 under the others', so their output is exactly tile (0,0)'s bilinear
    // weight: 1 in the corner half-tile, then 2/3 on the last row/column of the tile.
    Image2D image(8, 8, 1.0f);
    for (int y = 0; y < 4; ++y) {
      for (int x = 0; x < 4; ++x)
        image.at(y, x) = 0.0f;
    }
    const Image2D out = equalizeClahe(image, 0.0, 2, 2);
    const float w[4] = {1.0f, 1.0f, 1.0f, 2.0f / 3.0f};
    for (int y = 0; y < 4; ++y) {
      for (int x = 0; x < 4; ++x)
        QVERIFY(std::fabs(out.at(y, x) - w[y] * w[x]) < 1e-6f);
    }
    for (int y = 0; y < 8; ++y) {
      for (int x = 0; x < 8; ++x) {
        if (y >= 4 || x >= 4)
          QVERIFY(std::fabs(out.at(y, x) - 1.0f) < 1e-6f);
      }
    }
  }

  void claheHandlesSizesNeedingPadding() {
    Image2D image = rampImage(37, 45, 0.0f, 1.0f / (37 * 45));
    const Image2D out = equalizeClahe(image, 1.0, 8, 8);
    QCOMPARE(out.rows, 37);
    QCOMPARE(out.cols, 45);
    for (float v : out.pixels)
      QVERIFY(v >= 0.0f && v <= 1.0f);
  }

  void sharpnessMatchesFormula() {
    Image2D image(4, 4);
    image.pixels = {0.1f, 0.2f, 0.3f, 0.4f, 0.5f, 0.9f, 0.2f, 0.1f,
                    0.0f, 0.3f, 0.6f, 0.8f, 0.7f, 0.4f, 0.2f, 0.3f};
    const Image2D source = image;
    adjustSharpness(image, 2.0);
    for (int y = 0; y < 4; ++y) {
      for (int x = 0; x < 4; ++x) {
        float expected = source.at(y, x);  // border: unchanged by the blend
        if (y > 0 && y < 3 && x > 0 && x < 3) {
          float sum = 0.0f;
          for (int dy = -1; dy <= 1; ++dy) {
            for (int dx = -1; dx <= 1; ++dx) {
              sum += source.at(y + dy, x + dx) * ((dy == 0 && dx == 0) ? 5.0f : 1.0f);
            }
          }
          expected = std::clamp(2.0f * source.at(y, x) - sum / 13.0f, 0.0f, 1.0f);
        }
        QVERIFY2(std::fabs(image.at(y, x) - expected) < 1e-6f,
                 qPrintable(QString("%1,%2").arg(y).arg(x)));
      }
    }
    Image2D same = source;
    adjustSharpness(same, 1.0);
    QVERIFY(maxAbsDifference(same, source) < 1e-7f);
  }

  void augmentationIsReproducibleFromTheSeed() {
    const TrainingConfig config = presetConfig("tiny");
    const PairAugmenter augmenter(config);
    auto run = [&](std::uint64_t epoch, std::uint64_t index) {
      PreparedPair pair = smallPair(32);
      std::mt19937_64 rng(PairAugmenter::sampleSeed(42, epoch, index));
      augmenter.apply(pair, rng);
      return pair;
    };
    const PreparedPair a = run(3, 7);
    const PreparedPair b = run(3, 7);
    QCOMPARE(a.prior.pixels, b.prior.pixels);
    QCOMPARE(a.current.pixels, b.current.pixels);
    int differing = 0;
    for (std::uint64_t index = 0; index < 20; ++index) {
      differing += maxAbsDifference(run(3, index).prior, run(4, index).prior) > 0.0f;
    }
    QVERIFY(differing > 5);  // another epoch draws other augmentations
    QVERIFY(PairAugmenter::sampleSeed(1, 2, 3) != PairAugmenter::sampleSeed(1, 2, 4));
    QVERIFY(PairAugmenter::sampleSeed(1, 2, 3) != PairAugmenter::sampleSeed(1, 3, 3));
  }

  void branchesFollowTheReferenceProbabilities() {
    TrainingConfig config = presetConfig("tiny");
    const PairAugmenter augmenter(config);
    int clahe = 0;
    int sharpen = 0;
    int none = 0;
    const int draws = 3000;
    for (int i = 0; i < draws; ++i) {
      PreparedPair pair = smallPair(8);
      const Image2D diffBefore = pair.diff;
      std::mt19937_64 rng(PairAugmenter::sampleSeed(1, 0, i));
      const AugmentationRecord record = augmenter.apply(pair, rng);
      QCOMPARE(pair.diff.pixels, diffBefore.pixels);  // the target is never altered
      switch (record.intensity) {
        case AugmentationRecord::Intensity::Clahe:
          ++clahe;
          QVERIFY(record.priorAmount >= 0.9 && record.priorAmount <= 1.25);
          break;
        case AugmentationRecord::Intensity::Sharpen:
          ++sharpen;
          QVERIFY(record.priorAmount == 6 || record.priorAmount == 7 || record.priorAmount == 8);
          break;
        case AugmentationRecord::Intensity::None:
          ++none;
          break;
      }
    }
    // Binomial standard deviations are ~0.8%, ~0.8%, ~0.4%: allow about four of them.
    QVERIFY2(std::fabs(clahe / double(draws) - 0.70) < 0.035, qPrintable(QString::number(clahe)));
    QVERIFY2(std::fabs(sharpen / double(draws) - 0.26) < 0.035,
             qPrintable(QString::number(sharpen)));
    QVERIFY2(std::fabs(none / double(draws) - 0.04) < 0.02, qPrintable(QString::number(none)));
  }

  void outputsStayInUnitRange() {
    const PairAugmenter augmenter(presetConfig("tiny"));
    for (int i = 0; i < 50; ++i) {
      PreparedPair pair = smallPair(16);
      std::mt19937_64 rng(i);
      augmenter.apply(pair, rng);
      for (const Image2D* image : {&pair.prior, &pair.current}) {
        for (float v : image->pixels)
          QVERIFY(v >= 0.0f && v <= 1.0f);
      }
    }
  }

  void flipMovesAllThreeTogether() {
    TrainingConfig config = presetConfig("tiny");
    config.flipProb = 1.0;
    config.claheProb = 0.0;
    config.sharpenProb = 0.0;
    const PairAugmenter augmenter(config);
    PreparedPair pair = smallPair(8);
    const PreparedPair before = pair;
    std::mt19937_64 rng(0);
    QVERIFY(augmenter.apply(pair, rng).flipped);
    for (int y = 0; y < 8; ++y) {
      for (int x = 0; x < 8; ++x) {
        QCOMPARE(pair.prior.at(y, x), before.prior.at(y, 7 - x));
        QCOMPARE(pair.current.at(y, x), before.current.at(y, 7 - x));
        QCOMPARE(pair.diff.at(y, x), before.diff.at(y, 7 - x));
      }
    }
  }

  void affineKeepsPairAligned() {
    TrainingConfig config = presetConfig("tiny");
    config.affineProb = 1.0;
    config.affineMaxRotationDeg = 10.0;
    config.claheProb = 0.0;
    config.sharpenProb = 0.0;
    const PairAugmenter augmenter(config);
    // Same image as prior, current and diff: after the transform they must still be identical
    // inside (the X-rays extend their edges, the diff is zero outside).
    Image2D blob(32, 32, 0.0f);
    for (int y = 12; y < 20; ++y) {
      for (int x = 10; x < 22; ++x)
        blob.at(y, x) = 1.0f;
    }
    PreparedPair pair{blob, blob, blob};
    std::mt19937_64 rng(5);
    QVERIFY(augmenter.apply(pair, rng).affine);
    QVERIFY(maxAbsDifference(pair.prior, blob) > 0.1f);  // it moved
    QVERIFY(maxAbsDifference(pair.prior, pair.current) < 1e-6f);
    for (int y = 4; y < 28; ++y) {
      for (int x = 4; x < 28; ++x)
        QVERIFY(std::fabs(pair.prior.at(y, x) - pair.diff.at(y, x)) < 1e-6f);
    }
  }

  void disabledAugmentationChangesNothing() {
    TrainingConfig config = presetConfig("tiny");
    config.augment = false;
    const PairAugmenter augmenter(config);
    PreparedPair pair = smallPair(8);
    const PreparedPair before = pair;
    std::mt19937_64 rng(0);
    augmenter.apply(pair, rng);
    QCOMPARE(pair.prior.pixels, before.prior.pixels);
    QCOMPARE(pair.current.pixels, before.current.pixels);
  }
};

QTEST_GUILESS_MAIN(TestPairAugmenter)
#include "TestPairAugmenter.moc"
