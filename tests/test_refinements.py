"""Behaviour refined after reviewing real public training scripts."""

from __future__ import annotations

import textwrap

from tllint.analysis import analyze_source
from tllint.rules import registry
from tllint.settings import Settings


def lint(src: str, target: str = "auto"):
    return analyze_source(textwrap.dedent(src), "train.py", Settings(target_keras=target), enabled=set(registry()))


HEAD = """
    import keras
    base = keras.applications.MobileNetV2(include_top=False, input_shape=(96, 96, 3))
    base.trainable = {flag}
    inp = keras.Input((96, 96, 3))
    x = keras.applications.mobilenet_v2.preprocess_input(inp)
    x = keras.layers.GlobalAveragePooling2D()(base(x, training=False))
    model = keras.Model(inp, keras.layers.Dense(2, activation="softmax")(x))
    model.compile({opt}, "sparse_categorical_crossentropy")
"""


def test_explicit_unfreeze_at_a_fine_tuning_rate_is_a_warning():
    findings = [f for f in lint(HEAD.format(flag=True, opt="keras.optimizers.Adam(1e-5)"), "3.15") if f.code == "TL201"]
    assert [(f.line, f.severity) for f in findings] == [(4, "warning")]
    assert "on purpose" in findings[0].message


def test_explicit_unfreeze_at_the_default_rate_is_an_error():
    findings = [f for f in lint(HEAD.format(flag=True, opt="'adam'"), "3.15") if f.code == "TL201"]
    assert [(f.line, f.severity) for f in findings] == [(4, "error")]


def test_model_only_predicted_on_unknown_data_and_saved_gets_no_pixel_assumption():
    src = """
        import numpy as np
        import keras
        base = keras.applications.MobileNetV2(include_top=False, input_shape=(96, 96, 3))
        base.trainable = False
        inp = keras.Input((96, 96, 3))
        x = keras.layers.GlobalAveragePooling2D()(base(inp))
        model = keras.Model(inp, keras.layers.Dense(2, activation="softmax")(x))
        model.compile("adam", "sparse_categorical_crossentropy")
        model.predict(np.random.rand(1, 96, 96, 3))
        model.save("serve.keras")
    """
    assert [f.code for f in lint(src) if f.code.startswith("TL1")] == []


def test_cv2_images_get_the_bgr_conversion_in_the_advice():
    src = """
        import cv2
        import numpy as np
        from tensorflow.keras.applications import ResNet50
        model = ResNet50(weights="imagenet")
        img = cv2.imread("cat.jpg")
        batch = np.expand_dims(img, 0)
        print(model.predict(batch))
    """
    findings = [f for f in lint(src) if f.code == "TL101"]
    assert len(findings) == 1
    assert "cv2.COLOR_BGR2RGB" in findings[0].message


def test_syntax_errors_use_pythons_message_and_position():
    findings = analyze_source('import keras\nprint "x"\n', "train.py")
    assert [(f.code, f.line, f.column) for f in findings] == [("TL000", 2, 1)]
    assert "Missing parentheses" in findings[0].message
