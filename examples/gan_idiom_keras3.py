"""A DCGAN written with the Keras 2 idiom, run under Keras 3.

`discriminator.trainable = False` after compiling the discriminator and before compiling the
combined model: Keras 2 restores the compile-time state at every train call, so the
discriminator trains in its own step. Keras 3 captures `trainable` at the first training step,
so here the discriminator's own train_on_batch updates nothing.
"""
import numpy as np
import keras
from keras import layers

LATENT = 64

generator = keras.Sequential([
    keras.Input((LATENT,)),
    layers.Dense(7 * 7 * 64, activation="relu"),
    layers.Reshape((7, 7, 64)),
    layers.Conv2DTranspose(32, 4, strides=2, padding="same", activation="relu"),
    layers.Conv2DTranspose(1, 4, strides=2, padding="same", activation="sigmoid"),
])
discriminator = keras.Sequential([
    keras.Input((28, 28, 1)),
    layers.Conv2D(32, 3, strides=2, activation="relu"),
    layers.Flatten(),
    layers.Dense(1, activation="sigmoid"),
])
discriminator.compile(optimizer="adam", loss="binary_crossentropy")
discriminator.trainable = False

z = keras.Input((LATENT,))
gan = keras.Model(z, discriminator(generator(z)))
gan.compile(optimizer="adam", loss="binary_crossentropy")

real = np.random.rand(64, 28, 28, 1).astype("float32")
for step in range(1000):
    noise = np.random.normal(size=(32, LATENT))
    fake = generator.predict(noise, verbose=0)
    batch = real[np.random.randint(0, len(real), 32)]
    discriminator.train_on_batch(np.concatenate([batch, fake]), np.r_[np.ones(32), np.zeros(32)])
    gan.train_on_batch(noise, np.ones(32))
