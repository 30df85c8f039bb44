"""A typical ~200-line transfer-learning script (benchmark input, written for tllint's bench).

Fine-tunes EfficientNetB0 on a folder of flower photos in two phases: a frozen backbone with a
new head, then the top blocks unfrozen with a small learning rate.
"""

import argparse
import json
import os
import random
from pathlib import Path

import numpy as np
import tensorflow as tf
from tensorflow import keras
from tensorflow.keras import layers

IMG_SIZE = 224
BATCH_SIZE = 32
SEED = 1234
AUTOTUNE = tf.data.AUTOTUNE


def parse_args():
    parser = argparse.ArgumentParser(description="Fine-tune EfficientNetB0 on flowers")
    parser.add_argument("--data-dir", default="data/flowers")
    parser.add_argument("--out-dir", default="runs/effnet")
    parser.add_argument("--head-epochs", type=int, default=5)
    parser.add_argument("--fine-epochs", type=int, default=10)
    parser.add_argument("--unfreeze", type=int, default=40)
    parser.add_argument("--lr", type=float, default=1e-3)
    parser.add_argument("--fine-lr", type=float, default=1e-5)
    parser.add_argument("--label-smoothing", type=float, default=0.1)
    parser.add_argument("--mixed-precision", action="store_true")
    return parser.parse_args()


def seed_everything(seed):
    random.seed(seed)
    np.random.seed(seed)
    tf.random.set_seed(seed)
    os.environ["PYTHONHASHSEED"] = str(seed)


def load_datasets(data_dir):
    train_ds = keras.utils.image_dataset_from_directory(
        data_dir,
        validation_split=0.2,
        subset="training",
        seed=SEED,
        image_size=(IMG_SIZE, IMG_SIZE),
        batch_size=BATCH_SIZE,
        label_mode="categorical",
    )
    val_ds = keras.utils.image_dataset_from_directory(
        data_dir,
        validation_split=0.2,
        subset="validation",
        seed=SEED,
        image_size=(IMG_SIZE, IMG_SIZE),
        batch_size=BATCH_SIZE,
        label_mode="categorical",
    )
    class_names = train_ds.class_names
    return train_ds, val_ds, class_names


def augmentation():
    return keras.Sequential(
        [
            layers.RandomFlip("horizontal"),
            layers.RandomRotation(0.1),
            layers.RandomZoom(0.1),
            layers.RandomContrast(0.1),
        ],
        name="augmentation",
    )


def prepare(ds, training):
    if training:
        ds = ds.shuffle(1000, seed=SEED)
    return ds.cache().prefetch(AUTOTUNE)


def build_model(num_classes):
    inputs = keras.Input(shape=(IMG_SIZE, IMG_SIZE, 3), name="image")
    x = augmentation()(inputs)
    base = keras.applications.EfficientNetB0(
        include_top=False,
        weights="imagenet",
        input_shape=(IMG_SIZE, IMG_SIZE, 3),
    )
    base.trainable = False
    x = base(x, training=False)
    x = layers.GlobalAveragePooling2D(name="avg_pool")(x)
    x = layers.BatchNormalization()(x)
    x = layers.Dropout(0.3, name="top_dropout")(x)
    outputs = layers.Dense(num_classes, activation="softmax", dtype="float32", name="pred")(x)
    model = keras.Model(inputs, outputs, name="effnet_flowers")
    return model, base


def compile_model(model, lr, label_smoothing):
    model.compile(
        optimizer=keras.optimizers.Adam(learning_rate=lr),
        loss=keras.losses.CategoricalCrossentropy(label_smoothing=label_smoothing),
        metrics=["accuracy", keras.metrics.TopKCategoricalAccuracy(k=3, name="top3")],
    )


def callbacks(out_dir, phase):
    out = Path(out_dir) / phase
    out.mkdir(parents=True, exist_ok=True)
    return [
        keras.callbacks.ModelCheckpoint(str(out / "best.keras"), monitor="val_accuracy", save_best_only=True),
        keras.callbacks.EarlyStopping(monitor="val_loss", patience=3, restore_best_weights=True),
        keras.callbacks.ReduceLROnPlateau(monitor="val_loss", factor=0.5, patience=2, min_lr=1e-7),
        keras.callbacks.CSVLogger(str(out / "log.csv")),
    ]


def unfreeze_top(base, count):
    base.trainable = True
    for layer in base.layers[:-count]:
        layer.trainable = False
    for layer in base.layers[-count:]:
        if isinstance(layer, layers.BatchNormalization):
            layer.trainable = False


def summarize(history, phase):
    best = max(history.history.get("val_accuracy", [0.0]))
    last = history.history.get("val_loss", [float("nan")])[-1]
    print(f"[{phase}] best val_accuracy={best:.4f} last val_loss={last:.4f}")
    return {"phase": phase, "best_val_accuracy": float(best), "last_val_loss": float(last)}


def evaluate(model, val_ds, class_names):
    confusion = np.zeros((len(class_names), len(class_names)), dtype=np.int64)
    for images, labels in val_ds:
        probs = model.predict(images, verbose=0)
        pred = np.argmax(probs, axis=1)
        true = np.argmax(labels.numpy(), axis=1)
        for t, p in zip(true, pred):
            confusion[t, p] += 1
    per_class = {}
    for i, name in enumerate(class_names):
        total = confusion[i].sum()
        per_class[name] = float(confusion[i, i] / total) if total else 0.0
    return confusion, per_class


def save_report(out_dir, results, per_class, class_names):
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    report = {"phases": results, "per_class_accuracy": per_class, "classes": class_names}
    (out / "report.json").write_text(json.dumps(report, indent=2))


def main():
    args = parse_args()
    seed_everything(SEED)
    if args.mixed_precision:
        keras.mixed_precision.set_global_policy("mixed_float16")

    train_ds, val_ds, class_names = load_datasets(args.data_dir)
    train_ds = prepare(train_ds, training=True)
    val_ds = prepare(val_ds, training=False)

    model, base = build_model(len(class_names))
    compile_model(model, args.lr, args.label_smoothing)
    model.summary()

    results = []
    history = model.fit(
        train_ds,
        validation_data=val_ds,
        epochs=args.head_epochs,
        callbacks=callbacks(args.out_dir, "head"),
    )
    results.append(summarize(history, "head"))

    unfreeze_top(base, args.unfreeze)
    compile_model(model, args.fine_lr, args.label_smoothing)
    history = model.fit(
        train_ds,
        validation_data=val_ds,
        epochs=args.head_epochs + args.fine_epochs,
        initial_epoch=args.head_epochs,
        callbacks=callbacks(args.out_dir, "fine"),
    )
    results.append(summarize(history, "fine"))

    confusion, per_class = evaluate(model, val_ds, class_names)
    print(confusion)
    save_report(args.out_dir, results, per_class, class_names)
    model.save(str(Path(args.out_dir) / "final.keras"))


if __name__ == "__main__":
    main()
