// Tests the ground truth of synthetic pairs: signs inside each finding, zero elsewhere, devices
// invisible to it, determinism, rotation limits, and the difference-map construction itself.
#include <QtTest>

#include <cmath>

#include "synth/DiffMapBuilder.h"
#include "synth/PairGenerator.h"
#include "synth/ThoraxPhantom.h"

using namespace longmim;
using namespace longmim::synth;

namespace {

constexpr int kSize = 128;

ThoraxVolume phantom(std::uint64_t seed) {
  SynthRandom rng(seed);
  return buildThoraxPhantom(PhantomOptions{96}, rng);
}

SynthOptions options() {
  SynthOptions o;
  o.size = kSize;
  return o;
}

// Pixels within `radius` of the mask (square neighbourhood).
Image2D dilate(const Image2D& mask, int radius) {
  Image2D out(mask.rows, mask.cols, 0.0f);
  for (int y = 0; y < mask.rows; ++y) {
    for (int x = 0; x < mask.cols; ++x) {
      if (mask.at(y, x) < 0.5f)
        continue;
      for (int dy = -radius; dy <= radius; ++dy) {
        for (int dx = -radius; dx <= radius; ++dx) {
          const int yy = y + dy;
          const int xx = x + dx;
          if (yy >= 0 && xx >= 0 && yy < mask.rows && xx < mask.cols)
            out.at(yy, xx) = 1.0f;
        }
      }
    }
  }
  return out;
}

struct Stats {
  double insideMean = 0.0;
  double farMeanAbs = 0.0;
  size_t inside = 0;
  size_t far = 0;
};

Stats statsOf(const GeneratedPair& pair, EntityKind kind) {
  const Image2D& mask = pair.entityMasks.at(kind);
  const Image2D near = dilate(mask, 10);
  Stats s;
  for (size_t i = 0; i < pair.diff.size(); ++i) {
    if (mask.pixels[i] > 0.5f) {
      s.insideMean += pair.diff.pixels[i];
      ++s.inside;
    } else if (near.pixels[i] < 0.5f) {
      s.farMeanAbs += std::fabs(pair.diff.pixels[i]);
      ++s.far;
    }
  }
  if (s.inside)
    s.insideMean /= s.inside;
  if (s.far)
    s.farMeanAbs /= s.far;
  return s;
}

double maxAbs(const Image2D& image) {
  double m = 0.0;
  for (float v : image.pixels)
    m = std::max(m, static_cast<double>(std::fabs(v)));
  return m;
}

}  // namespace

Q_DECLARE_METATYPE(longmim::synth::EntityKind)

class TestPairGenerator : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void findingHasTheExpectedSignInsideAndNoneFarAway_data() {
    QTest::addColumn<EntityKind>("kind");
    QTest::addColumn<bool>("inCurrent");
    for (const auto& [kind, name] : {std::pair{EntityKind::Consolidation, "consolidation"},
                                     {EntityKind::FluidOverload, "fluid overload"},
                                     {EntityKind::PleuralEffusion, "pleural effusion"},
                                     {EntityKind::Pneumothorax, "pneumothorax"},
                                     {EntityKind::Cardiomegaly, "cardiomegaly"}}) {
      QTest::newRow((std::string(name) + " appears").c_str()) << kind << true;
      QTest::newRow((std::string(name) + " resolves").c_str()) << kind << false;
    }
  }
  void findingHasTheExpectedSignInsideAndNoneFarAway() {
    QFETCH(EntityKind, kind);
    QFETCH(bool, inCurrent);
    const PairGenerator generator(options());
    const TimePoint when = inCurrent ? TimePoint::Current : TimePoint::Prior;
    for (std::uint64_t seed = 1; seed <= 3; ++seed) {
      const GeneratedPair pair =
          generator.generate(phantom(seed), 100 + seed, std::vector<PlannedEntity>{{kind, when}});
      QCOMPARE(pair.entities.size(), size_t(1));
      QCOMPARE(pair.entities[0].sign, inCurrent ? 1 : -1);
      const Stats s = statsOf(pair, kind);
      QVERIFY2(s.inside > 20, qPrintable(QString("mask has %1 pixels").arg(s.inside)));
      const QString where = QString("seed %1: mean inside %2, mean |d| far away %3")
                                .arg(seed)
                                .arg(s.insideMean)
                                .arg(s.farMeanAbs);
      QVERIFY2(inCurrent ? s.insideMean > 0.01 : s.insideMean < -0.01, qPrintable(where));
      QVERIFY2(s.farMeanAbs < 1e-3, qPrintable(where));
    }
  }

  void pairWithoutFindingsHasNoDifference() {
    const PairGenerator generator(options());
    for (std::uint64_t seed = 1; seed <= 3; ++seed) {
      const GeneratedPair pair =
          generator.generate(phantom(seed), seed, std::vector<PlannedEntity>{});
      QCOMPARE(maxAbs(pair.diff), 0.0);
      // The two films still differ: the prior has its own rotation.
      double different = 0.0;
      for (size_t i = 0; i < pair.prior.size(); ++i)
        different += std::fabs(pair.prior.pixels[i] - pair.current.pixels[i]);
      QVERIFY(different > 0.0 || pair.priorRotation == pair.currentRotation);
    }
  }

  void devicesChangeTheFilmButNotTheGroundTruth() {
    const PairGenerator generator(options());
    for (std::uint64_t seed = 1; seed <= 4; ++seed) {
      SynthOptions noRotation = options();
      noRotation.maxAxisDegrees = 0.0;
      const PairGenerator still(noRotation);
      const ThoraxVolume base = phantom(seed);
      const GeneratedPair withDevices = still.generate(
          base, seed, std::vector<PlannedEntity>{{EntityKind::Devices, TimePoint::Current}});
      const GeneratedPair without = still.generate(base, seed, std::vector<PlannedEntity>{});
      const Image2D& mask = withDevices.entityMasks.at(EntityKind::Devices);
      double brighter = 0.0;
      size_t pixels = 0;
      for (size_t i = 0; i < mask.size(); ++i) {
        if (mask.pixels[i] < 0.5f)
          continue;
        ++pixels;
        brighter += withDevices.current.pixels[i] - without.current.pixels[i];
        QCOMPARE(withDevices.diff.pixels[i], 0.0f);
      }
      QVERIFY2(pixels > 0, "no device was drawn");
      QVERIFY2(brighter > 0.0, "devices did not change the current film");
      QCOMPARE(maxAbs(withDevices.diff), 0.0);
      (void)generator;
    }
  }

  void sameSeedSameFilms() {
    const PairGenerator generator(options());
    const ThoraxVolume base = phantom(7);
    const GeneratedPair a = generator.generate(base, 42);
    const GeneratedPair b = generator.generate(phantom(7), 42);
    QCOMPARE(a.prior.pixels, b.prior.pixels);
    QCOMPARE(a.current.pixels, b.current.pixels);
    QCOMPARE(a.diff.pixels, b.diff.pixels);
    QCOMPARE(QString::fromStdString(a.params().dump()), QString::fromStdString(b.params().dump()));
    const GeneratedPair c = generator.generate(base, 43);
    QVERIFY(c.current.pixels != a.current.pixels);
    // Different phantom seeds are different patients.
    QVERIFY(phantom(1).hu.data != phantom(2).hu.data);
  }

  void rotationsStayWithinTheLimits() {
    SynthOptions o = options();
    o.maxAxisDegrees = 17.5;
    o.maxSumDegrees = 37.5;
    const PairGenerator generator(o);
    SynthRandom rng(3);
    double largest = 0.0;
    for (int i = 0; i < 2000; ++i) {
      const RotationAngles a = generator.drawRotation(rng);
      double sum = 0.0;
      for (double v : a) {
        QVERIFY(std::fabs(v) <= 17.5);
        sum += std::fabs(v);
        largest = std::max(largest, std::fabs(v));
      }
      QVERIFY(sum <= 37.5);
    }
    QVERIFY(largest > 15.0);  // the limits are reached, not just respected
    o.maxAxisDegrees = 0.0;
    QCOMPARE(PairGenerator(o).drawRotation(rng), (RotationAngles{0.0, 0.0, 0.0}));
  }

  void paramsDescribeEveryFinding() {
    const PairGenerator generator(options());
    const GeneratedPair pair = generator.generate(
        phantom(2), 5,
        std::vector<PlannedEntity>{{EntityKind::PleuralEffusion, TimePoint::Both},
                                   {EntityKind::Consolidation, TimePoint::Prior}});
    const auto params = pair.params();
    QCOMPARE(params["added_entities"].size(), size_t(2));
    // Pipeline order: intra-pulmonary first.
    QCOMPARE(params["added_entities"][0]["type"].get<std::string>(), std::string("consolidation"));
    QCOMPARE(params["added_entities"][0]["time_point"].get<std::string>(), std::string("prior"));
    QCOMPARE(params["added_entities"][0]["sign"].get<int>(), -1);
    QCOMPARE(params["added_entities"][1]["type"].get<std::string>(),
             std::string("pleural_effusion"));
    QCOMPARE(params["added_entities"][1]["time_point"].get<std::string>(), std::string("both"));
    const std::string side = params["added_entities"][1]["side"].get<std::string>();
    QVERIFY(side == "left" || side == "right");
    QCOMPARE(params["rotation_degrees"]["current"].size(), size_t(3));
  }

  void diffMapThresholdsAndComponents() {
    // 512 x 512 (so that the reference's 50-pixel rule applies as is): registered prior 0..100,
    // current = prior + a 10x10 bump of +5 (0.05 of the range) + a 5x5 bump of +5 (25 px, too
    // small) + a faint +1 everywhere in a 20x20 square (0.01, under the threshold).
    const int n = 512;
    DiffMapInputs in;
    in.registeredPrior = Image2D(n, n, 50.0f);
    in.registeredPrior.at(0, 0) = 0.0f;
    in.registeredPrior.at(0, 1) = 100.0f;
    in.current = in.registeredPrior;
    in.silhouette = Image2D(n, n, 1.0f);
    for (int y = 100; y < 110; ++y) {
      for (int x = 100; x < 110; ++x)
        in.current.at(y, x) += 5.0f;
    }
    for (int y = 300; y < 305; ++y) {
      for (int x = 300; x < 305; ++x)
        in.current.at(y, x) += 5.0f;
    }
    for (int y = 200; y < 220; ++y) {
      for (int x = 200; x < 220; ++x)
        in.current.at(y, x) -= 1.0f;
    }
    const Image2D d = buildDiffMap(in);
    QVERIFY(std::fabs(d.at(105, 105) - 0.05f) < 1e-6f);
    QCOMPARE(d.at(302, 302), 0.0f);  // component of 25 <= 50 pixels dropped
    QCOMPARE(d.at(210, 210), 0.0f);  // |d| = 0.01 < 0.015
    // Outside the silhouette nothing counts.
    in.silhouette = Image2D(n, n, 0.0f);
    QCOMPARE(maxAbs(buildDiffMap(in)), 0.0);
  }

  void diffMapEntityTermIsWeightedThicknessChange() {
    const int n = 128;  // the 9-pixel box at 512 px becomes 3 pixels here
    DiffMapInputs in;
    in.registeredPrior = Image2D(n, n, 1.0f);
    in.current = in.registeredPrior;
    in.silhouette = Image2D(n, n, 1.0f);
    in.maxLungDepth = 40.0;
    EntityThicknessTerm term;
    term.currentThickness = Image2D(n, n, 0.0f);
    term.priorThickness = Image2D(n, n, 0.0f);
    for (int y = 40; y < 88; ++y) {
      for (int x = 40; x < 88; ++x)
        term.currentThickness.at(y, x) = 20.0f;  // half the lung depth
    }
    term.weight = 0.35;
    in.entityTerms.push_back(term);
    const Image2D d = buildDiffMap(in);
    // Well inside the square the box filter changes nothing: 0.35 x 20 / 40.
    QVERIFY(std::fabs(d.at(64, 64) - 0.175f) < 1e-6f);
    QCOMPARE(d.at(2, 2), 0.0f);
    QVERIFY(std::fabs(d.at(40, 64) - 0.175f * 2 / 3) < 1e-5f);  // 3x3 box: two of three rows inside
  }
};

QTEST_GUILESS_MAIN(TestPairGenerator)
#include "TestPairGenerator.moc"
