"""TL202 with a custom `train_step` (a Model subclass driven by `fit`, TensorFlow backend): the
unfreeze after the first fit without a recompile is ignored there too."""
import numpy as np
import keras
import tensorflow as tf


class Trainer(keras.Model):
    def train_step(self, data):
        x, y = data
        with tf.GradientTape() as tape:
            loss = self.compute_loss(x=x, y=y, y_pred=self(x, training=True))
        grads = tape.gradient(loss, self.trainable_variables)
        self.optimizer.apply_gradients(zip(grads, self.trainable_variables))
        return {"loss": loss}


rng = np.random.default_rng(0)
X = rng.integers(0, 256, (32, 96, 96, 3)).astype("float32")
Y = rng.integers(0, 2, (32,))

base = keras.applications.MobileNetV2(include_top=False, input_shape=(96, 96, 3), weights=None)  # L:ctor
base.trainable = False  # L:freeze
inp = keras.Input((96, 96, 3))
x = keras.layers.Rescaling(1 / 127.5, offset=-1)(inp)
x = base(x, training=False)
x = keras.layers.GlobalAveragePooling2D()(x)
model = Trainer(inp, keras.layers.Dense(2)(x))
model.compile(keras.optimizers.Adam(1e-3), keras.losses.SparseCategoricalCrossentropy(from_logits=True))
model.fit(X, Y, batch_size=8, epochs=3)  # L:fit1

base.trainable = True  # L:TL202
model.fit(X, Y, batch_size=8, epochs=3)  # L:fit2
