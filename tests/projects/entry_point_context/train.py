"""Entry point: python train.py --data data/leaves"""
import argparse
import logging

import tensorflow as tf

from nets.backbones import build_classifier
from pipeline import make_datasets

log = logging.getLogger(__name__)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", default="data/leaves")
    parser.add_argument("--epochs", type=int, default=10)
    args = parser.parse_args()
    train_ds, val_ds = make_datasets(args.data)
    model = build_classifier(num_classes=4)
    model.compile(optimizer=tf.keras.optimizers.Adam(1e-3), loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    callbacks = [tf.keras.callbacks.EarlyStopping(patience=3, restore_best_weights=True)]
    model.fit(train_ds, validation_data=val_ds, epochs=args.epochs, callbacks=callbacks)
    log.info("done")


if __name__ == "__main__":
    main()
