// Tests what the studio settles before QApplication: the OpenGL surface format VTK needs and the
// switch to xcb under Wayland (a user's explicit QT_QPA_PLATFORM wins).
#include <QRegularExpression>
#include <QSurfaceFormat>
#include <QtTest>

#include "IsolatedSettings.h"
#include "shell/StudioPlatform.h"

using namespace longmim::studio;

namespace {

// Restores an environment variable when the test ends, whatever it did to it.
class SavedVariable {
 public:
  explicit SavedVariable(const char* name)
      : name_(name), wasSet_(qEnvironmentVariableIsSet(name)), value_(qgetenv(name)) {}
  ~SavedVariable() {
    if (wasSet_) {
      qputenv(name_, value_);
    } else {
      qunsetenv(name_);
    }
  }

 private:
  const char* name_;
  bool wasSet_;
  QByteArray value_;
};

void prepare() {
  // The application already exists here (in main() it does not yet), so Qt warns about the
  // context-sharing attribute; that is expected.
  QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("must be set before")));
  prepareStudioPlatform();
}

}  // namespace

class TestStudioPlatform : public QObject {
  Q_OBJECT

 private:
  longmim::test::IsolatedSettings settings_;

 private Q_SLOTS:
  void defaultSurfaceFormatSuitsVtk() {
    prepare();
    const QSurfaceFormat format = QSurfaceFormat::defaultFormat();
    QCOMPARE(format.renderableType(), QSurfaceFormat::OpenGL);
    QCOMPARE(format.majorVersion(), 3);
    QCOMPARE(format.minorVersion(), 2);
    QCOMPARE(format.profile(), QSurfaceFormat::CoreProfile);
    QCOMPARE(format.swapBehavior(), QSurfaceFormat::DoubleBuffer);
    QCOMPARE(format.depthBufferSize(), 8);
    QCOMPARE(format.samples(), 0);
    QVERIFY(QCoreApplication::testAttribute(Qt::AA_ShareOpenGLContexts));
  }

  void waylandSessionsUseXcb() {
    const SavedVariable wayland("WAYLAND_DISPLAY");
    const SavedVariable platform("QT_QPA_PLATFORM");
    qputenv("WAYLAND_DISPLAY", "wayland-0");
    qunsetenv("QT_QPA_PLATFORM");
    prepare();
    QCOMPARE(qgetenv("QT_QPA_PLATFORM"), QByteArray("xcb"));
  }

  void anExplicitPlatformIsKept() {
    const SavedVariable wayland("WAYLAND_DISPLAY");
    const SavedVariable platform("QT_QPA_PLATFORM");
    qputenv("WAYLAND_DISPLAY", "wayland-0");
    qputenv("QT_QPA_PLATFORM", "offscreen");
    prepare();
    QCOMPARE(qgetenv("QT_QPA_PLATFORM"), QByteArray("offscreen"));
  }

  void withoutWaylandNothingIsForced() {
    const SavedVariable wayland("WAYLAND_DISPLAY");
    const SavedVariable platform("QT_QPA_PLATFORM");
    qunsetenv("WAYLAND_DISPLAY");
    qunsetenv("QT_QPA_PLATFORM");
    prepare();
    QVERIFY(!qEnvironmentVariableIsSet("QT_QPA_PLATFORM"));
  }
};

QTEST_MAIN(TestStudioPlatform)
#include "TestStudioPlatform.moc"
