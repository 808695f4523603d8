#include "synth/ThoraxPhantom.h"

#include <algorithm>
#include <cmath>
#include <functional>

#include "synth/Geometry.h"
#include "synth/ThoraxAnatomy.h"
#include "synth/VolumeNoise.h"

// Written by hand: no library offers an anatomical thorax phantom; ITK and LibTorch provide the
// resampling and projection that follow.

namespace longmim::synth {
namespace {

constexpr double kFieldOfViewMm = 420.0;
constexpr double kPi = 3.14159265358979323846;

constexpr float kAir = -1000.0f;
constexpr float kFat = -100.0f;
constexpr float kMuscle = 45.0f;
constexpr float kBlood = 40.0f;
constexpr float kLiver = 60.0f;
constexpr float kLung = -860.0f;

class PhantomBuilder {
 public:
  PhantomBuilder(const PhantomOptions& options, SynthRandom& rng)
      : rng_(rng), anatomy_(drawAnatomy(rng)) {
    const int n = std::max(32, options.lateralVoxels);
    spacing_ = kFieldOfViewMm / n;
    volume_.hu = HuVolume(n, n * 3 / 4, n, spacing_, kAir);
    volume_.labels = LabelVolume(n, n * 3 / 4, n, spacing_, 0);
  }

  ThoraxVolume build() {
    paintTrunk();
    paintHeartAndVessels();
    paintAirways();
    for (int side = 0; side < 2; ++side)
      paintVesselTree(side);
    addLungTexture();
    paintSpine();
    paintRibs();
    paintShoulderGirdle();
    const Anatomy& a = anatomy_;
    volume_.heart.centre = toVoxel(a.heartMm.centre[0], a.heartMm.centre[1], a.heartMm.centre[2]);
    volume_.heart.radii = {a.heartMm.radii[0] / spacing_, a.heartMm.radii[1] / spacing_,
                           a.heartMm.radii[2] / spacing_};
    for (int side = 0; side < 2; ++side) {
      volume_.hilum[side] = toVoxel(a.hilumMm[side][0], a.hilumMm[side][1], a.hilumMm[side][2]);
    }
    return std::move(volume_);
  }

 private:
  double mmX(int x) const { return (x + 0.5) * spacing_ - 0.5 * volume_.hu.nx * spacing_; }
  double mmY(int y) const { return (y + 0.5) * spacing_ - 0.5 * volume_.hu.ny * spacing_; }
  double mmZ(int z) const { return (z + 0.5) * spacing_; }
  Point3 toVoxel(double x, double y, double z) const {
    return {(x + 0.5 * volume_.hu.nx * spacing_) / spacing_ - 0.5,
            (y + 0.5 * volume_.hu.ny * spacing_) / spacing_ - 0.5, z / spacing_ - 0.5};
  }

  // Body cross-section semi-axes at height Z: neck, widening shoulders, chest.
  void bodyAxes(double Z, double& a, double& b) const {
    const Anatomy& an = anatomy_;
    const double chestA =
        an.bodyA * (0.93 + 0.07 * std::clamp((Z - an.shoulderZ) / 250.0, 0.0, 1.0));
    // Neck above the shoulder line, then the shoulders (a little wider than the chest), then the
    // chest.
    const double t = std::clamp((Z - (an.shoulderZ - 25.0)) / 25.0, 0.0, 1.0);
    const double blend = t * t * (3 - 2 * t);
    const double shoulders = 1.0 + 0.1 * std::clamp(1.0 - (Z - an.shoulderZ) / 60.0, 0.0, 1.0);
    a = an.neckRadius + (chestA * shoulders - an.neckRadius) * blend;
    b = an.neckRadius * 0.9 + (an.bodyB - an.neckRadius * 0.9) * blend;
  }

  // The diaphragm under one lung: highest at the middle of the hemithorax, falling towards the
  // heart and, much more, towards the lateral and posterior costophrenic recesses.
  // The inside of the rib cage at height Z: narrow at the apex, widest at the bases.
  void ribcageAxes(double Z, double& a, double& b) const {
    const Anatomy& an = anatomy_;
    const double t = std::clamp((Z - an.apexZ) / 170.0, 0.0, 1.0);
    const double grow = t * t * (3 - 2 * t);
    a = (an.bodyA - an.wall) * (0.68 + 0.32 * grow);
    b = (an.bodyB - an.wall) * (0.85 + 0.15 * grow);
  }

  double domeZ(int side, double X, double Y, double innerA) const {
    const Anatomy& a = anatomy_;
    const double half = std::max(1.0, 0.5 * (innerA - a.mediastinumHalfWidth));
    const double peakX =
        a.mediastinumX + (side == 0 ? -1.0 : 1.0) * (a.mediastinumHalfWidth + half);
    const double u = (X - peakX) / half * (side == 0 ? -1.0 : 1.0);  // > 0 lateral, < 0 medial
    const double lateral = u > 0 ? a.domeLateral * u * u : 0.45 * a.domeLateral * u * u;
    const double posterior = std::max(0.0, (Y - a.bodyCentreY) / a.bodyB);
    return a.domeTopZ[side] + lateral + a.domePosterior * posterior * posterior;
  }

  bool insideLung(int side, double X, double Y, double Z, double innerA, double innerB) const {
    const Anatomy& a = anatomy_;
    if (Z < a.apexZ)
      return false;
    const double u = X / innerA;
    const double v = (Y - a.bodyCentreY) / innerB;
    if (u * u + v * v >= 1.0)
      return false;
    const double medial = (X - a.mediastinumX) * (side == 0 ? -1.0 : 1.0);
    if (medial < a.mediastinumHalfWidth)
      return false;
    if (Z > domeZ(side, X, Y, innerA))
      return false;
    // Rounded apex: the cross-section grows from a point at the apex over about 70 mm.
    const double lungCentreX =
        a.mediastinumX + (side == 0 ? -1.0 : 1.0) * (a.mediastinumHalfWidth + innerA) / 2;
    const double capRadius = 0.65 * innerA * std::sqrt(std::clamp((Z - a.apexZ) / 70.0, 0.0, 1.0));
    const double dx = X - lungCentreX;
    const double dy = Y - a.bodyCentreY - 0.15 * innerB;
    return dx * dx + dy * dy < capRadius * capRadius || Z > a.apexZ + 70.0;
  }

  void paintTrunk() {
    const Anatomy& an = anatomy_;
    HuVolume& hu = volume_.hu;
    for (int z = 0; z < hu.nz; ++z) {
      const double Z = mmZ(z);
      double a = 0;
      double b = 0;
      bodyAxes(Z, a, b);
      double innerA = 0;
      double innerB = 0;
      ribcageAxes(Z, innerA, innerB);
      for (int y = 0; y < hu.ny; ++y) {
        const double Y = mmY(y);
        for (int x = 0; x < hu.nx; ++x) {
          const double X = mmX(x);
          const double u = X / a;
          const double v = (Y - an.bodyCentreY) / b;
          const double r = std::sqrt(u * u + v * v);
          if (r >= 1.0)
            continue;
          const size_t i = hu.index(x, y, z);
          volume_.labels.data[i] |= kBody;
          const double depth = (1.0 - r) * std::min(a, b);  // approximate distance to the skin
          hu.data[i] = depth < an.fat ? kFat : kMuscle;
          const int side = X < an.mediastinumX ? 0 : 1;
          if (insideLung(side, X, Y, Z, innerA, innerB)) {
            hu.data[i] = kLung;
            volume_.labels.data[i] |= side == 0 ? kLungRight : kLungLeft;
            continue;
          }
          // Below the diaphragm: liver on the right, stomach and spleen on the left.
          if (Z > domeZ(side, X, Y, innerA) && depth >= an.fat && Z > an.apexZ + 100) {
            hu.data[i] = side == 0 ? kLiver : kMuscle;
          }
        }
      }
    }
    if (an.stomachBubble) {
      const Ellipsoid bubble{
          toVoxel(an.mediastinumX + 65, an.bodyCentreY - 10, an.domeTopZ[1] + 28),
          {32 / spacing_, 26 / spacing_, 16 / spacing_}};
      forEachInEllipsoid(hu, bubble, [&](int x, int y, int z, double c) {
        const size_t i = hu.index(x, y, z);
        if ((volume_.labels.data[i] & (kBody | kLungs)) == kBody && hu.data[i] > kFat) {
          hu.data[i] = static_cast<float>(hu.data[i] + c * (kAir - hu.data[i]));
        }
      });
    }
  }

  // Sets soft tissue over whatever was there, clearing lung labels: heart, aorta.
  void paintSoftTissue(const Ellipsoid& e, std::uint16_t label) {
    forEachInEllipsoid(volume_.hu, e,
                       [&](int x, int y, int z, double c) { blendSoft(x, y, z, c, label); });
  }
  void blendSoft(int x, int y, int z, double c, std::uint16_t label) {
    const size_t i = volume_.hu.index(x, y, z);
    volume_.hu.data[i] = static_cast<float>(volume_.hu.data[i] + c * (kBlood - volume_.hu.data[i]));
    if (c >= 0.5) {
      volume_.labels.data[i] =
          static_cast<std::uint16_t>((volume_.labels.data[i] & ~kLungs) | label | kBody);
    }
  }

  void paintHeartAndVessels() {
    const Anatomy& a = anatomy_;
    const Ellipsoid heart{toVoxel(a.heartMm.centre[0], a.heartMm.centre[1], a.heartMm.centre[2]),
                          {a.heartMm.radii[0] / spacing_, a.heartMm.radii[1] / spacing_,
                           a.heartMm.radii[2] / spacing_}};
    paintSoftTissue(heart, kHeart);
    // Aortic arch (the "knob" beside the trachea) and the descending aorta along the spine.
    const double knobX = a.mediastinumX + rng_.uniform(18, 32);
    const double knobZ = a.apexZ + rng_.uniform(40, 55);
    const double radius = rng_.uniform(12, 16) / spacing_;
    const Point3 ascending = toVoxel(a.heartMm.centre[0] - 20, a.heartMm.centre[1],
                                     a.heartMm.centre[2] - a.heartMm.radii[2] * 0.8);
    const Point3 knob = toVoxel(knobX, a.bodyCentreY + 5, knobZ);
    const Point3 descendingTop = toVoxel(knobX - 5, a.spineY - 25, knobZ + 15);
    const Point3 descendingBottom = toVoxel(a.mediastinumX + 15, a.spineY - 25, 420);
    for (const auto& [p, q] : {std::pair{ascending, knob}, std::pair{knob, descendingTop},
                               std::pair{descendingTop, descendingBottom}}) {
      forEachNearSegment(volume_.hu, p, q, radius,
                         [&](int x, int y, int z, double c) { blendSoft(x, y, z, c, 0); });
    }
  }

  void paintAirways() {
    const Anatomy& a = anatomy_;
    const Point3 top = toVoxel(a.mediastinumX, a.tracheaY, 0);
    const Point3 carina = toVoxel(a.mediastinumX, a.tracheaY, a.carinaZ);
    auto air = [&](int x, int y, int z, double c) {
      const size_t i = volume_.hu.index(x, y, z);
      if (!(volume_.labels.data[i] & kBody))
        return;
      volume_.hu.data[i] = static_cast<float>(volume_.hu.data[i] + c * (kAir - volume_.hu.data[i]));
    };
    forEachNearSegment(volume_.hu, top, carina, a.tracheaRadius / spacing_, air);
    for (int side = 0; side < 2; ++side) {
      const Point3 hilum = toVoxel(a.hilumMm[side][0], a.hilumMm[side][1], a.hilumMm[side][2]);
      forEachNearSegment(volume_.hu, carina, hilum, 0.65 * a.tracheaRadius / spacing_, air);
    }
  }

  // A branching tree of vessels from the hilum, each branch thinner and shorter than its parent,
  // kept inside the lung. Sub-voxel vessels add partial-volume density.
  void paintVesselTree(int side) {
    const Anatomy& a = anatomy_;
    const std::uint16_t lungBit = side == 0 ? kLungRight : kLungLeft;
    const Point3 hilum = toVoxel(a.hilumMm[side][0], a.hilumMm[side][1], a.hilumMm[side][2]);
    const double s = side == 0 ? -1.0 : 1.0;
    const std::vector<Point3> directions = {{s * 0.5, 0.1, -0.85},
                                            {s * 0.95, 0.0, -0.1},
                                            {s * 0.6, 0.3, 0.75},
                                            {s * 0.3, -0.4, 0.85},
                                            {s * 0.4, 0.6, 0.4}};
    std::function<void(Point3, Point3, double, double, int)> grow = [&](Point3 p, Point3 dir,
                                                                        double lengthMm,
                                                                        double radiusMm,
                                                                        int depth) {
      if (radiusMm < 0.5 || depth > 9)
        return;
      const double len = lengthMm / spacing_;
      Point3 q{p[0] + dir[0] * len, p[1] + dir[1] * len, p[2] + dir[2] * len};
      const double r = radiusMm / spacing_;
      const double density = std::min(1.0, 2.0 * r);  // thinner than a voxel: partial volume
      forEachNearSegment(volume_.hu, p, q, std::max(r, 0.5), [&](int x, int y, int z, double c) {
        const size_t i = volume_.hu.index(x, y, z);
        if (!(volume_.labels.data[i] & lungBit))
          return;
        const float target = static_cast<float>(kLung + c * density * (kBlood - kLung));
        volume_.hu.data[i] = std::max(volume_.hu.data[i], target);
      });
      const int qx = static_cast<int>(std::lround(q[0]));
      const int qy = static_cast<int>(std::lround(q[1]));
      const int qz = static_cast<int>(std::lround(q[2]));
      if (!volume_.labels.contains(qx, qy, qz) || !(volume_.labels.at(qx, qy, qz) & lungBit))
        return;
      for (int child = 0; child < 2; ++child) {
        const double angle = rng_.uniform(0.3, 0.65) * (child == 0 ? 1 : -1);
        Point3 axis{rng_.normal(0, 1), rng_.normal(0, 1), rng_.normal(0, 1)};
        // Rotate dir about a random axis perpendicular to it (Rodrigues), then renormalise.
        const double dot = axis[0] * dir[0] + axis[1] * dir[1] + axis[2] * dir[2];
        for (int k = 0; k < 3; ++k)
          axis[k] -= dot * dir[k];
        const double an =
            std::sqrt(axis[0] * axis[0] + axis[1] * axis[1] + axis[2] * axis[2]) + 1e-9;
        for (double& v : axis)
          v /= an;
        const Point3 cross{axis[1] * dir[2] - axis[2] * dir[1], axis[2] * dir[0] - axis[0] * dir[2],
                           axis[0] * dir[1] - axis[1] * dir[0]};
        Point3 next{};
        for (int k = 0; k < 3; ++k)
          next[k] = dir[k] * std::cos(angle) + cross[k] * std::sin(angle);
        grow(q, next, lengthMm * rng_.uniform(0.7, 0.85), radiusMm * rng_.uniform(0.68, 0.8),
             depth + 1);
      }
    };
    for (Point3 d : directions) {
      const double n = std::sqrt(d[0] * d[0] + d[1] * d[1] + d[2] * d[2]);
      for (double& v : d)
        v /= n;
      grow(hilum, d, rng_.uniform(28, 40), rng_.uniform(4.5, 6.5), 0);
    }
  }

  void addLungTexture() {
    const HuVolume coarse = smoothNoise(volume_.hu.nx, volume_.hu.ny, volume_.hu.nz, 6, rng_);
    for (size_t i = 0; i < volume_.hu.size(); ++i) {
      if (volume_.labels.data[i] & kLungs)
        volume_.hu.data[i] += 35.0f * coarse.data[i];
    }
  }

  // Bone with a dense cortex: the value at the centre line is lower than at the rim.
  void paintBone(const Point3& p, const Point3& q, double radiusMm, float cortex, float marrow) {
    const double r = radiusMm / spacing_;
    forEachNearSegment(volume_.hu, p, q, r, [&](int x, int y, int z, double c) {
      const size_t i = volume_.hu.index(x, y, z);
      const float value =
          static_cast<float>(c >= 1.0 && r > 2.0 ? 0.5 * (cortex + marrow) : cortex);
      volume_.hu.data[i] =
          std::max(volume_.hu.data[i],
                   static_cast<float>(volume_.hu.data[i] + c * (value - volume_.hu.data[i])));
      if (c >= 0.5)
        volume_.labels.data[i] |= kBone | kBody;
    });
  }

  void paintSpine() {
    const Anatomy& a = anatomy_;
    const double period = a.vertebraHeight + 5.0;
    for (double top = rng_.uniform(-period, 0); top < 420; top += period) {
      const Point3 p = toVoxel(0, a.spineY, top);
      const Point3 q = toVoxel(0, a.spineY, top + a.vertebraHeight);
      paintBone(p, q, a.spineRadius, 320, 130);
      // Posterior elements: the spinous process and the transverse processes.
      paintBone(toVoxel(0, a.spineY + a.spineRadius, top + 8),
                toVoxel(0, a.spineY + a.spineRadius + 28, top + 20), 4.5, 260, 260);
      for (const double s : {-1.0, 1.0}) {
        paintBone(toVoxel(s * 12, a.spineY + 10, top + 10),
                  toVoxel(s * 30, a.spineY + 22, top + 12), 4.5, 330, 330);
      }
    }
  }

  void paintRibs() {
    const Anatomy& a = anatomy_;
    for (int rib = 0; rib < 12; ++rib) {
      const double headZ = a.apexZ - 5 + rib * a.ribSpacing;
      const double endTheta = rib < 10 ? 0.8 * kPi : 0.55 * kPi;  // ribs 11 and 12 float
      for (const double s : {-1.0, 1.0}) {
        const double jitter = rng_.uniform(-3, 3);
        Point3 previous{};
        const int steps = 24;
        for (int k = 0; k <= steps; ++k) {
          const double theta = 0.12 * kPi + (endTheta + 0.1 * kPi - 0.12 * kPi) * k / steps;
          const double t = (theta - 0.12 * kPi) / (0.68 * kPi);
          const double Z = headZ + jitter + a.ribDrop * std::pow(std::max(0.0, t), 1.3);
          double ea = 0;
          double eb = 0;
          ribcageAxes(Z, ea, eb);
          const double outset = a.ribRadius + 2.0;
          const double X = s * (ea + outset) * std::sin(theta);
          const double Y = a.bodyCentreY + (eb + outset) * std::cos(theta);
          const Point3 current = toVoxel(X, Y, Z);
          if (k > 0) {
            const bool cartilage = theta > endTheta;
            paintBone(previous, current, cartilage ? a.ribRadius * 0.9 : a.ribRadius,
                      cartilage ? 160 : 1100, cartilage ? 160 : 320);
          }
          previous = current;
        }
      }
    }
  }

  void paintShoulderGirdle() {
    const Anatomy& a = anatomy_;
    double ea = 0;
    double eb = 0;
    bodyAxes(a.apexZ - 14, ea, eb);
    for (const double s : {-1.0, 1.0}) {
      // Clavicle: from the sternal notch out to the shoulder, a gentle S.
      const Point3 medial = toVoxel(s * 16, a.bodyCentreY - eb + 22, a.apexZ - 2);
      const Point3 middle = toVoxel(s * ea * 0.5, a.bodyCentreY - eb + 18, a.apexZ - 12);
      const Point3 lateral = toVoxel(s * (ea - 15), a.bodyCentreY - eb * 0.2, a.apexZ - 14);
      paintBone(medial, middle, 7, 750, 350);
      paintBone(middle, lateral, 6.5, 750, 350);
      // Scapula: a thin plate over the upper posterior chest wall.
      const Ellipsoid scapula{toVoxel(s * ea * 0.6, a.bodyCentreY + eb * 0.72, a.apexZ + 55),
                              {38 / spacing_, 5 / spacing_, 68 / spacing_}};
      forEachInEllipsoid(volume_.hu, scapula, [&](int x, int y, int z, double c) {
        const size_t i = volume_.hu.index(x, y, z);
        volume_.hu.data[i] =
            std::max(volume_.hu.data[i],
                     static_cast<float>(volume_.hu.data[i] + c * (420 - volume_.hu.data[i])));
      });
    }
    // Sternum.
    paintBone(toVoxel(0, a.bodyCentreY - a.bodyB + a.fat + 10, a.apexZ + 8),
              toVoxel(0, a.bodyCentreY - a.bodyB + a.fat + 12, a.apexZ + 165), 8, 380, 200);
  }

  SynthRandom& rng_;
  Anatomy anatomy_;
  double spacing_ = 1.0;
  ThoraxVolume volume_;
};

}  // namespace

ThoraxVolume buildThoraxPhantom(const PhantomOptions& options, SynthRandom& rng) {
  ThoraxVolume volume = PhantomBuilder(options, rng).build();
  volume.erect = false;
  return volume;
}

}  // namespace longmim::synth
