#include "synth/ThoraxAnatomy.h"

namespace longmim::synth {

Anatomy drawAnatomy(SynthRandom& rng) {
  Anatomy a{};
  a.bodyA = rng.uniform(135, 170);
  a.bodyB = rng.uniform(90, 120);
  a.bodyCentreY = rng.uniform(-6, 6);
  a.shoulderZ = rng.uniform(25, 45);
  a.neckRadius = rng.uniform(52, 64);
  a.fat = rng.uniform(8, 25);
  a.wall = a.fat + rng.uniform(12, 20);
  a.apexZ = a.shoulderZ + rng.uniform(5, 20);
  a.domeTopZ[0] = a.apexZ + rng.uniform(185, 230);
  a.domeTopZ[1] = a.domeTopZ[0] + rng.uniform(5, 22);
  a.domeLateral = rng.uniform(35, 60);
  a.domePosterior = rng.uniform(20, 40);
  a.mediastinumX = rng.uniform(0, 10);
  a.mediastinumHalfWidth = rng.uniform(18, 28);
  a.heartMm.centre = {a.mediastinumX + rng.uniform(15, 35), -rng.uniform(5, 25),
                      a.domeTopZ[0] - rng.uniform(40, 60)};
  a.heartMm.radii = {rng.uniform(50, 64), rng.uniform(40, 55), rng.uniform(48, 62)};
  a.spineY = a.bodyCentreY + a.bodyB * rng.uniform(0.45, 0.58);
  a.spineRadius = rng.uniform(16, 21);
  a.vertebraHeight = rng.uniform(24, 30);
  a.ribSpacing = rng.uniform(19, 23);
  a.ribDrop = rng.uniform(55, 85);
  a.ribRadius = rng.uniform(4.5, 6.0);
  a.carinaZ = a.apexZ + rng.uniform(55, 75);
  a.tracheaY = a.bodyCentreY - rng.uniform(5, 20);
  a.tracheaRadius = rng.uniform(8, 10);
  for (int side = 0; side < 2; ++side) {
    const double s = side == 0 ? -1.0 : 1.0;
    a.hilumMm[side][0] = a.mediastinumX + s * rng.uniform(38, 52);
    a.hilumMm[side][1] = a.bodyCentreY + rng.uniform(-5, 15);
    a.hilumMm[side][2] = a.carinaZ + rng.uniform(20, 40);
  }
  a.stomachBubble = rng.chance(0.6);
  return a;
}

}  // namespace longmim::synth
