"""Two-phase transfer learning on a folder of flower photos, done right.

Phase 1 trains a new head on a frozen MobileNetV2; phase 2 unfreezes the top of the backbone,
keeps its BatchNormalization layers frozen, recompiles with a new optimizer and a low learning
rate, and fine-tunes. tllint reports nothing on this script.

    python finetune_flowers.py --data flower_photos --epochs 10 --fine-tune-epochs 10
"""
from __future__ import annotations

import argparse
import json
import os
from pathlib import Path

import tensorflow as tf
from tensorflow import keras
from tensorflow.keras import layers

IMG_SIZE = (160, 160)
BATCH_SIZE = 32
HEAD_LR = 1e-3
FINE_TUNE_LR = 1e-5
FINE_TUNE_AT = 100
AUTOTUNE = tf.data.AUTOTUNE


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", default="flower_photos", help="folder with one sub-folder per class")
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--fine-tune-epochs", type=int, default=10)
    parser.add_argument("--out", default="runs/flowers")
    parser.add_argument("--no-fine-tune", action="store_true")
    return parser.parse_args()


def load_datasets(root: str):
    """Train/validation split of a class-per-folder image tree; pixels stay 0..255."""
    train = keras.utils.image_dataset_from_directory(
        root,
        validation_split=0.2,
        subset="training",
        seed=123,
        image_size=IMG_SIZE,
        batch_size=BATCH_SIZE,
    )
    val = keras.utils.image_dataset_from_directory(
        root,
        validation_split=0.2,
        subset="validation",
        seed=123,
        image_size=IMG_SIZE,
        batch_size=BATCH_SIZE,
    )
    class_names = train.class_names
    train = train.cache().shuffle(1000).prefetch(AUTOTUNE)
    val = val.cache().prefetch(AUTOTUNE)
    return train, val, class_names


def augmentation() -> keras.Sequential:
    return keras.Sequential(
        [
            layers.RandomFlip("horizontal"),
            layers.RandomRotation(0.1),
            layers.RandomZoom(0.1),
        ],
        name="augmentation",
    )


def build_model(num_classes: int):
    """MobileNetV2 feature extractor with a new softmax head.

    The model takes raw 0..255 pixels: MobileNetV2's own preprocess_input maps them to [-1, 1].
    """
    base = keras.applications.MobileNetV2(
        input_shape=IMG_SIZE + (3,),
        include_top=False,
        weights="imagenet",
    )
    base.trainable = False

    inputs = keras.Input(shape=IMG_SIZE + (3,))
    x = augmentation()(inputs)
    x = keras.applications.mobilenet_v2.preprocess_input(x)
    x = base(x, training=False)
    x = layers.GlobalAveragePooling2D()(x)
    outputs = layers.Dense(num_classes, activation="softmax", name="classifier")(x)
    model = keras.Model(inputs, outputs, name="flowers")
    return base, model


def callbacks(out_dir: Path, phase: str) -> list:
    out_dir.mkdir(parents=True, exist_ok=True)
    return [
        keras.callbacks.EarlyStopping(monitor="val_accuracy", patience=3, restore_best_weights=True),
        keras.callbacks.CSVLogger(str(out_dir / f"{phase}.csv")),
    ]


def train_head(model, train, val, epochs: int, out_dir: Path):
    model.compile(
        optimizer=keras.optimizers.Adam(learning_rate=HEAD_LR),
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy"],
    )
    return model.fit(train, validation_data=val, epochs=epochs, callbacks=callbacks(out_dir, "head"))


def unfreeze_top(base, fine_tune_at: int) -> int:
    """Unfreeze the layers from `fine_tune_at` on, keeping every BatchNormalization frozen."""
    base.trainable = True
    for layer in base.layers[:fine_tune_at]:
        layer.trainable = False
    for layer in base.layers:
        if isinstance(layer, layers.BatchNormalization):
            layer.trainable = False
    return sum(1 for layer in base.layers if layer.trainable)


def fine_tune(model, train, val, epochs: int, initial_epoch: int, out_dir: Path):
    # A new optimizer instance: the old one was built for the head's variables only.
    model.compile(
        optimizer=keras.optimizers.Adam(learning_rate=FINE_TUNE_LR),
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy"],
    )
    return model.fit(
        train,
        validation_data=val,
        epochs=initial_epoch + epochs,
        initial_epoch=initial_epoch,
        callbacks=callbacks(out_dir, "fine_tune"),
    )


def report(history, out_dir: Path) -> dict:
    summary = {
        "best_val_accuracy": max(history.history.get("val_accuracy", [0.0])),
        "epochs": len(history.history.get("loss", [])),
    }
    (out_dir / "summary.json").write_text(json.dumps(summary, indent=2))
    return summary


def main() -> None:
    args = parse_args()
    out_dir = Path(args.out)
    os.makedirs(out_dir, exist_ok=True)

    train, val, class_names = load_datasets(args.data)
    base, model = build_model(len(class_names))
    model.summary()

    history = train_head(model, train, val, args.epochs, out_dir)
    print("head:", report(history, out_dir))

    if args.no_fine_tune:
        model.save(out_dir / "model.keras")
        return

    trainable = unfreeze_top(base, FINE_TUNE_AT)
    print(f"fine-tuning {trainable} of {len(base.layers)} backbone layers")
    history = fine_tune(model, train, val, args.fine_tune_epochs, len(history.epoch), out_dir)
    print("fine-tune:", report(history, out_dir))

    loss, accuracy = model.evaluate(val)
    print(f"validation accuracy {accuracy:.3f}, loss {loss:.3f}")
    model.save(out_dir / "model.keras")


if __name__ == "__main__":
    main()
