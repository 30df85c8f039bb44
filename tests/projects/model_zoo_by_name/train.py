"""Train the model a YAML config names: `python train.py --config configs/mobile.yaml`."""
import argparse
import importlib

import tensorflow as tf
import yaml

from data import load

parser = argparse.ArgumentParser()
parser.add_argument("--config", required=True)
args = parser.parse_args()
with open(args.config) as f:
    cfg = yaml.safe_load(f)

module = importlib.import_module("zoo." + cfg["module"])
model = getattr(module, cfg["model"])(num_classes=2)

optimizer = tf.keras.optimizers.Adam(1e-3)
loss_fn = tf.keras.losses.CategoricalCrossentropy()


@tf.function
def train_step(images, labels):
    with tf.GradientTape() as tape:
        probs = model(images, training=True)
        loss = loss_fn(labels, probs)
    grads = tape.gradient(loss, model.trainable_variables)
    optimizer.apply_gradients(zip(grads, model.trainable_variables))
    return loss


train_ds = load(cfg["train_files"], cfg["batch_size"])
for epoch in range(cfg["epochs"]):
    for images, labels in train_ds:
        train_step(images, labels)
model.save_weights(cfg["output"])
