// Tests the hyperparameter form: every field shown and read back, inline marks of invalid values,
// loss rows, presets, params JSON load/save and the run lock with its live edits.
#include <QCheckBox>
#include <QComboBox>
#include <QFile>
#include <QFileDialog>
#include <QImage>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPushButton>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QToolButton>
#include <QtTest>

#include <cmath>

#include "IsolatedSettings.h"
#include "common/CollapsibleSection.h"
#include "common/StatusColors.h"
#include "config/ConfigJson.h"
#include "config/ConfigSchema.h"
#include "config/Presets.h"
#include "training/ConfigForm.h"

using namespace longmim;
using namespace longmim::studio;
using namespace longmim::test;

namespace {

// Every key with a valid value that differs from its default.
const char* const kEveryKeyChanged = R"({
  "PRESET": "tiny", "DATA_DIR": "/data/cxr pairs", "IMG_SIZE": 256, "RESIZE_MODE": "pad",
  "VAL_FRACTION": 0.25,
  "SEED": 7, "CACHE_IMAGES": true, "PREFETCH_BATCHES": 8, "LOADER_THREADS": 3,
  "AUGMENT": false, "CLAHE_PROB": 0.5, "SHARPEN_PROB": 0.3, "CLAHE_CLIP_MIN": 1.1,
  "CLAHE_CLIP_MAX": 2.5, "CLAHE_GRID": 4, "CLAHE_FU_OWN_CLIP_PROB": 0.35,
  "CLAHE_SHARPEN_FACTOR": 3.5, "SHARPEN_FACTOR_MIN": 2, "SHARPEN_FACTOR_MAX": 9,
  "SHARPEN_FU_OWN_FACTOR_PROB": 0.6, "FLIP_PROB": 0.5, "AFFINE_PROB": 0.2,
  "AFFINE_MAX_ROTATION": 10.5, "AFFINE_MAX_SCALE": 0.1, "AFFINE_MAX_SHIFT": 0.05,
  "MODEL_ARCH": "reference", "MODEL_SIZE": "cpu-demo", "INIT_WEIGHTS": false,
  "PRETRAINED_WEIGHTS": "/weights/pretrained.pt", "ENCODER_WEIGHTS": "/weights/encoder.pt",
  "WEIGHTS_STRICT": false, "DROPOUT": 0.2, "LEARNED_DEAD_BAND": true,
  "LONGITUDINAL_MIM_EPOCHS": 25, "BATCH_SIZE": 16,
  "UPDATE_EVERY_BATCHES": 3, "MAX_LR": 0.00123, "WEIGHT_DECAY": 0.05, "PCT_START": 0.3,
  "DIV_FACTOR": 10.0, "FINAL_DIV_FACTOR": 1000.0, "BETA1_MAX": 0.9, "BETA1_MIN": 0.8,
  "BETA2": 0.99, "ADAM_EPS": 1e-6, "GRAD_CLIP_NORM": 1.5, "PRECISION": "bf16", "DEVICE": "cpu",
  "NUM_THREADS": 2, "SYNC_BATCHNORM": true, "ACTIVATION_CHECKPOINTING": true,
  "LOG_EVERY_BATCHES": 5, "USE_L1": false,
  "USE_L2": false, "USE_SSIM": true, "USE_PERC_STYLE": true, "USE_FOURIER": true, "USE_GAN": true,
  "LAMBDA_L1_ALL": 0.5,
  "LAMBDA_L1_MASKED": 2.5, "LAMBDA_L2": 0.75, "LAMBDA_SSIM": 0.3, "LAMBDA_P": 1.25,
  "LAMBDA_S": 3.0, "LAMBDA_FOURIER": 0.1, "LAMBDA_GAN": 0.05, "GAN_START_EPOCH": 4,
  "CHANGE_THRESHOLD": 0.02, "SSIM_MODE": "ms-ssim", "VGG_WEIGHTS": "/weights/vgg19_bn.pth",
  "OUTPUT_DIR": "/runs/out", "RUN_NAME": "ablation 3", "SAVE_EVERY_EPOCHS": 2,
  "TENSORBOARD": true, "TENSORBOARD_DIR": "tb"
})";

TrainingConfig everyKeyChanged() {
  TrainingConfig config;
  applyConfigJson(config, nlohmann::json::parse(kEveryKeyChanged), "test");
  return config;
}

QString jsonText(const TrainingConfig& config) {
  return QString::fromStdString(configToJson(config).dump(2));
}

QString key(const ConfigField& field) {
  return QString::fromStdString(field.key);
}

QLineEdit* lineEdit(const ConfigForm& form, const QString& key) {
  return qobject_cast<QLineEdit*>(form.editorFor(key));
}

QCheckBox* checkBox(const ConfigForm& form, const QString& key) {
  return qobject_cast<QCheckBox*>(form.editorFor(key));
}

QComboBox* comboBox(const ConfigForm& form, const QString& key) {
  return qobject_cast<QComboBox*>(form.editorFor(key));
}

// Replaces the text as a user would: select all, type.
void type(QLineEdit* edit, const QString& text) {
  edit->setFocus();
  edit->selectAll();
  if (text.isEmpty())
    QTest::keyClick(edit, Qt::Key_Backspace);
  else
    QTest::keyClicks(edit, text);
}

void typeAndReturn(QLineEdit* edit, const QString& text) {
  type(edit, text);
  QTest::keyClick(edit, Qt::Key_Return);
}

// What the user sees in a field, in the params JSON's spelling.
QString shownText(QWidget* editor) {
  if (auto* box = qobject_cast<QCheckBox*>(editor))
    return box->isChecked() ? QStringLiteral("true") : QStringLiteral("false");
  if (auto* combo = qobject_cast<QComboBox*>(editor))
    return combo->currentText();
  return qobject_cast<QLineEdit*>(editor)->text();
}

bool hasRedFrame(QWidget* input) {
  const QImage image = input->grab().toImage();
  return QColor(image.pixel(0, image.height() / 2)) == errorColor() &&
         QColor(image.pixel(image.width() - 1, image.height() / 2)) == errorColor();
}

// `right` is on the same line as `left`, after it.
bool onOneLine(const QWidget& root, QWidget* left, QWidget* right) {
  const QRect a(left->mapTo(&root, QPoint(0, 0)), left->size());
  const QRect b(right->mapTo(&root, QPoint(0, 0)), right->size());
  return a.top() < b.bottom() && b.top() < a.bottom() && b.left() > a.right();
}

QLabel* problemLabel(const ConfigForm& form, const QString& key) {
  return form.findChild<QLabel*>(QStringLiteral("problem_") + key);
}

QMessageBox* errorBox(const QWidget& parent) {
  return parent.findChild<QMessageBox*>(QStringLiteral("errorBox"));
}

void closeErrorBox(const QWidget& parent) {
  QMessageBox* box = errorBox(parent);
  if (!box)
    return;
  QTest::mouseClick(box->button(QMessageBox::Ok), Qt::LeftButton);
  QTRY_VERIFY(!errorBox(parent));
}

void writeText(const QString& path, const QByteArray& text) {
  QFile file(path);
  QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
  file.write(text);
}

QByteArray readText(const QString& path) {
  QFile file(path);
  if (!file.open(QIODevice::ReadOnly))
    return {};
  return file.readAll();
}

}  // namespace

class TestConfigForm : public QObject {
  Q_OBJECT

 private:
  IsolatedSettings settings_;
  QTemporaryDir dir_;

 private Q_SLOTS:
  void everyFieldHasAnEditorInItsGroupsSection() {
    ConfigForm form;
    form.show();
    QVERIFY(QTest::qWaitForWindowExposed(&form));
    const QStringList expectedSections{"Data",         "Augmentation", "Model",
                                       "Optimisation", "Losses",       "Output"};
    QStringList headers;
    for (auto* section : form.findChildren<CollapsibleSection*>())
      headers << section->header()->text();
    QCOMPARE(headers, expectedSections);

    for (const ConfigField& field : configFields()) {
      QWidget* editor = form.editorFor(key(field));
      QVERIFY2(editor, field.key.c_str());
      if (field.isBool())
        QVERIFY2(qobject_cast<QCheckBox*>(editor), field.key.c_str());
      else if (!field.choices.empty())
        QVERIFY2(qobject_cast<QComboBox*>(editor), field.key.c_str());
      else
        QVERIFY2(qobject_cast<QLineEdit*>(editor), field.key.c_str());
      QCOMPARE(editor->toolTip(),
               QString::fromStdString(field.help) + QStringLiteral("\nAllowed: ") +
                   QString::fromStdString(field.allowedText()) + QStringLiteral("."));
      auto* browse = form.findChild<QToolButton*>(QStringLiteral("browse_") + key(field));
      QCOMPARE(browse != nullptr, field.isPath);
      if (field.key == "PRESET")
        continue;  // the preset picker sits above the sections
      CollapsibleSection* section = form.sectionFor(field.group);
      QVERIFY2(section->body()->isAncestorOf(editor), field.key.c_str());
      QVERIFY2(editor->isVisible(), field.key.c_str());
    }
    QCOMPARE(form.editorFor(QStringLiteral("IMG_SIZE"))->toolTip(),
             QStringLiteral("Side of the square images the model sees, in pixels. Every image is "
                            "resized to it.\nAllowed: an integer in [32, 2048], a multiple of "
                            "32."));
    QVERIFY(form.editorFor(QStringLiteral("NO_SUCH_KEY")) == nullptr);

    // A folded section hides its fields behind a one-line header.
    CollapsibleSection* augmentation = form.sectionFor(ConfigGroup::Augmentation);
    QTest::mouseClick(augmentation->header(), Qt::LeftButton);
    QVERIFY(!augmentation->isExpanded());
    QVERIFY(!form.editorFor(QStringLiteral("CLAHE_PROB"))->isVisible());
    QTest::mouseClick(augmentation->header(), Qt::LeftButton);
    QVERIFY(form.editorFor(QStringLiteral("CLAHE_PROB"))->isVisible());
  }

  void everyValueIsShownAndReadBack() {
    const TrainingConfig changed = everyKeyChanged();
    for (const ConfigField& field : configFields()) {
      QVERIFY2(configValue(changed, field) != configValue(TrainingConfig(), field),
               field.key.c_str());
    }
    ConfigForm form;
    form.show();
    form.setConfig(changed);
    QVERIFY2(form.isValid(), qPrintable(form.problems().join('\n')));
    for (const ConfigField& field : configFields()) {
      const nlohmann::json value = configValue(changed, field);
      const QString shown = shownText(form.editorFor(key(field)));
      if (field.isDouble())
        QCOMPARE(shown.toDouble(), value.get<double>());
      else if (field.isString())
        QCOMPARE(shown, QString::fromStdString(value.get<std::string>()));
      else
        QCOMPARE(shown, QString::fromStdString(value.dump()));
    }
    QCOMPARE(lineEdit(form, "MAX_LR")->text(), QStringLiteral("0.00123"));
    QCOMPARE(lineEdit(form, "ADAM_EPS")->text(), QStringLiteral("1e-06"));
    QCOMPARE(jsonText(form.config()), jsonText(changed));
    form.setConfig(TrainingConfig());
    QCOMPARE(lineEdit(form, "MAX_LR")->text(), QStringLiteral("0.0006"));
    QCOMPARE(lineEdit(form, "DIV_FACTOR")->text(), QStringLiteral("25.0"));
  }

  void everyValueTypedIsReadBack() {
    const TrainingConfig changed = everyKeyChanged();
    TrainingConfig start;  // every loss on, so that no weight field is disabled while typing
    start.useSsim = start.usePercStyle = start.useFourier = start.useGan = true;
    start.vggWeights = "/weights/other.pth";
    ConfigForm form;
    form.show();
    QVERIFY(QTest::qWaitForWindowExposed(&form));
    form.setConfig(start);
    QSignalSpy edited(&form, &ConfigForm::configEdited);

    for (const ConfigField& field : configFields()) {
      if (field.isBool())
        continue;
      const nlohmann::json value = configValue(changed, field);
      const QString text =
          QString::fromStdString(value.is_string() ? value.get<std::string>() : value.dump());
      if (auto* combo = comboBox(form, key(field))) {
        combo->setCurrentIndex(combo->findText(text));
      } else {
        QLineEdit* edit = lineEdit(form, key(field));
        QVERIFY2(edit->isEnabled(), field.key.c_str());
        type(edit, text);
      }
    }
    for (const ConfigField& field : configFields()) {
      QCheckBox* box = checkBox(form, key(field));
      if (box && box->isChecked() != configValue(changed, field).get<bool>())
        QTest::keyClick(box, Qt::Key_Space);
    }
    QVERIFY(!edited.isEmpty());
    QVERIFY2(form.isValid(), qPrintable(form.problems().join('\n')));
    QCOMPARE(jsonText(form.config()), jsonText(changed));
  }

  void anInvalidValueIsMarkedUntilFixed() {
    ConfigForm form;
    form.show();
    QVERIFY(QTest::qWaitForWindowExposed(&form));
    QSignalSpy validity(&form, &ConfigForm::validityChanged);
    QLineEdit* batch = lineEdit(form, "BATCH_SIZE");
    QLabel* message = problemLabel(form, "BATCH_SIZE");
    QVERIFY(!message->isVisible());
    QVERIFY(!hasRedFrame(batch));

    type(batch, QStringLiteral("0"));
    const QString outOfRange = QStringLiteral("BATCH_SIZE must be an integer in [1, 4096] (got 0)");
    QCOMPARE(form.problemFor("BATCH_SIZE"), outOfRange);
    QVERIFY(message->isVisible());
    QCOMPARE(message->text(), outOfRange);
    QVERIFY(hasRedFrame(batch));
    QVERIFY(!form.isValid());
    QCOMPARE(form.problems(), QStringList{QStringLiteral("BATCH_SIZE: ") + outOfRange});
    QCOMPARE(validity.size(), 1);
    QCOMPARE(validity.at(0).at(0).toBool(), false);
    QCOMPARE(form.config().batchSize, 4);  // the last valid value
    QCOMPARE(form.sectionFor(ConfigGroup::Optimisation)->header()->text(),
             QStringLiteral("Optimisation — 1 problem"));

    type(batch, QStringLiteral("four"));
    QCOMPARE(message->text(), QStringLiteral("BATCH_SIZE must be an integer in [1, 4096] (got "
                                             "'four')"));
    QCOMPARE(validity.size(), 1);  // still invalid: no new signal
    type(batch, QString());
    QCOMPARE(form.problemFor("BATCH_SIZE"),
             QStringLiteral("BATCH_SIZE must be an integer in [1, 4096] (the field is empty)"));

    type(batch, QStringLiteral("12"));
    QVERIFY(form.problemFor("BATCH_SIZE").isEmpty());
    QVERIFY(!message->isVisible());
    QVERIFY(!hasRedFrame(batch));
    QVERIFY(form.isValid());
    QVERIFY(form.problems().isEmpty());
    QCOMPARE(validity.size(), 2);
    QCOMPARE(validity.at(1).at(0).toBool(), true);
    QCOMPARE(form.config().batchSize, 12);
    QCOMPARE(form.sectionFor(ConfigGroup::Optimisation)->header()->text(),
             QStringLiteral("Optimisation"));

    type(lineEdit(form, "MAX_LR"), QStringLiteral("3e-4"));
    QCOMPARE(form.config().maxLr, 3e-4);
    type(lineEdit(form, "MAX_LR"), QStringLiteral("0"));
    QCOMPARE(form.problemFor("MAX_LR"),
             QStringLiteral("MAX_LR must be a number in (0, 10] (got 0)"));
    QCOMPARE(form.config().maxLr, 3e-4);
  }

  void problemsBetweenFieldsAreMarked() {
    ConfigForm form;
    form.show();
    QVERIFY(QTest::qWaitForWindowExposed(&form));
    type(lineEdit(form, "IMG_SIZE"), QStringLiteral("100"));
    QCOMPARE(form.problemFor("IMG_SIZE"),
             QStringLiteral("IMG_SIZE must be an integer in [32, 2048], a multiple of 32 (got "
                            "100)"));
    type(lineEdit(form, "IMG_SIZE"), QStringLiteral("96"));
    QVERIFY(form.isValid());

    type(lineEdit(form, "CLAHE_CLIP_MIN"), QStringLiteral("3"));
    QVERIFY(form.problemFor("CLAHE_CLIP_MIN").isEmpty());
    QCOMPARE(form.problemFor("CLAHE_CLIP_MAX"),
             QStringLiteral("CLAHE_CLIP_MAX must be >= CLAHE_CLIP_MIN (got 1.25 < 3)"));
    QVERIFY(hasRedFrame(form.editorFor("CLAHE_CLIP_MAX")));
    QVERIFY(!form.isValid());
    type(lineEdit(form, "CLAHE_CLIP_MAX"), QStringLiteral("4"));
    QVERIFY(form.problemFor("CLAHE_CLIP_MAX").isEmpty());
    QVERIFY(form.isValid());

    // A problem inside a folded section unfolds it and shows in its header.
    CollapsibleSection* losses = form.sectionFor(ConfigGroup::Losses);
    losses->setExpanded(false);
    QTest::keyClick(checkBox(form, "USE_PERC_STYLE"), Qt::Key_Space);
    QVERIFY(form.problemFor("VGG_WEIGHTS")
                .startsWith(QStringLiteral("USE_PERC_STYLE needs "
                                           "VGG_WEIGHTS")));
    QVERIFY(losses->isExpanded());
    QVERIFY(problemLabel(form, "VGG_WEIGHTS")->isVisible());
    QCOMPARE(losses->header()->text(), QStringLiteral("Losses — 1 problem"));
    QCOMPARE(losses->header()->palette().color(QPalette::ButtonText), errorColor());
  }

  void aGanThatWouldNeverStartIsAWarningThatDoesNotBlock() {
    ConfigForm form;
    form.show();
    QVERIFY(QTest::qWaitForWindowExposed(&form));
    type(lineEdit(form, "LONGITUDINAL_MIM_EPOCHS"), QStringLiteral("3"));
    type(lineEdit(form, "GAN_START_EPOCH"), QStringLiteral("5"));
    auto* notice = form.findChild<QLabel*>(QStringLiteral("notice_GAN_START_EPOCH"));
    QVERIFY(notice);
    QVERIFY(!notice->isVisible());  // USE_GAN is off: nothing to warn about
    QTest::keyClick(checkBox(form, "USE_GAN"), Qt::Key_Space);
    QTRY_VERIFY(notice->isVisible());
    QCOMPARE(notice->text(), QStringLiteral("USE_GAN is on but GAN_START_EPOCH 5 is after the "
                                            "last epoch (3): the adversarial term will never "
                                            "be used"));
    QVERIFY(form.isValid());  // a warning, not a problem: Start stays possible
    type(lineEdit(form, "GAN_START_EPOCH"), QStringLiteral("2"));
    QVERIFY(!notice->isVisible());
  }

  void aLossIsOneRowWhoseWeightsFollowItsToggle() {
    ConfigForm form;
    form.show();
    QVERIFY(QTest::qWaitForWindowExposed(&form));
    QCheckBox* useSsim = checkBox(form, "USE_SSIM");
    QWidget* lambdaSsim = form.editorFor("LAMBDA_SSIM");
    QCOMPARE(useSsim->text(), QStringLiteral("USE_SSIM"));
    QVERIFY(!useSsim->isChecked());
    QVERIFY(!lambdaSsim->isEnabled());

    QVERIFY(onOneLine(form, useSsim, lambdaSsim));

    QTest::keyClick(useSsim, Qt::Key_Space);
    QVERIFY(useSsim->isChecked());
    QVERIFY(lambdaSsim->isEnabled());
    QVERIFY(form.config().useSsim);
    QTest::keyClick(useSsim, Qt::Key_Space);
    QVERIFY(!lambdaSsim->isEnabled());

    // L1 has two weights on its row, even in a dock-sized form; both follow USE_L1.
    form.resize(440, 700);
    QCheckBox* useL1 = checkBox(form, "USE_L1");
    QTRY_COMPARE(form.width(), 440);
    QVERIFY(onOneLine(form, useL1, form.editorFor("LAMBDA_L1_ALL")));
    QVERIFY(onOneLine(form, form.editorFor("LAMBDA_L1_ALL"), form.editorFor("LAMBDA_L1_MASKED")));
    QVERIFY(form.editorFor("LAMBDA_L1_ALL")->isEnabled());
    QVERIFY(form.editorFor("LAMBDA_L1_MASKED")->isEnabled());
    QTest::keyClick(checkBox(form, "USE_L1"), Qt::Key_Space);
    QVERIFY(!form.editorFor("LAMBDA_L1_ALL")->isEnabled());
    QVERIFY(!form.editorFor("LAMBDA_L1_MASKED")->isEnabled());
    QVERIFY(!form.config().useL1);

    // The toggle, not the form's setter, decides: a config with SSIM on enables its weight.
    TrainingConfig config;
    config.useSsim = true;
    form.setConfig(config);
    QVERIFY(lambdaSsim->isEnabled());
  }

  void aPresetFillsTheForm() {
    ConfigForm form;
    form.show();
    QVERIFY(QTest::qWaitForWindowExposed(&form));
    TrainingConfig mine;
    mine.dataDir = "/data/mine";
    form.setConfig(mine);
    type(lineEdit(form, "BATCH_SIZE"), QStringLiteral("0"));
    QVERIFY(!form.isValid());
    QSignalSpy edited(&form, &ConfigForm::configEdited);

    auto* picker = comboBox(form, "PRESET");
    QCOMPARE(picker->objectName(), QStringLiteral("presetPicker"));
    QCOMPARE(picker->currentText(), QStringLiteral("paper"));
    picker->setFocus();
    QTest::keyClick(picker, Qt::Key_Down);  // the user picks the next preset
    QCOMPARE(picker->currentText(), QStringLiteral("cpu-demo"));

    const TrainingConfig cpuDemo = presetConfig("cpu-demo");
    QCOMPARE(cpuDemo.imgSize, 128);
    QCOMPARE(lineEdit(form, "IMG_SIZE")->text(), QStringLiteral("128"));
    QCOMPARE(lineEdit(form, "BATCH_SIZE")->text(), QString::number(cpuDemo.batchSize));
    QCOMPARE(comboBox(form, "MODEL_SIZE")->currentText(), QStringLiteral("tiny"));
    QVERIFY(form.isValid());  // the preset replaced the invalid text
    QVERIFY(form.problemFor("BATCH_SIZE").isEmpty());
    QVERIFY(edited.size() >= 1);
    // The dataset stays: a preset sizes the model and training, not which data is used.
    QCOMPARE(lineEdit(form, "DATA_DIR")->text(), QStringLiteral("/data/mine"));
    TrainingConfig expected = cpuDemo;
    expected.dataDir = "/data/mine";
    QCOMPARE(jsonText(form.config()), jsonText(expected));

    QVERIFY(form.applyPreset(QStringLiteral("tiny")));
    QCOMPARE(picker->currentText(), QStringLiteral("tiny"));
    QCOMPARE(lineEdit(form, "IMG_SIZE")->text(), QString::number(presetConfig("tiny").imgSize));

    QSignalSpy errors(&form, &ConfigForm::errorOccurred);
    QVERIFY(!form.applyPreset(QStringLiteral("huge")));
    QCOMPARE(errors.size(), 1);
    QVERIFY(errors.at(0).at(0).toString().contains(QStringLiteral("unknown preset 'huge'")));
    QCOMPARE(lineEdit(form, "IMG_SIZE")->text(), QString::number(presetConfig("tiny").imgSize));
    closeErrorBox(form);
  }

  void savedParametersLoadBack() {
    const QString path = dir_.filePath(QStringLiteral("round_trip.json"));
    const TrainingConfig changed = everyKeyChanged();
    {
      ConfigForm form;
      form.setConfig(changed);
      QVERIFY(form.saveFile(path));
    }
    QCOMPARE(nlohmann::ordered_json::parse(readText(path).toStdString()), configToJson(changed));

    ConfigForm form;
    form.show();
    QVERIFY(QTest::qWaitForWindowExposed(&form));
    QSignalSpy edited(&form, &ConfigForm::configEdited);
    QVERIFY(form.loadFile(path));
    QCOMPARE(edited.size(), 1);
    QCOMPARE(jsonText(form.config()), jsonText(changed));
    QCOMPARE(lineEdit(form, "RUN_NAME")->text(), QStringLiteral("ablation 3"));
    QCOMPARE(comboBox(form, "SSIM_MODE")->currentText(), QStringLiteral("ms-ssim"));

    // The Load… button asks for the file without blocking and loads what is chosen.
    form.setConfig(TrainingConfig());
    QTest::mouseClick(form.findChild<QPushButton*>(QStringLiteral("loadConfigButton")),
                      Qt::LeftButton);
    auto* dialog = form.findChild<QFileDialog*>(QStringLiteral("loadConfigDialog"));
    QVERIFY(dialog);
    QTRY_VERIFY(dialog->isVisible());
    dialog->selectFile(path);
    QVERIFY(QMetaObject::invokeMethod(dialog, "accept"));  // the dialog's Open button
    QCOMPARE(lineEdit(form, "IMG_SIZE")->text(), QStringLiteral("256"));
    QCOMPARE(jsonText(form.config()), jsonText(changed));
  }

  void aBadFileLeavesTheFormUnchanged() {
    ConfigForm form;
    form.show();
    QVERIFY(QTest::qWaitForWindowExposed(&form));
    const TrainingConfig before = everyKeyChanged();
    form.setConfig(before);
    QSignalSpy errors(&form, &ConfigForm::errorOccurred);
    QSignalSpy edited(&form, &ConfigForm::configEdited);

    const QString unknown = dir_.filePath(QStringLiteral("unknown_key.json"));
    writeText(unknown, R"({"BATCH_SIZE": 8, "LAMBDA_SSMI": 2.0})");
    QVERIFY(!form.loadFile(unknown));
    QCOMPARE(errors.size(), 1);
    const QString message = errors.at(0).at(0).toString();
    QCOMPARE(message,
             unknown + QStringLiteral(": unknown key 'LAMBDA_SSMI' (did you mean LAMBDA_SSIM?)"));
    QMessageBox* box = errorBox(form);
    QVERIFY(box);
    QTRY_VERIFY(box->isVisible());
    QCOMPARE(box->text(), message);
    QCOMPARE(lineEdit(form, "BATCH_SIZE")->text(), QStringLiteral("16"));
    QCOMPARE(jsonText(form.config()), jsonText(before));
    QCOMPARE(edited.size(), 0);
    closeErrorBox(form);

    const QString wrongType = dir_.filePath(QStringLiteral("wrong_type.json"));
    writeText(wrongType, R"({"BATCH_SIZE": "eight"})");
    QVERIFY(!form.loadFile(wrongType));
    QVERIFY(errors.last().at(0).toString().startsWith(wrongType + QStringLiteral(": BATCH_SIZE")));
    closeErrorBox(form);

    const QString notJson = dir_.filePath(QStringLiteral("not_json.json"));
    writeText(notJson, "{\"BATCH_SIZE\": 8,");
    QVERIFY(!form.loadFile(notJson));
    QVERIFY(
        errors.last().at(0).toString().startsWith(notJson + QStringLiteral(": not valid JSON")));
    closeErrorBox(form);

    const QString missing = dir_.filePath(QStringLiteral("missing.json"));
    QVERIFY(!form.loadFile(missing));
    QVERIFY(errors.last().at(0).toString().contains(missing));
    closeErrorBox(form);

    QCOMPARE(errors.size(), 4);
    QCOMPARE(jsonText(form.config()), jsonText(before));
    QVERIFY(form.isValid());
  }

  void outOfRangeValuesOfALoadedFileAreMarked() {
    const QString path = dir_.filePath(QStringLiteral("out_of_range.json"));
    writeText(path, R"({"BATCH_SIZE": 0, "MODEL_ARCH": "huge"})");
    ConfigForm form;
    form.show();
    QSignalSpy validity(&form, &ConfigForm::validityChanged);
    QVERIFY(form.loadFile(path));
    QCOMPARE(lineEdit(form, "BATCH_SIZE")->text(), QStringLiteral("0"));
    QCOMPARE(form.problemFor("BATCH_SIZE"),
             QStringLiteral("BATCH_SIZE must be an integer in [1, 4096] (got 0)"));
    QCOMPARE(comboBox(form, "MODEL_ARCH")->currentText(), QStringLiteral("huge"));
    QCOMPARE(form.problemFor("MODEL_ARCH"),
             QStringLiteral("MODEL_ARCH must be one of: big, reference (got 'huge')"));
    QVERIFY(hasRedFrame(form.editorFor("MODEL_ARCH")));
    QCOMPARE(validity.size(), 1);
    QCOMPARE(validity.at(0).at(0).toBool(), false);

    // Choosing a real architecture clears the mark and drops the stray entry on the next fill.
    QComboBox* arch = comboBox(form, "MODEL_ARCH");
    arch->setCurrentIndex(arch->findText(QStringLiteral("reference")));
    QVERIFY(form.problemFor("MODEL_ARCH").isEmpty());
    form.setConfig(TrainingConfig());
    QCOMPARE(arch->count(), 2);
    QVERIFY(form.isValid());
  }

  void saveRefusesWhileInvalidAndNeverDamagesAFile() {
    const QString path = dir_.filePath(QStringLiteral("kept.json"));
    writeText(path, "{\"BATCH_SIZE\": 2}\n");
    ConfigForm form;
    form.show();
    QSignalSpy errors(&form, &ConfigForm::errorOccurred);
    type(lineEdit(form, "BATCH_SIZE"), QStringLiteral("0"));
    type(lineEdit(form, "IMG_SIZE"), QStringLiteral("100"));
    QVERIFY(!form.saveFile(path));
    QCOMPARE(errors.size(), 1);
    QCOMPARE(
        errors.at(0).at(0).toString(),
        QStringLiteral("Cannot save %1 while fields are invalid: IMG_SIZE, BATCH_SIZE").arg(path));
    QCOMPARE(readText(path), QByteArray("{\"BATCH_SIZE\": 2}\n"));
    closeErrorBox(form);

    // The Save… button refuses before asking where.
    QTest::mouseClick(form.findChild<QPushButton*>(QStringLiteral("saveConfigButton")),
                      Qt::LeftButton);
    QCOMPARE(errors.size(), 2);
    QVERIFY(!form.findChild<QFileDialog*>(QStringLiteral("saveConfigDialog")));
    QVERIFY(errors.at(1).at(0).toString().endsWith(QStringLiteral("IMG_SIZE, BATCH_SIZE")));
    closeErrorBox(form);

    type(lineEdit(form, "BATCH_SIZE"), QStringLiteral("2"));
    type(lineEdit(form, "IMG_SIZE"), QStringLiteral("64"));
    const QString nowhere = dir_.filePath(QStringLiteral("no_such_folder/params.json"));
    QVERIFY(!form.saveFile(nowhere));
    QCOMPARE(errors.size(), 3);
    QVERIFY2(errors.at(2).at(0).toString().contains(nowhere),
             qPrintable(errors.at(2).at(0).toString()));
    closeErrorBox(form);

    QVERIFY(form.saveFile(path));
    QCOMPARE(nlohmann::json::parse(readText(path).toStdString())["IMG_SIZE"], 64);
  }

  void aRunLocksFixedFieldsAndSendsLiveEdits() {
    ConfigForm form;
    form.show();
    QVERIFY(QTest::qWaitForWindowExposed(&form));
    QSignalSpy live(&form, &ConfigForm::liveEditRequested);
    QLineEdit* lambdaL2 = lineEdit(form, "LAMBDA_L2");
    QLineEdit* multiplier = lineEdit(form, ConfigForm::lrMultiplierKey);
    QVERIFY(multiplier);
    QCOMPARE(multiplier->text(), QStringLiteral("1.0"));
    QVERIFY(!multiplier->isEnabled());

    typeAndReturn(lambdaL2, QStringLiteral("0.5"));  // no run: just an edit
    QCOMPARE(live.size(), 0);

    form.setRunActive(true);
    for (const char* locked : {"IMG_SIZE", "BATCH_SIZE", "MODEL_ARCH", "DATA_DIR", "PRESET"})
      QVERIFY2(!form.editorFor(locked)->isEnabled(), locked);
    QVERIFY(form.editorFor("IMG_SIZE")
                ->toolTip()
                .startsWith(QStringLiteral(
                    "Fixed for the whole run: changing IMG_SIZE would need a new model.")));
    QVERIFY(form.editorFor("BATCH_SIZE")
                ->toolTip()
                .startsWith(QStringLiteral("Fixed for the whole run: changing BATCH_SIZE")));
    QVERIFY(!form.findChild<QPushButton*>(QStringLiteral("loadConfigButton"))->isEnabled());
    QVERIFY(form.findChild<QPushButton*>(QStringLiteral("saveConfigButton"))->isEnabled());
    QVERIFY(!form.findChild<QToolButton*>(QStringLiteral("browse_DATA_DIR"))->isEnabled());
    QVERIFY(lambdaL2->isEnabled());
    QVERIFY(!lambdaL2->toolTip().contains(QStringLiteral("Fixed")));
    QVERIFY(multiplier->isEnabled());

    typeAndReturn(lambdaL2, QStringLiteral("0.25"));
    QCOMPARE(live.size(), 1);
    QCOMPARE(live.at(0).at(0).toString(), QStringLiteral("LAMBDA_L2"));
    QCOMPARE(live.at(0).at(1).value<nlohmann::json>().get<double>(), 0.25);
    QCOMPARE(form.config().lambdaL2, 0.25);
    QTest::keyClick(lambdaL2, Qt::Key_Return);  // nothing new to send
    QCOMPARE(live.size(), 1);

    typeAndReturn(lambdaL2, QStringLiteral("-1"));
    QCOMPARE(form.problemFor("LAMBDA_L2"),
             QStringLiteral("LAMBDA_L2 must be a number >= 0 (got -1)"));
    QCOMPARE(live.size(), 1);
    typeAndReturn(lambdaL2, QStringLiteral("0.25"));  // back to what the trainer has
    QCOMPARE(live.size(), 1);

    QTest::keyClick(checkBox(form, "USE_SSIM"), Qt::Key_Space);
    QCOMPARE(live.size(), 2);
    QCOMPARE(live.at(1).at(0).toString(), QStringLiteral("USE_SSIM"));
    QCOMPARE(live.at(1).at(1).value<nlohmann::json>(), nlohmann::json(true));
    QVERIFY(form.editorFor("LAMBDA_SSIM")->isEnabled());

    // The trainer would refuse perceptual loss without VGG weights: marked, not sent.
    QTest::keyClick(checkBox(form, "USE_PERC_STYLE"), Qt::Key_Space);
    QCOMPARE(live.size(), 2);
    QVERIFY(!form.problemFor("VGG_WEIGHTS").isEmpty());
    QTest::keyClick(checkBox(form, "USE_PERC_STYLE"), Qt::Key_Space);
    QCOMPARE(live.size(), 2);
    QVERIFY(form.isValid());

    typeAndReturn(multiplier, QStringLiteral("0.5"));
    QCOMPARE(live.size(), 3);
    QCOMPARE(live.at(2).at(0).toString(), QStringLiteral("LR_MULTIPLIER"));
    QCOMPARE(live.at(2).at(1).value<nlohmann::json>().get<double>(), 0.5);
    QCOMPARE(form.lrMultiplier(), 0.5);
    typeAndReturn(multiplier, QStringLiteral("0"));
    QCOMPARE(form.problemFor(ConfigForm::lrMultiplierKey),
             QStringLiteral("LR_MULTIPLIER must be a number > 0 (got 0)"));
    QCOMPARE(live.size(), 3);
    QCOMPARE(form.lrMultiplier(), 0.5);
    typeAndReturn(multiplier, QStringLiteral("2"));
    QCOMPARE(live.size(), 4);

    TrainingConfig resumed;
    form.setConfig(resumed);
    QCOMPARE(multiplier->text(), QStringLiteral("1.0"));
    QVERIFY(!form.editorFor("IMG_SIZE")->isEnabled());  // still running

    form.setRunActive(false);
    QVERIFY(form.editorFor("IMG_SIZE")->isEnabled());
    QVERIFY(!form.editorFor("IMG_SIZE")->toolTip().contains(QStringLiteral("Fixed")));
    QVERIFY(form.editorFor("PRESET")->isEnabled());
    QVERIFY(form.findChild<QPushButton*>(QStringLiteral("loadConfigButton"))->isEnabled());
    QVERIFY(!multiplier->isEnabled());
    QCOMPARE(multiplier->text(), QStringLiteral("1.0"));
    typeAndReturn(lambdaL2, QStringLiteral("3"));
    QCOMPARE(live.size(), 4);
  }
};

QTEST_MAIN(TestConfigForm)
#include "TestConfigForm.moc"
